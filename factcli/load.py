"""Read a fact file: bytes -> checked text -> YAML events -> a positioned tree (``check`` makes the model).

Every step refuses what it cannot vouch for, with a FILE:LINE:COL problem, rather than
letting the YAML library decide: PyYAML's own loaders follow aliases (billion laughs),
resolve tags, turn ``NO`` into False and ``0777`` into 511, keep the last of duplicate
keys silently, and raise exceptions other than YAMLError on crafted input. Here the
event stream is walked once, every scalar stays a string, and ``check`` does the typing.
"""

from __future__ import annotations

import os
import re
import stat
from array import array
from collections.abc import Callable, Iterator
from pathlib import Path
from sys import intern
from typing import Any

from .errors import FactBaseError, Problem

MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_DEPTH = 10  # the schema needs 7 levels of collections
MAX_SCALAR_CHARS = 100_000
# Each list or mapping costs ~200 bytes in memory; real fact files spend 60-100 characters on
# one (facts.yaml: 104), a crafted "[{},{},...]" 3. One per 8 characters bounds the tree at
# ~25x the file's size instead of ~100x; checked as the file is read, so a crafted file fails
# after its first thousand or so.
BYTES_PER_COLLECTION = 8
_MIN_COLLECTIONS = 1000
MAX_PROBLEMS = 1000  # past this many, a file is garbage: stop collecting (bounds time and memory)
_READ_CHUNK = 1 << 20
_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")

# C0/C1 controls other than tab/LF/CR, zero-width and bidirectional formatting characters,
# line/paragraph separators, BOMs past the start, interlinear annotation marks, Unicode tag
# characters, and the noncharacters U+FFFE/U+FFFF (which libyaml refuses without a position).
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u206f\ufeff\ufff9-\ufffb\ufffe\uffff\U000e0000-\U000e007f]"
)
_DUPLICATE = object()  # a pending key whose value is skipped (never a string a file could contain)
_new_dict = dict.__new__  # a Mapping or Sequence without its __init__: the walker sets its positions itself
_new_list = list.__new__


def pack_position(pos: tuple[int, int]) -> int:
    """A (line, column) as one integer, ``line << 32 | column`` (how positions are kept in arrays)."""
    return pos[0] << 32 | pos[1]


def unpack_position(packed: int) -> tuple[int, int]:
    return (packed >> 32, packed & 0xFFFFFFFF)


class _Positions:
    """``key_pos`` / ``value_pos`` of a Mapping: (line, column) by key, read from its packed array."""

    __slots__ = ("_mapping", "_slot")

    def __init__(self, mapping: Mapping, slot: int) -> None:
        self._mapping = mapping
        self._slot = slot

    def __getitem__(self, key: str) -> tuple[int, int]:
        mapping = self._mapping
        if key not in mapping:
            raise KeyError(key)
        packed = mapping._at[1 + 2 * list(mapping).index(key) + self._slot]  # the key's place among the keys
        return (packed >> 32, packed & 0xFFFFFFFF)

    def __setitem__(self, key: str, pos: tuple[int, int]) -> None:  # in arrival order: key, then value
        self._mapping._at.append(pack_position(pos))

    def __contains__(self, key: object) -> bool:
        return key in self._mapping

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self._mapping else default

    def __iter__(self) -> Iterator[str]:
        return iter(self._mapping)

    def __len__(self) -> int:
        return len(self._mapping)

    def items(self) -> list[tuple[str, tuple[int, int]]]:
        return [(key, self[key]) for key in self._mapping]


class Mapping(dict):
    """A YAML mapping with the position of itself, each key and each value.

    The positions are packed into one array per mapping (``line << 32 | column``: itself,
    then key, value, key, value, ... in the order the keys came), read back as (line, column)
    tuples by ``pos``, ``key_pos[key]`` and ``value_pos[key]``. Two dicts of tuples per mapping
    took ~15 kB per entity: a million-entity fact file would not fit in memory.
    """

    __slots__ = ("_at",)

    def __init__(self, pos: tuple[int, int]) -> None:
        super().__init__()
        self._at = array("Q", (pack_position(pos),))

    @property
    def pos(self) -> tuple[int, int]:
        return unpack_position(self._at[0])

    @property
    def key_pos(self) -> _Positions:
        return _Positions(self, 0)

    @property
    def value_pos(self) -> _Positions:
        return _Positions(self, 1)


