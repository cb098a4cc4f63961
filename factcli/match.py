"""How well a query matches a name, and when several matches are a tie.

The scorer is rapidfuzz over the folded forms from ``normalize``: exact, token-order-free,
prefix and edit-distance readings, the best of them counting (see the README for the
measured accuracy on the labelled query set in tests/data/queries.tsv).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .normalize import fold, name_variants

DEFAULT_MIN_SCORE = 75.0
AMBIGUITY_MARGIN = 2.0  # candidates this close to the best are "several, none clearly best"
_PREFIX_SCORE = 90.0


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
