"""Growing a fact base: ``factcli sources add`` registers a source text.

The text is copied (never moved) into the fact base's sources directory (``sources/`` beside
the fact file unless told otherwise) and its entry is inserted as text at the end of the
``sources:`` list, so the rest of the file (comments, order, quoting) stays byte for byte what
it was. The entry records where the copy is (``file: sources/ID.txt``, a path relative to the
fact file: see ``files.source_path``) and its ``sha256``, which ``check --sources`` holds the
text to.

Nothing is written until every refusal has had its say, and the new fact file is checked by
the project's own loader before it replaces the old one; both files are written to a temporary
file and renamed, and the copy is removed again when the fact file cannot be written.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .check import validate
from .errors import FactBaseError, UsageError
from .files import read_text_file, source_path, umask, write_atomically
from .load import Mapping, Sequence, decode, default_facts_path, max_bytes, parse_tree
from .model import FactBase, PartialDate, Period, Source
from .store import load

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # what check holds a source id to
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/(),~'-]*(?<! )")  # written as it is; anything else quoted


class Added:
    """What ``add_source`` did: the source as the fact file now gives it, and where its text went."""

    __slots__ = ("copy", "facts", "source")

    def __init__(self, source: Source, copy: Path, facts: Path) -> None:
        self.source = source
        self.copy = copy
        self.facts = facts


def add_source(
    text_file: str | os.PathLike[str],
    *,
    source_id: str,
    title: str,
    published: str,
    facts: str | os.PathLike[str] | None = None,
    author: str | None = None,
    publisher: str | None = None,
    published_note: str | None = None,
    url: str | None = None,
    sources_dir: str | os.PathLike[str] | None = None,
    write: Callable[[Path, bytes, int], None] | None = None,
) -> Added:
    """Copy ``text_file`` into the sources directory and register it in the fact file.

    Raises UsageError (nothing written) on a bad argument or text, a duplicate id or text, or a
    fact file that does not check. ``write`` (tests) stands in for the atomic writer.
    """
    write = write or write_atomically
    fields = _fields(source_id, title, published, author, publisher, published_note, url)
    facts_path = Path(facts) if facts is not None else default_facts_path()
    if facts_path.is_dir():
        raise UsageError(
            f"{facts_path} is a folder of fact files: sources add writes to one fact file; add the entry "
            "to the file that declares the sources by hand, then run factcli check"
        )
    data = _text_bytes(Path(text_file))
    base = _checked_base(facts_path)
    if source_id in base.sources:
        raise UsageError(f"source id {source_id!r} is already registered in {facts_path}")
    import hashlib  # noqa: PLC0415 (lazy: only sources add hashes a new text)

    digest = hashlib.sha256(data).hexdigest()
    directory = Path(sources_dir) if sources_dir is not None else facts_path.parent / "sources"
    _refuse_known_text(base.sources, digest, directory, facts_path, hashlib.sha256)
    copy = directory / f"{source_id}.txt"
    if copy.exists() or copy.is_symlink():
        raise UsageError(f"{copy} already exists; remove it or choose another --id")
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"--sources-dir {directory} is not a directory")
    recorded = _recorded_path(copy, facts_path)
    fields.update(file=recorded, sha256=digest)
    original = facts_path.read_bytes()
    updated = _inserted(original, fields, os.fspath(facts_path))
    expected = Source(
        source_id,
        fields["title"],
        Period(_period(published)),
        recorded,
        fields.get("author"),
        fields.get("publisher"),
        fields.get("published_note"),
        fields.get("url"),
        digest,
    )
    _round_trip(updated, os.fspath(facts_path), base.sources, expected)

    created = _make_directory(directory)
    target = Path(os.path.realpath(facts_path))  # a symlinked fact file: write the file it points to
    try:
        _write(write, copy, data, 0o666 & ~umask())
        try:
            if target.read_bytes() != original:
                raise UsageError(f"{facts_path} changed while the source was being added; run the command again")
            _write(write, target, updated, os.stat(target).st_mode & 0o7777)
        except BaseException:
            copy.unlink(missing_ok=True)
            raise
    except BaseException:
        for made in reversed(created):
            try:
                made.rmdir()
            except OSError:
                break
        raise
    return Added(expected, copy, facts_path)


def _fields(
    source_id: str,
    title: str,
    published: str,
    author: str | None,
    publisher: str | None,
    published_note: str | None,
    url: str | None,
) -> dict[str, str]:
    """The entry's fields in the order they are written, each checked (UsageError)."""
    if not _SLUG.fullmatch(source_id):
        raise UsageError(f"--id {source_id[:60]!r} is not a slug: lowercase letters, digits and single hyphens")
    date = _period(published)
    if date.approximate and not (published_note or "").strip():
        raise UsageError(
            f"--published {published!r} is approximate (~): say what it is inferred from with --published-note"
        )
    given = {
        "id": source_id,
        "title": title,
        "author": author,
        "publisher": publisher,
        "published": published,
        "published_note": published_note,
        "url": url,
    }
    fields: dict[str, str] = {}
    for key, value in given.items():
        if value is None:
            continue
        option = "--" + key.replace("_", "-")
        if not value.strip():
            raise UsageError(f"{option} is empty")
        if not value.isprintable():
            raise UsageError(f"{option} holds a control or invisible character (a line break, a tab, ...)")
        fields[key] = value.strip()
    return fields


