"""Drafting a new source into the fact base, and finding the drafts that remain.

``factcli draft FILE`` reads an article and proposes, as YAML in the fact base's own schema,
the people, organizations and places it names and the numbers it gives; every proposed claim's
text is the sentence it comes from, marked ``draft:`` (the note says what is still to do), and
cites that sentence verbatim. Nothing is invented: each field is a quote, a position in the
text, a name as written or a placeholder beginning ``TODO:`` (``model.PLACEHOLDER``).

``unfinished`` lists what a curator still has to do in a fact file (``check --strict``): each
draft claim and each placeholder, at its ``FILE:LINE:COL``.
"""

from __future__ import annotations

import json
import os
import re
from typing import NamedTuple

from .errors import Problem, UsageError
from .files import source_path
from .load import Mapping, Sequence, decode, parse_tree, read_bytes
from .model import QUALIFIERS, is_placeholder, parse_number
from .normalize import fold
from .query import Catalog
from .quote import read_source
from .store import fact_files
from .values import Frozen, set_field


def unfinished(path: str | os.PathLike[str]) -> list[Problem]:
    """Every draft claim and placeholder of a (valid) fact base, in file order, at its position."""
    return [problem for file in fact_files(path) for problem in _unfinished_in(file)]


def _unfinished_in(path: str | os.PathLike[str]) -> list[Problem]:
    name = os.fspath(path)
    tree, _ = parse_tree(decode(read_bytes(path), name), name)
    found: list[Problem] = []
    entities = tree.get("entities") if isinstance(tree, Mapping) else None
    if not isinstance(entities, Sequence):
        return found
    for entity in entities:
        if not isinstance(entity, Mapping):
            continue
        for field in ("id", "name", "summary"):
            value = entity.get(field)
            if isinstance(value, str) and is_placeholder(value):
                line, column = entity.value_pos[field]
                found.append(Problem(name, line, column, f"placeholder: the entity's {field} is {value!r}"))
        claims = entity.get("claims")
        if not isinstance(claims, Sequence):
            continue
        for claim, (line, column) in claims.items_with_pos():
            if isinstance(claim, Mapping) and "draft" in claim:
                text = str(claim.get("text", ""))[:60]
                found.append(Problem(name, line, column, f"draft: the claim is still the source's words: {text!r}"))
    return found


# -- proposing: sentences, names, numbers, dates ---------------------------------------------------
MAX_QUOTE = 300  # check.MAX_QUOTE_CHARS: a longer sentence is quoted around what it names
TODO_SUMMARY = "TODO: describe"
PLACE_KINDS = ("person", "organization", "place")

# Words that mark a span as an organization, inside it ("Liberal Democratic Party") or right
# after it in lower case ("the Yomiuri newspaper", "the Japanese government").
ORG_WORDS = frozenset(
    "Party Ministry Committee Association Council Group Caucus Society Societies Shimbun Army Bureau Diet"
    " Cross Agency Commission Department Office Mission Union Organization Nations Assembly Court Police"
    " Club Company Corporation Foundation Institute University School Church Federation League".split()
)
ORG_AFTER = ("government", "newspaper", "administration", "ministry", "caucus", "agents", "societies", "society")
PERSON_AFTER = ("official", "ambassador", "spokesman", "spokeswoman", "envoy", "diplomat")
# Titles before a name mark a person; they are not part of the name.
TITLES = (
    "Deputy Chief Cabinet Secretary", "Chief Cabinet Secretary", "Prime Minister", "Foreign Minister",
    "Defense Secretary", "Secretary of State", "President", "Vice President", "Ambassador", "Minister",
    "Secretary", "Director-General", "Director General", "Rep.", "Sen.", "Gov.", "Mr.", "Mrs.", "Ms.", "Dr.",
    "Gen.", "Sgt.", "Chairman", "Emperor",
)  # fmt: skip
LOWER_TITLES = ("supreme leader", "leader", "president", "prime minister", "minister", "official", "director-general")
MONTHS_ = "January February March April May June July August September October November December".split()
PLACE_CUES = frozenset({"in", "to", "from", "at", "near", "into", "via"})
COUNTRIES = frozenset(
    "Japan China North Korea South Korea United States America Russia Vietnam Taiwan Thailand Geneva Hanoi"
    " Washington Tokyo Pyongyang Beijing Seoul U.S. UN".split()
) | {"North Korea", "South Korea", "United States", "N. Korea", "the North"}
NATIONALITIES = frozenset({"North Korean", "South Korean", "Japanese", "American", "Chinese", "Korean", "U.S."})
# capitalized words that end a name: days, months, pronouns ("Sunday TV", "N.C. He")
BREAKS = frozenset(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday He She It They We I His Her Their Its".split() + MONTHS_
)

