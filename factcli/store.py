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
import struct
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from . import cache
from .errors import FactBaseError, Problem
from .index import IndexPart, NameIndex
from .load import default_facts_path, max_bytes, read_bytes
from .model import Citation, Claim, Entity, FactBase, PartialDate, Period, Source
from .parts import (
    Combined,
    Job,
    Part,
    check_in_pieces,
    check_part,
    check_parts,
    combine,
    default_jobs,
    directory_files,
    included_files,
    problems_of,
    recheck,
    start_checking,
)

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


# Version 2: no back-references. Version 3 and later refer back to an object seen before only when
# something else holds it too, so the bytes depend on the process that wrote them; a record must be
# the same whichever process of a parallel load checked its entity.
_MARSHAL_VERSION = 2


def _compress(entity: Entity) -> bytes:
    """What a cold load keeps of a checked entity: its record, compressed (zlib's fastest level: ~20 us)."""
    return zlib.compress(marshal.dumps(entity_record(entity), _MARSHAL_VERSION), 1)


def _marshalled(entity: Entity) -> bytes:
    """What a file of several keeps of a checked entity: its record as the cache holds it. A file of
    several is small, and its records go to its part cache and the base's as they are."""
    return marshal.dumps(entity_record(entity), _MARSHAL_VERSION)


_DECODED_KEPT = 256  # decoded entities kept for the next ask (~4 kB each; a batch asks for thousands)
_NAMES_KEPT = 1 << 12  # names of entities claims point to (a few, named again and again)


# -- the one entity mapping -----------------------------------------------------------------------
class _Marshalled:
    """Records kept as they are (a fact base of several files: see ``_marshalled``); the same interface
    as ``cache.RecordTable``."""

    __slots__ = ("_items",)

    def __init__(self, items: list[bytes]) -> None:
        self._items = items

    def __len__(self) -> int:
        return len(self._items)

    def raw(self, ordinal: int) -> bytes:
        return self._items[ordinal]


class _Compressed(_Marshalled):
    """A cold load's records of one fact file, kept compressed in memory (``_compress``)."""

    __slots__ = ()

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
        records: cache.RecordTable | _Compressed | _Marshalled,
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
        self._id_tables: tuple[memoryview, memoryview] | None = None
        self._bisections = 0

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

    def find_ids_with(self, id_off: memoryview, id_order: memoryview) -> None:
        """A cache's id tables: an id is then found by bisection, not by a dict of every id."""
        self._id_tables = (id_off, id_order)

    def ordinal(self, key: object) -> int | None:
        if self._ordinal is None and self._id_tables is not None and self._id_bytes is not None:
            # a bisection costs ~15 us, a dict ~0.4 us an id to build: a batch that asks for more than
            # one id in 32 builds the dict (a warm ``who`` at 1M entities asks for a handful)
            self._bisections += 1
            if self._bisections <= len(self._records) // 32:
                return self._bisect(key) if isinstance(key, str) else None
        if self._ordinal is None:
            ids = self.ids()
            self._ordinal = dict(zip(ids, range(len(ids)), strict=True))
        return self._ordinal.get(key) if isinstance(key, str) else None

    def _bisect(self, key: str) -> int | None:
        id_off, id_order = self._id_tables  # type: ignore[misc]
        table, wanted = self._id_bytes, key.encode("utf-8", "surrogatepass")
        low, high = 0, len(id_order)
        while low < high:  # UTF-8 bytes sort as their code points do, as sorted() put the ids
            middle = (low + high) // 2
            ordinal = id_order[middle]
            if bytes(table[id_off[ordinal] : id_off[ordinal + 1] - 1]) < wanted:  # type: ignore[index]
                low = middle + 1
            else:
                high = middle
        if low < len(id_order):
            ordinal = id_order[low]
            if bytes(table[id_off[ordinal] : id_off[ordinal + 1] - 1]) == wanted:  # type: ignore[index]
                return ordinal
        return None

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
    jobs: int | None = None,
) -> FactBase:
    """Read and check a fact base (no cache); raise FactBaseError listing every problem.

    With ``sources_dir`` the quotes, dates and aliases are also held to the source texts, and
    ``review`` (a list) gets the claims that drop a hedge of their source (``check.Review``).
    """
    opening = _Opening(Path(path) if path is not None else default_facts_path(), False, jobs)
    parts, digest = opening.parts()
    combined = combine(parts)
    problems = problems_of(parts, combined)
    if not problems and sources_dir is not None:  # the second pass, with the texts: every file whole
        for number in range(len(parts)):
            problems += recheck(parts, number, combined, sources_dir=sources_dir, review=review, base=opening.name)
    if problems:
        raise FactBaseError(problems)
    facts, entities = _fact_base(combined, opening.name, digest, len(parts) > 1 or bool(parts[0].include))
    entities.name_entities_with(_names_by_ordinal(entities))
    return facts


