"""A persistent cache of a validated fact base and its name index.

One file per (SHA-256 of the fact file, factcli version, cache format), in ``cache_dir()``; an
edited fact file or a new release simply misses and the cache is rebuilt. Layout::

    header    magic, offset/length/CRC-32 of the meta section
    sections  flat tables (the name index's arrays, entity ids, record offsets and CRCs), each
              with its CRC in the meta section; then one marshal record per entity
    meta      marshal: format, version, digest, record layout, sources, vocabulary, trigrams, section table

A warm process maps the file (mmap) and checks the meta and table CRCs; each entity record has
its own CRC, checked only when the record is read (``RecordTable``), so ``who`` reads the index
and a handful of records however large the fact base. What a record holds is the store's
business (``store.py``): here a record is bytes, and the store's ``layout`` is kept in the meta
so that a record of another shape is a stale cache, not a wrong answer. The file is written under a
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
import stat as modes
import struct
import time
import zlib
from array import array
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import version
from .files import write_atomically
from .index import NameIndex

FORMAT = 8  # 8: ids found by bisection (id_off, id_order); 7: records carry the store's layout in the meta
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


def cache_path(digest: str, layout: str) -> Path:
    """The cache file of a fact file with this digest, for the store's record ``layout``: a new
    layout (a field added to the model) is a new name, so an old cache is not met, let alone
    reported as damaged; it is simply not used."""
    return cache_dir() / f"{digest[:32]}-v{version.__version__}-f{FORMAT}-{zlib.crc32(layout.encode()):08x}.cache"


class RecordTable:
    """The entity records of a cache file, each checked against its CRC when read."""

    __slots__ = ("_records", "_offsets", "_crcs")

    def __init__(self, records: memoryview, offsets: memoryview, crcs: memoryview) -> None:
        self._records = records
        self._offsets = offsets
        self._crcs = crcs

    def __len__(self) -> int:
        return len(self._crcs)

    def raw(self, ordinal: int) -> memoryview:
        """Record ``ordinal``'s bytes; CacheCorrupt when they fail their CRC."""
        chunk = self._records[self._offsets[ordinal] : self._offsets[ordinal + 1]]
        if zlib.crc32(chunk) != self._crcs[ordinal]:
            raise CacheCorrupt(f"record {ordinal} fails its checksum")
        return chunk


class CacheFile:
    """What a cache file holds: the name index, the entity ids and records, and the sources."""

    __slots__ = ("index", "ids", "records", "sources", "id_off", "id_order")

    def __init__(self, index: NameIndex, ids: memoryview, records: RecordTable, sources: Any) -> None:
        self.index = index
        self.ids = ids  # UTF-8, one id a line, in ordinal order
        self.id_off: memoryview | None = None  # where each id begins in ``ids`` (one more: the end + 1)
        self.id_order: memoryview | None = None  # the ordinals sorted by their ids
        self.records = records
        self.sources = sources  # as the store wrote them


