"""A fact base opened for questions: cold (read, check, index, write the cache) or warm (map the cache).

This is the only module that knows how an entity is kept as a *record*: a marshal tuple of
its fields in the model's ``SCHEMA`` order, dates as tuples, citations as pairs. Cold, each
checked entity is kept as its record compressed (``load`` hands each one over as it is
parsed, ``check`` checks it, ``_compress`` keeps it: ~600 B instead of ~4 kB of objects);
warm, the records are read from the cache file. Either way ``FactBase.entities`` is one
``Entities`` mapping that decodes an entity when it is first asked for, with the names of the
entities its claims point to filled in, so that nothing above needs the index to show a claim.

Nothing here prints: what a user should hear about (a damaged cache) is collected in
``FactStore.warnings`` for the command line to say.
"""

from __future__ import annotations

import marshal
import os
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from . import cache
from .errors import FactBaseError
from .index import NameIndex
from .load import decode, default_facts_path, max_bytes, parse_tree, read_bytes
from .model import Citation, Claim, Entity, FactBase, PartialDate, Period, Source

_new = tuple.__new__  # a named tuple from a sequence of all its fields, without the arguments' checks

# -- the record codec -----------------------------------------------------------------------------
_CLAIM_FIELDS = tuple(Claim.SCHEMA)  # what a claim record holds, in this order
_CLAIM_DATES = tuple(n for n, kind in enumerate(Claim.SCHEMA.values()) if kind.rstrip("!") == "date")
_CLAIM_CITATIONS = _CLAIM_FIELDS.index("citations")
_CLAIM_STORED = len(_CLAIM_FIELDS)
_CLAIM_REFERENCES = tuple(n for n, kind in enumerate(Claim.SCHEMA.values()) if kind == "entity")
# a cache written with other fields is stale, not misread: the layout is part of its key
LAYOUT = "|".join((*Entity.SCHEMA, *_CLAIM_FIELDS, *Source.SCHEMA))


def _date_record(period: Period | None) -> tuple[Any, ...] | None:
    if period is None:
        return None
    start, end = period
    # (year, month, day, decade, approximate) each, as plain tuples (a PartialDate's fields, in order)
    return (tuple(start), None if end is None else tuple(end))


_PERIODS: dict[Any, Period] = {}  # frozen, so shared: dates repeat (years, decades)


def _period(record: Any) -> Period | None:
    if record is None:
        return None
    period = _PERIODS.get(record)
    if period is None:
        start, end = record
        period = _new(Period, (_new(PartialDate, start), None if end is None else _new(PartialDate, end)))
        if len(_PERIODS) < 1 << 16:
            _PERIODS[record] = period
    return period


def _claim_record(claim: Claim) -> tuple[Any, ...]:
    values: list[Any] = list(claim[:_CLAIM_STORED])  # the stored fields come first (tests/test_cache.py)
    for n in _CLAIM_DATES:
        if values[n] is not None:
            values[n] = _date_record(values[n])
    values[_CLAIM_CITATIONS] = tuple([tuple(c) for c in values[_CLAIM_CITATIONS]])
    return tuple(values)


def entity_record(entity: Entity) -> tuple[Any, ...]:
    """The entity as the cache keeps it: (id, kind, name, summary, aliases, date, claim records, outside
    aliases, former ids)."""
    return (
        entity.id,
        entity.kind,
        entity.name,
        entity.summary,
        entity.aliases,
        _date_record(entity.date),
        tuple([_claim_record(claim) for claim in entity.claims]),
        entity.outside_aliases,
        entity.former_ids,
    )


