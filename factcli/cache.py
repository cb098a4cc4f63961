"""A persistent cache of a validated fact base and its name index.

One file per (SHA-256 of the fact file, factcli version, cache format), in ``cache_dir()``; an
edited fact file or a new release simply misses and the cache is rebuilt. Layout::

    header    magic, offset/length/CRC-32 of the meta section
    sections  flat tables (the name index's arrays, entity ids, record offsets and CRCs), each
              with its CRC in the meta section; then one marshal record per entity
    meta      marshal: format, version, digest, sources, vocabulary, trigrams, section table

A warm process maps the file (mmap), checks the meta and table CRCs, and decodes an entity only
when a command touches it (``LazyEntities``; each record has its own CRC), so ``who`` reads the
index and a handful of records however large the fact base. The file is written under a
temporary name and renamed into place, so readers see a whole cache or none.

Hashing a 150 MB fact file costs more than answering from its cache, so the digest of each fact
file is remembered beside the caches together with the file's size, inode, mtime and ctime
(``known_digest``); a file whose stat no longer matches is hashed again. A file changed within
two seconds of being hashed is not remembered (the "racy timestamp" case), so an edit can never
be hidden by a coarse clock.

Nothing here is ever required: a missing, unreadable, read-only, stale, truncated or corrupt
cache only costs the time to parse the YAML again (``CacheCorrupt`` or ``OSError``).
"""

from __future__ import annotations

import marshal
import os
import struct
import sys
import time
import zlib
from array import array
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .index import NameIndex
from .model import Citation, Claim, Entity, FactBase, PartialDate, Period, Source

FORMAT = 6  # 6: the name index keeps the folded labels
_MAGIC = b"FACTCLI\x02"
_HEAD = struct.Struct("<8sQQI")  # magic, meta offset, meta length, meta CRC
_ALIGN = 8
_RACY_NS = 2_000_000_000  # a fact file changed this recently is hashed again next time


class CacheCorrupt(Exception):
    """The cache file cannot be trusted; the caller rebuilds from the fact file."""


def cache_dir() -> Path:
    """``$FACTCLI_CACHE_DIR``, else ``$XDG_CACHE_HOME/factcli``, else ``~/.cache/factcli``."""
    explicit = os.environ.get("FACTCLI_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "factcli"


def cache_path(digest: str) -> Path:
    from . import __version__

    return cache_dir() / f"{digest[:32]}-v{__version__}-f{FORMAT}.cache"


# -- records --------------------------------------------------------------------------------------
def _date_record(period: Period | None) -> tuple | None:  # type: ignore[type-arg]
    if period is None:
        return None
    start, end = period.start, period.end
    return (
        (start.year, start.month, start.day, start.decade, start.approximate),
        None if end is None else (end.year, end.month, end.day, end.decade, end.approximate),
    )


_PERIODS: dict[tuple, Period] = {}  # type: ignore[type-arg]  # frozen, so shared: dates repeat (years, decades)


def _period(record: tuple | None) -> Period | None:  # type: ignore[type-arg]
    if record is None:
        return None
    period = _PERIODS.get(record)
    if period is None:
        start, end = record
        period = Period(PartialDate(*start), None if end is None else PartialDate(*end))
        if len(_PERIODS) < 1 << 16:
            _PERIODS[record] = period
    return period


def entity_record(entity: Entity) -> tuple:  # type: ignore[type-arg]
    claims = tuple(
        (
            c.text,
            tuple((x.source, x.quote) for x in c.citations),
            c.relation,
            c.related,
            _date_record(c.date),
            _date_record(c.as_of),
            c.value,
            c.unit,
            c.qualifier,
            c.attributed_to,
            c.attribution,
        )
        for c in entity.claims
    )
    return (entity.id, entity.kind, entity.name, entity.summary, entity.aliases, _date_record(entity.date), claims)


def entity_from_record(record: tuple) -> Entity:  # type: ignore[type-arg]
    entity_id, kind, name, summary, aliases, date, claims = record
    return Entity(
        entity_id,
        kind,
        name,
        summary,
        tuple(aliases),
        _period(date),
        tuple(
            Claim(
                text,
                tuple(Citation(s, q) for s, q in cites),
                relation,
                related,
                _period(when),
                _period(as_of),
                value,
                unit,
                qualifier,
                attributed_to,
                attribution,
                entity_id,
            )
            for text, cites, relation, related, when, as_of, value, unit, qualifier, attributed_to, attribution in claims
        ),
    )


def _source_record(source: Source) -> tuple:  # type: ignore[type-arg]
    return (
        source.id,
        source.title,
        _date_record(source.published),
        source.file,
        source.author,
        source.publisher,
        source.published_note,
        source.url,
    )


class LazySources(Mapping):  # type: ignore[type-arg]
    """Sources by id, built on first use (a lookup never needs them)."""

    def __init__(self, records: list[tuple]) -> None:  # type: ignore[type-arg]
        self._records = records
        self._sources: dict[str, Source] | None = None

    def _all(self) -> dict[str, Source]:
        if self._sources is None:
            self._sources = {
                r[0]: Source(r[0], r[1], _period(r[2]), r[3], r[4], r[5], r[6], r[7])  # type: ignore[arg-type]
                for r in self._records
            }
        return self._sources

    def __getitem__(self, key: str) -> Source:
        return self._all()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._records)