def _names_by_ordinal(entities: Entities) -> Callable[[int], str]:
    names = [labels[0] for _, labels in entities.kinds_and_labels()]
    return names.__getitem__


def _fact_base(combined: Combined, name: str, digest: str, several: bool) -> tuple[FactBase, Entities]:
    entities = Entities(combined.ids, _Marshalled(combined.records) if several else _Compressed(combined.records))
    return FactBase(combined.sources, entities, path=name, digest=digest), entities


def _checked(parts: list[Part], name: str, digest: str, several: bool) -> tuple[FactBase, Entities]:
    """The parts checked together: the fact base, or FactBaseError with every problem."""
    combined = combine(parts)
    if combined.failed or any(part.problems for part in parts):
        raise FactBaseError(problems_of(parts, combined))
    return _fact_base(combined, name, digest, several)


def _index_of(parts: list[Part]) -> NameIndex:
    """The name index of the parts' entities, from what each part's checking gave (no entity decoded)."""
    return NameIndex.merge([piece for part in parts for piece in part.index])


def _as_one_of_several(part: Part) -> Part:
    """The named fact file, checked as a file on its own, found to include others: its records as theirs."""
    part.records = [zlib.decompress(record) for record in part.records or ()]
    return part


def _sha256(data: bytes) -> str:
    import hashlib  # noqa: PLC0415 (lazy: a warm lookup never hashes)

    return hashlib.sha256(data).hexdigest()


def _base_digest(names: list[str], roles: list[str], digests: list[str]) -> str:
    """A fact base of several files: what its files are, in order, and what each holds."""
    lines = [f"{name}\0{role}\0{digest}" for name, role, digest in zip(names, roles, digests, strict=True)]
    return _sha256("\n".join(["factcli fact base of several files", *lines]).encode("utf-8", "surrogateescape"))


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
    def open(
        cls, path: str | os.PathLike[str] | None = None, *, use_cache: bool = True, jobs: int | None = None
    ) -> FactStore:
        """Open a fact base through its cache when it can; a cache problem only costs speed.

        ``jobs``: processes that check the files of a fact base of several (default: the CPUs).
        """
        return _Opening(Path(path) if path else default_facts_path(), use_cache, jobs).store(read_cache=True)


# the record of one file of several, as its part cache keeps it
_PART_META = struct.Struct("<Q")  # the length of a part's description; its records follow


def _part_payload(part: Part) -> bytes:
    """One file's part as its cache keeps it: what it holds and needs, then its records (read only when
    the base's cache is written, so a large base never holds every record at once)."""
    meta = marshal.dumps(
        (
            tuple(_source_record(source) for source in part.sources),
            part.source_pos,
            part.include,
            part.ids,
            part.id_pos.tobytes(),
            sorted(part.unresolved_sources),
            sorted(part.unresolved_ids),
            [piece.dump() for piece in part.index],
        ),
        _MARSHAL_VERSION,
    )
    return _PART_META.pack(len(meta)) + meta + marshal.dumps(part.records, _MARSHAL_VERSION)


def _save_part(part: Part, member: bool) -> bool:
    """A part just checked, to its cache (in the process that checked it): whether it is there now."""
    try:
        cache.write_part(cache.part_path(part.digest, "member" if member else "root", LAYOUT), _part_payload(part))
    except OSError:
        return False  # costs speed next time, not the answer
    return True


