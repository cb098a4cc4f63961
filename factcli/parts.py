"""A fact base in several files: which files, each checked on its own, then all checked together.

A fact base is one fact file, a fact file whose ``include:`` names others (glob patterns
relative to its folder), or a directory (every ``*.yaml`` file under it; hidden files and
folders are left out). Its files are read in a stable order: in a directory, sorted by their
path relative to it; otherwise the named file first, then each pattern's matches sorted by
path, each file once.

Each file is checked on its own (``check_part``: the first pass, which collects what the file
cites or refers to without holding it instead of reporting it), in a process pool when several
need it (``check_parts``), and comes out as a ``Part``: its sources, entity ids and records. The
store caches each part under its file's hash. ``combine`` then checks the parts together: a
source or entity id given twice, a citation or a reference no file resolves. A file that fails
is checked again, whole, with what the others hold (``recheck``, the second pass), so that
every problem is reported at its FILE:LINE:COL exactly as it is when the file is alone.

What a record holds is the store's business: it hands ``keep`` (what to keep of a checked
entity) to the checking, and nothing here looks inside a record.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import FactBaseError, Problem
from .index import IndexPart, NameIndex
from .load import decode, pack_position, parse_tree, read_bytes, unpack_position
from .model import Entity, Source

if TYPE_CHECKING:
    from .check import Review

Keep = Callable[[Entity], bytes]
_INDEX_PART = 1000  # entities a piece of the name index is made of as a file is checked
Save = Callable[["Part", bool], bool]  # a clean part to its cache (and whether it is there now), by role
Job = tuple[bytes | None, str, bool, Keep, Save | None]  # what check_part needs, and where its part goes
_FACT_FILE_SUFFIX = ".yaml"


# -- which files ----------------------------------------------------------------------------------
def directory_files(directory: Path) -> list[Path]:
    """Every ``*.yaml`` file under ``directory`` (hidden ones and symbolic links to folders aside),
    sorted by path relative to it; FactBaseError when there is none (a folder is no fact base then)."""
    top = os.fspath(directory)
    found: list[tuple[str, str]] = []
    for folder, subfolders, names in os.walk(top):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        inside = os.path.relpath(folder, top).replace(os.sep, "/") if folder != top else ""
        for name in names:
            if name.endswith(_FACT_FILE_SUFFIX) and not name.startswith("."):
                found.append((f"{inside}/{name}" if inside else name, os.path.join(folder, name)))
    if not found:
        raise FactBaseError([Problem(top, None, None, "is a directory with no *.yaml fact file under it")])
    found.sort()
    return [Path(path) for _, path in found]


def included_files(root: Path, patterns: Sequence[tuple[str, int, int]]) -> tuple[list[Path], list[Problem]]:
    """The files the root's ``include:`` patterns match, in order, each once; a pattern that matches no
    file is a problem (a typo would otherwise drop facts without a word)."""
    folder = root.parent
    seen = {os.path.abspath(root)}
    files: list[Path] = []
    problems = []
    for pattern, line, column in patterns:
        matched = sorted(path for path in folder.glob(pattern) if path.is_file())
        if not matched:
            problems.append(Problem(os.fspath(root), line, column, f"include pattern {pattern!r} matches no file"))
        for path in matched:
            key = os.path.abspath(path)
            if key not in seen:
                seen.add(key)
                files.append(path)
    return files, problems


# -- one file -------------------------------------------------------------------------------------
class Part:
    """One file of a fact base, checked on its own: what it holds and what it needs of the others."""

    __slots__ = (
        "name",
        "sources",
        "source_pos",
        "include",
        "ids",
        "id_pos",
        "records",
        "unresolved_sources",
        "unresolved_ids",
        "problems",
        "digest",
        "index",
    )

    def __init__(self, name: str) -> None:
        self.name = name
        self.digest = ""  # SHA-256 of the bytes checked, when check_part read them itself
        self.index: list[IndexPart] = []  # what its entities give the name index, 1,000 at a time (NameIndex.part)
        self.sources: list[Source] = []
        self.source_pos: list[tuple[int, int]] = []
        self.include: list[tuple[str, int, int]] = []  # the root's patterns, with where each is
        self.ids: list[str] = []
        self.id_pos = array("Q")  # where each id is (load.pack_position)
        self.records: list[bytes] | None = []  # what ``keep`` made of each entity; None: left in its part's cache
        self.unresolved_sources: set[str] = set()
        self.unresolved_ids: set[str] = set()
        self.problems: list[Problem] = []  # the file's own; a part with any is never cached


def check_part(data: Any, name: str, member: bool, keep: Keep, *, decoded: bool = False) -> Part:
    """The first pass over one file (read here when ``data`` is None): its own problems, or what it holds.

    ``decoded``: ``data`` was checked by ``load.decode`` already, and may be a stream (``_Piece``).
    """
    part = Part(name)
    try:
        if data is None:
            data = read_bytes(name)
            import hashlib  # noqa: PLC0415 (lazy: a warm lookup never hashes)

            part.digest = hashlib.sha256(data).hexdigest()
        from .check import Elsewhere, EntityStream, validate  # noqa: PLC0415 (lazy: a warm start never checks)

        elsewhere = Elsewhere(deferred=True, member=member)
        labels: list[tuple[str, list[str]]] = []  # (kind, labels) of the entities kept since the last index part

        def keeping(entity: Entity) -> bytes:
            labels.append((entity.kind, [entity.name, *entity.aliases, *entity.outside_aliases]))
            if len(labels) == _INDEX_PART:  # (a part of a few entities at a time: see NameIndex.build)
                part.index.append(NameIndex.part(labels))
                labels.clear()
            return keep(entity)

        text = data if decoded else decode(data, name)
        tree, problems = parse_tree(text, name, on_entity=EntityStream(name, keeping, elsewhere))
        checked, more = validate(tree, name, keep=keeping, elsewhere=elsewhere)
    except FactBaseError as error:
        part.problems = error.problems
        return part
    problems.extend(more)
    if problems or checked is None:
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))
        part.problems = problems
        return part
    part.sources = list(checked.sources.values())
    part.source_pos = [checked.source_pos[source_id] for source_id in checked.sources]
    part.ids = list(checked.entities)
    part.id_pos = array("Q", map(pack_position, checked.entity_pos.values()))
    part.records = list(checked.entities.values())
    part.unresolved_sources = checked.unresolved_sources
    part.unresolved_ids = checked.unresolved_ids
    part.include = _include_positions(tree, checked.include)
    if labels:  # (a clean file: every entity was kept once, in file order)
        part.index.append(NameIndex.part(labels))
    return part


def _include_positions(tree: Any, patterns: list[str]) -> list[tuple[str, int, int]]:
    if not patterns:
        return []
    where = list(tree["include"].item_pos)
    stripped = [item.strip() if isinstance(item, str) else None for item in tree["include"]]
    return [(pattern, *where[stripped.index(pattern)]) for pattern in patterns]


def _check_one(job: Job) -> Part:
    """One job: the part, saved where the job says when it is clean, and then without its records (a base
    of a million entities would otherwise hold every record in the process that started the jobs)."""
    data, name, member, keep, save = job
    part = check_part(data, name, member, keep)
    if save is not None and not part.problems and save(part, member):
        part.records = None
    return part


def check_parts(jobs: Sequence[Job], workers: int) -> list[Part]:
    """``check_part`` for each job, in a pool of ``workers`` processes when there are several; the parts
    come back in the order of the jobs, so what follows does not depend on which process was quicker."""
    return start_checking(jobs, workers if len(jobs) > 1 else 1)()


def start_checking(jobs: Sequence[Job], workers: int) -> Callable[[], list[Part]]:
    """Start ``check_part`` on each job and return what collects the parts, in the order of the jobs.

    With ``workers`` > 1 they are checked in a pool (of at most one process per job) while the
    caller goes on, say reading the parts of the files that did not change; otherwise they are
    checked when collected.
    """
    if workers <= 1 or not jobs:
        return lambda: [_check_one(job) for job in jobs]
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415 (lazy: only a cold load of several files)

    workers = min(workers, len(jobs))
    pool = ProcessPoolExecutor(max_workers=workers)
    try:
        parts = pool.map(_check_one, jobs, chunksize=max(1, len(jobs) // (workers * 4)))
    except BaseException:
        pool.shutdown(cancel_futures=True)
        raise

    def collect() -> list[Part]:
        try:
            return list(parts)
        finally:
            pool.shutdown(cancel_futures=True)

    return collect


# -- one large file, in pieces ----------------------------------------------------------------------
_PIECE_MIN_BYTES = 4 << 20  # smaller files are checked whole: a process costs more than it saves
_SHARED: dict[str, bytes] = {}  # the file being checked in pieces, inherited by forked workers


def entity_pieces(data: bytes, pieces: int) -> list[tuple[int, int]] | None:
    """Where to cut a fact file into ``pieces`` runs of whole entities: ``(start, end)`` byte ranges, the
    first holding everything before the entities too; None unless the file has the plain layout.

    The plain layout: ``entities:`` alone on its line is the last top-level key (no ``include:``),
    and its items begin with the same indentation and ``- ``, so a line that begins so is a new
    entity and nothing else. A cut anywhere else (inside a quoted text) leaves a piece that does
    not parse, and the store then checks the file whole, so a cut never changes the answer.
    """
    import re  # noqa: PLC0415 (lazy: only a large cold load)

    head = re.search(rb"(?m)^entities:[ \t]*(?:#[^\n]*)?\r?\n", data)
    if head is None or pieces < 2 or len(data) < _PIECE_MIN_BYTES or re.search(rb"(?m)^include:", data[: head.start()]):
        return None
    if re.compile(rb"\n[^ #\r\n]").search(data, head.end() - 1):  # another top-level line after the entities
        return None
    first = re.compile(rb"(?m)^( +)- ").search(data, head.end())
    if first is None:
        return None
    item = re.compile(rb"\n" + re.escape(first.group(1)) + rb"- ")
    starts = [match.start() + 1 for match in item.finditer(data, head.end() - 1)]
    if len(starts) < pieces * 2:
        return None
    cuts = [starts[len(starts) * k // pieces] for k in range(1, pieces)]
    bounds = [0, *cuts, len(data)]
    return list(zip(bounds, bounds[1:], strict=False))


class _Piece:
    """A piece of ``_SHARED["data"]`` as a stream libyaml reads (``read``), without copying it: the
    blank lines and ``entities:`` that stand in for what comes before it, then its bytes."""

    def __init__(self, prefix: bytes, start: int, end: int) -> None:
        self._prefix = prefix
        self._view = memoryview(_SHARED["data"])[start:end]
        self._at = 0

    def read(self, size: int = -1) -> bytes:
        if self._prefix:
            chunk, self._prefix = self._prefix, b""
            return chunk
        end = len(self._view) if size is None or size < 0 else self._at + size
        chunk = bytes(self._view[self._at : end])
        self._at += len(chunk)
        return chunk


def _check_piece(job: tuple[int, int, str, Keep]) -> Part:
    """One piece of ``_SHARED["data"]`` (which ``decode`` passed): the first checked as the file, the
    others as its entities alone, blank lines standing in for what comes before them so that every
    position is the file's. Any failure is a problem: the store then checks the file whole."""
    start, end, name, keep = job
    try:
        if start == 0:
            return check_part(_Piece(b"", 0, end), name, False, keep, decoded=True)
        line = _SHARED["data"].count(b"\n", 0, start) + 1
        return check_part(_Piece(b"\n" * (line - 2) + b"entities:\n", start, end), name, True, keep, decoded=True)
    except Exception as error:  # noqa: BLE001  # (a syntax error's position is worked out from bytes, not a stream)
        part = Part(name)
        part.problems = [Problem(name, None, None, f"this piece does not check: {error}")]
        return part