class Sequence(list):
    """A YAML sequence with the position of itself and of each item (packed, as in Mapping)."""

    __slots__ = ("_at",)

    def __init__(self, pos: tuple[int, int]) -> None:
        super().__init__()
        self._at = array("Q", (pack_position(pos),))

    @property
    def pos(self) -> tuple[int, int]:
        return unpack_position(self._at[0])

    @property
    def item_pos(self) -> list[tuple[int, int]]:
        return [unpack_position(packed) for packed in self._at[1:]]

    def items_with_pos(self) -> Iterator[tuple[Node, tuple[int, int]]]:
        """Each item with its position, one at a time (a list of millions would cost ~100 B an item)."""
        at = self._at
        for index, item in enumerate(self, 1):
            packed = at[index]
            yield item, (packed >> 32, packed & 0xFFFFFFFF)


Node = Mapping | Sequence | str


def default_facts_path() -> Path:
    """The fact base shipped with factcli (inside the wheel, or at the top of a checkout)."""
    packaged = Path(__file__).with_name("facts.yaml")
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / "facts.yaml"


def read_bytes(path: str | os.PathLike[str], limit: int | None = None) -> bytes:
    """Read a fact file, refusing directories, devices that never end, and files over the cap."""
    name = os.fspath(path)
    limit = limit if limit is not None else max_bytes()
    try:
        with open(name, "rb") as handle:
            expected = _regular_size(handle)
            if expected is not None and expected <= limit:
                # one read into one buffer: joining 1 MiB chunks held the file twice (300 MB at 100k)
                data = handle.read(expected + 1)
                if len(data) <= expected:  # else the file grew while being read: read it again below
                    if data.startswith(_UTF16_32_BOMS):
                        raise FactBaseError([Problem(name, 1, 1, "file is UTF-16 or UTF-32; save it as UTF-8")])
                    if b"\x00" in data:
                        raise FactBaseError([_nul_problem(name, data)])
                    return data
                del data
                handle.seek(0)
            chunks: list[bytes] = []
            size = 0
            while chunk := handle.read(_READ_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise FactBaseError([Problem(name, None, None, f"file is larger than the {limit:,}-byte limit")])
                if not chunks and chunk.startswith(_UTF16_32_BOMS):
                    raise FactBaseError([Problem(name, 1, 1, "file is UTF-16 or UTF-32; save it as UTF-8")])
                if b"\x00" in chunk:
                    raise FactBaseError([_nul_problem(name, b"".join(chunks) + chunk)])
                chunks.append(chunk)
    except IsADirectoryError:
        raise FactBaseError([Problem(name, None, None, "is a directory, not a fact file")]) from None
    except FileNotFoundError:
        raise FactBaseError([Problem(name, None, None, "no such file")]) from None
    except PermissionError:
        raise FactBaseError([Problem(name, None, None, "permission denied")]) from None
    except OSError as error:
        raise FactBaseError([Problem(name, None, None, f"cannot read: {error.strerror or error}")]) from None
    return b"".join(chunks)


def _regular_size(handle: Any) -> int | None:
    """The size of a regular file (None for a FIFO, device or anything stat cannot size)."""
    try:
        status = os.fstat(handle.fileno())
    except OSError:
        return None
    return status.st_size if stat.S_ISREG(status.st_mode) else None


def max_bytes() -> int:
    value = os.environ.get("FACTCLI_MAX_BYTES", "")
    return int(value) if value.isdigit() else MAX_FILE_BYTES


def _nul_problem(name: str, data: bytes) -> Problem:
    offset = data.index(b"\x00")
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return Problem(name, line, column, "NUL byte: a fact file is UTF-8 text")


def decode(data: bytes, name: str) -> bytes:
    """Strict UTF-8 (a leading BOM allowed) with no control or invisible characters.

    Returns the text still as UTF-8 bytes (without the BOM), which is what ``parse_tree``
    hands libyaml: a whole ``str`` of a 150 MB file with one accented name in it is 300 MB
    (two bytes a character), and PyYAML encodes a ``str`` back to UTF-8 before parsing it.
    The checks run on 1 MiB pieces decoded one at a time; a piece that fails sends the whole
    file through ``_decode_text``, which finds and reports the first problem as before.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith(_UTF16_32_BOMS):
        raise FactBaseError([Problem(name, 1, 1, "file is UTF-16 or UTF-32; save it as UTF-8")])
    if not _clean_utf8(data):
        _decode_text(data, name)  # raises: a piece is not UTF-8 or holds a forbidden character
    return data


def _clean_utf8(data: bytes) -> bool:
    """Whether ``data`` is UTF-8 without a forbidden character, checked a piece at a time.

    Pieces end before a byte that starts a character, so valid UTF-8 splits into valid
    pieces and the whole is valid exactly when every piece is.
    """
    size = len(data)
    start = 0
    with memoryview(data) as view:
        while start < size:
            end = min(start + _READ_CHUNK, size)
            for _ in range(3):  # a character is at most 4 bytes: back up over its continuation bytes
                if end < size and data[end] & 0xC0 == 0x80:
                    end -= 1
            try:
                piece = str(view[start:end], "utf-8")
            except UnicodeDecodeError:
                return False
            if _FORBIDDEN.search(piece):
                return False
            start = end
    return True


def _decode_text(data: bytes, name: str) -> str:
    """The whole file as text, or FactBaseError at its first undecodable or forbidden character."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise FactBaseError(
            [
                Problem(
                    name,
                    line,
                    column,
                    f"not UTF-8: byte 0x{data[error.start]:02x} cannot start or continue a character",
                )
            ]
        ) from None
    bad = _FORBIDDEN.search(text)
    if bad:
        offset = bad.start()
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        raise FactBaseError(
            [Problem(name, line, column, f"forbidden character U+{ord(bad.group()):04X} (control or invisible)")]
        )
    return text