def _part_from_payload(payload: bytes, name: str, records: bool = True) -> Part:
    (length,) = _PART_META.unpack_from(payload)
    meta = memoryview(payload)[_PART_META.size : _PART_META.size + length]
    sources, source_pos, include, ids, id_pos, unresolved_sources, unresolved_ids, index = marshal.loads(meta)
    part = Part(name)
    part.sources = [_source_from_record(record) for record in sources]
    part.source_pos = [tuple(pos) for pos in source_pos]
    part.include = [tuple(pattern) for pattern in include]
    part.ids = list(ids)
    part.id_pos.frombytes(id_pos)
    part.unresolved_sources = set(unresolved_sources)
    part.unresolved_ids = set(unresolved_ids)
    part.index = [IndexPart.load(piece) for piece in index]
    if (
        sum(piece.size for piece in part.index) != len(part.ids)
        or len(part.ids) != len(part.id_pos)
        or len(part.sources) != len(part.source_pos)
    ):
        raise cache.CacheCorrupt("the part's tables do not agree")
    part.records = _part_records(payload) if records else None
    if part.records is not None and len(part.records) != len(part.ids):
        raise cache.CacheCorrupt("the part's records do not match its ids")
    return part


def _part_records(payload: bytes) -> list[bytes]:
    (length,) = _PART_META.unpack_from(payload)
    records = marshal.loads(memoryview(payload)[_PART_META.size + length :])
    if type(records) is not list:
        raise cache.CacheCorrupt("the part's records are not a list")
    return records


class _Opening:
    """One opening of a fact base: its path, whether a cache is used, and the warnings so far."""

    def __init__(self, path: Path, use_cache: bool, jobs: int | None = None) -> None:
        self.path = path
        self.name = os.fspath(path)
        self.use_cache = use_cache
        self.jobs = jobs if jobs else default_jobs()
        self.warnings: list[str] = []

    # -- which files, read and checked each on its own (no cache) ---------------------------------
    def parts(self) -> tuple[list[Part], str]:
        """Every file's part, checked on its own, and the base's digest (the one file's, or of several)."""
        if os.path.isdir(self.name):
            return self._members(directory_files(self.path), None)
        data = read_bytes(self.path)
        root = check_part(data, self.name, False, _compress)
        digest = _sha256(data)
        if not root.include:
            return [root], digest
        files, problems = included_files(self.path, root.include)
        root.problems += problems
        return self._members(files, (_as_one_of_several(root), digest))

    def _members(self, files: list[Path], root: tuple[Part, str] | None) -> tuple[list[Part], str]:
        names = [os.fspath(path) for path in files]
        parts = check_parts([(None, name, True, _marshalled, None) for name in names], self.jobs)  # each reads its file
        digests = [part.digest for part in parts]
        roles = ["member"] * len(files)
        if root is not None:
            parts.insert(0, root[0])
            names.insert(0, self.name)
            roles.insert(0, "root")
            digests.insert(0, root[1])
        return parts, _base_digest(names, roles, digests)

    # -- through the cache --------------------------------------------------------------------------
    def store(self, read_cache: bool) -> FactStore:
        if os.path.isdir(self.name):
            return _Several(self, None).store(read_cache)
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
            if cache.known_files(name) is not None:  # a fact file that includes others, read before
                return _Several(self, None).store(read_cache)
        started = cache.now_ns()
        data = read_bytes(self.path)
        digest = _sha256(data)
        target = cache.cache_path(digest, LAYOUT) if self.use_cache else None
        if target is not None and read_cache:
            cached = self._cached(target, digest)
            if cached is not None:
                if stat is not None:
                    cache.remember_digest(name, stat, digest, started)
                return cached
        parts = self._in_pieces(data)
        if parts is None:
            root = check_part(data, name, False, _compress)
            if root.include and not root.problems:
                return _Several(self, (_as_one_of_several(root), digest)).store(read_cache)
            parts = [root]
        del data  # a 1M-entity file is 1.5 GB: not kept through the index build
        facts, entities = _checked(parts, name, digest, False)
        opened = FactStore(facts, _index_of(parts), self.warnings)
        del parts
        entities.name_entities_with(opened.index.name)
        if target is not None:
            self._write_cache(opened, target, stat, digest, started)
        return opened

    def _in_pieces(self, data: bytes) -> list[Part] | None:
        """A large fact file checked in pieces at once; None when it cannot be, or has any problem (it is
        then checked whole, so that its problems are reported as they are for a file checked whole)."""
        pieces = check_in_pieces(data, self.name, self.jobs, _compress)
        if pieces is None or any(piece.problems for piece in pieces) or combine(pieces).failed:
            return None
        return pieces

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
        if found.id_off is not None and found.id_order is not None:
            entities.find_ids_with(found.id_off, found.id_order)
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