def entity_from_record(record: tuple[Any, ...], name_of: Callable[[str], str]) -> Entity:
    """The entity a record holds; ``name_of`` names the entities its claims point to."""
    entity_id, kind, name, summary, aliases, date, claim_records, outside, former = record
    claims = []
    for claim_record in claim_records:  # a batch decodes thousands: the loops are kept flat
        values = list(claim_record)
        for n in _CLAIM_DATES:
            if values[n] is not None:
                values[n] = _period(values[n])
        values[_CLAIM_CITATIONS] = tuple([_new(Citation, pair) for pair in values[_CLAIM_CITATIONS]])
        # then the fields the store fills in: subject, subject_name and a name per reference
        values += (entity_id, name, *[None if values[n] is None else name_of(values[n]) for n in _CLAIM_REFERENCES])
        claims.append(_new(Claim, values))  # all of Claim._fields, in order
    return _new(
        Entity,
        (entity_id, kind, name, summary, tuple(aliases), _period(date), tuple(claims), tuple(outside), tuple(former)),
    )


_ENTITY_RECORD_LENGTH = len(Entity._fields)  # what entity_record gives
_SOURCE_FIELDS = tuple(Source.SCHEMA)
_SOURCE_PUBLISHED = _SOURCE_FIELDS.index("published")


def _source_record(source: Source) -> tuple[Any, ...]:
    values: list[Any] = [getattr(source, field) for field in _SOURCE_FIELDS]
    values[_SOURCE_PUBLISHED] = _date_record(source.published)
    return tuple(values)


def _source_from_record(record: tuple[Any, ...]) -> Source:
    values = list(record)
    values[_SOURCE_PUBLISHED] = _period(values[_SOURCE_PUBLISHED])
    return Source(*values)


def _compress(entity: Entity) -> bytes:
    """What a cold load keeps of a checked entity: its record, compressed (zlib's fastest level: ~20 us)."""
    return zlib.compress(marshal.dumps(entity_record(entity)), 1)


_DECODED_KEPT = 256  # decoded entities kept for the next ask (~4 kB each; a batch asks for thousands)
_NAMES_KEPT = 1 << 12  # names of entities claims point to (a few, named again and again)


# -- the one entity mapping -----------------------------------------------------------------------
class _Compressed:
    """A cold load's records, kept compressed in memory (the same interface as ``cache.RecordTable``)."""

    __slots__ = ("_items",)

    def __init__(self, items: list[bytes]) -> None:
        self._items = items

    def __len__(self) -> int:
        return len(self._items)

    def raw(self, ordinal: int) -> bytes:
        return zlib.decompress(self._items[ordinal])


