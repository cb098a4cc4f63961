"""The rules behind ``factcli check``: the positioned YAML tree -> the typed model.

``validate`` reports every problem at once, each at the line and column of the node it
is about, and only builds a FactBase when there are none.
"""

from __future__ import annotations

import difflib
import marshal
import os
import re
import zlib
from collections import abc
from collections.abc import Callable, Iterator
from pathlib import Path
from sys import intern
from typing import Any

from .errors import Problem
from .load import Mapping, Node, Sequence
from .model import (
    ENTITY_KINDS,
    QUALIFIERS,
    RELATIONS,
    Citation,
    Claim,
    Entity,
    FactBase,
    Period,
    Source,
    parse_number,
)

MAX_QUOTE_CHARS = 300
MAX_PROBLEMS = 1000  # a file with more is garbage; stop rather than spend minutes listing it
_DIFFLIB_UP_TO = 200  # suggestions among more choices (entity ids) use rapidfuzz: difflib is O(n) Python
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)

# field -> required?
SOURCE_FIELDS = {"id": True, "title": True, "published": True, "file": True,
                 "author": False, "publisher": False, "published_note": False, "url": False}  # fmt: skip
ENTITY_FIELDS = {"id": True, "kind": True, "name": True, "summary": True,
                 "aliases": False, "date": False, "claims": False}  # fmt: skip
CLAIM_FIELDS = {"text": True, "citations": True, "relation": False, "related": False,
                "date": False, "as_of": False, "value": False, "unit": False, "qualifier": False,
                "attributed_to": False, "attribution": False}  # fmt: skip
CITATION_FIELDS = {"source": True, "quote": True}
_QUOTED_KEYS = {"related": "'related'", "attributed_to": "'attributed_to'"}  # f"{key!r}", made once

_TYPOGRAPHY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                             "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
                             "\u2032": "'", "\u2033": '"', "\u2010": "-", "\u2011": "-",
                             "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
                             "\u2212": "-", "\u00a0": " "})  # fmt: skip
_SPACE = re.compile(r"\s+")


def normalize_quote(text: str) -> str:
    """Fold white space and typographic quotes and dashes, as quote verification does."""
    return _SPACE.sub(" ", text.translate(_TYPOGRAPHY)).strip()


def suggest(word: str, choices: Any) -> str:
    """' (did you mean X?)' when a close choice exists, else ''."""
    options = list(choices)
    if len(options) > _DIFFLIB_UP_TO:
        from rapidfuzz import fuzz, process

        best = process.extractOne(word, options, scorer=fuzz.ratio, score_cutoff=60)
        close = [best[0]] if best else []
    else:
        close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _TooMany(Exception):
    """Raised by the checker once MAX_PROBLEMS are reported."""

    def __init__(self, pos: tuple[int, int] | None) -> None:
        super().__init__()
        self.pos = pos


class _Checker:
    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []

    def report(self, pos: tuple[int, int] | None, message: str) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            raise _TooMany(pos)
        line, column = pos if pos else (None, None)
        self.problems.append(Problem(self.name, line, column, message))

    def record(self, node: Node, fields: dict[str, bool], what: str, pos: tuple[int, int]) -> Mapping | None:
        """Check that ``node`` is a mapping with the right fields; report the rest."""
        if not isinstance(node, Mapping):
            self.report(pos, f"{what} must be a mapping of fields, not {_describe(node)}")
            return None
        for key in node:
            if key not in fields:
                self.report(node.key_pos[key], f"unknown field {key!r} in {what}{suggest(key, fields)}")
        for key, required in fields.items():
            if required and key not in node:
                self.report(node.pos, f"{what} is missing the required field {key!r}")
        return node

    def text(self, record: Mapping, key: str, what: str) -> str | None:
        """A non-empty text field, or None (reported) when absent, empty or not text."""
        if key not in record:
            return None
        value = record[key]
        if not isinstance(value, str):
            self.report(record.value_pos[key], f"{what} {key!r} must be text, not {_describe(value)}")
            return None
        if not value.strip():
            self.report(record.value_pos[key], f"{what} {key!r} is empty")
            return None
        return value.strip()

    def parsed(self, record: Mapping, key: str, what: str, parse: Callable[[str], Any]) -> Any:
        value = self.text(record, key, what)
        if value is None:
            return None
        try:
            return parse(value)
        except ValueError as error:
            self.report(record.value_pos[key], f"{what} {key!r}: {error}")
            return None

    def slug(self, record: Mapping, what: str) -> str | None:
        value = self.text(record, "id", what)
        if value is not None and not _SLUG.fullmatch(value):
            self.report(
                record.value_pos["id"],
                f"{what} id {value!r} must be a slug: lowercase letters, digits and single hyphens",
            )
            return None
        return value

    def items(self, record: Mapping, key: str, what: str) -> Sequence:
        """The list under ``key`` (empty when absent or not a list, which is reported)."""
        if key not in record:
            return _NO_ITEMS
        value = record[key]
        if not isinstance(value, Sequence):
            self.report(record.value_pos[key], f"{what} {key!r} must be a list, not {_describe(value)}")
            return _NO_ITEMS
        return value