class _Several:
    """Opening a fact base of several files (a folder, or a fact file with ``include:``) through the caches.

    Each file's stamp (its stat) and digest are remembered for the base (``cache.known_files``):
    when no stamp changed, the base's cache is read and no file is. Otherwise each changed file
    is hashed, each file whose part is cached (``cache.part_path``, by content) is taken from
    there, the others are checked in ``jobs`` processes, and the parts are checked together.
    """

    def __init__(self, opening: _Opening, root: tuple[Part, str] | None) -> None:
        self.opening = opening
        self.root = root  # the named fact file, already read and checked (its digest beside it)
        self.directory = os.path.isdir(opening.name)
        self.memo = cache.known_files(opening.name) if opening.use_cache else None
        self.remembered: dict[str, Any] = self.memo["files"] if self.memo else {}
        self.started = cache.now_ns()
        self.patterns: list[tuple[str, int, int]] = []  # the named fact file's include: patterns
        self.root_fresh = root is not None  # the named fact file was checked in this opening (not cached)

    def store(self, read_cache: bool) -> FactStore:
        opening = self.opening
        names, roles, parts = self._files()
        stats = [self._stat(name) for name in names]
        digests = [self._known(name, stat) for name, stat in zip(names, stats, strict=True)]
        if self.root is not None:
            digests[0] = self.root[1]
        if opening.use_cache:
            for number, name in enumerate(names):
                if digests[number] is None:  # changed, or new: hashed (one at a time, never all held at once)
                    digests[number] = _sha256(read_bytes(name))
            if read_cache:
                found = self._from_cache(names, roles, digests, stats)  # type: ignore[arg-type]
                if found is not None:
                    return found
        todo = self._check(parts, names, roles, digests)
        checked: list[Part] = parts  # type: ignore[assignment]
        digest = _base_digest(names, roles, digests)  # type: ignore[arg-type]
        if opening.use_cache:
            fresh = [*todo, 0] if self.root_fresh and 0 not in todo else todo
            self._write_parts(checked, fresh, roles, digests)  # type: ignore[arg-type]
            built = self._built(checked, (names, roles, digests, stats), digest)
            if built is not None:
                return built
            for number, part in enumerate(checked):  # the base's cache could not be written: records in memory
                if part.records is None:
                    path = cache.part_path(digests[number], roles[number], LAYOUT)  # type: ignore[arg-type]
                    part.records = _part_records(cache.read_part(path))
        facts, entities = _checked(checked, opening.name, digest, True)
        opened = FactStore(facts, _index_of(checked), opening.warnings)
        entities.name_entities_with(opened.index.name)
        return opened

    def _write_parts(self, parts: list[Part], fresh: list[int], roles: list[str], digests: list[str]) -> None:
        """Each part just checked, to its part cache; its records are then read back from there when needed."""
        for number in fresh:
            part = parts[number]
            if part.problems or part.records is None:  # (saved where it was checked)
                continue
            try:
                cache.write_part(cache.part_path(digests[number], roles[number], LAYOUT), _part_payload(part))
            except OSError:
                continue  # costs speed next time, not the answer
            part.records = None

    def _built(self, parts: list[Part], files: tuple[Any, ...], digest: str) -> FactStore | None:
        """The parts checked together, the base's cache written from them (records streamed part by part
        from the part caches) and read back: None when a cache cannot be written or read back."""
        names, roles, digests, stats = files
        combined = combine(parts)
        if combined.failed or any(part.problems for part in parts):
            raise FactBaseError(problems_of(parts, combined))
        index = _index_of(parts)
        sources = tuple(_source_record(source) for source in combined.sources.values())

        def records() -> Any:
            for number, part in enumerate(parts):
                kept = part.records
                if kept is None:
                    kept = _part_records(cache.read_part(cache.part_path(digests[number], roles[number], LAYOUT)))
                yield from kept

        target = cache.cache_path(digest, LAYOUT)
        try:
            cache.write(
                target, digest=digest, layout=LAYOUT, index=index, ids=combined.ids, records=records(), sources=sources
            )
            del index, combined
            for part in parts:
                part.index = []  # (their tables are in the cache now)
            opened = self.opening._from_cache(cache.read(target, digest, LAYOUT), digest)
        except (OSError, cache.CacheCorrupt):
            return None
        self._remember(names, digests, stats, digest)
        self._forget(names, roles, digests, digest)
        return opened

    def _check(
        self, parts: list[Part | None], names: list[str], roles: list[str], digests: list[str | None]
    ) -> list[int]:
        """Fill in every part: from the part caches, and by checking the files that have none (started
        first, in other processes, while the cached parts are read). Returns the numbers checked."""

        save = _save_part if self.opening.use_cache else None

        def jobs(numbers: list[int]) -> list[Job]:
            return [(None, names[n], roles[n] == "member", _marshalled, save) for n in numbers]  # read where checked

        def cached(number: int) -> bool:
            path = cache.part_path(digests[number], roles[number], LAYOUT)  # type: ignore[arg-type]
            return self.opening.use_cache and path.is_file()

        todo = [n for n in range(len(names)) if parts[n] is None and not cached(n)]
        collect = start_checking(jobs(todo), self.opening.jobs)
        for number in range(len(names)):
            if parts[number] is None and number not in todo:
                parts[number] = self._cached_part(names[number], roles[number], digests[number])  # type: ignore[arg-type]
        damaged = [n for n in range(len(names)) if parts[n] is None and n not in todo]  # a part that failed its checks
        checked = list(zip(todo, collect(), strict=True)) + list(
            zip(damaged, check_parts(jobs(damaged), 1), strict=True)
        )
        for number, part in checked:
            parts[number] = part
            digests[number] = part.digest  # what was checked (the file may have changed since it was hashed)
        return todo + damaged

    def _from_cache(
        self, names: list[str], roles: list[str], digests: list[str], stats: list[os.stat_result]
    ) -> FactStore | None:
        """The base's cache, when its files are the ones it was written for (their stamps then remembered)."""
        digest = _base_digest(names, roles, digests)
        try:
            found = self.opening._from_cache(cache.read(cache.cache_path(digest, LAYOUT), digest, LAYOUT), digest)
        except FileNotFoundError:
            return None
        except cache.CacheCorrupt:
            self.opening.warnings.append(f"ignoring a damaged cache file for {self.opening.name}; rebuilding it")
            return None
        except OSError:
            return None
        if any(self._known(name, stat) is None for name, stat in zip(names, stats, strict=True)):
            self._remember(names, digests, stats, digest)
        return found

    def _files(self) -> tuple[list[str], list[str], list[Part | None]]:
        """The base's files in order, how each is checked, and the parts already at hand."""
        opening = self.opening
        if self.directory:
            files = directory_files(opening.path)
            return [os.fspath(path) for path in files], ["member"] * len(files), [None] * len(files)
        root = self._root()
        files, problems = included_files(opening.path, self.patterns)
        if problems:
            raise FactBaseError(problems)
        names = [opening.name, *(os.fspath(path) for path in files)]
        return names, ["root"] + ["member"] * len(files), [root] + [None] * len(files)

    def _root(self) -> Part | None:
        """The named fact file's part (as given, from its cache, or read and checked now), or None when it
        has not changed since its patterns were remembered (they are all a warm start needs of it)."""
        if self.root is not None:
            self.patterns = self.root[0].include
            return self.root[0]
        name = self.opening.name
        digest = self._known(name, self._stat(name))
        if digest is not None and self.memo is not None and self.memo.get("root") == digest:
            self.patterns = [tuple(pattern) for pattern in self.memo.get("include", [])]
            return None
        data = None
        if digest is None:
            data = read_bytes(name)
            digest = _sha256(data)
        part = self._cached_part(name, "root", digest) if self.opening.use_cache else None
        if part is None:
            part = check_part(data if data is not None else read_bytes(name), name, False, _marshalled)
            self.root_fresh = True
        self.root = (part, digest)
        self.patterns = part.include
        return part

    def _stat(self, name: str) -> os.stat_result:
        try:
            return os.stat(name)
        except OSError as error:
            raise FactBaseError([Problem(name, None, None, f"cannot read: {error.strerror or error}")]) from None

    def _known(self, name: str, stat: os.stat_result) -> str | None:
        seen = self.remembered.get(os.path.abspath(name))
        return seen[1] if seen is not None and seen[0] == cache.stamp(name, stat) else None

    def _cached_part(self, name: str, role: str, digest: str) -> Part | None:
        try:
            return _part_from_payload(cache.read_part(cache.part_path(digest, role, LAYOUT)), name, records=False)
        except FileNotFoundError:
            return None
        except (cache.CacheCorrupt, OSError, ValueError, EOFError, TypeError):
            return None  # a damaged part is checked again, and rewritten

    def _forget(self, names: list[str], roles: list[str], digests: list[str], digest: str) -> None:
        """Remove what an edit replaced: the base's old cache and the old parts of the files that changed."""
        if self.memo is None:
            return
        stale = []
        if self.memo.get("digest") not in (None, digest):
            stale.append(cache.cache_path(self.memo["digest"], LAYOUT))
        for name, role, file_digest in zip(names, roles, digests, strict=True):
            before = self.remembered.get(os.path.abspath(name))
            if before is not None and before[1] != file_digest and before[1] not in digests:
                stale.append(cache.part_path(before[1], role, LAYOUT))
        for path in stale:
            try:
                path.unlink(missing_ok=True)
            except OSError:
                pass  # a read-only cache folder keeps them; it costs space, not the answer

    def _remember(self, names: list[str], digests: list[str], stats: list[os.stat_result], digest: str) -> None:
        remembered = {
            os.path.abspath(name): (cache.stamp(name, stat), file_digest)
            for name, stat, file_digest in zip(names, stats, digests, strict=True)
            if not cache.racy(stat, self.started)
        }
        memo = {"files": remembered, "include": self.patterns, "root": digests[0], "digest": digest}
        cache.remember_files(self.opening.name, memo)