class Entities(Mapping[str, Entity]):
    """Entities by id, in file order, each decoded from its record when first asked for.

    The model of a 100,000-entity base is ~390 MB of objects; as records it is ~96 MB, ~59 MB
    compressed, and read from a warm cache it costs nothing until touched. Iterating
    ``values()`` decodes each entity in turn without keeping it.

    A cache record that fails its CRC (records are checked one by one, when read) calls
    ``recover``, which reads the fact file again and gives its entities in the same order;
    from then on they are served from there, so a damaged cache still gives the right answer.
    """

    def __init__(
        self,
        ids: list[str] | memoryview,
        records: cache.RecordTable | _Compressed,
        recover: Callable[[], list[Entity]] | None = None,
    ) -> None:
        self._id_bytes = None if isinstance(ids, list) else ids  # a cache's id table, split when first needed
        self._records = records
        self._recover = recover
        self._names: Callable[[int], str] | None = None
        self._fallback: list[Entity] | None = None
        self._decoded: dict[int, Entity] = {}
        self._name_memo: dict[str, str] = {}
        self._ids: list[str] | None = ids if isinstance(ids, list) else None
        self._ordinal: dict[str, int] | None = None

    def name_entities_with(self, names: Callable[[int], str]) -> None:
        """How to name the entity at an ordinal without decoding it (the name index's labels)."""
        self._names = names
        self._name_memo.clear()

    def ids(self) -> list[str]:
        """Entity ids by ordinal."""
        if self._ids is None:
            assert self._id_bytes is not None
            ids = str(self._id_bytes, "utf-8").split("\n") if len(self._records) else []
            if len(ids) != len(self._records):
                raise cache.CacheCorrupt("the id table does not match the records")
            self._ids = ids
        return self._ids

    def ordinal(self, key: object) -> int | None:
        if self._ordinal is None:
            ids = self.ids()
            self._ordinal = dict(zip(ids, range(len(ids)), strict=True))
        return self._ordinal.get(key) if isinstance(key, str) else None

    def name_of(self, entity_id: str) -> str:
        """The name of the entity with this id (the id itself for an unknown one)."""
        name = self._name_memo.get(entity_id)
        if name is None:
            ordinal = self.ordinal(entity_id)
            name = entity_id if ordinal is None or self._names is None else self._names(ordinal)
            if len(self._name_memo) >= _NAMES_KEPT:
                self._name_memo.clear()
            self._name_memo[entity_id] = name
        return name

    def at(self, ordinal: int) -> Entity:
        entity = self._decoded.get(ordinal)
        if entity is None:
            entity = self._decode(ordinal)
            if len(self._decoded) >= _DECODED_KEPT:
                self._decoded.clear()
            self._decoded[ordinal] = entity
        return entity

    def check(self, ordinal: int) -> None:
        """Check the entity's record without decoding it (a damaged one is handled as ``at`` handles it)."""
        if self._fallback is None and ordinal not in self._decoded:
            try:
                self._records.raw(ordinal)
            except cache.CacheCorrupt as error:
                self._give_up(error)

    def kinds_and_labels(self) -> Iterator[tuple[str, list[str]]]:
        """Each entity's kind, name and aliases (outside ones too), in order, without decoding its claims
        (to build the index)."""
        for ordinal in range(len(self._records)):
            _, kind, name, _, aliases, _, _, outside, _ = self._record(ordinal)
            yield kind, [name, *aliases, *outside]

    def records(self) -> Iterator[bytes]:
        """Each entity's record as marshal bytes, in order (for the cache writer)."""
        records = self._records
        return (bytes(records.raw(ordinal)) for ordinal in range(len(records)))

    def _record(self, ordinal: int) -> tuple[Any, ...]:
        try:
            record = marshal.loads(self._records.raw(ordinal))
        except cache.CacheCorrupt:
            raise
        except Exception as error:  # noqa: BLE001  # a CRC collision on garbage: still only the cache's fault
            raise cache.CacheCorrupt(str(error)) from None
        if type(record) is not tuple or len(record) != _ENTITY_RECORD_LENGTH:
            raise cache.CacheCorrupt(f"record {ordinal} is not an entity")
        return record

    def _give_up(self, error: cache.CacheCorrupt) -> list[Entity]:
        """Serve every entity from the fact file from now on (raises ``error`` when that is not possible)."""
        if self._recover is None:
            raise error
        recovered = self._recover()
        if len(recovered) != len(self._records):
            raise error
        self._fallback = recovered
        return recovered

    def __getitem__(self, key: str) -> Entity:
        ordinal = self.ordinal(key)
        if ordinal is None:
            raise KeyError(key)
        return self.at(ordinal)

    def __contains__(self, key: object) -> bool:
        return self.ordinal(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids())

    def __len__(self) -> int:
        return len(self._records)

    def values(self) -> Iterator[Entity]:  # type: ignore[override]
        if self._fallback is not None:
            return iter(self._fallback)
        return (self._decoded.get(n) or self._decode(n) for n in range(len(self._records)))

    def _decode(self, ordinal: int) -> Entity:
        """The entity at ``ordinal``, decoded now (from the fact file once a record has failed its check)."""
        if self._fallback is not None:
            return self._fallback[ordinal]
        try:
            return entity_from_record(self._record(ordinal), self.name_of)
        except cache.CacheCorrupt as error:
            return self._give_up(error)[ordinal]

    def __repr__(self) -> str:
        return repr(dict(zip(self.ids(), self.values(), strict=True)))


class _Sources(Mapping[str, Source]):
    """Sources by id, built on first use (a lookup never needs them)."""

    def __init__(self, records: list[tuple[Any, ...]]) -> None:
        self._records = records
        self._sources: dict[str, Source] | None = None

    def _all(self) -> dict[str, Source]:
        if self._sources is None:
            self._sources = {record[0]: _source_from_record(record) for record in self._records}
        return self._sources

    def __getitem__(self, key: str) -> Source:
        return self._all()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._records)