def check_in_pieces(data: bytes, name: str, workers: int, keep: Keep) -> list[Part] | None:
    """A large fact file checked in ``workers`` pieces at once (forked processes share its bytes, which
    ``decode`` checks first), or None when it is small, not of the plain layout, not clean UTF-8,
    or the platform cannot fork."""
    import multiprocessing  # noqa: PLC0415 (lazy: only a large cold load)

    pieces = entity_pieces(data, workers) if workers > 1 else None
    if pieces is None or "fork" not in multiprocessing.get_all_start_methods():
        return None
    try:
        text = decode(data, name)
    except FactBaseError:
        return None  # reported as the whole file's check reports it
    if len(text) != len(data):  # a byte-order mark was dropped: cut again
        pieces = entity_pieces(text, workers)
        if pieces is None:
            return None
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415 (lazy: only a large cold load)

    _SHARED["data"] = text
    try:
        with ProcessPoolExecutor(max_workers=len(pieces), mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_check_piece, [(start, end, name, keep) for start, end in pieces]))
    finally:
        _SHARED.clear()


def default_jobs() -> int:
    """``$FACTCLI_JOBS`` when it is a positive number, else the CPUs this process may use."""
    value = os.environ.get("FACTCLI_JOBS", "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


# -- all files ------------------------------------------------------------------------------------
class Combined:
    """The parts of a fact base checked together: its sources, entity ids and records in file order."""

    def __init__(self) -> None:
        self.sources: dict[str, Source] = {}
        self.ids: list[str] = []
        self.records: list[bytes] = []  # only when no id is in two files and every part holds its records
        self.failed: dict[int, list[Problem]] = {}  # part number -> the cross-file problems found in it


def combine(parts: Sequence[Part]) -> Combined:
    """Sources and entities of every part, or ``failed`` saying which parts break a cross-file rule."""
    combined = Combined()
    source_at: dict[str, tuple[int, int, int]] = {}  # id -> (part, line, column) where first given
    for number, part in enumerate(parts):
        for source, (line, column) in zip(part.sources, part.source_pos, strict=True):
            first = source_at.get(source.id)
            if first is None:
                source_at[source.id] = (number, line, column)
                combined.sources[source.id] = source
            else:
                message = f"duplicate source id {source.id!r} (first at {_where(parts, first)})"
                combined.failed.setdefault(number, []).append(Problem(part.name, line, column, message))
    every = set().union(*(part.ids for part in parts))
    if len(every) == sum(len(part.ids) for part in parts):  # no id in two files: the usual case, at C speed
        whole = all(part.records is not None for part in parts)  # (else the store reads them from the caches)
        for part in parts:
            combined.ids += part.ids
            if whole:
                combined.records += part.records  # type: ignore[arg-type]
        _unresolved(parts, combined, every)
        return combined
    entity_at: dict[str, int] = {}  # id -> part number (an id in two files: the base fails, records unneeded)
    for number, part in enumerate(parts):
        for entity_id, packed in zip(part.ids, part.id_pos, strict=True):
            seen = entity_at.get(entity_id)
            if seen is not None:  # (a file's own duplicates are its own problems: only other files' here)
                place = parts[seen].id_pos[parts[seen].ids.index(entity_id)]
                message = (
                    f"duplicate entity id {entity_id!r} (first at {_where(parts, (seen, *unpack_position(place)))})"
                )
                combined.failed.setdefault(number, []).append(Problem(part.name, *unpack_position(packed), message))
                continue
            entity_at[entity_id] = number
            combined.ids.append(entity_id)
    _unresolved(parts, combined, entity_at.keys())
    return combined


def _unresolved(parts: Sequence[Part], combined: Combined, ids: Any) -> None:
    """Mark the parts citing a source or naming an entity that no file holds."""
    for number, part in enumerate(parts):
        if not (part.unresolved_sources <= combined.sources.keys() and part.unresolved_ids <= ids):
            combined.failed.setdefault(number, [])


def _where(parts: Sequence[Part], first: tuple[int, int, int]) -> str:
    number, line, _ = first
    return f"{parts[number].name}:{line}"


def problems_of(
    parts: Sequence[Part],
    combined: Combined,
    *,
    sources_dir: str | os.PathLike[str] | None = None,
    review: list[Review] | None = None,
) -> list[Problem]:
    """Every problem of the fact base: each part's own, and those of the parts that failed the checks
    together, found again by checking each such file whole with what the others hold."""
    problems: list[Problem] = []
    for number, part in enumerate(parts):
        if part.problems:
            problems += part.problems
        elif number in combined.failed:
            found = recheck(parts, number, combined, sources_dir=sources_dir, review=review)
            problems += sorted([*found, *combined.failed[number]], key=lambda p: (p.line or 0, p.column or 0))
    return problems


def recheck(
    parts: Sequence[Part],
    number: int,
    combined: Combined,
    *,
    sources_dir: str | os.PathLike[str] | None = None,
    review: list[Review] | None = None,
    base: str | None = None,
) -> list[Problem]:
    """The second pass over one file: checked whole, its citations and references resolved against
    every file, each problem at its position."""
    from .check import Elsewhere, validate  # noqa: PLC0415 (lazy: a warm start never checks)

    part = parts[number]
    own = set(part.ids)
    others = {source.id: source for other in parts if other is not part for source in other.sources}
    ids = _OtherIds(combined.ids, own)
    elsewhere = Elsewhere(member=len(parts) > 1 or bool(part.include), sources=others, ids=ids, base=base)
    data = read_bytes(part.name)
    tree, problems = parse_tree(decode(data, part.name), part.name)
    _, more = validate(tree, part.name, sources_dir=sources_dir, review=review, elsewhere=elsewhere)
    return problems + more


class _OtherIds:
    """The entity ids of the other files (a set view over the combined ids, without a copy per file)."""

    def __init__(self, ids: list[str], own: set[str]) -> None:
        self._all = set(ids)
        self._own = own

    def __contains__(self, key: object) -> bool:
        return key in self._all and key not in self._own

    def __iter__(self) -> Any:
        return (key for key in self._all if key not in self._own)