OnEntity = Callable[[Mapping, Mapping, tuple[int, int]], Any]


def parse_tree(text: str | bytes, name: str, *, on_entity: OnEntity | None = None) -> tuple[Node | None, list[Problem]]:
    """Walk the YAML event stream into a positioned tree of Mapping, Sequence and str.

    ``text`` is a ``str`` or, as ``decode`` gives it, checked UTF-8 bytes (libyaml reads those
    as they are; the positions are the same either way).

    Fatal problems (syntax, aliases, tags, depth, size) raise FactBaseError; duplicate keys
    are returned as problems (the first value is kept) so ``check`` can report them all.

    ``on_entity(root, entity, position)`` is called as each mapping of the top-level
    ``entities`` list closes; what it returns, unless None, replaces the entity's node, so a
    caller that checks entities as they come (``check.EntityStream``) keeps the tree from
    holding ~8 kB of nodes an entity. Without it the whole tree is built.
    """
    import yaml  # noqa: PLC0415 (lazy: a warm start never parses)

    walker = _Walker(name, on_entity)
    try:
        # the parser's own get_event until it has no more (what yaml.parse does, without its generator)
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
        try:
            walker.walk(iter(loader.get_event, None), yaml)
        finally:
            loader.dispose()
    except FactBaseError:
        raise
    except (yaml.YAMLError, ValueError, UnicodeError) as error:
        raise _syntax_error(error, text, name, yaml) from None
    return walker.root, walker.problems


_ITEM = object()  # the pending "key" of an open sequence: the next node is appended
_TOP = object()  # ... of no open collection: the next node is the root
_ONE_ONE = (1 << 32) + 1  # a libyaml mark (0-based) packed, plus this: (line, column) 1-based, packed


