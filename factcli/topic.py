"""Topic lookups: entities found by the words about them, not only by their names.

``what Geneva`` means the events that took place in Geneva, ``figure abductees`` the numbers
whose names say "abducted", ``search sanctions`` the entities that speak of sanctions. Every
entity is read as a few fields, each with a weight:

* ``name`` (5), ``alias`` (4): what the entity is called;
* ``place`` (2.5): the related names of its ``located-in`` claims;
* ``participant`` (2.5): the related names of its ``has-participant`` claims, and the names of
  the entities whose ``participant-in`` claims point at it;
* ``summary`` (1.5), ``date`` (1): its one-line summary, its own date and its claims' dates;
* ``claim`` (0.5), ``quote`` (0.3): its claim texts and the quotes they cite.

Words are folded (``normalize.fold``) and then reduced to a word form (``word_form``): a few
suffix rules, so that abductee, abductees, abducted and abduction are one word, and so are
sanction and sanctions, kidnapping and kidnapped. Different words are never made one
(kidnapping is not abduction): where the fact base means them as the same thing an alias
says so ("abductee families' association" for the families of victims kidnapped).

A query is ranked with BM25F (Robertson & Zaragoza, "The Probabilistic Relevance Framework"):
a word's weighted count over the fields, each field's count normalized by its length, then
saturated (``K1``) and weighted by how rare the word is among the entities asked about
(``idf``). A query word that occurs nowhere in the fact base is matched to the nearest word
that does (a typo, rapidfuzz ``ratio`` >= ``TYPO_MIN_RATIO``) at a discount, or else is
*absent*: the topic is not in the articles, and no answer is confident.

``verdict`` says how sure a ranking is: ``found`` when the best entity scores at least
``CLEAR_RATIO`` times the second, ``ambiguous`` (the entities within that ratio of the best)
otherwise, and ``missing`` when nothing scores or a word is absent.

No other module of factcli imports this one at start-up: ``who`` never builds a topic index.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

from .model import Claim, Entity
from .normalize import PARTICLES, fold

FIELD_WEIGHTS = {
    "name": 5.0,
    "alias": 4.0,
    "place": 3.0,
    "participant": 2.5,
    "summary": 1.5,
    "date": 1.0,
    "claim": 0.5,
    "quote": 0.3,
}
#: how much a long field's counts are discounted (BM25's b: 0 not at all, 1 fully)
FIELD_B = {"name": 0.75, "alias": 0.75, "place": 0.0, "participant": 0.0, "summary": 0.5, "date": 0.0,
           "claim": 0.3, "quote": 0.3}  # fmt: skip
K1 = 1.2  # BM25's saturation: the third mention of a word in a field adds less than the first
CLEAR_RATIO = 1.5  # the best is a confident answer when it scores this many times the second
CANDIDATE_RATIO = 2.0  # a tie lists the entities scoring at least the best's score divided by this
TYPO_MIN_RATIO = 84.0  # an unknown query word stands for a known one this similar (fuzz.ratio)
TYPO_MIN_CHARS = 5  # shorter words are too easily near another word to be read as a typo
TYPO_WEIGHT = 0.6  # a word read as a typo counts this much of a word as written
PLACE_RELATIONS = frozenset({"located-in"})
PARTICIPANT_RELATIONS = frozenset({"has-participant", "organized-by"})
REVERSE_PARTICIPANT_RELATIONS = frozenset({"participant-in"})

_IRREGULAR = {"children": "child", "men": "man", "women": "woman", "people": "people"}
_PHRASE = re.compile(r'"([^"]*)"')
_HYPHENATED = re.compile(r"\w+(?:-\w+)+")  # "quasi-Japanese", "re-entry": one word, its parts in order
_TERMINAL_CODE = re.compile(r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|[@-_])")  # ESC [31m: not part of the word after it
# (suffix, replacement), the first that applies; the stem left must keep MIN_STEM characters
_SUFFIXES = (
    ("ied", "y"),
    ("ations", ""),
    ("ation", ""),
    ("ating", ""),
    ("ated", ""),
    ("ate", ""),
    ("tions", "t"),
    ("tion", "t"),
    ("sions", "s"),
    ("sion", "s"),
    ("ions", ""),
    ("ion", ""),
    ("ings", ""),
    ("ing", ""),
    ("ees", ""),
    ("ee", ""),
    ("ed", ""),
)
_MIN_STEM = 3
_VOWELS = frozenset("aeiouy")


def word_form(word: str) -> str:
    """One folded word reduced to the form its inflections share (``abductees`` -> ``abduct``).

    A few suffix rules, not a full stemmer: a plural ``-s``/``-es``/``-ies``, then the first of
    ``-ied``, ``-ation``, ``-ated``, ``-ate``, ``-tion``, ``-sion``, ``-ion``, ``-ing``, ``-ee``,
    ``-ed``, then a final ``e`` and a doubled final consonant. What it makes of a word need not
    be a word (``repatriation`` -> ``repatri``); only that the forms of one word meet.
    Numbers and words of three letters or fewer are left as they are.
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    irregular = _IRREGULAR.get(word)
    if irregular is not None:
        return irregular
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("sses", "ches", "shes", "xes", "zes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) + len(replacement) >= _MIN_STEM:
            stem = word[: len(word) - len(suffix)]
            if not _VOWELS.intersection(stem):
                continue  # "sting", "bred": the suffix is the word
            word = stem + replacement
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in _VOWELS:
        word = word[:-1]
    return word


def words_of(text: str, *, forms: bool = True) -> list[str]:
    """The folded words of a text, each as its ``word_form`` unless ``forms`` is false."""
    if "\x1b" in text:
        text = _TERMINAL_CODE.sub(" ", text)
    words = fold(text).split()
    return [word_form(w) for w in words] if forms else words


class Query:
    """A topic query read once: its words, its quoted phrases, and whether word forms count."""

    __slots__ = ("text", "words", "phrases", "exact", "written")

    def __init__(self, text: str, *, exact: bool = False) -> None:
        self.text = text
        self.exact = exact
        forms = not exact
        quoted = _PHRASE.findall(text)
        hyphenated = _HYPHENATED.findall(_PHRASE.sub(" ", text))
        phrases = [words_of(q, forms=forms) for q in quoted]
        phrases += [p for p in (words_of(h, forms=forms) for h in hyphenated) if len(p) > 1]  # "N.C." folds to one
        self.phrases = [p for p in phrases if p]
        words = words_of(text.replace('"', " "), forms=forms)
        raw = words_of(text.replace('"', " "), forms=False)
        content = [w for w, r in zip(words, raw, strict=True) if r not in PARTICLES]
        self.words = list(dict.fromkeys(content or words))
        self.written = dict(zip(reversed(words), reversed(raw), strict=True))  # a word form -> the word as typed


class Field:
    """One piece of an entity's text: its field kind, the text, the claim it comes from, its words."""

    __slots__ = ("kind", "text", "claim", "words", "raw")

    def __init__(self, kind: str, text: str, claim: Claim | None) -> None:
        self.kind = kind
        self.text = text
        self.claim = claim
        self.raw = words_of(text, forms=False)
        self.words = [word_form(w) for w in self.raw]


class Ranked:
    """An entity a topic query found: its position in the index, its score and the field that shows it best."""

    __slots__ = ("position", "entity_id", "kind", "score", "best", "matched")

    def __init__(self, position: int, entity_id: str, kind: str, score: float, best: Field, matched: list[str]) -> None:
        self.position = position
        self.entity_id = entity_id
        self.kind = kind
        self.score = score
        self.best = best  # the field with most of the query in it, by weight
        self.matched = matched  # "geneva (place, summary)", one per query word found

    def __repr__(self) -> str:
        return f"Ranked({self.entity_id!r}, {self.score:.3f})"


class Ranking:
    """A topic query's answer: the entities best first, the words found nowhere, the typos read."""

    __slots__ = ("query", "ranked", "absent", "typos")

    def __init__(self, query: Query, ranked: list[Ranked], absent: list[str], typos: dict[str, str]) -> None:
        self.query = query
        self.ranked = ranked
        self.absent = absent  # query words that occur nowhere in the fact base
        self.typos = typos  # query word -> the known word it was read as

    def verdict(self) -> str:
        """``found`` (one clear best), ``ambiguous`` (several near the best) or ``missing``."""
        if not self.ranked or self.absent:
            return "missing"
        return "found" if self.lead() >= CLEAR_RATIO else "ambiguous"

    def lead(self) -> float:
        """How many times the second's score the best's is (infinite with one entity, 0 with none)."""
        if not self.ranked:
            return 0.0
        return self.ranked[0].score / self.ranked[1].score if len(self.ranked) > 1 else math.inf

    def candidates(self) -> list[Ranked]:
        """The entities scoring at least the best's score divided by ``CANDIDATE_RATIO``: a tie's candidates."""
        if not self.ranked:
            return []
        floor = self.ranked[0].score / CANDIDATE_RATIO
        return [r for r in self.ranked if r.score >= floor]


class TopicIndex:
    """Every entity's fields, their words counted, for ranking topic queries (built once per process)."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        entities = list(entities)
        self.ids = [e.id for e in entities]
        self.kinds = [e.kind for e in entities]
        self.fields: list[list[Field]] = [self._fields(e) for e in entities]
        position = {entity_id: n for n, entity_id in enumerate(self.ids)}
        for entity in entities:  # "participant-in" on a person: that person takes part in the event
            for claim in entity.claims:
                if claim.relation in REVERSE_PARTICIPANT_RELATIONS and claim.related in position:
                    self.fields[position[claim.related]].append(Field("participant", entity.name, claim))
        # per entity: field kind -> (word counts, raw word counts, length); and the vocabulary
        self.counts: list[dict[str, tuple[dict[str, int], dict[str, int], int]]] = []
        self.vocabulary: set[str] = set()
        self.raw_vocabulary: set[str] = set()
        for fields in self.fields:
            by_kind: dict[str, tuple[dict[str, int], dict[str, int], int]] = {}
            for field in fields:
                forms, raws, length = by_kind.get(field.kind, ({}, {}, 0))
                for word in field.words:
                    forms[word] = forms.get(word, 0) + 1
                for word in field.raw:
                    raws[word] = raws.get(word, 0) + 1
                by_kind[field.kind] = (forms, raws, length + len(field.words))
                self.vocabulary.update(field.words)
                self.raw_vocabulary.update(field.raw)
            self.counts.append(by_kind)

    @staticmethod
    def _fields(entity: Entity) -> list[Field]:
        fields = [Field("name", entity.name, None)]
        fields += [Field("alias", alias, None) for alias in entity.all_aliases]
        fields.append(Field("summary", entity.summary, None))
        if entity.date is not None:
            fields.append(Field("date", str(entity.date), None))
        for claim in entity.claims:
            if claim.related_name and claim.relation in PLACE_RELATIONS:
                fields.append(Field("place", claim.related_name, claim))
            elif claim.related_name and claim.relation in PARTICIPANT_RELATIONS:
                fields.append(Field("participant", claim.related_name, claim))
            fields.append(Field("claim", claim.text, claim))
            if claim.date is not None:
                fields.append(Field("date", str(claim.date), claim))
            fields += [Field("quote", c.quote, claim) for c in claim.citations]
        return fields

    def rank(self, query: Query, kinds: Iterable[str] | None = None) -> Ranking:
        """The entities of ``kinds`` (every kind when None) the query's words are about, best first."""
        kinds = None if kinds is None else frozenset(kinds)
        pool = [n for n, kind in enumerate(self.kinds) if kinds is None or kind in kinds]
        words, typos, absent = self._readings(query)
        raw = 1 if query.exact else 0
        averages = self._average_lengths(pool)
        ranked: list[Ranked] = []
        documents = len(pool)
        frequency = {w: sum(1 for n in pool if self._has(n, w, raw)) for w in words}
        for n in pool:
            if query.phrases and not all(self._has_phrase(n, p, query.exact) for p in query.phrases):
                continue
            score, matched = self._score(n, query, words, frequency, documents, averages, raw)
            if score > 0:
                ranked.append(
                    Ranked(n, self.ids[n], self.kinds[n], score, self._best(n, words, raw, query.phrases), matched)
                )
        ranked.sort(key=lambda r: (-r.score, r.position))
        return Ranking(query, ranked, absent, typos)

    def _score(
        self,
        n: int,
        query: Query,
        words: dict[str, float],
        frequency: dict[str, int],
        documents: int,
        averages: dict[str, float],
        raw: int,
    ) -> tuple[float, list[str]]:
        """Entity ``n``'s BM25F score for the query's words, and the words and fields it matched."""
        score = 0.0
        matched = []
        for word, weight in words.items():
            if not frequency[word]:
                continue
            saturated = 0.0
            found_in = []
            for kind, (forms, raws, length) in self.counts[n].items():
                count = (raws if raw else forms).get(word, 0)
                if count:
                    b = FIELD_B[kind]
                    tf = count / (1 - b + b * length / (averages.get(kind) or 1))
                    saturated += FIELD_WEIGHTS[kind] * tf / (K1 + tf)
                    found_in.append(kind)
            if saturated:
                idf = math.log(1 + (documents - frequency[word] + 0.5) / (frequency[word] + 0.5))
                score += weight * idf * saturated
                matched.append(f"{query.written.get(word, word)} ({', '.join(found_in)})")
        return score, matched

    def _readings(self, query: Query) -> tuple[dict[str, float], dict[str, str], list[str]]:
        """The query's words with their weights (a typo read as the word it stands for, at a discount)."""
        vocabulary = self.raw_vocabulary if query.exact else self.vocabulary
        words: dict[str, float] = {}
        typos: dict[str, str] = {}
        absent: list[str] = []
        for word in query.words:
            if word in vocabulary:
                words[word] = 1.0
                continue
            nearest = None if query.exact else self._nearest(word)
            if nearest is None:
                absent.append(query.written.get(word, word))
            else:
                typos[word] = nearest
                words[nearest] = max(words.get(nearest, 0.0), TYPO_WEIGHT)
        for phrase in query.phrases:  # a phrase's words count like the query's other words
            for word in phrase:
                if word in vocabulary:
                    words.setdefault(word, 1.0)
        return words, typos, absent

    def _nearest(self, word: str) -> str | None:
        if len(word) < TYPO_MIN_CHARS or not word.isalpha():
            return None
        from rapidfuzz import fuzz, process  # noqa: PLC0415 (lazy: start-up; only a word found nowhere needs it)

        found: Any = process.extractOne(word, sorted(self.vocabulary), scorer=fuzz.ratio, score_cutoff=TYPO_MIN_RATIO)
        return None if found is None else str(found[0])

    def _average_lengths(self, pool: list[int]) -> dict[str, float]:
        """Per field kind, its average length in words among the entities of the pool that have it."""
        totals: dict[str, int] = {}
        having: dict[str, int] = {}
        for n in pool:
            for kind, (_, _, length) in self.counts[n].items():
                totals[kind] = totals.get(kind, 0) + length
                having[kind] = having.get(kind, 0) + 1
        return {kind: total / having[kind] for kind, total in totals.items()}

    def _has(self, n: int, word: str, raw: int) -> bool:
        return any(word in (raws if raw else forms) for forms, raws, _ in self.counts[n].values())

    def _has_phrase(self, n: int, phrase: list[str], exact: bool) -> bool:
        return any(_contains(f.raw if exact else f.words, phrase) for f in self.fields[n])

    def _best(self, n: int, words: dict[str, float], raw: int, phrases: list[list[str]]) -> Field:
        """The field that shows the hit best: most of the query's words, by field weight; the earliest on a tie."""
        best, best_score = self.fields[n][0], 0.0
        for field in self.fields[n]:
            present = set(field.raw if raw else field.words)
            score = FIELD_WEIGHTS[field.kind] * sum(w for word, w in words.items() if word in present)
            if any(_contains(field.raw if raw else field.words, p) for p in phrases):
                score += 100.0  # the field that holds a required phrase shows the hit best
            if score > best_score:
                best, best_score = field, score
        return best


def _contains(words: list[str], phrase: list[str]) -> bool:
    size = len(phrase)
    return any(words[i : i + size] == phrase for i in range(len(words) - size + 1))


__all__ = ["FIELD_WEIGHTS", "Query", "Ranking", "TopicIndex", "word_form", "words_of"]
