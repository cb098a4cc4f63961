"""What the commands ask of a fact base, as pure functions returning results.

``Catalog.open`` loads a fact base (through the cache when it can) and every question is a
method returning plain data; nothing here prints. ``cli`` calls these and ``render`` draws
what they return.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from . import cache
from .errors import UsageError
from .index import SHORTLIST_ALL_BELOW, NameIndex
from .match import DEFAULT_MIN_SCORE, Candidate, close_candidates, is_ambiguous, rank
from .load import decode, default_facts_path, parse_tree, read_bytes
from .model import Claim, Entity, FactBase, PartialDate, Period, Source
from .normalize import fold

PEOPLE_AND_ORGANIZATIONS = ("person", "organization")
EVENTS = ("event",)
FIGURES = ("figure",)
ALL_KINDS = ("person", "organization", "place", "event", "figure")


@dataclass(slots=True)
class Match:
    entity: Entity
    score: float
    matched: str


@dataclass(slots=True)
class Answer:
    """The result of looking a name up: matches best first, and whether they are a tie."""

    query: str
    matches: list[Match]
    ambiguous: bool = False
    suggestions: list[str] = field(default_factory=list)  # nearest names on a miss


@dataclass(slots=True)
class SearchHit:
    entity: Entity
    score: float
    field: str  # name, alias, summary, claim, quote
    text: str
    claim: Claim | None = None


@dataclass(slots=True)
class TimelineEntry:
    when: Period
    entity: Entity
    claim: Claim | None  # None for an event's own date


def _hash_and_load(path: Path, use_cache: bool) -> tuple[FactBase, NameIndex]:
    import hashlib

    name = os.fspath(path)
    data = read_bytes(path)
    digest = hashlib.sha256(data).hexdigest()
    target = cache.cache_path(digest) if use_cache else None
    if target is not None:
        try:
            return cache.read(target, digest, name)
        except FileNotFoundError:
            pass
        except cache.CacheCorrupt:
            cache.warn(f"ignoring a damaged cache file {target}; rebuilding it")
        except OSError:
            pass  # unreadable cache: only speed is lost
    from .check import validate
    from .errors import FactBaseError

    tree, problems = parse_tree(decode(data, name), name)
    facts, more = validate(tree, name)
    problems.extend(more)
    if problems or facts is None:
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))
        raise FactBaseError(problems)
    facts.path, facts.digest = name, digest
    index = NameIndex.build(labels_of(e) for e in facts.entities.values())
    if target is not None:
        try:
            cache.write(facts, index, target)
        except OSError:
            pass  # a read-only or full cache dir costs speed, not the answer
    return facts, index


def labels_of(entity: Entity) -> list[str]:
    return [entity.name, *entity.aliases]


class Catalog:
    """A fact base with its name index, and the questions factcli answers about it."""

    def __init__(self, facts: FactBase, index: NameIndex) -> None:
        self.facts = facts
        self.index = index
        self._ids = list(facts.entities)

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, *, use_cache: bool = True) -> Catalog:
        return cls(*_hash_and_load(Path(path) if path else default_facts_path(), use_cache))

    @classmethod
    def from_facts(cls, facts: FactBase) -> Catalog:
        return cls(facts, NameIndex.build(labels_of(e) for e in facts.entities.values()))

    # -- entities -------------------------------------------------------------------------
    def entity_at(self, ordinal: int) -> Entity:
        entities = self.facts.entities
        if isinstance(entities, cache.LazyEntities):
            return entities.at(ordinal)
        return entities[self._ids[ordinal]]

    def entities(self) -> Iterator[Entity]:
        return iter(self.facts.entities.values())

    def get(self, entity_id: str) -> Entity | None:
        return self.facts.entities.get(entity_id) if entity_id in self.facts.entities else None

    def name_of(self, entity_id: str | None) -> str | None:
        if entity_id is None:
            return None
        entity = self.get(entity_id)
        return entity.name if entity else entity_id

    # -- lookups --------------------------------------------------------------------------
    def lookup(self, query: str, kinds: Iterable[str] = ALL_KINDS, *, limit: int = 10,
               min_score: float = DEFAULT_MIN_SCORE, exhaustive: bool = False) -> Answer:
        """Find the entities a name means; ties are reported as ambiguous, misses with suggestions."""
        kinds = tuple(kinds)
        folded = fold(query)
        if not folded:
            return Answer(query, [])
        if exhaustive or len(self._ids) < SHORTLIST_ALL_BELOW:
            ordinals: Iterable[int] = range(len(self._ids))
        else:
            ordinals = sorted(self.index.shortlist(folded))
        pool = [(n, e.kind, labels_of(e)) for n in ordinals if (e := self.entity_at(n)).kind in kinds]
        candidates = rank(query, pool, min_score)
        if not candidates:
            near = rank(query, pool, 0.0)[:3]
            return Answer(query, [], suggestions=[c.matched for c in near if c.score >= 40])
        if is_ambiguous(candidates):
            chosen = close_candidates(candidates)
            return Answer(query, self._matches(chosen[:max(limit, len(chosen))]), ambiguous=True)
        return Answer(query, self._matches(candidates[:limit]))

    def _matches(self, candidates: list[Candidate]) -> list[Match]:
        return [Match(self.entity_at(c.ordinal), c.score, c.matched) for c in candidates]

    def show(self, entity_id: str) -> Answer:
        entity = self.get(entity_id)
        if entity is None:
            from .check import suggest

            hint = suggest(entity_id, self._ids)
            return Answer(entity_id, [], suggestions=[hint[len(" (did you mean '"):-3]] if hint else [])
        return Answer(entity_id, [Match(entity, 100.0, entity.id)])

    def said(self, query: str, *, limit: int = 10, min_score: float = DEFAULT_MIN_SCORE) -> tuple[Answer, list[Claim]]:
        """Claims attributed to the person or organization the query names (or an unnamed speaker)."""
        answer = self.lookup(query, PEOPLE_AND_ORGANIZATIONS, limit=limit, min_score=min_score)
        if answer.matches and not answer.ambiguous:
            speaker = answer.matches[0].entity.id
            return answer, [c for c in self.facts.claims() if c.attributed_to == speaker]
        if answer.ambiguous:
            return answer, []
        from rapidfuzz import fuzz

        folded = fold(query)
        claims = [c for c in self.facts.claims() if c.attribution and fuzz.token_set_ratio(folded, fold(c.attribution)) >= min_score]
        return answer, claims

    def search(self, query: str, *, limit: int = 20, min_score: float = DEFAULT_MIN_SCORE) -> list[SearchHit]:
        """Every place the words occur: names, aliases, summaries, claim texts, quotes."""
        from rapidfuzz import fuzz

        folded = fold(query)
        if not folded:
            return []
        hits: list[SearchHit] = []
        for entity in self.entities():
            fields: list[tuple[str, str, Claim | None]] = [("name", entity.name, None)]
            fields += [("alias", alias, None) for alias in entity.aliases]
            fields.append(("summary", entity.summary, None))
            for claim in entity.claims:
                fields.append(("claim", claim.text, claim))
                fields += [("quote", c.quote, claim) for c in claim.citations]
            best: SearchHit | None = None
            for kind, text, claim in fields:
                target = fold(text)
                if folded in target.split() or f" {folded} " in f" {target} ":
                    score = 100.0
                elif len(folded) >= 3:
                    score = fuzz.partial_ratio(folded, target) if len(folded) <= len(target) else fuzz.ratio(folded, target)
                else:
                    continue
                if score >= min_score and (best is None or score > best.score):
                    best = SearchHit(entity, round(score, 1), kind, text, claim)
            if best:
                hits.append(best)
        hits.sort(key=lambda h: -h.score)
        return hits[:limit]

    def timeline(self, start: str | None = None, end: str | None = None, query: str | None = None) -> list[TimelineEntry]:
        """Dated claims and events in order; ``start``/``end`` are dates like 1978 or 2019-02."""
        low = _bound(start, "--from").earliest() if start else None
        high = _bound(end, "--to").latest() if end else None
        subjects: set[str] | None = None
        if query:
            answer = self.lookup(query, limit=20)
            subjects = {m.entity.id for m in answer.matches}
        entries = []
        for entity in self.entities():
            related_hit = subjects is None or entity.id in subjects
            if entity.date and related_hit:
                entries.append(TimelineEntry(entity.date, entity, None))
            for claim in entity.claims:
                if claim.date and (related_hit or (subjects is not None and claim.related in subjects)):
                    entries.append(TimelineEntry(claim.date, entity, claim))
        entries = [e for e in entries if (low is None or e.when.latest() >= low) and (high is None or e.when.earliest() <= high)]
        entries.sort(key=lambda e: (e.when.earliest(), e.when.latest(), e.entity.name))
        return entries

    def sources(self) -> list[tuple[Source, int]]:
        counts = self.facts.citation_counts()
        return [(s, counts.get(s.id, 0)) for s in self.facts.sources.values()]

    def stats(self) -> dict[str, object]:
        """The fact base at a glance (the keys are the JSON contract of ``stats``)."""
        by_kind = dict.fromkeys(ALL_KINDS, 0)
        claims = citations = dated = 0
        decades: dict[str, int] = {}
        first: str | None = None
        last: str | None = None
        discrepancies = []
        for entity in self.entities():
            by_kind[entity.kind] = by_kind.get(entity.kind, 0) + 1
            values = set()
            for claim in entity.claims:
                claims += 1
                citations += len(claim.citations)
                when = claim.date or None
                if claim.value is not None:
                    values.add(claim.value)
                if when:
                    dated += 1
                    decade = f"{when.start.year // 10 * 10}s"
                    decades[decade] = decades.get(decade, 0) + 1
                    first = min(first or when.earliest(), when.earliest())
                    last = max(last or when.latest(), when.latest())
            if entity.kind == "figure" and len(values) > 1:
                discrepancies.append({"id": entity.id, "name": entity.name, "values": sorted(values)})
        return {
            "entities": sum(by_kind.values()),
            "by_kind": by_kind,
            "claims": claims,
            "citations": citations,
            "sources": len(self.facts.sources),
            "figures": by_kind.get("figure", 0),
            "dated_claims": dated,
            "date_span": [first, last] if first else None,
            "claims_per_source": self.facts.citation_counts(),
            "claims_per_decade": dict(sorted(decades.items())),
            "discrepancies": discrepancies,
        }


def _bound(text: str, option: str) -> PartialDate:
    try:
        return PartialDate.parse(text.strip())
    except ValueError as error:
        raise UsageError(f"{option}: {error}") from None