class LazyEntities(Mapping):  # type: ignore[type-arg]
    """Entities by id, in file order, decoded from the cache's records on first access.

    A record that fails its CRC (records are checked one by one, when read) calls ``recover``,
    which parses the fact file again and returns its entities in the same order; from then on
    they are served from there, so a damaged cache still gives the right answer.
    """

    def __init__(
        self,
        index: NameIndex,
        ids: memoryview,
        records: memoryview,
        offsets: memoryview,
        crcs: memoryview,
        recover: Callable[[], Mapping[str, Entity]] | None = None,
    ) -> None:
        self.index = index
        self.recover = recover
        self._fallback: list[Entity] | None = None
        self._id_bytes = ids
        self._records = records
        self._offsets = offsets
        self._crcs = crcs
        self._decoded: dict[int, Entity] = {}
        self._ids: list[str] | None = None
        self._ordinal: dict[str, int] | None = None

    def ids(self) -> list[str]:
        if self._ids is None:
            self._ids = str(self._id_bytes, "utf-8").split("\n") if self.index.size else []
            if len(self._ids) != self.index.size:
                raise CacheCorrupt("the id table does not match the index")
        return self._ids

    def ordinal(self, key: object) -> int | None:
        if self._ordinal is None:
            ids = self.ids()
            self._ordinal = dict(zip(ids, range(len(ids))))
        return self._ordinal.get(key)  # type: ignore[call-overload, no-any-return]

    def at(self, ordinal: int) -> Entity:
        entity = self._decoded.get(ordinal)
        if entity is None:
            if self._fallback is not None:
                return self._fallback[ordinal]
            try:
                entity = entity_from_record(self._load(ordinal))
            except CacheCorrupt as error:
                return self._give_up(error)[ordinal]
            except Exception as error:  # noqa: BLE001  # a CRC collision on garbage: still only the cache's fault
                return self._give_up(CacheCorrupt(str(error)))[ordinal]
            self._decoded[ordinal] = entity
        return entity

    def record(self, ordinal: int) -> tuple | None:  # type: ignore[type-arg]
        """The entity's record (``entity_record``'s shape), checked as ``at`` checks it; None once a
        damaged record has made the fact file, not the cache, the source (see ``recover``)."""
        if self._fallback is None:
            try:
                return self._load(ordinal)
            except CacheCorrupt as error:
                self._give_up(error)
        return None

    def check(self, ordinal: int) -> None:
        """Check the entity's record without decoding it (a damaged one is handled as ``at`` handles it)."""
        if self._fallback is None and ordinal not in self._decoded:
            try:
                self._chunk(ordinal)
            except CacheCorrupt as error:
                self._give_up(error)

    def _chunk(self, ordinal: int) -> memoryview:
        chunk = self._records[self._offsets[ordinal] : self._offsets[ordinal + 1]]
        if zlib.crc32(chunk) != self._crcs[ordinal]:
            raise CacheCorrupt(f"record {ordinal} fails its checksum")
        return chunk

    def _load(self, ordinal: int) -> tuple:  # type: ignore[type-arg]
        chunk = self._chunk(ordinal)
        try:
            record = marshal.loads(chunk)
        except Exception as error:  # noqa: BLE001  # a CRC collision on garbage: still only the cache's fault
            raise CacheCorrupt(str(error)) from None
        if type(record) is not tuple or len(record) != 7:
            raise CacheCorrupt(f"record {ordinal} is not an entity")
        return record

    def _give_up(self, error: CacheCorrupt) -> list[Entity]:
        """Serve every entity from the fact file from now on (raises ``error`` when that is not possible)."""
        if self.recover is None:
            raise error
        recovered = list(self.recover().values())
        if len(recovered) != self.index.size:
            raise error
        self._fallback = recovered
        return recovered

    def name_of(self, key: str) -> str | None:
        """An entity's name without decoding its record."""
        ordinal = self.ordinal(key)
        return None if ordinal is None else self.index.name(ordinal)

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
        return self.index.size

    def values(self):  # type: ignore[override]
        return (self.at(n) for n in range(self.index.size))


