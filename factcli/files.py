"""Files a command reads or writes whole: a text file checked before use, any output atomically.

``sources add``, ``quote`` and ``draft`` read an article with ``read_text_file``; ``sources
add``, ``--svg``/``--html`` and ``graph -o`` write with ``write_atomically``. (The cache and the
exports keep their own writers: the cache remembers digests beside its file, an export is
written by SQLite into its temporary file.)
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import UsageError


def read_text_file(path: str | os.PathLike[str], limit: int) -> bytes:
    """A text file's bytes: a file that exists, at most ``limit`` bytes, without NUL bytes, UTF-8
    (a BOM allowed); else a ``UsageError`` that says which."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise UsageError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{name} is a directory, not a source text") from None
    except OSError as error:
        raise UsageError(f"{name}: cannot read: {error.strerror or error}") from None
    if len(data) > limit:
        raise UsageError(f"{name} is larger than the {limit:,}-byte limit")
    if b"\x00" in data:
        raise UsageError(f"{name} holds NUL bytes: a binary file, not a source text")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UsageError(f"{name} is not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})") from None
    return data


def source_path(file: str, sources_dir: str | os.PathLike[str], facts_path: str | os.PathLike[str]) -> Path:
    """Where a source's text is: a bare name in ``sources_dir`` (``check --sources DIR``); a path
    with a ``/`` (``sources/x.txt``, as ``sources add`` records it) beside the fact file, or in the
    folder when the fact base is a folder of files."""
    if "/" in file:
        return (Path(facts_path) if os.path.isdir(facts_path) else Path(facts_path).parent) / file
    return Path(sources_dir) / file


def umask() -> int:
    """The process's umask (read by setting it and setting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomically(path: Path, data: bytes | str, mode: int | None = None, *, sync: bool = True) -> None:
    """``data`` at ``path`` whole or not at all: a temporary file beside it, synced, then renamed
    over it. ``mode`` defaults to what a new file gets (0o666 less the umask). OSError on failure,
    with the temporary file removed. ``sync=False`` skips the fsync, for what can be rebuilt (a
    cache: readers still see a whole file or none)."""
    import tempfile  # noqa: PLC0415 (lazy: tempfile costs start-up; only a write needs it)

    if isinstance(data, str):
        data = data.encode("utf-8")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            if sync:
                out.flush()
                os.fsync(out.fileno())
        os.chmod(temporary, 0o666 & ~umask() if mode is None else mode)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