# Capitalized words that name nothing (sentence starters, days, months, nationalities alone).
NOT_NAMES = frozenset(
    """A An The This That These Those It Its He She His Her They Their We Our You Your I In On At Of For To By From
    With Without After Before Under Over Although Though Because But And Or If When While Where Which Who What
    How Why All Another Some Any Each Every Both More Most Many Much Other Others Such Also Earlier Later Then
    There Here Getting Against According Speculation Connect Click Author Our Partners Author Yet Since As
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August
    September October November December Japanese American Korean Chinese No Not Nor TV
    Abducted Resolution Pyongyang’s Trump’s Kim’s Japan’s Tokyo’s""".split()
)
MONTHS = "January February March April May June July August September October November December".split()
_MONTH = "|".join(MONTHS)
SPELLED = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "hundred": 100, "dozen": 12,
}  # fmt: skip

_ABBREVIATIONS = re.compile(r"(?:\b[A-Z]\.|\bU\.S\.|\bN\.C\.|\bNo\.|\bMr\.|\bMrs\.|\bMs\.|\bDr\.|\bSt\.|\bGen\.)$")
_SENTENCE_END = re.compile(r"[.!?][\"”’)\]]*(?=\s+[\"“‘(]?[A-Z0-9])")
_WORD = re.compile(r"[A-Z][\w’'\-]*(?:\.(?:[A-Z]\.)*)?|[a-z][\w’'\-]*|\d[\d,.]*\w*|\S")
_CAP = re.compile(r"(?:[A-Z][a-z’'\-]+(?:-[A-Z][a-z]+)?|[A-Z]\.(?:[A-Z]\.)*|[A-Z]{2,}|[A-Z][a-z]*[A-Z]\w*)")
_CONNECTORS = frozenset({"of", "the", "and", "for", "on", "or", "by", "de"})
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d(?:’?'?s)?\b")
_DATES = re.compile(
    rf"\b(?:(?:last|next|this|early|late|mid-|earlier in|later in)\s*)?(?:{_MONTH})(?:\s+\d{{1,2}}\b)?(?:,?\s+\d{{4}})?"
    r"|\b(?:the\s+)?(?:1[89]|20)\d0’?'?s\b|\b(?:1[89]|20)\d\d\b"
    r"|\b(?:last|next|this)\s+(?:week|month|year|Sunday|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday)\b"
    r"|\b(?:on\s+)?(?:Sunday|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday)\b|\b(?:\d+\s+|a\s+few\s+|several\s+|many\s+)?(?:years|decades|months|weeks)\s+ago\b"
)
_NUMBER = re.compile(
    r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w,]*\d)(?!’?'?s\b)|\b(?:" + "|".join(SPELLED) + r")\b",
    re.IGNORECASE,
)
_QUALIFIER = re.compile(r"(?:\b(more than|at least|about|some|up to|dozens of|nearly|over|around)\s+)$", re.I)
_UNIT_STOP = frozenset(
    """who whom which that were was is are have has had be been will would could may might in to from on at by
    for with as and or but than after before when while since if — - of said says also already still its their
    his her the a an last next this came went died left returned live lived remain remained took met made got
    gave saw say told""".split()
    + MONTHS_
)


class Sentence(NamedTuple):
    start: int  # offset in the text
    text: str