# -- writing --------------------------------------------------------------------------------------
def write(facts: FactBase, index: NameIndex, path: Path) -> None:
    """Write the cache atomically: a temporary file in the same folder, then a rename."""
    from . import __version__

    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    table: dict[str, tuple[int, int, int | None]] = {}
    try:
        with open(temporary, "wb") as out:
            out.write(b"\0" * _HEAD.size)
            position = _HEAD.size

            def section(name: str, data: Any, checked: bool = True) -> None:
                nonlocal position
                padding = -position % _ALIGN
                out.write(b"\0" * padding)
                position += padding
                data = memoryview(data).cast("B")
                out.write(data)
                table[name] = (position, len(data), zlib.crc32(data) if checked else None)
                position += len(data)

            for name, data in index.sections().items():
                section(name, data)
            section("ids", "\n".join(facts.entities).encode("utf-8"))
            offsets, crcs = array("Q", [0]), array("I")
            padding = -position % _ALIGN
            out.write(b"\0" * padding)
            position += padding
            start = position
            from .check import Entities  # a cold load's entities, kept as these records already

            entities = facts.entities
            records = (
                entities.records()
                if isinstance(entities, Entities)
                else (marshal.dumps(entity_record(e)) for e in entities.values())
            )
            for record in records:
                out.write(record)
                position += len(record)
                offsets.append(position - start)
                crcs.append(zlib.crc32(record))
            table["records"] = (start, position - start, None)
            section("rec_off", offsets)
            section("rec_crc", crcs)
            meta = marshal.dumps(
                (
                    FORMAT,
                    __version__,
                    facts.digest,
                    tuple(_source_record(s) for s in facts.sources.values()),
                    index.vocabulary,
                    index.grams,
                    index.kind_names,
                    table,
                )
            )
            out.write(meta)
            out.seek(0)
            out.write(_HEAD.pack(_MAGIC, position, len(meta), zlib.crc32(meta)))
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


