"""What the commands ask of a fact base, as pure functions returning results.

``Catalog.open`` opens a fact base (``store.FactStore``: through the cache when it can) and
every question is a method returning plain data; nothing here prints. ``cli`` calls these and
``render`` draws what they return.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from .errors import UsageError
from .index import SHORTLIST_ALL_BELOW, NameIndex
from .match import (
    DEFAULT_MIN_SCORE,
    EXACT_SCORE,
    SUGGEST_MIN_SCORE,
    Candidate,
    close_candidates,
    is_ambiguous,
    rank,
    ratio,
)
from .model import Claim, Entity, FactBase, PartialDate, Period, Source, parse_number
from .normalize import LIGHT_WORDS, PARTICLES, fold
from .store import Entities, FactStore
from .values import Mutable

if TYPE_CHECKING:
    from .topic import Ranked, Ranking, TopicIndex

PEOPLE_AND_ORGANIZATIONS = ("person", "organization")
EVENTS = ("event",)
FIGURES = ("figure",)
PLACES = ("place",)
SPEAKERS = ("person", "organization", "place")  # who ``said`` looks for, besides the unnamed attributions
UNNAMED = "unnamed"  # the kind of an unnamed speaker ("informed sources"); its id is "unnamed:<attribution>"
LOCATED_IN = "located-in"
ALL_KINDS = ("person", "organization", "place", "event", "figure")
_EVENT_LINKS = frozenset({"has-participant", "about", "located-in"})  # an event's claims tying it to an entity
LOOKUP_LIMIT = 10
SEARCH_LIMIT = 20  # search lists more than a lookup: it finds words, not one entity
STRONG_NAME_SCORE = 90.0  # a name match this good (exact or prefix) is the answer; no topic reading
TIE_BREAK_RATIO = 2.0  # a topic reading breaks a tie of names only when its best leads this clearly


class Match(Mutable):
    """An entity a query found, with its score, the name or alias that matched, and the claims to show.

    The entity is decoded only when ``entity`` is first read (a lookup needs only the index).
    ``claims`` are the entity's own unless the question chose some (``said``).
    """

    __slots__ = ("_entity", "score", "matched", "_entities", "_ordinal", "_claims")
    _fields = ("entity", "score", "matched")  # field order: init, eq and repr

    def __init__(self, entity: Entity, score: float, matched: str, claims: tuple[Claim, ...] | None = None) -> None:
        self._entity: Entity | None = entity
        self.score = score
        self.matched = matched
        self._entities: Entities | None = None
        self._ordinal = -1
        self._claims = claims

    @classmethod
    def lazy(cls, entities: Entities, ordinal: int, score: float, matched: str) -> Match:
        entities.check(ordinal)  # now, so that a damaged record is met (and warned about) where it always was
        match = cls.__new__(cls)
        match._entity = None
        match.score = score
        match.matched = matched
        match._entities = entities
        match._ordinal = ordinal
        match._claims = None
        return match

    @property
    def entity(self) -> Entity:
        entity = self._entity
        if entity is None:  # not kept here: a batch holds thousands of matches (Entities keeps a few)
            assert self._entities is not None
            return self._entities.at(self._ordinal)
        return entity

    @entity.setter
    def entity(self, entity: Entity) -> None:
        self._entity = entity
        self._entities = None

    @property
    def claims(self) -> tuple[Claim, ...]:
        return self.entity.claims if self._claims is None else self._claims


_NO_SOURCES: Mapping[str, Source] = {}  # never written to


class Answer(Mutable):
    """The result of looking a name up: matches best first, and whether they are a tie.

    ``named``, on a miss: an entity the query names exactly that is not an answer to this
    question (``who Tokyo``: the place Tokyo; ``said Tokyo``: a speaker with no statements).
    ``sources``: the fact base's sources by id, for the titles a terminal shows under the claims
    (a reference to the catalog's mapping, which builds them only when first read; not compared).
    """

    __slots__ = ("query", "matches", "ambiguous", "suggestions", "named", "sources")  # noqa: RUF023  # field order
    _fields = ("query", "matches", "ambiguous", "suggestions", "named")

    def __init__(
        self,
        query: str,
        matches: list[Match],
        ambiguous: bool = False,
        suggestions: list[str] | None = None,
        named: Entity | None = None,
    ) -> None:
        self.query = query
        self.matches = matches
        self.ambiguous = ambiguous
        self.suggestions = [] if suggestions is None else suggestions  # nearest names on a miss
        self.named = named
        self.sources = _NO_SOURCES


class TopicAnswer(Answer):
    """An answer of ``Catalog.find``: an ``Answer``, and the query's words found nowhere in the fact base."""

    __slots__ = ("absent", "topic")

    def __init__(
        self,
        query: str,
        matches: list[Match],
        ambiguous: bool = False,
        suggestions: list[str] | None = None,
        absent: list[str] | None = None,
        topic: bool = False,
        named: Entity | None = None,
    ) -> None:
        super().__init__(query, matches, ambiguous, suggestions, named)
        self.absent = [] if absent is None else absent
        self.topic = topic  # True when the topic reading gave the answer, False for the name reading


class SearchHit(Mutable):
    __slots__ = ("entity", "score", "field", "text", "claim")  # noqa: RUF023  # field order: init, eq and repr

    def __init__(self, entity: Entity, score: float, field: str, text: str, claim: Claim | None = None) -> None:
        self.entity = entity
        self.score = score
        self.field = field  # name, alias, place, participant, summary, date, claim, quote
        self.text = text
        self.claim = claim

    @property
    def sources(self) -> list[str]:
        """The source ids behind the hit: its claim's, or every claim's of its entity for a name or summary."""
        claims = (self.claim,) if self.claim is not None else self.entity.claims
        return list(dict.fromkeys(c.source for claim in claims for c in claim.citations))


class Timeline(Mutable):
    """A timeline's rows; with a query, the answer that says what it named (a miss: no rows)."""

    __slots__ = ("answer", "entries", "total")  # noqa: RUF023  # field order: init, eq and repr

    def __init__(self, answer: Answer | None, entries: list[TimelineEntry], total: int) -> None:
        self.answer = answer
        self.entries = entries
        self.total = total  # rows before --limit


class TimelineEntry(Mutable):
    __slots__ = ("when", "entity", "claim")  # noqa: RUF023  # field order: init, eq and repr

    def __init__(self, when: Period, entity: Entity, claim: Claim | None) -> None:
        self.when = when
        self.entity = entity
        self.claim = claim  # None for an event's own date


_Question = TypeVar("_Question", bound=Callable[..., Answer])


def _citing(question: _Question) -> _Question:
    """A question whose answer carries the fact base's sources (``Answer.sources``)."""

    def answer(self: Catalog, *args: Any, **kwargs: Any) -> Answer:
        found: Answer = question(self, *args, **kwargs)
        found.sources = self.facts.sources
        return found

    answer.__name__, answer.__qualname__, answer.__doc__ = question.__name__, question.__qualname__, question.__doc__
    return cast("_Question", answer)


class Catalog:
    """A fact base with its name index, and the questions factcli answers about it."""

    def __init__(self, store: FactStore) -> None:
        self.store = store
        self.facts = store.facts
        self.index = store.index
        self._entities: Entities = store.entities
        self._statements: tuple[dict[str, list[Claim]], dict[str, list[Claim]]] | None = None
        self._places: dict[str, set[int]] | None = None  # bare folded place names -> ordinals
        self._located: dict[str, list[Claim]] | None = None
        self._topics: TopicIndex | None = None
        self._topic_entities: dict[str, Entity] = {}

    @classmethod
    def open(
        cls, path: str | os.PathLike[str] | None = None, *, use_cache: bool = True, jobs: int | None = None
    ) -> Catalog:
        return cls(FactStore.open(path, use_cache=use_cache, jobs=jobs))

    @classmethod
    def from_facts(cls, facts: FactBase) -> Catalog:
        """A catalog over a fact base from ``load()`` (its index built here)."""
        entities: Entities = facts.entities  # type: ignore[assignment]
        index = NameIndex.build(entities.kinds_and_labels())
        entities.name_entities_with(index.name)
        return cls(FactStore(facts, index))

    @property
    def warnings(self) -> list[str]:
        """What the user should hear about how the answer was found (a damaged cache)."""
        return self.store.warnings

    # -- entities -------------------------------------------------------------------------
    def entity_at(self, ordinal: int) -> Entity:
        return self._entities.at(ordinal)

    def entities(self) -> Iterator[Entity]:
        return iter(self.facts.entities.values())

    def get(self, entity_id: str) -> Entity | None:
        return self.facts.entities.get(entity_id) if entity_id in self.facts.entities else None

    # -- lookups --------------------------------------------------------------------------
    @_citing
    def lookup(
        self,
        query: str,
        kinds: Iterable[str] = ALL_KINDS,
        *,
        limit: int | None = None,
        min_score: float | None = None,
        exhaustive: bool = False,
    ) -> Answer:
        """Find the entities a name means; ties are reported as ambiguous (all of them), misses with suggestions.

        At most ``limit`` matches (``LOOKUP_LIMIT`` unless told) scoring ``min_score`` or more
        (``match.DEFAULT_MIN_SCORE`` unless told).
        """
        limit = LOOKUP_LIMIT if limit is None else limit
        min_score = DEFAULT_MIN_SCORE if min_score is None else min_score
        kinds = tuple(kinds)
        folded = fold(query)
        if not folded:
            return Answer(query, [])
        if "figure" in kinds and not exhaustive:
            by_value = self._figures_with_value(query)
            if by_value is not None:
                return by_value
        pool = self._pool(folded, kinds, exhaustive)
        candidates = rank(query, pool, min_score)
        if "place" not in kinds and not _names_whole(candidates, folded):
            place = self._place_named(folded)
            if place is not None:  # "who Hanoi" is the city, not "Unnamed attendee at the Hanoi meeting"
                return Answer(query, [], named=place)
        if not candidates:
            near = rank(query, pool, 0.0)[:3]
            return Answer(query, [], suggestions=[c.matched for c in near if c.score >= SUGGEST_MIN_SCORE])
        if is_ambiguous(candidates):
            chosen = close_candidates(candidates)
            return Answer(query, self._matches(chosen), ambiguous=True)
        return Answer(query, self._matches(candidates[:limit]))

    def _pool(
        self, folded: str, kinds: tuple[str, ...], exhaustive: bool = False
    ) -> list[tuple[int, str, list[str], list[str]]]:
        """``(ordinal, kind, labels, folded labels)`` of the entities of ``kinds`` a folded query may mean."""
        index = self.index
        if exhaustive or index.size < SHORTLIST_ALL_BELOW:
            ordinals: Iterable[int] = index.ordinals_of_kinds(kinds)
        else:
            ordinals = index.shortlist(folded, kinds)
        return [(n, index.kind(n), index.labels(n), index.folded(n)) for n in ordinals]

    def _place_named(self, folded: str) -> Entity | None:
        """The place whose name or an alias the folded query is (little words aside), if exactly one is."""
        if self._places is None:  # every place's names, once: a dictionary look-up a query
            places: dict[str, set[int]] = {}
            index = self.index
            for ordinal in index.ordinals_of_kinds(PLACES):
                for label in index.folded(ordinal):
                    places.setdefault(_bare(label), set()).add(ordinal)
            self._places = places
        found = self._places.get(_bare(folded), ())
        return self._entities.at(next(iter(found))) if len(found) == 1 else None

    def _figures_with_value(self, query: str) -> Answer | None:
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
        return Answer(query, found, ambiguous=len(found) > 1)

    def _matches(self, candidates: list[Candidate]) -> list[Match]:
        return [Match.lazy(self._entities, c.ordinal, c.score, c.matched) for c in candidates]

    @_citing
    def show(self, entity_id: str) -> Answer:
        """The entity with this id; or the one that had it before (``former_ids``: merged or retired
        entities keep answering; ``matched`` says which id was asked); else suggestions."""
        entity = self.get(entity_id)
        if entity is None:
            successor = next((e for e in self.entities() if entity_id in e.former_ids), None)
            if successor is not None:
                return Answer(entity_id, [Match(successor, 100.0, entity_id)])
            from .check import closest  # noqa: PLC0415 (lazy: only a miss suggests)

            # the ids of what the words name ("show jenkins"), then the nearest spelling of an id
            named = self.lookup(entity_id.replace("-", " "), ALL_KINDS, limit=3)
            ids = [m.entity.id for m in named.matches[:3]]
            nearest = closest(entity_id, self._entities.ids())
            if nearest is not None and nearest not in ids:
                ids.append(nearest)
            return Answer(entity_id, [], suggestions=ids)
        return Answer(entity_id, [Match(entity, 100.0, entity.id)])

    @_citing
    def said(self, query: str, *, limit: int | None = None, min_score: float | None = None) -> Answer:
        """The statements of the speaker the query names: a person, organization or place, or an
        unnamed speaker (a claim's ``attribution``: "informed sources", "government sources").

        Every speaker is a candidate, scored by ``match.rank``; a speaker the query names exactly
        (also with little words such as "a", "the" left out on both sides) scores 100, and the
        tie rule is ``match.is_ambiguous``'s: two exact speakers, or no exact one and two within
        the margin, are ambiguous (each listed with its statements). A speaker with no statements
        is no answer (a miss, with the speaker in ``named``). Each statement once (claims quoting
        the same words of a source are one statement); ``limit`` statements at most.
        """
        min_score = DEFAULT_MIN_SCORE if min_score is None else min_score
        folded = fold(query)
        if not folded:
            return Answer(query, [])
        by_id, by_attribution = self._said_by()
        unnamed = list(by_attribution)
        first_unnamed = self.index.size  # unnamed speakers are numbered after the entities
        pool = self._pool(folded, SPEAKERS)
        pool += [(first_unnamed + n, UNNAMED, [who], [fold(who)]) for n, who in enumerate(unnamed)]
        candidates = self._speakers(query, folded, pool, min_score, first_unnamed, by_id)
        if not candidates:
            near = rank(query, pool, 0.0)[:3]
            return Answer(query, [], suggestions=[c.matched for c in near if c.score >= SUGGEST_MIN_SCORE])

        def speaker(candidate: Candidate) -> Match:
            if candidate.ordinal >= first_unnamed:
                who = unnamed[candidate.ordinal - first_unnamed]
                entity = Entity(f"{UNNAMED}:{who}", UNNAMED, who, f"statements attributed to {who}")
                return Match(entity, candidate.score, who, distinct_statements(by_attribution[who]))
            match = Match.lazy(self._entities, candidate.ordinal, candidate.score, candidate.matched)
            entity = match.entity
            return Match(entity, match.score, match.matched, distinct_statements(by_id.get(entity.id, ()), entity.id))

        if is_ambiguous(candidates):
            return Answer(query, [speaker(c) for c in close_candidates(candidates)], ambiguous=True)
        best = speaker(candidates[0])
        if not best.claims:
            return Answer(query, [], named=best.entity)
        if limit is not None:
            best = Match(best.entity, best.score, best.matched, best.claims[:limit])
        return Answer(query, [best])

    def _speakers(
        self,
        query: str,
        folded: str,
        pool: list[tuple[int, str, list[str], list[str]]],
        min_score: float,
        first_unnamed: int,
        by_id: dict[str, list[Claim]],
    ) -> list[Candidate]:
        """The speakers the query may mean, best first: ranked, with bare-exact names at 100, near
        ones only when each query word is near a word of theirs, and a place quoted nowhere left out
        when a quoted speaker bears the same name exactly ("North Korea": its government)."""
        candidates = _with_bare_exact(rank(query, pool, min_score), pool, folded)
        words = [word for word in folded.split() if word not in LIGHT_WORDS] or _bare(folded).split()
        labels = {entry[0]: entry[2] for entry in pool}
        candidates = [c for c in candidates if c.score == EXACT_SCORE or _words_near(words, labels[c.ordinal])]
        ids, index = self._entities.ids(), self.index
        unquoted_places = {
            c.ordinal
            for c in candidates
            if c.ordinal < first_unnamed and index.kind(c.ordinal) == "place" and ids[c.ordinal] not in by_id
        }
        if unquoted_places and any(c.score == EXACT_SCORE and c.ordinal not in unquoted_places for c in candidates):
            candidates = [c for c in candidates if c.ordinal not in unquoted_places]
        return candidates

    def _said_by(self) -> tuple[dict[str, list[Claim]], dict[str, list[Claim]]]:
        """The claims attributed to each entity id, and to each unnamed speaker, in fact-base order (kept)."""
        if self._statements is None:
            by_id: dict[str, list[Claim]] = {}
            by_attribution: dict[str, list[Claim]] = {}
            for claim in self.facts.claims():
                if claim.attributed_to:
                    by_id.setdefault(claim.attributed_to, []).append(claim)
                if claim.attribution:
                    by_attribution.setdefault(claim.attribution, []).append(claim)
            self._statements = (by_id, by_attribution)
        return self._statements

    @_citing
    def where(self, query: str, *, limit: int | None = None, min_score: float | None = None) -> Answer:
        """The place the query names, with its claims and then the claims of what is located in it
        (``relation: located-in``: the events held there, the bodies and places in it)."""
        answer = self.lookup(query, PLACES, limit=limit, min_score=min_score)
        if answer.ambiguous or not answer.matches:
            return answer
        words = _bare(fold(query)).split()
        named = [
            m
            for m in answer.matches
            if m.score == EXACT_SCORE or _words_near(words, (m.entity.name, *m.entity.all_aliases))
        ]
        if not named:
            return Answer(query, [], suggestions=[m.matched for m in answer.matches[:3]])
        located = self._located_in()
        matches = [
            Match(m.entity, m.score, m.matched, (*m.entity.claims, *located.get(m.entity.id, ()))) for m in named
        ]
        return Answer(query, matches)

    def _located_in(self) -> dict[str, list[Claim]]:
        """Per entity id, the other entities' claims that they are located in it (kept)."""
        if self._located is None:
            located: dict[str, list[Claim]] = {}
            for claim in self.facts.claims():
                if claim.relation == LOCATED_IN and claim.related and claim.related != claim.subject:
                    located.setdefault(claim.related, []).append(claim)
            self._located = located
        return self._located

    def search(
        self, query: str, *, limit: int | None = None, min_score: float | None = None, exact: bool = False
    ) -> list[SearchHit]:
        """The entities the words are about, best first (``topic``: BM25F over names, aliases, places,
        participants, summaries, dates, claims and quotes), each with the field that shows it best.

        Word forms count (``sanction`` finds ``sanctions``) unless ``exact``; a ``"quoted phrase"``
        must occur as written. A word that occurs nowhere in the fact base is read as the known
        word it is a typo of, or else nothing is found. Scores are relative, the best hit's 100;
        ``min_score`` (unset by default) drops hits below it. ``limit`` hits at most;
        ``SEARCH_LIMIT`` unless told.
        """
        ranking = self._rank_topic(query, None, exact=exact)
        if ranking is None or ranking.absent or not ranking.ranked:
            return []
        top = ranking.ranked[0].score
        hits = []
        for ranked in ranking.ranked:
            score = round(100.0 * ranked.score / top, 1)
            if min_score is not None and score < min_score:
                break
            best = ranked.best
            hits.append(SearchHit(self._topic_entities[ranked.entity_id], score, best.kind, best.text, best.claim))
        return hits[: SEARCH_LIMIT if limit is None else limit]

    # -- topics ----------------------------------------------------------------------------
    @_citing
    def find(
        self, query: str, kinds: Iterable[str], *, limit: int | None = None, min_score: float | None = None
    ) -> TopicAnswer:
        """``what`` and ``figure``: the entity a name means, else the entities the words are about.

        The name reading (``lookup``) answers when it has a clear match scoring
        ``STRONG_NAME_SCORE`` or more, or when the query is a number. Otherwise the topic
        reading (``topic.TopicIndex``) ranks the entities of ``kinds`` by the words of their
        names, aliases, places, participants, summaries and claims: a clear best (``topic.CLEAR_RATIO``
        times the second; ``TIE_BREAK_RATIO`` times to break a tie of names) is the answer, a
        near tie is ambiguous (its candidates listed), and a query with a word found nowhere in
        the fact base is a miss (the words in ``absent``). When the topic reading finds nothing
        the name reading's answer stands.
        """
        kinds = tuple(kinds)
        limit = LOOKUP_LIMIT if limit is None else limit
        named = self.lookup(query, kinds, limit=limit, min_score=min_score)
        strong = bool(named.matches) and not named.ambiguous and named.matches[0].score >= STRONG_NAME_SCORE
        if strong or (named.matches and as_number(query) is not None):
            return TopicAnswer(query, named.matches, named.ambiguous, named.suggestions, named=named.named)
        ranking = self._rank_topic(query, kinds)
        if ranking is None:
            return TopicAnswer(query, named.matches, named.ambiguous, named.suggestions, named=named.named)
        return self._topic_answer(query, named, ranking, limit)

    def _topic_answer(self, query: str, named: Answer, ranking: Ranking, limit: int) -> TopicAnswer:
        """What the topic ``ranking`` answers, the name reading's answer ``named`` beside it (``find``)."""
        stands = TopicAnswer(query, named.matches, named.ambiguous, named.suggestions, named=named.named)
        verdict = ranking.verdict()
        if verdict == "missing":
            if ranking.absent or not named.matches:
                near = [self._topic_entities[r.entity_id].name for r in ranking.ranked[:3]]
                return TopicAnswer(
                    query, [], suggestions=near or named.suggestions, absent=ranking.absent, named=named.named
                )
            return stands
        needed = TIE_BREAK_RATIO if named.ambiguous else 1.0
        if verdict == "found" and ranking.lead() >= needed:
            chosen = [r for r in ranking.ranked if r.score >= ranking.ranked[0].score / TIE_BREAK_RATIO]
            return TopicAnswer(query, self._topic_matches(ranking, chosen[:limit]), topic=True)
        if named.matches and not named.ambiguous:
            return TopicAnswer(query, named.matches, suggestions=named.suggestions)
        named_ids = {m.entity.id for m in named.matches}  # names tied in the name reading stay candidates
        floor = ranking.candidates()[-1].score
        candidates = [r for r in ranking.ranked if r.score >= floor or r.entity_id in named_ids]
        matches = self._topic_matches(ranking, candidates)
        return TopicAnswer(query, matches[: max(limit, LOOKUP_LIMIT)], ambiguous=True, topic=True)

    def _rank_topic(self, query: str, kinds: tuple[str, ...] | None, *, exact: bool = False) -> Ranking | None:
        """The topic reading of a query (None when it has no words)."""
        from .topic import Query, TopicIndex  # noqa: PLC0415 (lazy: who never reads topics)

        words = Query(query, exact=exact)
        if not words.words and not words.phrases:
            return None
        if self._topics is None:
            entities = list(self.entities())
            self._topic_entities = {e.id: e for e in entities}
            self._topics = TopicIndex(entities)
        return self._topics.rank(words, kinds)

    def _topic_matches(self, ranking: Ranking, chosen: list[Ranked]) -> list[Match]:
        top = ranking.ranked[0].score
        return [
            Match(self._topic_entities[r.entity_id], round(100.0 * r.score / top, 1), "topic: " + "; ".join(r.matched))
            for r in chosen
        ]

    def timeline(
        self,
        span: TimeSpan | None = None,
        query: str | None = None,
        *,
        min_score: float | None = None,
        limit: int | None = None,
    ) -> Timeline:
        """Dated claims and events in order, within ``span``; with a ``query``, only the rows
        about what it names (its own, and others' claims about it) and those of its events
        (``_events_of``); nobody else's.

        The query is looked up among every kind (``min_score`` as for ``lookup``); a tie
        ("Chimura") covers each of the tied entities, and the answer says it was a tie. At
        most ``limit`` rows, the earliest first.
        """
        answer: Answer | None = None
        subjects: set[str] | None = None  # whose rows are all kept: the entity and its events
        named_ids: set[str] = set()  # whose rows in others' claims are kept too
        if query is not None:
            answer = self.lookup(query, ALL_KINDS, min_score=min_score)
            if not answer.matches:
                return Timeline(answer, [], 0)
            named = answer.matches if answer.ambiguous else answer.matches[:1]
            named_ids = {m.entity.id for m in named}
            subjects = named_ids | self._events_of([m.entity for m in named])
        entries = [e for e in self._dated(subjects, named_ids) if span is None or span.covers(e.when)]
        entries.sort(key=lambda e: (e.when.earliest(), e.when.latest(), e.entity.name))
        return Timeline(answer, entries if limit is None else entries[:limit], len(entries))

    def _dated(self, subjects: set[str] | None, named_ids: set[str]) -> Iterator[TimelineEntry]:
        """The dated rows of ``subjects`` (every entity if None), and others' dated claims about ``named_ids``."""
        for entity in self.entities():
            whole = subjects is None or entity.id in subjects
            if entity.date and whole:
                yield TimelineEntry(entity.date, entity, None)
            for claim in entity.claims:
                if claim.date and (whole or claim.related in named_ids):  # another's claim about it
                    yield TimelineEntry(claim.date, entity, claim)

    def _events_of(self, named: list[Entity]) -> set[str]:
        """The events these entities took part in, that are about them or that took place there
        (their participant-in claims; the events' has-participant, about and located-in claims),
        and the events named after them ("Rumsfeld's statement opposing a pardon for Jenkins")."""
        ids = {entity.id for entity in named}
        events = {
            claim.related
            for entity in named
            for claim in entity.claims
            if claim.relation == "participant-in" and claim.related is not None
        }
        names = {f" {fold(label)} " for entity in named for label in self._names_meaning(entity)}
        for ordinal in self.index.ordinals_of_kinds(EVENTS):
            if any(name in f" {folded} " for folded in self.index.folded(ordinal) for name in names):
                events.add(self._entities.ids()[ordinal])
                continue
            event = self.entity_at(ordinal)
            if any(c.relation in _EVENT_LINKS and c.related in ids for c in event.claims):
                events.add(event.id)
        return events

    def _names_meaning(self, entity: Entity) -> list[str]:
        """The entity's name and the aliases that mean it alone ("Jenkins", not "Kim")."""
        meaning = [entity.name]
        for alias in entity.all_aliases:
            answer = self.lookup(alias, (entity.kind,), limit=1)
            if not answer.ambiguous and [m.entity.id for m in answer.matches] == [entity.id]:
                meaning.append(alias)
        return meaning

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


def _bare(folded: str) -> str:
    """A folded name without its little words ("a senior foreign ministry official" -> "senior ...")."""
    return " ".join([word for word in folded.split() if word not in PARTICLES])


def _names_whole(candidates: list[Candidate], folded: str) -> bool:
    """Whether the best candidate is exact on a whole name or alias, not on a part of one
    (``who Japan`` is exact on a part of "returnees from Japan": that does not outrank the place)."""
    return bool(candidates) and candidates[0].score == EXACT_SCORE and fold(candidates[0].matched) == folded


NEAR_WORD_SCORE = 75.0


def _words_near(words: list[str], labels: Iterable[str]) -> bool:
    """Whether each query word is a word of the names, typed or mistyped (``fuzz.ratio`` >=
    ``NEAR_WORD_SCORE``, or the start of one). For a near (not exact) place or speaker: one word
    changes who is meant, and "South Korea" reads as a typo of "North Korea" as a whole, but
    "south" is no "north" ("South Korean government" is not the North Korean one)."""
    label_words = {word for label in labels for word in fold(label).split()}
    return all(
        any(other.startswith(word) or ratio(word, other) >= NEAR_WORD_SCORE for other in label_words) for word in words
    )


def _with_bare_exact(
    candidates: list[Candidate],
    pool: list[tuple[int, str, list[str], list[str]]],
    folded: str,
) -> list[Candidate]:
    """The candidates, with every entry the query names exactly once little words are left out on
    both sides ("senior Foreign Ministry official" = "a senior Foreign Ministry official") at 100.
    A single word is no such name: "official" is not "an official" exactly (several are officials)."""
    bare = _bare(folded)
    if not bare or bare == folded and " " not in bare:  # one word alone ("official") names no one exactly
        return candidates
    exact: dict[int, str] = {}
    for ordinal, _, labels, folded_labels in pool:
        for label, label_folded in zip(labels, folded_labels, strict=True):
            if _bare(label_folded) == bare:
                exact.setdefault(ordinal, label)
    if not exact:
        return candidates
    found = [c for c in candidates if c.ordinal not in exact or c.score == EXACT_SCORE]
    known = {c.ordinal for c in found}
    found += [Candidate(n, EXACT_SCORE, label) for n, label in exact.items() if n not in known]
    found.sort(key=lambda c: (-c.score, c.ordinal))
    return found


def distinct_statements(claims: Iterable[Claim], speaker: str | None = None) -> tuple[Claim, ...]:
    """Each statement once: the fact base records one statement on several subjects (Kawaguchi's
    words on China are a claim of hers and one of the Chinese government's). A claim quoting
    words of a source that a claim already kept quotes (one quote containing the other) is the
    same statement. The speaker's own claims come first, so they are the ones kept."""
    ordered = sorted(claims, key=lambda c: c.subject != speaker)  # stable: fact-base order otherwise
    kept: list[Claim] = []
    quoted: list[tuple[str, str]] = []
    for claim in ordered:
        quotes = [(c.source, " ".join(fold(c.quote).split())) for c in claim.citations]
        if any(_same_words(quote, seen) for quote in quotes for seen in quoted):
            continue
        kept.append(claim)
        quoted += quotes
    return tuple(kept)


MIN_SHARED_QUOTE = 20  # folded characters a quote inside another must have to make them one statement


def _same_words(first: tuple[str, str], second: tuple[str, str]) -> bool:
    if first[0] != second[0]:
        return False
    short, long = sorted((first[1], second[1]), key=len)
    return short == long or (len(short) >= MIN_SHARED_QUOTE and f" {short} " in f" {long} ")


def as_number(text: str) -> int | float | None:
    """A query written as a number (``1,800``, ``2.5``) as that number; None for anything else."""
    try:
        return parse_number(text.strip())
    except ValueError:
        return None


class TimeSpan:
    """The dates a timeline covers, from ``--from`` and ``--to`` (each optional; 1978, 2019-02, 2019-02-27)."""

    __slots__ = ("low", "high")

    def __init__(self, start: str | None = None, end: str | None = None) -> None:
        first = _bound(start, "--from") if start else None
        last = _bound(end, "--to") if end else None
        if first is not None and last is not None and last.latest() < first.earliest():
            raise UsageError(f"--from {start} is after --to {end}")
        self.low = first.earliest() if first else None  # ISO days: compared as text
        self.high = last.latest() if last else None

    def covers(self, when: Period) -> bool:
        """Whether a date (a period) overlaps the span."""
        return (self.low is None or when.latest() >= self.low) and (self.high is None or when.earliest() <= self.high)


def _bound(text: str, option: str) -> PartialDate:
    try:
        return PartialDate.parse(text.strip())
    except ValueError as error:
        raise UsageError(f"{option}: {error}") from None
