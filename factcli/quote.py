"""Finding the quote: the verbatim span of a source text that best supports a paraphrase.

``factcli quote jenkins-amnesty "Rumsfeld was against a pardon"`` gives the clause of the
article that says so, as it is written there, with its line and column, so a curator can
paste it into facts.yaml and ``factcli check --sources`` accepts it.

A source text is read as lines; a span never crosses a line break (``check`` reads each line
as a paragraph, so a quote across one would not be found there), let alone a blank line.
Each line is cut into sentences (``.``/``!``/``?`` before a capital, abbreviations like
``U.S.``, ``N.``, ``No.`` aside) and each sentence into clauses (at ``,``, ``;``, ``:`` and
dashes). The candidates are every sentence and every run of consecutive clauses of one
sentence.

A candidate is scored (0-100) as ``OVERLAP_WEIGHT`` times its word overlap with the query
plus the rest times rapidfuzz's ``token_set_ratio``. The overlap is an F-measure (recall
weighted ``RECALL_BETA`` times precision) over content words folded to their word forms
(``topic.word_form``: abductees -> abduct), each weighted by how rare it is among the
source's sentences; numbers are compared as digits (``thirteen`` and ``13``, ``93,000`` and
``ninety-three thousand``). The weights and ``MIN_SCORE`` were chosen on the labelled
paraphrases of ``tests/data/quotes.tsv`` (README, "Finding the quote").
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from .errors import UsageError
from .files import read_text_file
from .files import source_path as files_source_path
from .normalize import PARTICLES, fold
from .topic import word_form

MIN_SCORE = 43.0  # a best span scoring less is no answer (exit 1); measured, see the README
OVERLAP_WEIGHT = 0.8  # the share of the score that is word overlap; the rest is token_set_ratio
RECALL_BETA = 2.0  # the overlap's F-measure counts the query's words found this many times their share of the span
MAX_SOURCE_BYTES = 5_000_000
MAX_CLAUSES = 8  # clause runs longer than this are only taken as the whole sentence

STOP_WORDS = PARTICLES | frozenset(
    {
        "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "do", "does", "did",
        "it", "its", "this", "that", "these", "those", "he", "she", "they", "them", "his", "her", "their",
        "who", "which", "what", "as", "from", "but", "not", "so", "than", "there", "would", "will", "can",
        "could", "may", "also", "some", "about", "into", "after", "before", "said", "says", "say",
    }
)  # fmt: skip

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_GROUPED_DIGITS = re.compile(r"(?<=\d),(?=\d{3}\b)")
# a country and the capital that stands for it in the news ("Pyongyang", "the North", "Tokyo"): one word
_METONYMS = (
    (re.compile(r"\b(?:north korea(?:ns?)?|n korea(?:ns?)?|pyongyang|the north)\b"), "northkorea"),
    (re.compile(r"\b(?:united states|us|usa|america|american|americans|washington)\b"), "unitedstates"),
    (re.compile(r"\btokyo\b"), "japan"),
    (re.compile(r"\bbeijing\b"), "china"),
)
_PUNCTUATION = re.compile(r"[,;:!?()\[\]\u2014\u2013]|(?<=[a-z0-9])\.(?=\s|$)")
_DECADE = re.compile(r"\b(\d{3}0)s\b")  # "the 1970s": the decade is its year
# a sentence ends at . ! ? (and any closing quotes) before a space and an opening quote, capital or digit
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*(?=\s+[\"'\u201c\u2018(\[]?[A-Z0-9])")
_CLAUSE_END = re.compile(r"[,;:](?=\s)|\s[\u2014\u2013-]{1,2}(?=\s)")
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]|\b(?:[A-Za-z]\.)+[A-Za-z]|\b(?:No|Mr|Mrs|Ms|Dr|St|Gen|Jr|Sr|Lt|Col|vs|Gov|Sen|Rep))\.$"
)
_SENTENCE_STARTERS = frozenset(
    {"He", "She", "It", "They", "We", "I", "The", "This", "That", "But", "And", "In", "On", "A", "His", "Her"}
)
_EDGE_PUNCTUATION = " \t,;:\u2014\u2013-\u2022*\u00b7"


class Span:
    """One candidate span of a source: where it is (character offsets in the text) and its words."""

    __slots__ = ("start", "end", "words", "sentence")

    def __init__(self, start: int, end: int, words: list[str], sentence: int) -> None:
        self.start = start
        self.end = end
        self.words = words
        self.sentence = sentence


class Found:
    """A quote found: the source as named, the verbatim text, its 1-based line and column, its score."""

    __slots__ = ("source", "quote", "line", "column", "score", "start", "end")

    def __init__(self, source: str, quote: str, line: int, column: int, score: float, start: int, end: int) -> None:
        self.source = source
        self.quote = quote
        self.line = line
        self.column = column
        self.score = score
        self.start = start
        self.end = end

    def as_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "quote": self.quote,
            "line": self.line,
            "column": self.column,
            "score": self.score,
        }

    def __repr__(self) -> str:
        return f"Found({self.source}:{self.line}:{self.column} {self.score} {self.quote!r})"


# -- reading a source ------------------------------------------------------------------------
def source_path(
    name: str, files: Mapping[str, str], directory: str | os.PathLike[str], facts_path: str | os.PathLike[str] = "."
) -> Path:
    """The file a SOURCE argument means: a fact base source id (its file found as ``check`` finds
    it, ``files.source_path``) or a path."""
    if name in files:
        return files_source_path(files[name], directory, facts_path)
    if os.path.isfile(name):
        return Path(name)
    near = _nearest(name, files)
    hint = f" (did you mean {', '.join(repr(n) for n in near)}?)" if near else ""
    known = "" if near else f" (the source ids are {', '.join(sorted(files))})" if files else ""
    raise UsageError(f"{name!r} is neither a source id of the fact base nor a file{hint}{known}")


def _nearest(name: str, choices: Iterable[str]) -> list[str]:
    import difflib  # noqa: PLC0415 (lazy: only a missing source id needs it)

    options = list(choices)
    near = difflib.get_close_matches(name, options, n=3, cutoff=0.5)
    return near or [c for c in options if name.casefold() in c.casefold()][:3]


def read_source(path: str | os.PathLike[str]) -> str:
    """A source file's text: UTF-8 (a BOM allowed), not binary; else a usage error."""
    return read_text_file(path, MAX_SOURCE_BYTES).decode("utf-8-sig")