_NO_ITEMS = Sequence((0, 0))  # what items() gives for a missing or wrong-typed list


def _describe(node: object) -> str:
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    return "nothing" if node is None else f"text {str(node)[:40]!r}"


def _choice(options: tuple[str, ...], label: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in options:
            raise ValueError(
                f"{text[:40]!r} is not a known {label}{suggest(text, options)}; use one of {', '.join(options)}"
            )
        return text

    return parse


def _url(text: str) -> str:
    if not _URL.fullmatch(text):
        raise ValueError(f"{text[:60]!r} is not an http(s) URL")
    return text


def _date(text: str) -> Period:
    """A date or period in ASCII digits (``\\d`` would also take ``٢٠٠٤`` and ``２００４``)."""
    if not text.isascii():
        raise ValueError(f"{text[:40]!r} is not a date (use ASCII digits: YYYY, YYYY-MM, YYYY-MM-DD or 1960s)")
    return Period.parse(text)


def validate(
    tree: Node | None, name: str, *, sources_dir: str | os.PathLike[str] | None = None
) -> tuple[FactBase | None, list[Problem]]:
    """Check a positioned tree against the schema; return the model only when clean.

    Stops after MAX_PROBLEMS problems with a last one saying so.
    """
    checker = _Checker(name)
    try:
        return _validate(checker, tree, sources_dir)
    except _TooMany as stop:
        line, column = stop.pos if stop.pos else (None, None)
        checker.problems.append(Problem(name, line, column, f"too many problems; stopped after {MAX_PROBLEMS:,}"))
        return None, checker.problems


def _validate(
    checker: _Checker, tree: Node | None, sources_dir: str | os.PathLike[str] | None
) -> tuple[FactBase | None, list[Problem]]:
    if tree is None:
        checker.report(None, "the file is empty; a fact file has 'sources' and 'entities'")
        return None, checker.problems
    root = checker.record(tree, {"sources": True, "entities": True}, "the fact file", (1, 1))
    if root is None:
        return None, checker.problems

    sources, source_pos = _sources(checker, root)
    source_texts = _read_sources(checker, sources, source_pos, sources_dir) if sources_dir is not None else None

    entities: dict[str, Entity | bytes] = {}  # bytes: a streamed entity's cache record (see Entities)
    entity_pos: dict[str, tuple[int, int]] = {}
    references: list[tuple[str, tuple[int, int], str]] = []  # (entity id, where, field)
    complete = True
    streamed = False
    for node, pos in checker.items(root, "entities", "the fact file").items_with_pos():
        if node.__class__ is _Streamed:  # checked while parsing (EntityStream): replay what that found
            if source_texts is not None:
                raise ValueError("quotes are checked against the sources only on a tree parsed with stream=False")
            for where, message in node.problems:
                checker.report(where, message)
            references.extend(node.references)
            entity_id, id_pos, entity, whole = node.entity_id, node.id_pos, node.entity, node.whole
            streamed = True
        else:
            record = checker.record(node, ENTITY_FIELDS, "an entity", pos)
            if record is None:
                complete = False
                continue
            entity_id, id_pos, entity, whole = _entity(checker, record, sources, source_texts, references)
        if not whole:
            complete = False
        if entity_id is None:
            complete = False
            continue
        if entity_id in entity_pos:
            checker.report(id_pos, f"duplicate entity id {entity_id!r} (first at line {entity_pos[entity_id][0]})")
            continue
        entity_pos[entity_id] = id_pos
        if entity is None:
            complete = False
            continue
        entities[entity_id] = entity

    for target, where, field_name in references:
        if target not in entity_pos:
            checker.report(where, f"{field_name} refers to unknown entity {target!r}{suggest(target, entity_pos)}")

    if checker.problems or not complete:
        return None, checker.problems
    return FactBase(sources, Entities(entities) if streamed else entities), checker.problems  # type: ignore[arg-type]


def _sources(checker: _Checker, root: Mapping) -> tuple[dict[str, Source], dict[str, tuple[int, int]]]:
    """The file's sources by id (those without problems) and where each id was first given."""
    sources: dict[str, Source] = {}
    source_pos: dict[str, tuple[int, int]] = {}
    for node, pos in checker.items(root, "sources", "the fact file").items_with_pos():
        record = checker.record(node, SOURCE_FIELDS, "a source", pos)
        if record is None:
            continue
        source_id = checker.slug(record, "source")
        published = checker.parsed(record, "published", "source", _date)
        fields = {
            key: checker.text(record, key, "source")
            for key in ("title", "file", "author", "publisher", "published_note")
        }
        url = checker.parsed(record, "url", "source", _url)
        if published is not None and published.approximate and not fields["published_note"]:
            checker.report(
                record.value_pos["published"],
                "an approximate 'published' date needs a 'published_note' saying what it is inferred from",
            )
        if source_id is None:
            continue
        if source_id in sources or source_id in source_pos:
            checker.report(
                record.value_pos["id"], f"duplicate source id {source_id!r} (first at line {source_pos[source_id][0]})"
            )
            continue
        source_pos[source_id] = record.value_pos["id"]
        if published is not None and fields["title"] and fields["file"]:
            sources[source_id] = Source(
                source_id,
                fields["title"],
                published,
                fields["file"],
                fields["author"],
                fields["publisher"],
                fields["published_note"],
                url,
            )
    return sources, source_pos


def _entity(
    checker: _Checker,
    record: Mapping,
    sources: dict[str, Source],
    source_texts: dict[str, str] | None,
    references: list[tuple[str, tuple[int, int], str]],
) -> tuple[str | None, tuple[int, int] | None, Entity | None, bool]:
    """Check one entity: (its id, where the id is, the Entity or None, whether every claim was whole)."""
    entity_id = checker.slug(record, "entity")
    kind = checker.parsed(record, "kind", "entity", _choice(ENTITY_KINDS, "kind"))
    entity_name = checker.text(record, "name", "entity")
    summary = checker.text(record, "summary", "entity")
    date = checker.parsed(record, "date", "entity", _date)
    if date is not None and kind is not None and kind != "event":
        checker.report(
            record.value_pos["date"], f"only events have a 'date'; put the date of a {kind}'s fact on its claim"
        )
    aliases = []
    for alias, alias_pos in checker.items(record, "aliases", "entity").items_with_pos():
        if not isinstance(alias, str) or not alias.strip():
            checker.report(alias_pos, "an alias must be non-empty text")
        else:
            aliases.append(alias.strip())
    claims = []
    whole = True
    claim_items = checker.items(record, "claims", "entity")
    if kind == "figure" and not claim_items:
        checker.report(record.pos, "a figure needs at least one claim carrying its value")
    for claim_node, claim_pos in claim_items.items_with_pos():
        claim = _claim(checker, claim_node, claim_pos, entity_id or "", sources, source_texts, references)
        if claim is None:
            whole = False
        else:
            claims.append(claim)
    if entity_id is None:
        return None, None, None, whole
    entity = None
    if kind is not None and entity_name is not None and summary is not None:
        entity = Entity(entity_id, kind, entity_name, summary, tuple(aliases), date, tuple(claims))
    return entity_id, record.value_pos["id"], entity, whole


class _Streamed:
    """What checking one entity gave while the file was parsed, kept in its tree node's place.

    ``entity`` is the entity's compressed cache record (``_encode``), or None when the entity
    had a problem or is incomplete (the file then yields no model anyway).
    """

    __slots__ = ("problems", "references", "entity_id", "id_pos", "entity", "whole")

    def __init__(
        self,
        problems: Any,
        references: Any,
        entity_id: str | None,
        id_pos: tuple[int, int] | None,
        entity: bytes | None,
        whole: bool,
    ) -> None:
        self.problems = problems  # (position, message) pairs, reported when validate replays them
        self.references = references
        self.entity_id = entity_id
        self.id_pos = id_pos
        self.entity = entity
        self.whole = whole


class EntityStream:
    """Checks each entity as soon as ``parse_tree`` has read it, so the tree never holds them all.

    The positioned tree costs ~8 kB an entity; this turns each entity's mapping into its
    compressed cache record (see ``Entities``) and its problems, kept rather than reported, the
    moment the mapping closes, and ``parse_tree`` puts the result (``_Streamed``) in the node's
    place. ``validate`` replays the
    problems in file order, so what is reported, in which order and where the 1,000-problem cap
    falls are exactly as if the tree had been kept whole; the duplicate-id and unknown-entity
    checks, which need every entity, stay in ``validate``. Entities can only be checked this way
    once the file's sources are known: ``start`` returns None for a file that lists its entities
    before its sources, which is then validated whole. After MAX_PROBLEMS kept problems (the
    replay stops before any later entity) the rest of the tree is left as it is.
    """

    def __init__(self, checker: _Checker, sources: dict[str, Source]) -> None:
        self.checker = checker
        self.sources = sources
        self.stopped = False

    @classmethod
    def start(cls, root: Mapping, name: str) -> EntityStream | None:
        if "sources" not in root:  # entities first: sources unknown yet
            return None
        checker = _Checker(name)
        try:
            sources, _ = _sources(checker, root)
        except _TooMany:
            return None
        checker.problems = []  # validate reports the sources' problems itself
        return cls(checker, sources)

    def entity(self, node: Mapping, pos: tuple[int, int]) -> _Streamed | None:
        """The checked entity, or None (and no more) once the problems kept reach the cap."""
        if self.stopped:
            return None
        checker = self.checker
        before = len(checker.problems)
        references: list[tuple[str, tuple[int, int], str]] = []
        try:
            checker.record(node, ENTITY_FIELDS, "an entity", pos)
            entity_id, id_pos, entity, whole = _entity(checker, node, self.sources, None, references)
            if entity_id is not None:
                entity_id = intern(entity_id)  # the same string as the references to it
        except _TooMany:
            self.stopped = True
            return None
        problems = _NOTHING
        record = None
        if len(checker.problems) > before:
            problems = tuple(
                (None if p.line is None else (p.line, p.column), p.message) for p in checker.problems[before:]
            )
        elif entity is not None and whole:  # else never part of a model: the file has problems
            record = _encode(entity)
        return _Streamed(problems, references or _NOTHING, entity_id, id_pos, record, whole)


_NOTHING: tuple[Any, ...] = ()


def _record(entity: Entity) -> bytes:
    from .cache import entity_record

    return marshal.dumps(entity_record(entity))


def _encode(entity: Entity) -> bytes:
    """The entity's cache record, compressed (~600 B; zlib's fastest level: ~20 us an entity)."""
    return zlib.compress(_record(entity), 1)


def _decode(packed: bytes) -> Entity:
    from .cache import entity_from_record

    return entity_from_record(marshal.loads(zlib.decompress(packed)))


class Entities(abc.Mapping):  # type: ignore[type-arg]
    """A validated fact base's entities by id, in file order, each kept as its cache record.

    The model of a 100,000-entity base is ~390 MB of objects; as the cache's marshal records
    (``cache.entity_record``) it is ~96 MB, and ~59 MB compressed with zlib, which is how they
    are kept. An entity is decoded when it is looked up (and then kept); iterating
    ``values()`` or ``items()`` decodes each in turn without keeping it, so building the name
    index never holds the whole model, and ``records()`` gives the cache writer the records
    without building it at all. Compares equal to a dict of the same entities.
    """

    __slots__ = ("_items",)

    def __init__(self, items: dict[str, Entity | bytes]) -> None:
        self._items = items

    def __getitem__(self, key: str) -> Entity:
        value = self._items[key]
        if value.__class__ is bytes:
            value = self._items[key] = _decode(value)  # type: ignore[arg-type]
        return value  # type: ignore[return-value]

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def values(self) -> _Values:  # type: ignore[override]
        return _Values(self)

    def items(self) -> _Items:  # type: ignore[override]
        return _Items(self)

    def records(self) -> Iterator[bytes]:
        """Each entity's cache record (``marshal.dumps(cache.entity_record(entity))``), in file order."""
        for value in self._items.values():
            yield zlib.decompress(value) if value.__class__ is bytes else _record(value)  # type: ignore[misc, arg-type]

    def _each(self) -> Iterator[Entity]:
        for value in self._items.values():
            yield _decode(value) if value.__class__ is bytes else value  # type: ignore[misc, arg-type]

    def __repr__(self) -> str:
        return repr(dict(self.items()))


class _Values(abc.ValuesView):  # type: ignore[type-arg]
    __slots__ = ()

    def __iter__(self) -> Iterator[Entity]:
        return self._mapping._each()  # type: ignore[attr-defined, no-any-return]


class _Items(abc.ItemsView):  # type: ignore[type-arg]
    __slots__ = ()

    def __iter__(self) -> Iterator[tuple[str, Entity]]:
        return zip(self._mapping, self._mapping._each())  # type: ignore[attr-defined]


def _claim(
    checker: _Checker,
    node: Node,
    pos: tuple[int, int],
    subject: str,
    sources: dict[str, Source],
    source_texts: dict[str, str] | None,
    references: list[tuple[str, tuple[int, int], str]],
) -> Claim | None:
    record = checker.record(node, CLAIM_FIELDS, "a claim", pos)
    if record is None:
        return None
    before = len(checker.problems)
    text = checker.text(record, "text", "claim")
    relation = checker.parsed(record, "relation", "claim", _choice(RELATIONS, "relation"))
    related = checker.text(record, "related", "claim")
    if relation is not None and related is None and "related" not in record:
        checker.report(
            record.value_pos["relation"], "a claim with a 'relation' needs 'related': the entity it relates to"
        )
    for key in ("related", "attributed_to"):
        target = checker.text(record, key, "claim")
        if target is not None:
            references.append((intern(target), record.value_pos[key], _QUOTED_KEYS[key]))  # one string per id
    date = checker.parsed(record, "date", "claim", _date)
    as_of = checker.parsed(record, "as_of", "claim", _date)
    value = checker.parsed(record, "value", "claim", parse_number)
    unit = checker.text(record, "unit", "claim")
    qualifier = checker.parsed(record, "qualifier", "claim", _choice(QUALIFIERS, "qualifier"))
    attributed_to = checker.text(record, "attributed_to", "claim")
    attribution = checker.text(record, "attribution", "claim")

    citations = []
    items = checker.items(record, "citations", "claim")
    if "citations" in record and not items and isinstance(record["citations"], Sequence):
        checker.report(record.value_pos["citations"], "a claim needs at least one citation")
    for cite_node, cite_pos in items.items_with_pos():
        cite = checker.record(cite_node, CITATION_FIELDS, "a citation", cite_pos)
        if cite is None:
            continue
        source = checker.text(cite, "source", "citation")
        quote = cite.get("quote")
        if isinstance(quote, str) and not quote.strip():
            checker.report(cite.value_pos["quote"], "the quote is empty")
            quote = None
        else:
            quote = checker.text(cite, "quote", "citation")
        if quote is not None and len(quote) > MAX_QUOTE_CHARS:
            checker.report(
                cite.value_pos["quote"], f"the quote is {len(quote)} characters; keep quotes under {MAX_QUOTE_CHARS}"
            )
        if source is not None and source not in sources:
            checker.report(
                cite.value_pos["source"], f"citation refers to unknown source {source!r}{suggest(source, sources)}"
            )
        elif source is not None and quote is not None:
            if (
                source_texts is not None
                and source in source_texts
                and normalize_quote(quote) not in source_texts[source]
            ):
                checker.report(
                    cite.value_pos["quote"], f"the quote does not appear in {sources[source].file}: {quote[:60]!r}"
                )
            citations.append(Citation(source, quote))
    if len(checker.problems) > before or text is None or not citations:
        return None
    return Claim(
        text,
        tuple(citations),
        relation,
        related,
        date,
        as_of,
        value,
        unit,
        qualifier,
        attributed_to,
        attribution,
        subject,
    )


def _read_sources(
    checker: _Checker,
    sources: dict[str, Source],
    source_pos: dict[str, tuple[int, int]],
    sources_dir: str | os.PathLike[str],
) -> dict[str, str]:
    directory = Path(sources_dir)
    if not directory.is_dir():
        checker.report(None, f"--sources {os.fspath(sources_dir)!r} is not a directory")
        return {}
    texts = {}
    for source_id, source in sources.items():
        path = directory / source.file
        try:
            texts[source_id] = normalize_quote(path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            checker.report(source_pos[source_id], f"source {source_id!r}: cannot read {os.fspath(path)}")
    return texts