def fact_files(path: str | os.PathLike[str]) -> list[Path]:
    """The files a (valid) fact base is made of, in order: the folder's, or the fact file and those it includes."""
    path = Path(path)
    if path.is_dir():
        return directory_files(path)
    root = check_part(read_bytes(path), os.fspath(path), False, _marshalled)
    return [path, *included_files(path, root.include)[0]]


def _warm_several(path: Path) -> cache.CacheFile:
    """The cache of a base of several files when none of them changed since it was written (LookupError
    otherwise): what completion reads, which must never parse YAML."""
    several = _Several(_Opening(path, True, 1), None)
    memo = several.memo
    if memo is None:
        raise LookupError("no base of several files remembered here")
    if several.directory:
        files = directory_files(path)
        names, roles = [os.fspath(file) for file in files], ["member"] * len(files)
    else:
        if several._known(os.fspath(path), os.stat(path)) != memo.get("root"):
            raise LookupError("the fact file changed")
        files = included_files(path, [tuple(pattern) for pattern in memo.get("include", [])])[0]
        names, roles = [os.fspath(path), *map(os.fspath, files)], ["root"] + ["member"] * len(files)
    digests = [several._known(file, os.stat(file)) for file in names]
    if None in digests:
        raise LookupError("a file changed")
    digest = _base_digest(names, roles, digests)  # type: ignore[arg-type]
    return cache.read(cache.cache_path(digest, LAYOUT), digest, LAYOUT)


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
    if os.path.isdir(name) or cache.known_files(name) is not None:
        opened = _warm_several(Path(name))
    else:
        digest = cache.known_digest(name, os.stat(name))  # remembered: the file is not even read
        if digest is None:
            digest = _sha256(Path(name).read_bytes())
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
