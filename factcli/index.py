"""Fuzzy name matching: a token index that shortlists candidates, rapidfuzz to rank them.

A linear scan with rapidfuzz costs ~100 ms a query at 100k names. Instead every folded
name part goes into a sorted vocabulary with a posting list of the entities using it; a
query's parts find their postings exactly, by prefix (bisect on the sorted vocabulary) or,
for typos, by a fuzzy match against the vocabulary, and only that shortlist is scored.
``exhaustive=True`` scores every entity the same way, for comparison.
"""

from __future__ import annotations

import bisect
from array import array
from dataclasses import dataclass
from typing import Iterable, Sequence

from .normalize import fold, name_variants

DEFAULT_MIN_SCORE = 75.0
AMBIGUITY_MARGIN = 2.0  # candidates this close to the best are "several, none clearly best"
SHORTLIST_ALL_BELOW = 2000  # small fact bases are scored whole: cheaper than the index
_PREFIX_SCORE = 90.0
_TYPO_CUTOFF = 70.0
_PREFIX_EXPANSION = 200


@dataclass(frozen=True, slots=True)
class Candidate:
    """One entity a query may mean, with the score and the name or alias that matched."""

    ordinal: int
    score: float
    matched: str


def labels_of(name: str, aliases: Iterable[str]) -> list[str]:
    """The names an entity answers to, canonical first."""
    return [name, *aliases]


def score_label(query: str, label: str, kind: str) -> float:
    """How well a folded query matches one label (0-100), taking the best reading of it.

    Exact (100); the same words in another order, or some of them (token ratios, just
    under exact so a full alias still wins); a prefix of the name or of a name part; or a
    plain edit-distance ratio against each variant (typos).
    """
    from rapidfuzz import fuzz

    best = 0.0
    for variant in name_variants(label, kind):
        if query == variant:
            return 100.0
        best = max(best, fuzz.ratio(query, variant))
        if " " in variant or " " in query:
            best = max(best, fuzz.token_sort_ratio(query, variant) * 0.99, fuzz.token_set_ratio(query, variant) * 0.98)
        if len(query) >= 3 and (variant.startswith(query) or f" {query}" in f" {variant}"):
            best = max(best, _PREFIX_SCORE)
    return best


class NameIndex:
    """Sorted vocabulary of folded name parts -> posting lists of entity ordinals."""

    def __init__(self, vocabulary: list[str], postings: list[bytes]) -> None:
        self.vocabulary = vocabulary
        self.postings = postings
        self.size = 0 if not postings else -1  # unknown until asked; only used for the small-base shortcut

    @classmethod
    def build(cls, names: Iterable[Sequence[str]]) -> NameIndex:
        """Index each entity's labels (name and aliases), by position in ``names``."""
        by_token: dict[str, list[int]] = {}
        count = 0
        for ordinal, labels in enumerate(names):
            count += 1
            for token in {t for label in labels for t in fold(label).split()}:
                by_token.setdefault(token, []).append(ordinal)
        vocabulary = sorted(by_token)
        index = cls(vocabulary, [array("I", by_token[t]).tobytes() for t in vocabulary])
        index.size = count
        return index

    def _posting(self, position: int) -> array:
        return array("I", self.postings[position])

    def shortlist(self, query: str) -> set[int]:
        """Entities sharing a name part with the query: exactly, by prefix, or within a typo."""
        from rapidfuzz import fuzz, process

        found: set[int] = set()
        for token in query.split():
            position = bisect.bisect_left(self.vocabulary, token)
            if position < len(self.vocabulary) and self.vocabulary[position] == token:
                found.update(self._posting(position))
            # name parts that begin with this one ("jenk" -> "jenkins")
            end = position
            while end < len(self.vocabulary) and end - position < _PREFIX_EXPANSION and self.vocabulary[end].startswith(token):
                found.update(self._posting(end))
                end += 1
            if end == position or len(token) >= 4:
                for _, _, near in process.extract(token, self.vocabulary, scorer=fuzz.ratio, score_cutoff=_TYPO_CUTOFF, limit=8):
                    found.update(self._posting(near))
        return found


def rank(
    query: str,
    entities: Iterable[tuple[int, str, list[str]]],
    min_score: float = DEFAULT_MIN_SCORE,
) -> list[Candidate]:
    """Score each ``(ordinal, kind, labels)`` by its best label; those at or over ``min_score``, best first."""
    folded = fold(query)
    results = []
    for ordinal, kind, labels in entities:
        best, matched = 0.0, labels[0]
        for label in labels:
            score = score_label(folded, label, kind)
            if score > best:
                best, matched = score, label
        if best >= min_score:
            results.append(Candidate(ordinal, round(best, 1), matched))
    results.sort(key=lambda c: (-c.score, c.ordinal))
    return results


def is_ambiguous(candidates: list[Candidate]) -> bool:
    """Several candidates tie: two exact matches, or, with no exact one, two within the margin."""
    if len(candidates) < 2:
        return False
    best, second = candidates[0].score, candidates[1].score
    if best == 100.0:
        return second == 100.0
    return best - second <= AMBIGUITY_MARGIN


def close_candidates(candidates: list[Candidate]) -> list[Candidate]:
    """The candidates an ambiguous answer lists: those tied with the best."""
    best = candidates[0].score
    margin = 0.0 if best == 100.0 else AMBIGUITY_MARGIN
    return [c for c in candidates if best - c.score <= margin]
