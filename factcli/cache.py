"""A persistent cache of a validated fact base and its name index.

Keyed by the fact file's SHA-256 and factcli's version, so an edited file or a new release
simply misses. The file is written to a temporary name and renamed into place, so readers
see a whole cache or none. Entities are stored one marshal record each, with a CRC, and
decoded only when a command touches them: a warm ``who`` reads the index and a handful of
records, not the whole fact base. Any problem with the cache costs speed, never an answer.
"""

from __future__ import annotations

import marshal
import os
import struct
import sys
import tempfile
import zlib
from array import array
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Iterator

from .index import NameIndex
from .model import Citation, Claim, Entity, FactBase, Period, Source

FORMAT = 1
_MAGIC = b"FACTCLI\x00"
_HEAD = struct.Struct("<8sQI")  # magic, length of the meta section, its CRC


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


def _period(text: str | None) -> Period | None:
    return Period.parse(text) if text is not None else None


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def entity_record(entity: Entity) -> tuple:  # type: ignore[type-arg]
    claims = tuple(
        (c.text, tuple((x.source, x.quote) for x in c.citations), c.relation, c.related, _str(c.date),
         _str(c.as_of), c.value, c.unit, c.qualifier, c.attributed_to, c.attribution)
        for c in entity.claims
    )
    return (entity.id, entity.kind, entity.name, entity.summary, entity.aliases, _str(entity.date), claims)


def entity_from_record(record: tuple) -> Entity:  # type: ignore[type-arg]
    entity_id, kind, name, summary, aliases, date, claims = record
    return Entity(
        entity_id, kind, name, summary, tuple(aliases), _period(date),
        tuple(
            Claim(text, tuple(Citation(s, q) for s, q in cites), relation, related, _period(when), _period(as_of),
                  value, unit, qualifier, attributed_to, attribution, entity_id)
            for text, cites, relation, related, when, as_of, value, unit, qualifier, attributed_to, attribution in claims
        ),
    )


def _source_record(source: Source) -> tuple:  # type: ignore[type-arg]
    return (source.id, source.title, str(source.published), source.file, source.author, source.publisher,
            source.published_note, source.url)


class LazyEntities(Mapping):  # type: ignore[type-arg]
    """Entities by id, decoded from the cache's records on first access."""

    def __init__(self, ids: list[str], blob: memoryview, offsets: array, crcs: array) -> None:
        self._ids = ids
        self._blob = blob
        self._offsets = offsets
        self._crcs = crcs
        self._decoded: dict[int, Entity] = {}
        self._ordinal: dict[str, int] | None = None

    def at(self, ordinal: int) -> Entity:
        entity = self._decoded.get(ordinal)
        if entity is None:
            chunk = self._blob[self._offsets[ordinal] : self._offsets[ordinal + 1]]
            if zlib.crc32(chunk) != self._crcs[ordinal]:
                raise CacheCorrupt(f"record {ordinal} fails its checksum")
            try:
                entity = entity_from_record(marshal.loads(chunk))
            except Exception as error:  # a CRC collision on garbage: still only the cache's fault
                raise CacheCorrupt(str(error)) from None
            self._decoded[ordinal] = entity
        return entity

    def __getitem__(self, key: str) -> Entity:
        if self._ordinal is None:
            self._ordinal = {entity_id: n for n, entity_id in enumerate(self._ids)}
        return self.at(self._ordinal[key])

    def __contains__(self, key: object) -> bool:
        if self._ordinal is None:
            self._ordinal = {entity_id: n for n, entity_id in enumerate(self._ids)}
        return key in self._ordinal

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def values(self):  # type: ignore[override]
        return (self.at(n) for n in range(len(self._ids)))


def write(facts: FactBase, index: NameIndex, path: Path) -> None:
    """Write the cache atomically: a temporary file in the same folder, then a rename."""
    from . import __version__

    records = [marshal.dumps(entity_record(e)) for e in facts.entities.values()]
    offsets = array("Q", [0])
    crcs = array("I")
    for record in records:
        offsets.append(offsets[-1] + len(record))
        crcs.append(zlib.crc32(record))
    meta = marshal.dumps(
        (FORMAT, __version__, facts.digest, tuple(_source_record(s) for s in facts.sources.values()),
         list(facts.entities), index.vocabulary, index.postings, offsets.tobytes(), crcs.tobytes())
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".cache", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(_HEAD.pack(_MAGIC, len(meta), zlib.crc32(meta)))
            out.write(meta)
            for record in records:
                out.write(record)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def read(path: Path, digest: str, name: str) -> tuple[FactBase, NameIndex]:
    """Open a cache file; raise FileNotFoundError when absent, CacheCorrupt when untrustworthy."""
    from . import __version__

    data = path.read_bytes()
    try:
        magic, meta_length, meta_crc = _HEAD.unpack_from(data)
        meta_bytes = memoryview(data)[_HEAD.size : _HEAD.size + meta_length]
        if magic != _MAGIC or len(meta_bytes) != meta_length or zlib.crc32(meta_bytes) != meta_crc:
            raise CacheCorrupt("bad header")
        fmt, version, stored_digest, sources, ids, vocabulary, postings, offsets_bytes, crcs_bytes = marshal.loads(meta_bytes)
        if fmt != FORMAT or version != __version__ or stored_digest != digest:
            raise CacheCorrupt("stale")
        offsets, crcs = array("Q"), array("I")
        offsets.frombytes(offsets_bytes)
        crcs.frombytes(crcs_bytes)
        blob = memoryview(data)[_HEAD.size + meta_length :]
        if len(offsets) != len(ids) + 1 or len(crcs) != len(ids) or offsets[-1] != len(blob):
            raise CacheCorrupt("truncated")
        source_objects = {
            s[0]: Source(s[0], s[1], Period.parse(s[2]), s[3], s[4], s[5], s[6], s[7]) for s in sources
        }
    except CacheCorrupt:
        raise
    except Exception as error:
        raise CacheCorrupt(str(error)) from None
    facts = FactBase(source_objects, LazyEntities(ids, blob, offsets, crcs), path=name, digest=digest)  # type: ignore[arg-type]
    index = NameIndex(vocabulary, postings)
    index.size = len(ids)
    return facts, index


def warn(message: str) -> None:
    print(f"factcli: warning: {message}", file=sys.stderr)