class Mention(NamedTuple):
    name: str  # as the text writes it (titles and "the" left out)
    kind: str
    sentence: Sentence
    start: int  # offset of the name in the text


class Proposal(Frozen):
    """One proposed entity: an existing one (``existing`` ids) or a new stub, with the sentences naming it."""

    __slots__ = ("name", "kind", "existing", "forms", "sentences")  # noqa: RUF023

    name: str
    kind: str
    existing: tuple[str, ...]
    forms: list[str]
    sentences: list[Sentence]

    def __init__(self, name: str, kind: str, existing: tuple[str, ...] = ()) -> None:
        set_field(self, "name", name)
        set_field(self, "kind", kind)
        set_field(self, "existing", existing)
        set_field(self, "forms", [name])
        set_field(self, "sentences", [])


class Number(NamedTuple):
    value: int | float
    written: str  # the number as written ("95,000", "five")
    unit: str  # the words after it that say what it counts
    qualifier: str | None
    sentence: Sentence
    start: int


class Draft(NamedTuple):
    """What ``factcli draft`` proposes for one text."""

    source: str
    file: str
    text: str
    entities: list[Proposal]
    numbers: list[Number]

    def existing(self) -> list[Proposal]:
        return [p for p in self.entities if p.existing]

    def new(self) -> list[Proposal]:
        return [p for p in self.entities if not p.existing]


def sentences(text: str) -> list[Sentence]:
    """The text's sentences with their offsets: each line split at a sentence end (not after ``U.S.``, ``H.``)."""
    found: list[Sentence] = []
    offset = 0
    for line in text.split("\n"):
        start = 0
        for end in _SENTENCE_END.finditer(line):
            if _ABBREVIATIONS.search(line[start : end.end()]) and line[end.end() :].lstrip()[:1] not in '“"':
                continue
            _add(found, line, offset, start, end.end())
            start = end.end()
        _add(found, line, offset, start, len(line))
        offset += len(line) + 1
    return found


def _add(found: list[Sentence], line: str, offset: int, start: int, end: int) -> None:
    piece = line[start:end]
    stripped = piece.strip().lstrip("•").strip()
    if len(stripped) >= 2 and any(ch.isalpha() for ch in stripped):
        found.append(Sentence(offset + start + piece.index(stripped), stripped))