# -- cutting a text into candidate spans ---------------------------------------------------------
def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE_PUNCTUATION:
        start += 1
    while end > start and text[end - 1] in _EDGE_PUNCTUATION:
        end -= 1
    return start, end


def sentences(text: str) -> list[tuple[int, int]]:
    """Each sentence of the text as (start, end) offsets; none crosses a line break."""
    found = []
    offset = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        start = 0
        for match in _SENTENCE_END.finditer(body):
            end = match.end()
            head = body[start : match.start() + 1]
            follower = body[end:].split(None, 1)[:1]
            if _ABBREVIATION.search(head) and not (follower and follower[0] in _SENTENCE_STARTERS):
                continue  # "U.S. Army", "Donald H. Rumsfeld", "No. 2"
            found.append(_trimmed(text, offset + start, offset + end))
            start = end
        found.append(_trimmed(text, offset + start, offset + len(body)))
        offset += len(line)
    return [(s, e) for s, e in found if e > s and any(ch.isalnum() for ch in text[s:e])]


def candidates(text: str) -> list[Span]:
    """Every sentence and every run of consecutive clauses of one sentence."""
    spans: list[Span] = []
    seen: set[tuple[int, int]] = set()
    for number, (start, end) in enumerate(sentences(text)):
        cuts = [start] + [start + m.end() for m in _CLAUSE_END.finditer(text[start:end])] + [end]
        clauses = [_trimmed(text, a, b) for a, b in zip(cuts, cuts[1:], strict=False)]
        clauses = [c for c in clauses if c[1] > c[0]]
        runs = [(start, end)]
        for i in range(len(clauses)):
            for j in range(i, min(len(clauses), i + MAX_CLAUSES)):
                runs.append(_trimmed(text, clauses[i][0], clauses[j][1]))
        for a, b in runs:
            if (a, b) in seen or b <= a:
                continue
            seen.add((a, b))
            words = content_words(text[a:b])
            if words:
                spans.append(Span(a, b, words, number))
    return spans


# -- words ---------------------------------------------------------------------------------------
def _numbers(words: list[str]) -> list[str]:
    """Number words as digits: ``ninety three thousand`` -> ``93000``; other words unchanged."""
    out: list[str] = []
    total = current = 0
    in_number = False
    for word in words + [""]:
        if word in _UNITS or (in_number and word in _SCALES):
            in_number = True
            if word in _UNITS:
                value = _UNITS[word]
                if current >= 10 and (value >= 10 or current % 10):  # "nineteen seventy-eight": a year
                    current = current * 100 + value
                else:
                    current += value
            elif _SCALES[word] == 100:
                current = max(current, 1) * 100
            else:
                total += max(current, 1) * _SCALES[word]
                current = 0
            continue
        if in_number:
            out.append(str(total + current))
            total = current = 0
            in_number = False
        if word:
            out.append(word)
    return out


