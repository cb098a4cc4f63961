"""What the commands ask of a fact base, as pure functions returning results.

``Catalog.open`` loads a fact base (through the cache when it can) and every question is a
method returning plain data; nothing here prints. ``cli`` calls these and ``render`` draws
what they return.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from . import cache
from .errors import UsageError
from .index import SHORTLIST_ALL_BELOW, NameIndex
from .load import _max_bytes as max_bytes
from .load import default_facts_path, load_bytes, read_bytes
from .match import DEFAULT_MIN_SCORE, SUGGEST_MIN_SCORE, Candidate, close_candidates, is_ambiguous, rank
from .model import Claim, Entity, FactBase, PartialDate, Period, Source, parse_number
from .normalize import fold
from .records import Record

PEOPLE_AND_ORGANIZATIONS = ("person", "organization")
EVENTS = ("event",)
FIGURES = ("figure",)
ALL_KINDS = ("person", "organization", "place", "event", "figure")


class Match(Record):
    """An entity a query found, with its score and the name or alias that matched.

    A match found through the cache decodes its entity only when ``entity`` is first read:
    a batch written as JSON is written from the entities' cache records (``record``), without
    building the model's objects.
    """

    __slots__ = ("_entity", "score", "matched", "_entities", "_ordinal")
    _fields = ("entity", "score", "matched")  # field order: init, eq and repr

    def __init__(self, entity: Entity, score: float, matched: str) -> None:
        self._entity: Entity | None = entity
        self.score = score
        self.matched = matched
        self._entities: cache.LazyEntities | None = None
        self._ordinal = -1

    @classmethod
    def _from_cache(cls, entities: cache.LazyEntities, ordinal: int, score: float, matched: str) -> Match:
        entities.check(ordinal)  # now, so that a damaged record is met (and warned about) where it always was
        match = cls.__new__(cls)
        match._entity = None
        match.score = score
        match.matched = matched
        match._entities = entities
        match._ordinal = ordinal
        return match

    @property
    def entity(self) -> Entity:
        entity = self._entity
        if entity is None:
            assert self._entities is not None
            entity = self._entity = self._entities.at(self._ordinal)
        return entity

    @entity.setter
    def entity(self, entity: Entity) -> None:
        self._entity = entity
        self._entities = None

    def record(self) -> tuple | None:  # type: ignore[type-arg]
        """The entity's cache record (``cache.entity_record``'s shape) if it came from the cache, else None."""
        return None if self._entities is None else self._entities.record(self._ordinal)


class Answer(Record):
    """The result of looking a name up: matches best first, and whether they are a tie."""

    __slots__ = ("query", "matches", "ambiguous", "suggestions")  # noqa: RUF023  # field order: init, eq and repr

    def __init__(
        self, query: str, matches: list[Match], ambiguous: bool = False, suggestions: list[str] | None = None
    ) -> None:
        self.query = query
        self.matches = matches
        self.ambiguous = ambiguous
        self.suggestions = [] if suggestions is None else suggestions  # nearest names on a miss


class SearchHit(Record):
    __slots__ = ("entity", "score", "field", "text", "claim")  # noqa: RUF023  # field order: init, eq and repr

    def __init__(self, entity: Entity, score: float, field: str, text: str, claim: Claim | None = None) -> None:
        self.entity = entity
        self.score = score
        self.field = field  # name, alias, summary, claim, quote
        self.text = text
        self.claim = claim


class TimelineEntry(Record):
    __slots__ = ("when", "entity", "claim")  # noqa: RUF023  # field order: init, eq and repr

    def __init__(self, when: Period, entity: Entity, claim: Claim | None) -> None:
        self.when = when
        self.entity = entity
        self.claim = claim  # None for an event's own date


def _hash_and_load(path: Path, use_cache: bool, read_cache: bool = True) -> tuple[FactBase, NameIndex]:
    name = os.fspath(path)
    stat = None

    def recover() -> dict[str, Entity]:
        """A cache record failed its check mid-command: parse the file again, rewrite the cache."""
        cache.warn(f"ignoring a damaged cache file for {name}; rebuilding it")
        return _hash_and_load(path, use_cache, read_cache=False)[0].entities

    if use_cache and read_cache:
        # warm path: a fact file unchanged since it was hashed is not read again (see cache.py)
        try:
            stat = os.stat(name)
            digest = cache.known_digest(name, stat) if stat.st_size <= max_bytes() else None
            if digest is not None:
                return cache.read(cache.cache_path(digest), digest, name, recover)
        except cache.CacheCorrupt:
            pass  # warned about below, after hashing, if it is still there
        except OSError:
            pass  # missing fact file: read_bytes reports it; unreadable cache: only speed is lost
    import hashlib

    started = cache.now_ns()
    data = read_bytes(path)
    digest = hashlib.sha256(data).hexdigest()
    target = cache.cache_path(digest) if use_cache else None
    if target is not None and read_cache:
        try:
            facts, index = cache.read(target, digest, name, recover)
            if stat is not None:
                cache.remember_digest(name, stat, digest, started)
            return facts, index
        except FileNotFoundError:
            pass
        except cache.CacheCorrupt:
            cache.warn(f"ignoring a damaged cache file {target}; rebuilding it")
        except OSError:
            pass  # unreadable cache: only speed is lost
    facts = load_bytes(data, name)
    del data  # a 1M-entity file is 1.5 GB: not kept through the index build
    facts.digest = digest
    index = NameIndex.build((e.kind, labels_of(e)) for e in facts.entities.values())
    if target is not None:
        try:
            cache.write(facts, index, target)
            if stat is not None:
                previous = cache.remember_digest(name, stat, digest, started)
                if previous is not None and previous != digest:
                    cache.cache_path(previous).unlink(missing_ok=True)  # the edited file's old cache
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
        self._lazy = facts.entities if isinstance(facts.entities, cache.LazyEntities) else None
        self._id_list: list[str] | None = None

    @property
    def _ids(self) -> list[str]:
        """Entity ids by ordinal (decoded on first use: a lookup by name does not need them)."""
        if self._id_list is None:
            self._id_list = self._lazy.ids() if self._lazy is not None else list(self.facts.entities)
        return self._id_list

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, *, use_cache: bool = True) -> Catalog:
        return cls(*_hash_and_load(Path(path) if path else default_facts_path(), use_cache))

    @classmethod
    def from_facts(cls, facts: FactBase) -> Catalog:
        return cls(facts, NameIndex.build((e.kind, labels_of(e)) for e in facts.entities.values()))

    # -- entities -------------------------------------------------------------------------
    def entity_at(self, ordinal: int) -> Entity:
        if self._lazy is not None:
            return self._lazy.at(ordinal)
        return self.facts.entities[self._ids[ordinal]]

    def entities(self) -> Iterator[Entity]:
        return iter(self.facts.entities.values())

    def get(self, entity_id: str) -> Entity | None:
        return self.facts.entities.get(entity_id) if entity_id in self.facts.entities else None

    def name_of(self, entity_id: str | None) -> str | None:
        if entity_id is None:
            return None
        if self._lazy is not None:  # from the index's labels, without decoding the entity
            return self._lazy.name_of(entity_id) or entity_id
        entity = self.get(entity_id)
        return entity.name if entity else entity_id

    # -- lookups --------------------------------------------------------------------------
    def lookup(
        self,
        query: str,
        kinds: Iterable[str] = ALL_KINDS,
        *,
        limit: int = 10,
        min_score: float = DEFAULT_MIN_SCORE,
        exhaustive: bool = False,
    ) -> Answer:
        """Find the entities a name means; ties are reported as ambiguous, misses with suggestions."""
        kinds = tuple(kinds)
        folded = fold(query)
        if not folded:
            return Answer(query, [])
        index = self.index
        if "figure" in kinds and not exhaustive:
            by_value = self._figures_with_value(query, limit)
            if by_value is not None:
                return by_value
        if exhaustive or index.size < SHORTLIST_ALL_BELOW:
            ordinals: Iterable[int] = index.ordinals_of_kinds(kinds)
        else:
            ordinals = index.shortlist(folded, kinds)
        pool = [(n, index.kind(n), index.labels(n), index.folded(n)) for n in ordinals]
        candidates = rank(query, pool, min_score)
        if not candidates:
            near = rank(query, pool, 0.0)[:3]
            return Answer(query, [], suggestions=[c.matched for c in near if c.score >= SUGGEST_MIN_SCORE])
        if is_ambiguous(candidates):
            chosen = close_candidates(candidates)
            return Answer(query, self._matches(chosen[: max(limit, len(chosen))]), ambiguous=True)
        return Answer(query, self._matches(candidates[:limit]))

    def _figures_with_value(self, query: str, limit: int) -> Answer | None:
        """``figure 1,800``: the figures some source gives that number for; None if the query is no number."""
        value = as_number(query)
        if value is None:
            return None
        found = [
            Match(entity, 100.0, query.strip())
            for entity in map(self.entity_at, self.index.ordinals_of_kinds(("figure",)))
            if any(claim.value == value for claim in entity.claims)
        ]
        if not found:
            return None  # a number that is also a name ("88 countries" is not a number)
        return Answer(query, found[: max(limit, len(found))] if len(found) > 1 else found, ambiguous=len(found) > 1)

    def _matches(self, candidates: list[Candidate]) -> list[Match]:
        lazy = self._lazy
        if lazy is not None:
            return [Match._from_cache(lazy, c.ordinal, c.score, c.matched) for c in candidates]
        return [Match(self.entity_at(c.ordinal), c.score, c.matched) for c in candidates]

    def show(self, entity_id: str) -> Answer:
        entity = self.get(entity_id)
        if entity is None:
            from .check import suggest

            # the ids of what the words name ("show jenkins"), then the nearest spelling of an id
            named = self.lookup(entity_id.replace("-", " "), ALL_KINDS, limit=3)
            ids = [m.entity.id for m in named.matches[:3]]
            hint = suggest(entity_id, self._ids)
            if hint and hint[len(" (did you mean '") : -3] not in ids:
                ids.append(hint[len(" (did you mean '") : -3])
            return Answer(entity_id, [], suggestions=ids)
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
        claims = [
            c
            for c in self.facts.claims()
            if c.attribution and fuzz.token_set_ratio(folded, fold(c.attribution)) >= min_score
        ]
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
                    score = (
                        fuzz.partial_ratio(folded, target) if len(folded) <= len(target) else fuzz.ratio(folded, target)
                    )
                else:
                    continue
                if score >= min_score and (best is None or score > best.score):
                    best = SearchHit(entity, round(score, 1), kind, text, claim)
            if best:
                hits.append(best)
        hits.sort(key=lambda h: -h.score)
        return hits[:limit]

    def timeline(
        self, start: str | None = None, end: str | None = None, query: str | None = None
    ) -> list[TimelineEntry]:
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
        entries = [
            e
            for e in entries
            if (low is None or e.when.latest() >= low) and (high is None or e.when.earliest() <= high)
        ]
        entries.sort(key=lambda e: (e.when.earliest(), e.when.latest(), e.entity.name))
        return entries

    def sources(self) -> list[tuple[Source, int]]:
        counts = self.facts.citation_counts()
        return [(s, counts.get(s.id, 0)) for s in self.facts.sources.values()]

    def stats(self) -> dict[str, object]:
        """The fact base at a glance (the keys are the JSON contract of ``stats``)."""
        by_kind = dict.fromkeys(ALL_KINDS, 0)
        claims = citations = dated = dated_events = 0
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
            if entity.date:  # an event's own date counts towards the span, not towards the claims
                dated_events += 1
                first = min(first or entity.date.earliest(), entity.date.earliest())
                last = max(last or entity.date.latest(), entity.date.latest())
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
            "dated_events": dated_events,
            "date_span": [first, last] if first else None,
            "claims_per_source": self.facts.citation_counts(),
            "claims_per_decade": dict(sorted(decades.items())),
            "discrepancies": discrepancies,
        }


def as_number(text: str) -> int | float | None:
    """A query written as a number (``1,800``, ``2.5``) as that number; None for anything else."""
    try:
        return parse_number(text.strip())
    except ValueError:
        return None


def _bound(text: str, option: str) -> PartialDate:
    try:
        return PartialDate.parse(text.strip())
    except ValueError as error:
        raise UsageError(f"{option}: {error}") from None