# -- opening a fact base --------------------------------------------------------------------------
def load(
    path: str | os.PathLike[str] | None = None,
    *,
    sources_dir: str | os.PathLike[str] | None = None,
    review: list[Any] | None = None,
) -> FactBase:
    """Read and check a fact base (no cache); raise FactBaseError listing every problem.

    With ``sources_dir`` the quotes, dates and aliases are also held to the source texts, and
    ``review`` (a list) gets the claims that drop a hedge of their source (``check.Review``).
    """
    path = Path(path) if path is not None else default_facts_path()
    data = read_bytes(path)
    facts, entities = _checked(data, os.fspath(path), sources_dir=sources_dir, review=review)
    entities.name_entities_with(_names_by_ordinal(entities))
    import hashlib  # noqa: PLC0415 (lazy: a warm lookup never hashes)

    facts.digest = hashlib.sha256(data).hexdigest()
    return facts


def _names_by_ordinal(entities: Entities) -> Callable[[int], str]:
    names = [labels[0] for _, labels in entities.kinds_and_labels()]
    return names.__getitem__


def _checked(
    data: bytes, name: str, *, sources_dir: str | os.PathLike[str] | None = None, review: list[Any] | None = None
) -> tuple[FactBase, Entities]:
    """Decode, parse and check a fact file's bytes (``name`` is its path, for the problems)."""
    from .check import EntityStream, validate  # noqa: PLC0415 (lazy: a warm start never checks)

    # quotes are checked against the sources on the whole tree; otherwise entity by entity
    stream = EntityStream(name, _compress) if sources_dir is None else None
    tree, problems = parse_tree(decode(data, name), name, on_entity=stream)
    checked, more = validate(tree, name, sources_dir=sources_dir, keep=_compress, review=review)
    problems.extend(more)
    if problems or checked is None:
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))
        raise FactBaseError(problems)
    entities = Entities(list(checked.entities), _Compressed(list(checked.entities.values())))
    return FactBase(checked.sources, entities, path=name), entities


class FactStore:
    """An opened fact base: the model, its name index, and what went wrong with the cache on the way."""

    def __init__(self, facts: FactBase, index: NameIndex, warnings: list[str] | None = None) -> None:
        self.facts = facts
        self.index = index
        self.warnings = [] if warnings is None else warnings  # for the user; the store never prints

    @property
    def entities(self) -> Entities:
        return self.facts.entities  # type: ignore[return-value]

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, *, use_cache: bool = True) -> FactStore:
        """Open a fact base through its cache when it can; a cache problem only costs speed."""
        return _Opening(Path(path) if path else default_facts_path(), use_cache).store(read_cache=True)