def quote_around(sentence: Sentence, start: int, length: int) -> str:
    """The sentence, or when it is longer than a quote may be, a word-bounded window around ``start``."""
    if len(sentence.text) <= MAX_QUOTE:
        return sentence.text
    here = start - sentence.start
    left = max(0, min(here - (MAX_QUOTE - length) // 2, len(sentence.text) - MAX_QUOTE))
    window = sentence.text[left : left + MAX_QUOTE]
    if left > 0 and " " in window:
        window = window[window.index(" ") + 1 :]
    if left + MAX_QUOTE < len(sentence.text) and " " in window:
        window = window[: window.rindex(" ")]
    return window.strip(" ,;")


_TOKEN = re.compile(r"[A-Z]\.(?:[A-Z]\.)+|[A-Z]\.|[\w\-]+(?:[’'][a-z]+)?|\S")
_POSSESSIVE = re.compile(r"[’']s$")


def _is_cap(token: str) -> bool:
    return token[:1].isupper() and (token[:1].isalpha())


def _spans(sentence: Sentence) -> list[tuple[list[tuple[str, int]], int]]:
    """Runs of capitalized tokens (with connectors between them), each with the index of its first token."""
    tokens = [(m.group(), sentence.start + m.start()) for m in _TOKEN.finditer(sentence.text)]
    spans: list[tuple[list[tuple[str, int]], int]] = []
    current: list[tuple[str, int]] = []
    first = 0
    for position, (token, offset) in enumerate(tokens):
        if _is_cap(token) and token not in BREAKS:
            if not current:
                first = position
            current.append((token, offset))
            if _POSSESSIVE.search(token):  # "Pyongyang’s total abandonment": the name ends here
                spans.append((current, first))
                current = []
        elif current and token in _CONNECTORS and _connects(tokens, position):
            current.append((token, offset))
        elif current:
            spans.append((current, first))
            current = []
    if current:
        spans.append((current, first))
    return spans


def _connects(tokens: list[tuple[str, int]], position: int) -> bool:
    """Whether the connectors from ``position`` on ("for the") lead to a capitalized word."""
    while position < len(tokens) and tokens[position][0] in _CONNECTORS:
        position += 1
    return position < len(tokens) and _is_cap(tokens[position][0]) and tokens[position][0] not in BREAKS


def _words_after(text: str, end: int, count: int) -> list[str]:
    return re.findall(r"[\w\-]+", text[end : end + 60])[:count]


def _mentions(sentence: Sentence, text: str, lowercase: frozenset[str]) -> list[Mention]:
    """The names one sentence gives, each with a guessed kind."""
    found: list[Mention] = []
    for span, first in _spans(sentence):
        pieces = [span]
        words = [t for t, _ in span]
        if not any(w in ORG_WORDS for w in words) and any(w in _CONNECTORS for w in words):
            couple = _couple(span)
            if couple:
                found.extend(Mention(name, "person", sentence, at) for name, at in couple)
                continue
            pieces = []
            piece: list[tuple[str, int]] = []
            for token in span:
                if token[0] in _CONNECTORS:
                    pieces.append(piece)
                    piece = []
                else:
                    piece.append(token)
            pieces.append(piece)
        for index, piece in enumerate(pieces):
            mention = _mention(piece, sentence, text, lowercase, at_start=first == 0 and index == 0)
            if mention is not None:
                found.append(mention)
    return found


def _couple(span: list[tuple[str, int]]) -> list[tuple[str, int]] | None:
    """ "Yasushi and Fukie Chimura" -> Yasushi Chimura, Fukie Chimura (a given name, "and", a full name)."""
    words = [t for t, _ in span]
    if len(words) == 4 and words[1] == "and" and all(_is_cap(w) for w in (words[0], words[2], words[3])):
        if words[0] not in NOT_NAMES and not any(w in COUNTRIES or w in ORG_WORDS for w in words):
            return [(f"{words[0]} {words[3]}", span[0][1]), (f"{words[2]} {words[3]}", span[2][1])]
    return None


def _mention(
    piece: list[tuple[str, int]], sentence: Sentence, text: str, lowercase: frozenset[str], at_start: bool
) -> Mention | None:
    piece = _trimmed_piece(piece, lowercase, at_start)
    if not piece:
        return None
    start = piece[0][1]
    end = piece[-1][1] + len(piece[-1][0])
    before = text[max(sentence.start, start - 40) : start]
    named = _named(_POSSESSIVE.sub("", text[start:end]), _words_after(text, end, 1), before)
    if named is None:
        return None
    name, kind, titled = named
    words = name.split()
    if not words or (len(words) == 1 and (name in NOT_NAMES or (at_start and name.lower() in lowercase))):
        return None
    return Mention(name, kind, sentence, start + titled)


def _trimmed_piece(piece: list[tuple[str, int]], lowercase: frozenset[str], at_start: bool) -> list[tuple[str, int]]:
    """A run of capitalized words without the connectors it ends on, a sentence's first word that
    is no name ("However Kim ..."), and a leading article."""
    while piece and piece[-1][0] in _CONNECTORS:
        piece = piece[:-1]
    if not piece:
        return piece
    if at_start and (piece[0][0] in NOT_NAMES or piece[0][0].lower() in lowercase) and len(piece) > 1:
        piece = piece[1:]
    while piece and piece[0][0] in ("The", "A", "An"):
        piece = piece[1:]
    return piece


def _kind_by_words(name: str, after: list[str]) -> tuple[str, str]:
    """A kind the words say ("... government", "... official", "... Party"), and the name with the
    word after it when that word is part of it; "" when they say none."""
    if after and after[0] in ORG_AFTER:
        return "organization", f"{name} {after[0]}"
    if after and after[0] in PERSON_AFTER and len(name.split()) == 1:  # "the U.S. official"
        return "person", f"{name} {after[0]}"
    if any(w in ORG_WORDS for w in name.split()):
        return "organization", name
    return "", name


def _named(name: str, after: list[str], before: str) -> tuple[str, str, int] | None:
    """(name, kind, how many characters a leading title took) of a span, by the words in, after and
    before it; None for a title or a nationality alone."""
    kind, name = _kind_by_words(name, after)
    titled = 0
    for title in TITLES:  # "Japanese Prime Minister Junichiro Koizumi": the person, without the title
        found = re.search(re.escape(title) + r"\s+", name)
        if found and kind != "organization":
            name, titled, kind = name[found.end() :], found.end(), "person"
            break
    if name in TITLES or name in NATIONALITIES:
        return None
    if not kind and any(before.rstrip().endswith(t) for t in LOWER_TITLES):
        kind = "person"
    if not kind:
        cue = before.split()[-1:] if before.strip() else []
        kind = "place" if name in COUNTRIES or (cue and cue[0] in PLACE_CUES) else "person"
    return name, kind, titled


def _headline(sentence: Sentence) -> bool:
    """A title line ("Japan Wants Amnesty for U.S. Defector"): no end mark, most words capitalized."""
    words = re.findall(r"[A-Za-z][\w’'\-]*", sentence.text)
    if not words or sentence.text.rstrip()[-1:] in '.!?”"':
        return False
    return sum(1 for w in words if w[:1].isupper()) >= 0.6 * len(words)


def _known_names(catalog: Catalog) -> dict[str, str]:
    """Every multi-word name and alias the fact base knows (people, bodies, places), for a scan of the text."""
    names: dict[str, str] = {}
    for entity in catalog.facts.entities.values():
        if entity.kind in PLACE_KINDS:
            for name in (entity.name, *entity.aliases):
                if " " in name:
                    names.setdefault(name, entity.kind)
    return names


def _confident(catalog: Catalog, name: str) -> tuple[str, ...]:
    """The ids ``who`` would answer with for a name, when the match is exact (all of a tie) or confident."""
    answer = catalog.lookup(name, PLACE_KINDS)
    if not answer.matches:
        return ()
    best = answer.matches[0]
    if best.score >= 100.0:
        return tuple(m.entity.id for m in answer.matches if m.score >= 100.0)
    if best.score >= 95.0 and not answer.ambiguous and " " in name:
        return (best.entity.id,)
    return ()


def propose(path: str | os.PathLike[str], catalog: Catalog, source: str) -> Draft:
    """What the text at ``path`` names and counts, matched against the catalog's entities."""
    text = read_source(path)
    lowercase = frozenset(re.findall(r"(?<![\w.])[a-z][\w\-]*", text))
    found = sentences(text)
    known_names = _known_names(catalog)
    mentions: list[Mention] = []
    for sentence in found:
        own = _mentions(sentence, text, lowercase)
        if _headline(sentence):
            rest = text[sentence.start + len(sentence.text) :]  # a headline's name counts when the story uses it
            own = [
                m
                for m in own
                if re.search(rf"(?<![\w-]){re.escape(m.name)}(?![\w-])", rest)
                or any(w in ORG_WORDS for w in m.name.split())  # "The Sankei Shimbun" in a byline
                or (m.name == sentence.text and 2 <= len(m.name.split()) <= 4)  # a byline: the name alone
            ]
        known: list[Mention] = []
        for name, kind in known_names.items():
            for hit in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", sentence.text):
                known.append(Mention(name, kind, sentence, sentence.start + hit.start()))
        # a known name ("the North") wins over the span it holds ("North")
        covered = [(m.start, m.start + len(m.name)) for m in known]
        own = [m for m in own if not any(a <= m.start and m.start + len(m.name) <= b for a, b in covered)]
        mentions.extend(own)
        mentions.extend(m for m in known if not any(o.name == m.name for o in own))
    return Draft(source, os.path.basename(path), text, _group(mentions, catalog), _numbers(found, text))


def _group(mentions: list[Mention], catalog: Catalog) -> list[Proposal]:
    """One proposal per entity: a short form ("Soga", "Kim") joins the longer name it ends or starts."""
    longer = [m.name for m in mentions if " " in m.name and m.kind == "person" and m.name.split()[0] not in COUNTRIES]
    by_key: dict[str, Proposal] = {}
    for mention in sorted(mentions, key=lambda m: -len(m.name.split())):
        name = mention.name
        if " " not in name and mention.kind == "person":
            full = next((n for n in longer if n.split()[-1] == name or n.split()[0] == name), None)
            if full is not None:
                name = full
        existing = _confident(catalog, name)
        key = " ".join(existing) if existing else name.casefold()
        proposal = by_key.get(key)
        if proposal is None:
            kind = mention.kind if name == mention.name else "person"
            proposal = by_key[key] = Proposal(name, kind, existing)
        if mention.name not in proposal.forms:
            proposal.forms.append(mention.name)
        if mention.sentence not in proposal.sentences:
            proposal.sentences.append(mention.sentence)
    ordered = sorted(by_key.values(), key=lambda p: min(s.start for s in p.sentences))
    for proposal in ordered:
        proposal.sentences.sort()
    return ordered


def _numbers(found: list[Sentence], text: str) -> list[Number]:
    """Every number a sentence gives that is no date, no ``No. 2`` and no "one", with the words after it."""
    numbers: list[Number] = []
    for sentence in found:
        dates = [(m.start(), m.end()) for m in _DATES.finditer(sentence.text)]
        for hit in _NUMBER.finditer(sentence.text):
            written = hit.group()
            if written.lower() == "one" or any(a <= hit.start() < b for a, b in dates):
                continue
            before = sentence.text[: hit.start()]
            if before.endswith(("No. ", "No.\u00a0", "$")) or (written[:1].isupper() and hit.start() > 0):
                continue
            value = SPELLED.get(written.lower()) if written[:1].isalpha() else _value(written)
            if value is None:
                continue
            unit_words = []
            for word in re.findall(r"[\w\-’']+|[^\w\s]", sentence.text[hit.end() :])[:8]:
                if (
                    not re.fullmatch(r"[\w\-’']+", word)
                    or word.lower() in _UNIT_STOP
                    or word in _UNIT_STOP
                    or word.isdigit()
                ):
                    break
                unit_words.append(word)
                if len(unit_words) == 4:
                    break
            qualifier = _QUALIFIER.search(before)
            numbers.append(
                Number(
                    value,
                    written,
                    " ".join(unit_words),
                    qualifier.group(1).lower() if qualifier else None,
                    sentence,
                    sentence.start + hit.start(),
                )
            )
    return numbers


def _value(written: str) -> int | float | None:
    try:
        return parse_number(written)
    except ValueError:
        return None


def _dates_in(sentence: Sentence) -> list[str]:
    return [m.group().strip() for m in _DATES.finditer(sentence.text)]


# -- writing the draft as YAML ----------------------------------------------------------------------
def _slug(text: str, taken: set[str]) -> str:
    base = "-".join(re.findall(r"[a-z0-9]+", fold(text))) or "entity"
    slug, count = base[:60].strip("-"), 1
    while slug in taken:
        count += 1
        slug = f"{base[:56]}-{count}"
    taken.add(slug)
    return slug


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _note(sentence: Sentence, extra: str = "") -> str:
    dates = _dates_in(sentence)
    note = "the text is the source's sentence" + (f"; {extra}" if extra else "")
    return note + ("; dates as written: " + ", ".join(f'"{d}"' for d in dates) if dates else "")


def _claim_lines(draft: Draft, sentence: Sentence, at: int, length: int, note: str, more: list[str]) -> list[str]:
    quote = quote_around(sentence, at, length)
    return [
        f"      - text: {_q(quote)}",
        f"        draft: {_q(note)}",
        *more,
        "        citations:",
        f"          - source: {draft.source}",
        f"            quote: {_q(quote)}",
    ]


def to_yaml(draft: Draft, taken: set[str]) -> str:
    """The draft as YAML to append under ``entities:``; ``taken``: ids already in use."""
    lines = [
        f"# factcli draft {draft.file} (source {draft.source}): proposed entities and claims, to append under",
        "# entities:. A claim with `draft:` is the source's sentence, not yet our words; a `TODO:` is a",
        "# placeholder. `factcli check --strict` fails until none remains.",
    ]
    existing = draft.existing()
    if existing:
        lines.append("#")
        lines.append("# Named in the text and already in the fact base (add claims to these by hand):")
        for proposal in existing:
            forms = ", ".join(f'"{form}"' for form in proposal.forms)
            where = ", ".join(str(_line_of(draft.text, s.start)) for s in proposal.sentences)
            lines.append(f"#   {' or '.join(proposal.existing)}: as {forms} (line {where})")
    for proposal in draft.new():
        lines += [
            f"  - id: {_slug(proposal.name, taken)}",
            f"    kind: {proposal.kind}",
            f"    name: {_q(proposal.name)}",
        ]
        aliases = [f for f in proposal.forms if f != proposal.name]
        if aliases:
            lines.append(f"    aliases: [{', '.join(_q(a) for a in aliases)}]")
        lines += [f"    summary: {_q(TODO_SUMMARY)}", "    claims:"]
        for sentence in proposal.sentences:
            at = next((sentence.start + sentence.text.find(f) for f in proposal.forms if f in sentence.text), 0)
            lines += _claim_lines(draft, sentence, at, len(proposal.name), _note(sentence), [])
    for number in draft.numbers:
        said = " ".join(x for x in (number.qualifier, number.written, number.unit) if x)
        lines += [
            f"  - id: {_slug('figure ' + said, taken)}",
            "    kind: figure",
            f"    name: {_q(said)}",
            f"    summary: {_q(TODO_SUMMARY)}",
            "    claims:",
        ]
        more = [f"        value: {number.value}"]
        if number.unit:
            more.append(f"        unit: {_q(number.unit)}")
        if number.qualifier in QUALIFIERS:
            more.append(f"        qualifier: {number.qualifier}")
        counts = f'counts "{number.unit}"' if number.unit else "counts: TODO"
        lines += _claim_lines(
            draft, number.sentence, number.start, len(number.written), _note(number.sentence, counts), more
        )
    return "\n".join(lines) + "\n"


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def draft_text(
    catalog: Catalog,
    file_or_source: str,
    sources_dir: str | os.PathLike[str] | None = None,
    source_id: str | None = None,
    facts_path: str | os.PathLike[str] | None = None,
) -> tuple[str, str | None]:
    """``factcli draft``: the YAML, and a line for stderr when the source is not in the base yet.

    A source id's file is found as ``check`` finds it (``files.source_path``): a path with a
    ``/`` (what ``sources add`` records) beside the fact file ``facts_path``, a bare name in
    ``sources_dir``."""
    sources = catalog.facts.sources
    message = None
    if file_or_source in sources and not os.path.exists(file_or_source):
        file = sources[file_or_source].file
        if "/" not in file and sources_dir is None:
            raise UsageError(f"{file_or_source!r} is a source id: say where its file is with --sources DIR")
        path = os.fspath(source_path(file, sources_dir or ".", os.fspath(facts_path or ".")))
        source = source_id or file_or_source
    else:
        path = file_or_source
        if not os.path.isfile(path):
            raise UsageError(f"{file_or_source!r} is neither a file nor a source id of the fact base")
        known = [s.id for s in sources.values() if s.file == os.path.basename(path)]
        source = source_id or (known[0] if known else _slug(os.path.splitext(os.path.basename(path))[0], set()))
        if source not in sources:
            message = f"add a source with id {source!r} and file {os.path.basename(path)!r} under sources: first"
    proposed = propose(path, catalog, source)
    return to_yaml(proposed, set(catalog.facts.entities)), message