def content_words(text: str) -> list[str]:
    """The words that carry a span's meaning: folded, numbers as digits, word forms, no stop words."""
    text = _DECADE.sub(r"\1", _GROUPED_DIGITS.sub("", text))
    words: list[str] = []
    for piece in _PUNCTUATION.split(text.replace("-", " ")):  # "five, three" are two numbers
        folded = fold(piece)
        for pattern, word in _METONYMS:
            folded = pattern.sub(word, folded)
        words += _numbers(folded.split())
    return [word_form(w) for w in words if w not in STOP_WORDS]


# -- scoring -------------------------------------------------------------------------------------
def _weights(spans: list[Span]) -> dict[str, float]:
    """Each word's idf among the source's sentences."""
    by_sentence: dict[int, set[str]] = {}
    for span in spans:
        by_sentence.setdefault(span.sentence, set()).update(span.words)
    count = len(by_sentence) or 1
    frequency: dict[str, int] = {}
    for words in by_sentence.values():
        for word in words:
            frequency[word] = frequency.get(word, 0) + 1
    return {w: math.log(1 + count / f) for w, f in frequency.items()}


def overlap(query: list[str], span: list[str], weights: Mapping[str, float]) -> float:
    """Word overlap, 0-100: an F-measure of the query's words in the span (idf-weighted)."""
    unseen = max(weights.values(), default=1.0)
    q, s = set(query), set(span)
    shared = sum(weights.get(w, unseen) for w in q & s)
    if not shared:
        return 0.0
    recall = shared / sum(weights.get(w, unseen) for w in q)
    precision = shared / sum(weights.get(w, unseen) for w in s)
    beta2 = RECALL_BETA * RECALL_BETA
    return 100.0 * (1 + beta2) * precision * recall / (beta2 * precision + recall)


def find(
    text: str,
    query: str,
    *,
    source: str = "",
    limit: int = 1,
    min_score: float | None = None,
    method: str = "combined",
) -> list[Found]:
    """The best spans of ``text`` for ``query``, best first: at most ``limit``, none overlapping another."""
    from rapidfuzz import fuzz  # noqa: PLC0415 (lazy: start-up; only quote scores with it)

    if not query.strip():
        raise UsageError("the text to find is empty")
    spans = candidates(text)
    query_words = content_words(query)
    if not query_words:
        raise UsageError(f"the text to find has no words to look for: {query!r}")
    weights = _weights(spans)
    folded_query = " ".join(query_words)
    scored: list[tuple[float, int, Span]] = []
    for span in spans:
        folded = " ".join(span.words)
        if method == "overlap":
            score = overlap(query_words, span.words, weights)
        elif method == "token_set":
            score = fuzz.token_set_ratio(folded_query, folded)
        elif method == "partial":
            score = fuzz.partial_ratio(query, text[span.start : span.end])
        else:
            score = OVERLAP_WEIGHT * overlap(query_words, span.words, weights) + (
                1 - OVERLAP_WEIGHT
            ) * fuzz.token_set_ratio(folded_query, folded)
        scored.append((score, span.end - span.start, span))
    scored.sort(key=lambda item: (-item[0], item[1], item[2].start))
    floor = MIN_SCORE if min_score is None else min_score
    found: list[Found] = []
    for score, _, span in scored:
        if len(found) >= limit or round(score, 1) < floor:
            break
        if any(span.start < f.end and f.start < span.end for f in found):
            continue  # the next best is another place in the text, not a piece of this one
        line = text.count("\n", 0, span.start) + 1
        column = span.start - (text.rfind("\n", 0, span.start) + 1) + 1
        found.append(Found(source, text[span.start : span.end], line, column, round(score, 1), span.start, span.end))
    return found


def table(found: list[Found]) -> list[str]:
    """The table format: ``SOURCE:LINE:COL  score  "quote"``, one a line."""
    return [f'{f.source}:{f.line}:{f.column}  {f.score:5.1f}  "{f.quote}"' for f in found]


__all__ = ["MIN_SCORE", "Found", "candidates", "content_words", "find", "read_source", "source_path", "table"]