class _Walker:
    """The state of one walk over a YAML event stream (see ``parse_tree``)."""

    def __init__(self, name: str, on_entity: OnEntity | None) -> None:
        self.name = name
        self.on_entity = on_entity
        self.problems: list[Problem] = []
        self.stack: list[Any] = []  # open collections
        self.frames: list[tuple[Any, Any, Any]] = []  # per open collection: its parent's (parent, at_append, key)
        self.root: Node | None = None
        self.documents = 0
        self.collections = 0  # lists and mappings so far: at most one per BYTES_PER_COLLECTION characters read

    def fail(self, mark: Any, message: str) -> FactBaseError:
        return FactBaseError([Problem(self.name, mark.line + 1, mark.column + 1, message)])

    def walk(self, events: Iterator[Any], yaml: Any) -> None:
        # dispatch on the event's class, scalars first (most events): this loop is the Python
        # part of a cold load. The innermost open collection is kept in locals: ``parent``, the
        # append of its packed positions, and ``key``: what the next node is to it (None: a
        # mapping's key; a string: the value of that key; _DUPLICATE: a value to skip; _ITEM:
        # a sequence's item; _TOP: the root).
        scalar_event, mapping_end, sequence_end = yaml.ScalarEvent, yaml.MappingEndEvent, yaml.SequenceEndEvent
        mapping_start, sequence_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
        longest, one_one, item, duplicate, intern_ = MAX_SCALAR_CHARS, _ONE_ONE, _ITEM, _DUPLICATE, intern  # locals
        parent: Any = None
        at_append: Any = None
        key: Any = _TOP
        stack, frames = self.stack, self.frames
        for event in events:
            kind = event.__class__
            if kind is scalar_event:
                if event.anchor is not None or event.tag is not None:
                    _refuse_anchor_or_tag(event, self.fail)
                value = event.value
                mark = event.start_mark
                if len(value) > longest:
                    raise self.fail(mark, f"text longer than {MAX_SCALAR_CHARS:,} characters")
                packed = (mark.line << 32 | mark.column) + one_one
                if key is None:  # a mapping's key
                    if value in parent or value == "<<":
                        key = self.odd_key(parent, value, packed, mark)
                    else:
                        at_append(packed)
                        key = intern_(value)  # "text", "quote": one string, not one per claim
                elif key.__class__ is str:
                    parent[key] = value
                    at_append(packed)
                    key = None
                elif key is item:
                    parent.append(value)
                    at_append(packed)
                elif key is duplicate:
                    key = None
                else:
                    self.root = value
            elif kind is mapping_end or kind is sequence_end:
                if len(stack) == 3:
                    self.entity_end(kind is mapping_end)
                stack.pop()
                parent, at_append, key = frames.pop()  # the enclosing collection's, as open() left them
            elif kind is mapping_start or kind is sequence_start:
                parent, at_append, key = self.open(event, kind is mapping_start, parent, at_append, key)
            else:
                self.other(event, yaml)

    def odd_key(self, parent: Mapping, node: str, packed: int, mark: Any) -> Any:
        """A key already in its mapping, or a merge key: _DUPLICATE (a problem kept), or FactBaseError."""
        if node == "<<":
            raise self.fail(mark, "merge keys (<<) are not allowed")
        first = parent.key_pos[node]
        pos = unpack_position(packed)
        problems = self.problems
        problems.append(Problem(self.name, pos[0], pos[1], f"duplicate key {node[:60]!r} (first at line {first[0]})"))
        if len(problems) >= MAX_PROBLEMS:
            problems.append(Problem(self.name, pos[0], pos[1], f"too many problems; stopped after {MAX_PROBLEMS:,}"))
            raise FactBaseError(problems)
        return _DUPLICATE

    def open(self, event: Any, mapping: bool, parent: Any, at_append: Any, key: Any) -> tuple[Any, Any, Any]:
        """A list or mapping starts: attached to ``parent`` as ``key`` says; it is the innermost one now."""
        mark = event.start_mark
        if event.anchor is not None or event.tag is not None:
            _refuse_anchor_or_tag(event, self.fail)
        stack = self.stack
        if len(stack) >= MAX_DEPTH:
            raise self.fail(mark, f"nested deeper than {MAX_DEPTH} levels")
        self.collections += 1
        if self.collections > _MIN_COLLECTIONS + mark.index // BYTES_PER_COLLECTION:
            raise self.fail(
                mark,
                f"more lists and mappings than a fact file this size holds "
                f"(at most one per {BYTES_PER_COLLECTION} characters)",
            )
        packed = (mark.line << 32 | mark.column) + _ONE_ONE
        node = _new_dict(Mapping) if mapping else _new_list(Sequence)
        node._at = at = array("Q", (packed,))
        if key is None:
            raise self.fail(mark, "a mapping key must be plain text")
        if key.__class__ is str:
            parent[key] = node
            at_append(packed)
            key = None  # the parent's value is taken: a key comes next
        elif key is _ITEM:
            parent.append(node)
            at_append(packed)
        elif key is _TOP:
            self.root = node
        else:  # a duplicate key's value: dropped
            key = None
        stack.append(node)
        self.frames.append((parent, at_append, key))  # the parent's state for when this one ends
        return node, at.append, None if mapping else _ITEM

    def entity_end(self, mapping: bool) -> None:
        """A list or mapping three levels down ends (before it leaves the stack)."""
        stack = self.stack
        if mapping and self.on_entity is not None:
            # an item of a list three levels down closed: an entity, if the list is the root's "entities"
            top, items = stack[0], stack[1]
            if isinstance(top, Mapping) and top.get("entities") is items and isinstance(items, Sequence):
                checked = self.on_entity(top, stack[2], unpack_position(items._at[-1]))
                if checked is not None:
                    items[-1] = checked  # the entity's nodes are freed as it leaves the stack

    def other(self, event: Any, yaml: Any) -> None:
        if event.__class__ is yaml.AliasEvent:
            raise self.fail(event.start_mark, "aliases (*name) are not allowed")
        if event.__class__ is yaml.DocumentStartEvent:
            self.documents += 1
            if self.documents > 1:
                raise self.fail(event.start_mark, "more than one YAML document; a fact file holds one")