def _period(published: str) -> PartialDate:
    try:
        if not published.isascii():
            raise ValueError(f"{published[:40]!r} is not a date (use ASCII digits)")
        return PartialDate.parse(published)
    except ValueError as error:
        raise UsageError(f"--published: {error}") from None


def _text_bytes(path: Path) -> bytes:
    """The new source's bytes: an existing, non-empty, UTF-8 text file."""
    data = read_text_file(path, max_bytes())
    if not data.strip():
        raise UsageError(f"{path} is empty; a source is a text")
    return data


def _checked_base(facts_path: Path) -> FactBase:
    try:
        return load(facts_path)
    except FactBaseError as error:
        first = str(error.problems[0]) if error.problems else "invalid fact base"
        raise UsageError(
            f"{facts_path} does not check ({first}); fix it ('factcli check') before adding a source"
        ) from None


def _refuse_known_text(
    sources: Any, digest: str, directory: Path, facts_path: Path, sha256: Callable[[bytes], object]
) -> None:
    """Refuse a text already registered: by its recorded hash, or by the text found for it."""
    for source in sources.values():
        known = source.sha256
        if known is None:
            found = source_path(source.file, directory, os.fspath(facts_path))
            try:
                known = sha256(found.read_bytes()).hexdigest()  # type: ignore[attr-defined]
            except OSError:
                continue
        if known == digest:
            raise UsageError(f"this text is already registered as source {source.id!r} ({source.file})")


def _recorded_path(copy: Path, facts_path: Path) -> str:
    """``file:`` for the copy: its path from the fact file's directory, always with a ``/``."""
    relative = os.path.relpath(os.path.abspath(copy), os.path.abspath(facts_path.parent))
    relative = relative.replace(os.sep, "/")
    return relative if "/" in relative else f"./{relative}"


def _scalar(value: str) -> str:
    """A YAML scalar for ``value``: plain when nothing in it means anything to YAML, else quoted
    (JSON's double-quoted strings are YAML's; control characters were refused before)."""
    return value if _PLAIN.fullmatch(value) else json.dumps(value, ensure_ascii=False)


def _inserted(data: bytes, fields: dict[str, str], name: str) -> bytes:
    """``data`` with the entry inserted as text after the last item of the ``sources:`` list."""
    text = data.decode("utf-8")
    tree, _ = parse_tree(decode(data, name), name)
    if not isinstance(tree, Mapping) or not isinstance(tree.get("sources"), Sequence) or not tree["sources"]:
        raise UsageError(f"{name}: no 'sources:' list to add to")
    items = tree["sources"].item_pos
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    first_line, first_column = items[0]
    lead = lines[first_line - 1][: first_column - 1]
    if not re.fullmatch(r" *- +", lead):
        raise UsageError(f"{name}: 'sources:' is not a block list ('  - id: ...'); add the entry by hand")
    dash = lead.index("-")
    indent = " " * (first_column - 1)
    # the list ends where the next top-level key begins (comments and blank lines before it are that key's)
    sources_line = tree.key_pos["sources"][0]
    following = [line for line, _ in (tree.key_pos[key] for key in tree) if line > sources_line]
    end = min(following) - 1 if following else len(lines)
    last = end - 1
    while last >= first_line and _outside_item(lines[last], dash):
        last -= 1
    # items set apart by blank lines get one too
    spaced = len(items) > 1 and any(not line.strip() for line in lines[items[0][0] : items[1][0] - 1])
    body = [f"{lead if key == 'id' else indent}{key}: {_scalar(value)}{newline}" for key, value in fields.items()]
    before = "".join(lines[: last + 1])
    if not before.endswith(("\n", "\r")):
        before += newline
    return (before + (newline if spaced else "") + "".join(body) + "".join(lines[last + 1 :])).encode("utf-8")


def _outside_item(line: str, dash: int) -> bool:
    """A blank line, or a comment no deeper than the items' dashes: not part of the last item."""
    stripped = line.strip()
    return not stripped or (stripped.startswith("#") and len(line) - len(line.lstrip(" ")) <= dash)


def _round_trip(updated: bytes, name: str, before: Any, expected: Source) -> None:
    """The new file checks, gives the new source as meant, and every other one as it was."""
    try:
        tree, problems = parse_tree(decode(updated, name), name)
        if isinstance(tree, Mapping) and "include" in tree:
            raise UsageError(
                f"{name} includes other fact files: add the entry to its sources by hand, then run factcli check"
            )
        checked, more = validate(tree, name)
    except FactBaseError as error:
        problems, checked, more = error.problems, None, []
    problems = problems + more
    if problems or checked is None:
        first = problems[0].message if problems else "it does not check"
        raise UsageError(f"the new entry would not check: {first}")
    after = dict(checked.sources)
    if after.pop(expected.id, None) != expected or after != dict(before):
        raise UsageError("the new entry does not read back as written; add it by hand")


def _make_directory(directory: Path) -> list[Path]:
    """Create ``directory`` and any missing parents; the ones made, outermost first."""
    missing = []
    for path in (directory, *directory.parents):
        if path.exists():
            break
        missing.append(path)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"cannot create {directory}: {error.strerror or error}") from None
    return list(reversed(missing))


def _write(write: Callable[[Path, bytes, int], None], path: Path, data: bytes, mode: int) -> None:
    try:
        write(path, data, mode)
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}; nothing was added") from None