# -- writing --------------------------------------------------------------------------------------
def write(
    path: Path,
    *,
    digest: str,
    layout: str,
    index: NameIndex,
    ids: Iterable[str],
    records: Iterable[bytes],
    sources: Any,
) -> None:
    """Write the cache atomically: a temporary file in the same folder, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    table: dict[str, tuple[int, int, int | None]] = {}
    try:
        with open(temporary, "wb") as out:
            out.write(b"\0" * _HEAD.size)
            position = _HEAD.size

            def pad() -> None:
                nonlocal position
                padding = -position % _ALIGN
                out.write(b"\0" * padding)
                position += padding

            def section(name: str, data: Any) -> None:
                nonlocal position
                pad()
                data = memoryview(data).cast("B")
                out.write(data)
                table[name] = (position, len(data), zlib.crc32(data))
                position += len(data)

            for name, data in index.sections().items():
                section(name, data)
            id_list = list(ids)
            section("ids", "\n".join(id_list).encode("utf-8"))
            # where each id begins in that table, and the ordinals in the order of their ids: an id is
            # found by bisection (a million ids would take 0.3 s to put in a dict for one lookup)
            id_off = array("Q", [0])
            for entity_id in id_list:
                id_off.append(id_off[-1] + len(entity_id.encode("utf-8")) + 1)
            section("id_off", id_off)
            section("id_order", array("I", sorted(range(len(id_list)), key=id_list.__getitem__)))
            del id_list
            offsets, crcs = array("Q", [0]), array("I")
            pad()
            start = position
            for record in records:
                out.write(record)
                position += len(record)
                offsets.append(position - start)
                crcs.append(zlib.crc32(record))
            table["records"] = (start, position - start, None)  # each record has its own CRC
            section("rec_off", offsets)
            section("rec_crc", crcs)
            meta = marshal.dumps(
                (
                    FORMAT,
                    version.__version__,
                    digest,
                    layout,
                    sources,
                    index.vocabulary,
                    index.grams,
                    index.kind_names,
                    table,
                ),
                2,  # no back-references: the same bytes whatever else holds the strings (a parallel load)
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
def read(path: Path, digest: str, layout: str) -> CacheFile:
    """Open a cache file; raise FileNotFoundError when absent, CacheCorrupt when untrustworthy.

    Everything but the entity records is checked here; each record is checked when read.
    """
    import mmap  # noqa: PLC0415 (lazy: only a cache that is read maps)

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
    try:
        return _parse(memoryview(mapped), size, digest, layout, version.__version__)
    except CacheCorrupt:
        raise
    except Exception as error:  # noqa: BLE001  # whatever garbage does to marshal: the cache's fault
        raise CacheCorrupt(f"{type(error).__name__}: {error}") from None


def _parse(view: memoryview, size: int, digest: str, layout: str, release: str) -> CacheFile:
    magic, meta_offset, meta_length, meta_crc = _HEAD.unpack_from(view)
    if magic != _MAGIC or meta_offset + meta_length != size:
        raise CacheCorrupt("bad header or truncated")
    meta_bytes = view[meta_offset:]
    if zlib.crc32(meta_bytes) != meta_crc:
        raise CacheCorrupt("the meta section fails its checksum")
    fmt, stored_version, stored_digest, stored_layout, sources, vocabulary, grams, kind_names, table = marshal.loads(
        meta_bytes
    )
    if fmt != FORMAT or stored_version != release or stored_digest != digest or stored_layout != layout:
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
    found = CacheFile(index, sections["ids"], RecordTable(sections["records"], offsets, crcs), sources)
    found.id_off, found.id_order = sections["id_off"].cast("Q"), sections["id_order"].cast("I")
    if len(found.id_off) != index.size + 1 or len(found.id_order) != index.size:
        raise CacheCorrupt("the id tables do not match the index")
    if index.size and found.id_off[index.size] != len(sections["ids"]) + 1:
        raise CacheCorrupt("the id offsets do not match the ids")
    return found


def _open_regular(path: Path | str) -> int:
    """Open a file for reading without ever blocking (a FIFO in its place); OSError unless regular.

    Something that is not a file at a cache path (a directory, a device) is not damage to
    warn about on every run: it is treated like a missing cache, and left alone.
    """
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


# -- a fact base of several files -----------------------------------------------------------------
PART_FORMAT = 1  # of a part's file; the base's cache FORMAT can change without a part being parsed again
_PART_MAGIC = b"FACTPRT\x01"
_PART_HEAD = struct.Struct("<8sQI")  # magic, payload length, payload CRC


def part_path(digest: str, role: str, layout: str) -> Path:
    """The cache of one file of several, by its own content (``role``: how it was checked, which the
    result depends on), so that an unchanged file is never parsed again whichever base it is in."""
    key = zlib.crc32(f"{role}|{layout}".encode())
    return cache_dir() / "parts" / f"{digest[:32]}-v{version.__version__}-p{PART_FORMAT}-{key:08x}.part"


def write_part(path: Path, payload: bytes) -> None:
    """One file's part, atomically; OSError when it cannot be written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, _PART_HEAD.pack(_PART_MAGIC, len(payload), zlib.crc32(payload)) + payload, sync=False)


def read_part(path: Path) -> bytes:
    """A part's payload; FileNotFoundError when absent, CacheCorrupt when it fails its checks."""
    descriptor = _open_regular(path)
    with os.fdopen(descriptor, "rb") as handle:
        data = handle.read()
    if len(data) < _PART_HEAD.size:
        raise CacheCorrupt("truncated part")
    magic, length, crc = _PART_HEAD.unpack_from(data)
    payload = data[_PART_HEAD.size :]
    if magic != _PART_MAGIC or length != len(payload) or zlib.crc32(payload) != crc:
        raise CacheCorrupt("the part fails its checks")
    return payload


def stamp(path: str, stat: os.stat_result) -> str:
    """What a file's stat says of it: when this has not changed, neither has its content (see known_digest)."""
    return _stamp(os.path.abspath(path), stat)


def known_files(base: str) -> dict[str, Any] | None:
    """What was remembered of a fact base of several files: ``{"files": {path: (stamp, digest)},
    "include": the root's patterns, "digest": the base's}``, or None."""
    try:
        descriptor = _open_regular(_memo_path(os.path.abspath(base)).with_suffix(".files"))
        with os.fdopen(descriptor, "rb") as handle:
            memo = marshal.loads(handle.read())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return memo if isinstance(memo, dict) and isinstance(memo.get("files"), dict) else None


def remember_files(base: str, memo: dict[str, Any]) -> None:
    """Remember the stamps and digests of a fact base's files (never raises for an unwritable folder)."""
    path = _memo_path(os.path.abspath(base)).with_suffix(".files")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, marshal.dumps(memo, 2), sync=False)
    except OSError:
        pass


def racy(stat: os.stat_result, hashed_at_ns: int) -> bool:
    """Whether a file changed too recently for its timestamps to vouch for its content."""
    return max(stat.st_mtime_ns, stat.st_ctime_ns) > hashed_at_ns - _RACY_NS