class _Opening:
    """One opening of a fact base: its path, whether a cache is used, and the warnings so far."""

    def __init__(self, path: Path, use_cache: bool) -> None:
        self.path = path
        self.name = os.fspath(path)
        self.use_cache = use_cache
        self.warnings: list[str] = []

    def store(self, read_cache: bool) -> FactStore:
        name, stat = self.name, None
        if self.use_cache and read_cache:
            # warm path: a fact file unchanged since it was hashed is not read again (see cache.py)
            try:
                stat = os.stat(name)
                digest = cache.known_digest(name, stat) if stat.st_size <= max_bytes() else None
                if digest is not None:
                    return self._from_cache(cache.read(cache.cache_path(digest, LAYOUT), digest, LAYOUT), digest)
            except cache.CacheCorrupt:
                pass  # warned about below, after hashing, if it is still there
            except OSError:
                pass  # missing fact file: read_bytes reports it; unreadable cache: only speed is lost
        import hashlib  # noqa: PLC0415 (lazy: a warm lookup never hashes)

        started = cache.now_ns()
        data = read_bytes(self.path)
        digest = hashlib.sha256(data).hexdigest()
        target = cache.cache_path(digest, LAYOUT) if self.use_cache else None
        if target is not None and read_cache:
            cached = self._cached(target, digest)
            if cached is not None:
                if stat is not None:
                    cache.remember_digest(name, stat, digest, started)
                return cached
        facts, entities = _checked(data, name)
        del data  # a 1M-entity file is 1.5 GB: not kept through the index build
        facts.digest = digest
        opened = FactStore(facts, NameIndex.build(entities.kinds_and_labels()), self.warnings)
        entities.name_entities_with(opened.index.name)
        if target is not None:
            self._write_cache(opened, target, stat, digest, started)
        return opened

    def _cached(self, target: Path, digest: str) -> FactStore | None:
        try:
            return self._from_cache(cache.read(target, digest, LAYOUT), digest)
        except FileNotFoundError:
            pass
        except cache.CacheCorrupt:
            self.warnings.append(f"ignoring a damaged cache file {target}; rebuilding it")
        except OSError:
            pass  # unreadable cache: only speed is lost
        return None

    def _from_cache(self, found: cache.CacheFile, digest: str) -> FactStore:
        entities = Entities(found.ids, found.records, self._recover)
        entities.name_entities_with(found.index.name)
        if len(entities) != found.index.size:
            raise cache.CacheCorrupt("the records do not match the index")
        facts = FactBase(_Sources(found.sources), entities, path=self.name, digest=digest)
        return FactStore(facts, found.index, self.warnings)

    def _recover(self) -> list[Entity]:
        """A cache record failed its check mid-command: read the file again, rewrite the cache."""
        self.warnings.append(f"ignoring a damaged cache file for {self.name}; rebuilding it")
        return list(self.store(read_cache=False).facts.entities.values())

    def _write_cache(
        self, opened: FactStore, target: Path, stat: os.stat_result | None, digest: str, started: int
    ) -> None:
        facts = opened.facts
        try:
            cache.write(
                target,
                digest=digest,
                layout=LAYOUT,
                index=opened.index,
                ids=facts.entities,
                records=opened.entities.records(),
                sources=tuple(_source_record(source) for source in facts.sources.values()),
            )
            if stat is not None:
                previous = cache.remember_digest(self.name, stat, digest, started)
                if previous is not None and previous != digest:
                    cache.cache_path(previous, LAYOUT).unlink(missing_ok=True)  # the edited file's old cache
        except OSError:
            pass  # a read-only or full cache dir costs speed, not the answer


def complete_names(
    incomplete: str,
    path: str | os.PathLike[str] | None = None,
    kinds: Iterable[str] | None = None,
    *,
    ids: bool = False,
) -> list[str]:
    """Names of the entities of ``kinds`` (every kind if None) beginning with ``incomplete``, or
    their ids with ``ids``; from a warm cache only (never parses YAML)."""
    name = os.fspath(path or default_facts_path())
    digest = cache.known_digest(name, os.stat(name))  # remembered: the file is not even read
    if digest is None:
        import hashlib  # noqa: PLC0415 (lazy: a warm lookup never hashes)

        digest = hashlib.sha256(Path(name).read_bytes()).hexdigest()
    opened = cache.read(cache.cache_path(digest, LAYOUT), digest, LAYOUT)
    index = opened.index
    wanted = None if kinds is None else set(kinds)
    folded = incomplete.casefold()
    names: set[str] = set()
    if ids:
        entity_ids = str(opened.ids, "utf-8").split("\n")
        names.update(
            entity_ids[n]
            for n in range(index.size)
            if entity_ids[n].startswith(folded) and (wanted is None or index.kind(n) in wanted)
        )
        return sorted(names)[:50]
    for ordinal in range(index.size):  # the index's labels: no entity record is decoded
        if wanted is None or index.kind(ordinal) in wanted:
            names.update(label for label in index.labels(ordinal) if label.casefold().startswith(folded))
    return sorted(names)[:50]