def _syntax_error(error: Exception, text: str | bytes, name: str, yaml: Any) -> FactBaseError:
    """What libyaml or PyYAML refused, as one problem at its position."""
    if isinstance(error, yaml.reader.ReaderError):  # libyaml's reader: a byte offset, no mark
        text = _as_text(text)
        offset = len(text.encode("utf-8")[: error.position].decode("utf-8", "ignore"))
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        code = error.character if isinstance(error.character, int) else ord(str(error.character)[:1] or "?")
        return FactBaseError([Problem(name, line, column, f"YAML syntax: character U+{code:04X} is not allowed")])
    if not isinstance(error, yaml.MarkedYAMLError):
        return FactBaseError([Problem(name, None, None, f"YAML syntax: {error}")])
    where = error.problem_mark or error.context_mark
    message = f"YAML syntax: {error.problem or error.context or 'invalid'}"
    text = _as_text(text)
    if "maximum nesting depth" in message and where is not None and 0 < where.index < len(text):
        # PyYAML >= 6.0.4's scanner stops at its own depth limit before the walker
        # sees level 11; walking the text up to that point finds where level 11 opens.
        try:
            parse_tree(text[: where.index], name)
        except FactBaseError as inner:
            if "nested deeper" in inner.problems[0].message:
                return inner
        message = f"nested deeper than {MAX_DEPTH} levels"
    if where is None:
        return FactBaseError([Problem(name, None, None, message)])
    return FactBaseError([Problem(name, where.line + 1, where.column + 1, message)])


def _as_text(text: str | bytes) -> str:
    return text if isinstance(text, str) else text.decode("utf-8")


def _refuse_anchor_or_tag(event: Any, fail: Any) -> None:
    if event.anchor is not None:
        raise fail(event.start_mark, f"anchors (&{event.anchor}) are not allowed")
    if event.tag is not None:
        raise fail(event.start_mark, f"tags ({event.tag}) are not allowed")