# -- reading --------------------------------------------------------------------------------------
def read(
    path: Path, digest: str, name: str, recover: Callable[[], Mapping[str, Entity]] | None = None
) -> tuple[FactBase, NameIndex]:
    """Open a cache file; raise FileNotFoundError when absent, CacheCorrupt when untrustworthy.

    Everything but the entity records is checked here; ``recover`` is what a record that fails
    its own check later falls back on (see ``LazyEntities``).
    """
    import mmap

    from . import __version__

    descriptor = _open_regular(path)
    try:
        size = os.fstat(descriptor).st_size
        if size < _HEAD.size:
            raise CacheCorrupt("truncated")
        mapped = mmap.mmap(descriptor, 0, access=mmap.ACCESS_READ)
    except (ValueError, OSError) as error:
        raise CacheCorrupt(str(error)) from None
    finally:
        os.close(descriptor)
    view = memoryview(mapped)
    try:
        magic, meta_offset, meta_length, meta_crc = _HEAD.unpack_from(view)
        if magic != _MAGIC or meta_offset + meta_length != size:
            raise CacheCorrupt("bad header or truncated")
        meta_bytes = view[meta_offset:]
        if zlib.crc32(meta_bytes) != meta_crc:
            raise CacheCorrupt("the meta section fails its checksum")
        fmt, version, stored_digest, sources, vocabulary, grams, kind_names, table = marshal.loads(meta_bytes)
        if fmt != FORMAT or version != __version__ or stored_digest != digest:
            raise CacheCorrupt("stale")
        sections: dict[str, memoryview] = {}
        for section_name, (offset, length, crc) in table.items():
            if offset < _HEAD.size or offset + length > meta_offset:
                raise CacheCorrupt(f"section {section_name} out of bounds")
            chunk = view[offset : offset + length]
            if crc is not None and zlib.crc32(chunk) != crc:
                raise CacheCorrupt(f"section {section_name} fails its checksum")
            sections[section_name] = chunk
        index = NameIndex(vocabulary, grams, kind_names, sections)
        offsets = sections["rec_off"].cast("Q")
        crcs = sections["rec_crc"].cast("I")
        if len(offsets) != index.size + 1 or len(crcs) != index.size or offsets[index.size] != len(sections["records"]):
            raise CacheCorrupt("record table does not match the index")
    except CacheCorrupt:
        raise
    except Exception as error:  # noqa: BLE001  # whatever garbage does to marshal: the cache's fault
        raise CacheCorrupt(f"{type(error).__name__}: {error}") from None
    entities = LazyEntities(index, sections["ids"], sections["records"], offsets, crcs, recover)
    facts = FactBase(LazySources(sources), entities, path=name, digest=digest)  # type: ignore[arg-type]
    return facts, index


def _open_regular(path: Path | str) -> int:
    """Open a file for reading without ever blocking (a FIFO in its place); OSError unless regular.

    Something that is not a file at a cache path (a directory, a device) is not damage to
    warn about on every run: it is treated like a missing cache, and left alone.
    """
    import stat as modes

    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        if not modes.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(f"{path} is not a regular file")
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def _read_memo(memo: Path) -> tuple[str, str] | None:
    try:
        descriptor = _open_regular(memo)
        with os.fdopen(descriptor, "rb") as handle:
            text = handle.read(1 << 16).decode("utf-8", "surrogateescape")
    except (OSError, ValueError):
        return None
    stamp, _, digest = text.rpartition("\0")
    return stamp, digest


# -- remembered digests ---------------------------------------------------------------------------
def _memo_path(path: str) -> Path:
    key = path.encode("utf-8", "surrogateescape")
    return cache_dir() / "digests" / f"{zlib.crc32(key):08x}{zlib.adler32(key):08x}"


def _stamp(path: str, stat: os.stat_result) -> str:
    return f"{path}\0{stat.st_dev}\0{stat.st_ino}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_ctime_ns}"


def known_digest(path: str, stat: os.stat_result) -> str | None:
    """The SHA-256 remembered for this fact file, if it has not changed since it was hashed."""
    path = os.path.abspath(path)
    memo = _read_memo(_memo_path(path))
    if memo is None or memo[0] != _stamp(path, stat) or len(memo[1]) != 64:
        return None
    return memo[1]


def remember_digest(path: str, stat: os.stat_result, digest: str, hashed_at_ns: int) -> str | None:
    """Remember a fact file's digest (unless it changed too recently to trust its timestamps).

    Returns the digest remembered before for the same path, when it differs, so the caller can
    remove that cache file. Never raises for an unwritable cache directory.
    """
    path = os.path.abspath(path)
    if max(stat.st_mtime_ns, stat.st_ctime_ns) > hashed_at_ns - _RACY_NS:
        return None
    memo = _memo_path(path)
    previous = None
    old = _read_memo(memo)
    if old is not None and old[0].split("\0", 1)[0] == path and old[1] != digest and len(old[1]) == 64:
        previous = old[1]
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        temporary = memo.with_name(f".tmp-{os.getpid()}-{memo.name}")
        with open(temporary, "w", encoding="utf-8", errors="surrogateescape") as handle:
            handle.write(f"{_stamp(path, stat)}\0{digest}")
        os.replace(temporary, memo)
    except OSError:
        return None
    return previous


def now_ns() -> int:
    return time.time_ns()


def warn(message: str) -> None:
    print(f"factcli: warning: {message}", file=sys.stderr)
