"""The rules behind ``factcli check``: the positioned YAML tree -> the typed model.

``validate`` reports every problem at once, each at the line and column of the node it
is about, and only gives the sources and entities when there are none. What a fact file may
say is the model's ``SCHEMA`` of each class; the rules here are the ones between fields.

A large file is checked one entity at a time as it is parsed (``EntityStream``, which
``load.parse_tree`` calls back); what is kept of each checked entity is the caller's choice
(``keep``): the store keeps a compressed record.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from sys import intern
from typing import Any, NamedTuple

from .errors import Problem
from .files import source_path
from .load import Mapping, Node, Sequence
from .model import (
    ENTITY_KINDS,
    QUALIFIERS,
    RELATIONS,
    Citation,
    Claim,
    Entity,
    Period,
    Source,
    parse_number,
)

MAX_QUOTE_CHARS = 300
MAX_PROBLEMS = 1000  # a file with more is garbage; stop rather than spend minutes listing it
_DIFFLIB_UP_TO = 200  # suggestions among more choices (entity ids) use rapidfuzz: difflib is O(n) Python
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)
_SHA256 = re.compile(r"[0-9a-f]{64}")
_new = tuple.__new__  # a named tuple (Claim, Entity) from all its fields at once


def _required(schema: dict[str, str]) -> dict[str, bool]:
    """field -> required?, from a model class's SCHEMA."""
    return {field: kind.endswith("!") for field, kind in schema.items()}


SOURCE_FIELDS = _required(Source.SCHEMA)
ENTITY_FIELDS = _required(Entity.SCHEMA)
CLAIM_FIELDS = _required(Claim.SCHEMA)
CITATION_FIELDS = _required(Citation.SCHEMA)
_ENTITY_REFERENCES = tuple(field for field, kind in Claim.SCHEMA.items() if kind == "entity")
_REQUIRED = {  # id -> (the dict, its required fields): the model's field dicts live as long as the module
    id(fields): (fields, tuple(key for key, required in fields.items() if required))
    for fields in (SOURCE_FIELDS, ENTITY_FIELDS, CLAIM_FIELDS, CITATION_FIELDS)
}
_QUOTED_KEYS = {field: repr(field) for field in _ENTITY_REFERENCES}  # f"{key!r}", made once

_TYPOGRAPHY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                             "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
                             "\u2032": "'", "\u2033": '"', "\u2010": "-", "\u2011": "-",
                             "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
                             "\u2212": "-", "\u00a0": " "})  # fmt: skip
_SPACE = re.compile(r"\s+")


def normalize_quote(text: str) -> str:
    """Fold white space and typographic quotes and dashes, as quote verification does."""
    return _SPACE.sub(" ", text.translate(_TYPOGRAPHY)).strip()


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice nearest in spelling to ``word``, if any is near enough (60 %)."""
    options = list(choices)
    if len(options) > _DIFFLIB_UP_TO:
        from rapidfuzz import fuzz, process  # noqa: PLC0415 (lazy: start-up)

        best = process.extractOne(word, options, scorer=fuzz.ratio, score_cutoff=60)
        return best[0] if best else None
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return close[0] if close else None


def suggest(word: str, choices: Iterable[str]) -> str:
    """' (did you mean X?)' when a close choice exists, else ''."""
    near = closest(word, choices)
    return f" (did you mean {near!r}?)" if near is not None else ""


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

    def fields(self, node: Node, fields: dict[str, bool], what: str, pos: tuple[int, int]) -> Mapping | None:
        """Check that ``node`` is a mapping with the right fields; report the rest."""
        if not isinstance(node, Mapping):
            self.report(pos, f"{what} must be a mapping of fields, not {_describe(node)}")
            return None
        if not node.keys() <= fields.keys():  # one pass in C when every field is known (nearly always)
            for key in node:
                if key not in fields:
                    self.report(node.key_pos[key], f"unknown field {key!r} in {what}{suggest(key, fields)}")
        known = _REQUIRED.get(id(fields))  # _required_fields, inlined: a call per node is measurable
        for key in known[1] if known is not None and known[0] is fields else _required_fields(fields):
            if key not in node:
                self.report(node.pos, f"{what} is missing the required field {key!r}")
        return node

    def text(self, mapping: Mapping, key: str, what: str) -> str | None:
        """A non-empty text field, or None (reported) when absent, empty or not text."""
        value = mapping.get(key, _ABSENT)
        if value is _ABSENT:
            return None
        if not isinstance(value, str):
            self.report(mapping.value_pos[key], f"{what} {key!r} must be text, not {_describe(value)}")
            return None
        value = value.strip()
        if not value:
            self.report(mapping.value_pos[key], f"{what} {key!r} is empty")
            return None
        return value

    def parsed(self, mapping: Mapping, key: str, what: str, parse: Callable[[str], Any]) -> Any:
        value = self.text(mapping, key, what)
        if value is None:
            return None
        try:
            return parse(value)
        except ValueError as error:
            self.report(mapping.value_pos[key], f"{what} {key!r}: {error}")
            return None

    def slug(self, mapping: Mapping, what: str) -> str | None:
        value = self.text(mapping, "id", what)
        if value is not None and not _SLUG.fullmatch(value):
            self.report(
                mapping.value_pos["id"],
                f"{what} id {value!r} must be a slug: lowercase letters, digits and single hyphens",
            )
            return None
        return value

    def items(self, mapping: Mapping, key: str, what: str) -> Sequence:
        """The list under ``key`` (empty when absent or not a list, which is reported)."""
        value = mapping.get(key, _ABSENT)
        if value is _ABSENT:
            return _NO_ITEMS
        if not isinstance(value, Sequence):
            self.report(mapping.value_pos[key], f"{what} {key!r} must be a list, not {_describe(value)}")
            return _NO_ITEMS
        return value


_NO_ITEMS = Sequence((0, 0))  # what items() gives for a missing or wrong-typed list
_ABSENT = object()  # what a mapping gives for a field it does not have (a node is never this)


def _required_fields(fields: dict[str, bool]) -> tuple[str, ...]:
    """The required fields of ``fields`` (a model's, worked out once; any other, each time)."""
    known = _REQUIRED.get(id(fields))
    if known is not None and known[0] is fields:
        return known[1]
    return tuple(key for key, required in fields.items() if required)


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


class Checked:
    """A clean fact file: its sources, and what ``keep`` made of each entity, by id in file order.

    For one file of several (``Elsewhere``) also where each source and entity id is (to report a
    duplicate in another file), the files it includes, and, when its references were deferred,
    the source and entity ids it names that it does not hold itself.
    """

    __slots__ = (
        "sources",
        "entities",
        "source_pos",
        "entity_pos",
        "include",
        "unresolved_sources",
        "unresolved_ids",
    )

    def __init__(self, sources: dict[str, Source], entities: dict[str, Any]) -> None:
        self.sources = sources
        self.entities = entities
        self.source_pos: dict[str, tuple[int, int]] = {}
        self.entity_pos: dict[str, tuple[int, int]] = {}
        self.include: list[str] = []
        self.unresolved_sources: set[str] = set()
        self.unresolved_ids: set[str] = set()


class _Cited(dict[str, Source]):
    """A deferred file's view of the sources: every id is accepted, and remembered in ``names``, to be
    checked once the sources of every file are known (so a claim may cite a source another file holds)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.names.add(key)
        return True


class Elsewhere:
    """What checking one file of a fact base made of several needs to know of the others.

    ``member``: the file is one of a directory's or one a fact file includes (its ``sources``
    and ``entities`` are both optional; it may not include others). ``deferred``: the first pass,
    each file on its own (in any order, in any process): the sources and entities it names but
    does not hold are collected (``Checked.unresolved_*``), not reported. Otherwise ``sources``
    and ``ids`` are what the other files hold, and only what no file holds is reported (the
    second pass, for a file that failed the cross-file checks: every problem at its position).
    """

    def __init__(
        self,
        *,
        deferred: bool = False,
        member: bool = False,
        sources: dict[str, Source] | None = None,
        ids: Any = (),
        base: str | None = None,
    ) -> None:
        self.base = base  # what a source's file with a / is relative to (the fact file, or the folder)
        self.deferred = deferred
        self.member = member
        self.sources = sources or {}
        self.ids = ids
        self.cited = _Cited()


_ALONE = Elsewhere()  # a fact file on its own: both keys required, every reference resolved in it


def _same(entity: Entity) -> Any:
    return entity


def validate(
    tree: Node | None,
    name: str,
    *,
    sources_dir: str | os.PathLike[str] | None = None,
    keep: Callable[[Entity], Any] = _same,
    review: list[Review] | None = None,
    elsewhere: Elsewhere = _ALONE,
) -> tuple[Checked | None, list[Problem]]:
    """Check a positioned tree against the schema; give the sources and entities only when clean.

    ``elsewhere`` says what the fact base's other files hold, when it has several (``Elsewhere``).

    With ``sources_dir`` the quotes, dates and aliases are held to the source texts
    (``Fidelity``), and ``review``, when given, gets the claims that drop a hedge of the
    sentence they quote (``factcli check --review``).

    Entities that ``EntityStream`` checked while the tree was parsed are replayed; the others are
    checked here, and what is kept of each is ``keep(entity)`` (the stream's ``keep`` for the
    streamed ones). Stops after MAX_PROBLEMS problems with a last one saying so.
    """
    checker = _Checker(name)
    try:
        return _validate(checker, tree, sources_dir, keep, review, elsewhere)
    except _TooMany as stop:
        line, column = stop.pos if stop.pos else (None, None)
        checker.problems.append(Problem(name, line, column, f"too many problems; stopped after {MAX_PROBLEMS:,}"))
        return None, checker.problems


def _validate(
    checker: _Checker,
    tree: Node | None,
    sources_dir: str | os.PathLike[str] | None,
    keep: Callable[[Entity], Any],
    review: list[Review] | None,
    elsewhere: Elsewhere,
) -> tuple[Checked | None, list[Problem]]:
    if tree is None:
        if elsewhere.member:
            return Checked({}, {}), checker.problems  # an empty file of several adds nothing
        checker.report(None, "the file is empty; a fact file has 'sources' and 'entities'")
        return None, checker.problems
    root = checker.fields(tree, _root_fields(tree, elsewhere.member), "the fact file", (1, 1))
    if root is None:
        return None, checker.problems
    include = _include(checker, root)

    sources, source_pos, hash_pos = _sources(checker, root)
    known = {**elsewhere.sources, **sources} if elsewhere.sources else sources
    source_texts = None
    fidelity = None
    if sources_dir is not None:
        source_texts, fidelity = _texts(checker, (sources, source_pos, hash_pos), known, sources_dir, review, elsewhere)
    cited = elsewhere.cited if elsewhere.deferred else known

    entities, entity_pos, references, complete = _entities(checker, root, cited, source_texts, fidelity, keep)
    unresolved = _references(checker, references, entity_pos, elsewhere)
    if checker.problems or not complete:
        return None, checker.problems
    checked = Checked(sources, entities)
    checked.source_pos, checked.entity_pos, checked.include = source_pos, entity_pos, include
    checked.unresolved_ids = unresolved
    if elsewhere.deferred:
        checked.unresolved_sources = {name for name in elsewhere.cited.names if name not in sources}
    return checked, checker.problems


def _entities(
    checker: _Checker,
    root: Mapping,
    cited: dict[str, Source],
    source_texts: dict[str, str] | None,
    fidelity: Fidelity | None,
    keep: Callable[[Entity], Any],
) -> tuple[dict[str, Any], dict[str, tuple[int, int]], list[tuple[str, tuple[int, int], str]], bool]:
    """Each entity checked (or, streamed, its check replayed): what ``keep`` made of each by id, where each
    id is, the references to check, and whether every entity was whole."""
    entities: dict[str, Any] = {}
    entity_pos: dict[str, tuple[int, int]] = {}
    references: list[tuple[str, tuple[int, int], str]] = []  # (entity id, where, field)
    complete = True
    for node, pos in checker.items(root, "entities", "the fact file").items_with_pos():
        if node.__class__ is _Streamed:  # checked while parsing (EntityStream): replay what that found
            if source_texts is not None:
                raise ValueError("quotes are checked against the sources only on a tree parsed without a stream")
            for where, message in node.problems:
                checker.report(where, message)
            references.extend(node.references)
            entity_id, id_pos, kept, whole = node.entity_id, node.id_pos, node.entity, node.whole
        else:
            mapping = checker.fields(node, ENTITY_FIELDS, "an entity", pos)
            if mapping is None:
                complete = False
                continue
            entity_id, id_pos, entity, whole = _entity(checker, mapping, cited, source_texts, references, fidelity)
            kept = None if entity is None else keep(entity)
        if not whole or entity_id is None:
            complete = False
            if entity_id is None:
                continue
        if entity_id in entity_pos:
            checker.report(id_pos, f"duplicate entity id {entity_id!r} (first at line {entity_pos[entity_id][0]})")
            continue
        entity_pos[entity_id] = id_pos  # type: ignore[assignment]
        if kept is None:
            complete = False
            continue
        entities[entity_id] = kept

    return entities, entity_pos, references, complete


def _texts(
    checker: _Checker,
    own: tuple[dict[str, Source], dict[str, tuple[int, int]], dict[str, tuple[int, int]]],
    known: dict[str, Source],
    sources_dir: str | os.PathLike[str],
    review: list[Review] | None,
    elsewhere: Elsewhere,
) -> tuple[dict[str, str], Fidelity]:
    """The source texts (this file's sources, problems reported; the other files' too, silently: their
    problems are reported with their files), as one line each for quotes, and the fidelity rules over them."""
    sources, source_pos, hash_pos = own
    paragraphs = _read_sources(checker, sources, source_pos, sources_dir, hash_pos, elsewhere.base)
    if elsewhere.sources:
        others = {key: value for key, value in elsewhere.sources.items() if key not in sources}
        paragraphs.update(_read_sources(_Checker(checker.name), others, {}, sources_dir, {}, elsewhere.base))
    source_texts = {source_id: text.replace("\n", " ") for source_id, text in paragraphs.items()}
    return source_texts, Fidelity(known, paragraphs, review)


def _references(
    checker: _Checker,
    references: list[tuple[str, tuple[int, int], str]],
    entity_pos: dict[str, tuple[int, int]],
    elsewhere: Elsewhere,
) -> set[str]:
    """Report each reference to an entity no file holds, or, deferred, give the ids this file does not hold."""
    unresolved: set[str] = set()
    others = elsewhere.ids
    for target, where, field_name in references:
        if target not in entity_pos and target not in others:
            if elsewhere.deferred:
                unresolved.add(target)
            else:
                choices = entity_pos if not others else [*entity_pos, *others]
                checker.report(where, f"{field_name} refers to unknown entity {target!r}{suggest(target, choices)}")
    return unresolved


def _root_fields(tree: Node, member: bool) -> dict[str, bool]:
    """The fields of a fact file's top level: ``sources`` and ``entities`` both required of a file on its
    own, optional in one of several; ``include`` only in the file a fact base is opened with."""
    if member:
        return {"sources": False, "entities": False}
    required = not (isinstance(tree, Mapping) and "include" in tree)
    return {"sources": required, "entities": required, "include": False}


def _include(checker: _Checker, root: Mapping) -> list[str]:
    """The glob patterns of ``include:``, each relative to the fact file's folder."""
    patterns = []
    for pattern, where in checker.items(root, "include", "the fact file").items_with_pos():
        if not isinstance(pattern, str) or not pattern.strip():
            checker.report(where, "an include pattern must be non-empty text (a glob such as 'entities/*.yaml')")
        elif os.path.isabs(pattern.strip()):
            checker.report(where, f"include pattern {pattern.strip()!r} must be relative to the fact file's folder")
        else:
            patterns.append(pattern.strip())
    return patterns


def _sha256(text: str) -> str:
    if not _SHA256.fullmatch(text):
        raise ValueError(f"{text[:70]!r} is not a SHA-256 digest (64 lowercase hex digits)")
    return text


def _sources(
    checker: _Checker, root: Mapping
) -> tuple[dict[str, Source], dict[str, tuple[int, int]], dict[str, tuple[int, int]]]:
    """The file's sources by id (those without problems), where each id was first given and where
    each ``sha256`` is."""
    sources: dict[str, Source] = {}
    source_pos: dict[str, tuple[int, int]] = {}
    hash_pos: dict[str, tuple[int, int]] = {}
    for node, pos in checker.items(root, "sources", "the fact file").items_with_pos():
        mapping = checker.fields(node, SOURCE_FIELDS, "a source", pos)
        if mapping is None:
            continue
        source_id = checker.slug(mapping, "source")
        published = checker.parsed(mapping, "published", "source", _date)
        fields = {
            key: checker.text(mapping, key, "source")
            for key in ("title", "file", "author", "publisher", "published_note")
        }
        url = checker.parsed(mapping, "url", "source", _url)
        sha256 = checker.parsed(mapping, "sha256", "source", _sha256)
        if published is not None and published.approximate and not fields["published_note"]:
            checker.report(
                mapping.value_pos["published"],
                "an approximate 'published' date needs a 'published_note' saying what it is inferred from",
            )
        if source_id is None:
            continue
        if source_id in sources or source_id in source_pos:
            checker.report(
                mapping.value_pos["id"], f"duplicate source id {source_id!r} (first at line {source_pos[source_id][0]})"
            )
            continue
        source_pos[source_id] = mapping.value_pos["id"]
        if sha256 is not None:
            hash_pos[source_id] = mapping.value_pos["sha256"]
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
                sha256,
            )
    return sources, source_pos, hash_pos


def _entity(
    checker: _Checker,
    mapping: Mapping,
    sources: dict[str, Source],
    source_texts: dict[str, str] | None,
    references: list[tuple[str, tuple[int, int], str]],
    fidelity: Fidelity | None = None,
) -> tuple[str | None, tuple[int, int] | None, Entity | None, bool]:
    """Check one entity: (its id, where the id is, the Entity or None, whether every claim was whole).

    With ``fidelity`` (the source texts were given) its dates and aliases are also held to the
    texts its claims cite, and its claims are looked over for hedges they drop (``Fidelity``).
    """
    entity_id = checker.slug(mapping, "entity")
    kind = checker.parsed(mapping, "kind", "entity", _KIND)
    entity_name = checker.text(mapping, "name", "entity")
    summary = checker.text(mapping, "summary", "entity")
    date = checker.parsed(mapping, "date", "entity", _date)
    if date is not None and kind is not None and kind != "event":
        checker.report(
            mapping.value_pos["date"], f"only events have a 'date'; put the date of a {kind}'s fact on its claim"
        )
    aliases = _aliases(checker, mapping, "aliases")
    outside = _aliases(checker, mapping, "outside_aliases")
    former = _former_ids(checker, mapping)
    claims = []
    placed: list[tuple[Claim, Mapping, tuple[int, int]]] = []  # each claim with its node, for fidelity
    whole = True
    claim_items = checker.items(mapping, "claims", "entity")
    if kind == "figure" and not claim_items:
        checker.report(mapping.pos, "a figure needs at least one claim carrying its value")
    for claim_node, claim_pos in claim_items.items_with_pos():
        claim = _claim(checker, claim_node, claim_pos, entity_id or "", sources, source_texts, references)
        if claim is None:
            whole = False
        else:
            claims.append(claim)
            placed.append((claim, claim_node, claim_pos))  # type: ignore[arg-type]  # a claim is a mapping
    if fidelity is not None:
        fidelity.entity(checker, mapping, date, aliases, outside, summary or "", placed)
    if entity_id is None:
        return None, None, None, whole
    entity = None
    if kind is not None and entity_name is not None and summary is not None:
        entity = _new(  # Entity's fields, all of them, in order
            Entity,
            (
                entity_id,
                kind,
                entity_name,
                summary,
                tuple([alias for alias, _ in aliases]),
                date,
                tuple(claims),
                tuple([alias for alias, _ in outside]),
                former,
            ),
        )
    return entity_id, mapping.value_pos["id"], entity, whole


_KIND = _choice(ENTITY_KINDS, "kind")


def _aliases(checker: _Checker, mapping: Mapping, key: str) -> list[tuple[str, tuple[int, int]]]:
    """The entity's aliases under ``key`` (``aliases`` or ``outside_aliases``), each with where it is."""
    aliases: list[tuple[str, tuple[int, int]]] = []
    if key not in mapping:  # most entities give none (what checker.items would make of it: nothing)
        return aliases
    for alias, alias_pos in checker.items(mapping, key, "entity").items_with_pos():
        if not isinstance(alias, str) or not alias.strip():
            checker.report(alias_pos, "an alias must be non-empty text")
        else:
            aliases.append((alias.strip(), alias_pos))
    return aliases


def _former_ids(checker: _Checker, mapping: Mapping) -> tuple[str, ...]:
    """The ids an entity had before (``former_ids``), each a slug."""
    former = []
    for value, where in _aliases(checker, mapping, "former_ids"):
        if _SLUG.fullmatch(value):
            former.append(value)
        else:
            checker.report(where, f"former id {value!r} must be a slug: lowercase letters, digits and single hyphens")
    return tuple(former)


class _Streamed:
    """What checking one entity gave while the file was parsed, kept in its tree node's place.

    ``entity`` is what ``keep`` made of the entity, or None when the entity had a problem or is
    incomplete (the file then yields no model anyway).
    """

    __slots__ = ("problems", "references", "entity_id", "id_pos", "entity", "whole")

    def __init__(
        self,
        problems: Any,
        references: Any,
        entity_id: str | None,
        id_pos: tuple[int, int] | None,
        entity: Any,
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

    Handed to ``load.parse_tree`` as its ``on_entity``. The positioned tree costs ~8 kB an
    entity; this turns each entity's mapping into ``keep(entity)`` and its problems, kept rather
    than reported, the moment the mapping closes, and ``parse_tree`` puts the result
    (``_Streamed``) in the node's place. ``validate`` replays the problems in file order, so
    what is reported, in which order and where the 1,000-problem cap falls are exactly as if the
    tree had been kept whole; the duplicate-id and unknown-entity checks, which need every
    entity, stay in ``validate``. Entities can only be checked this way once the file's sources
    are known: a file that lists its entities before its sources is validated whole. After
    MAX_PROBLEMS kept problems (the replay stops before any later entity) the rest of the tree
    is left as it is.
    """

    def __init__(self, name: str, keep: Callable[[Entity], Any] = _same, elsewhere: Elsewhere = _ALONE) -> None:
        self.name = name
        self.keep = keep
        self.elsewhere = elsewhere  # the same object validate is given
        self.checker: _Checker | None = None
        self.sources: dict[str, Source] = {}
        self.stopped = False

    def __call__(self, root: Mapping, node: Mapping, pos: tuple[int, int]) -> _Streamed | None:
        """The checked entity, or None (the node stays as it is) when it cannot be checked here."""
        if self.checker is None and not self.stopped:
            self._start(root)
        if self.stopped or self.checker is None:
            return None
        checker = self.checker
        before = len(checker.problems)
        references: list[tuple[str, tuple[int, int], str]] = []
        try:
            checker.fields(node, ENTITY_FIELDS, "an entity", pos)
            entity_id, id_pos, entity, whole = _entity(checker, node, self.sources, None, references)
            if entity_id is not None:
                entity_id = intern(entity_id)  # the same string as the references to it
        except _TooMany:
            self.stopped = True
            return None
        problems = _NOTHING
        kept = None
        if len(checker.problems) > before:
            problems = tuple(
                (None if p.line is None else (p.line, p.column), p.message) for p in checker.problems[before:]
            )
        elif entity is not None and whole:  # else never part of a model: the file has problems
            kept = self.keep(entity)
        return _Streamed(problems, references or _NOTHING, entity_id, id_pos, kept, whole)

    def _start(self, root: Mapping) -> None:
        elsewhere = self.elsewhere
        if elsewhere.deferred:  # sources are looked up once every file is read: none is needed now
            self.sources = elsewhere.cited
            self.checker = _Checker(self.name)
            return
        if "sources" not in root and not elsewhere.member:  # entities first: sources unknown yet
            self.stopped = True
            return
        checker = _Checker(self.name)
        try:
            own, _, _ = _sources(checker, root)
        except _TooMany:
            self.stopped = True
            return
        self.sources = {**elsewhere.sources, **own} if elsewhere.sources else own
        checker.problems = []  # validate reports the sources' problems itself
        self.checker = checker


_NOTHING: tuple[Any, ...] = ()

_PARSERS: dict[str, Callable[[str], Any] | None] = {
    "text": None,
    "entity": None,
    "date": _date,
    "number": parse_number,
    "relation": _choice(RELATIONS, "relation"),
    "qualifier": _choice(QUALIFIERS, "qualifier"),
}


# the fields a claim may give: field -> (its place among Claim's fields, its parser, "citations" or None for text)
_CLAIM_SLOTS: dict[str, tuple[int, Any]] = {
    field: (Claim._fields.index(field), "citations" if kind == "citations" else _PARSERS.get(kind))
    for field, kind in ((field, written.rstrip("!")) for field, written in Claim.SCHEMA.items())
}
_CLAIM_TEXT = Claim._fields.index("text")
_CLAIM_CITATIONS = Claim._fields.index("citations")
_CLAIM_SUBJECT = Claim._fields.index("subject")
_CLAIM_RELATION = Claim._fields.index("relation")
_CLAIM_RELATED = Claim._fields.index("related")
_CLAIM_REFERENCE_SLOTS = tuple((field, Claim._fields.index(field)) for field in _ENTITY_REFERENCES)


def _claim(
    checker: _Checker,
    node: Node,
    pos: tuple[int, int],
    subject: str,
    sources: dict[str, Source],
    source_texts: dict[str, str] | None,
    references: list[tuple[str, tuple[int, int], str]],
) -> Claim | None:
    values = _clean_claim(node)
    if values is None:  # something to report: field by field, in the schema's order
        return _reported_claim(checker, node, pos, subject, sources, source_texts, references)
    mapping: Mapping = node  # type: ignore[assignment]  # _clean_claim saw a Mapping
    before = len(checker.problems)
    for field, slot in _CLAIM_REFERENCE_SLOTS:
        value = values[slot]
        if value is not None:  # one string per id
            references.append((intern(value), mapping.value_pos[field], _QUOTED_KEYS[field]))
    citations = _citations(checker, mapping, sources, source_texts)
    if len(checker.problems) > before or not citations:
        return None
    values[_CLAIM_CITATIONS] = tuple(citations)
    values[_CLAIM_SUBJECT] = subject
    return _new(Claim, values)


def _clean_claim(node: Node) -> list[Any] | None:
    """A claim's fields in Claim's order, or None when any of them may have a problem to report.

    What ``_reported_claim`` makes of a claim whose fields are all known, present when required and
    well-formed, without a report to make: the same values (the same string objects, stripped, and
    each parser's result), in one pass over the fields the claim gives. Its citations are left to
    ``_citations``.
    """
    if node.__class__ is not Mapping or not node.keys() <= _CLAIM_SLOTS.keys():
        return None
    for key in _CLAIM_REQUIRED:
        if key not in node:
            return None
    values: list[Any] = [None] * _CLAIM_LENGTH
    for key, value in node.items():
        slot, parse = _CLAIM_SLOTS[key]
        if parse == "citations":
            continue
        if value.__class__ is not str:
            return None
        value = value.strip()
        if not value:
            return None
        if parse is not None:
            try:
                value = parse(value)
            except ValueError:
                return None
        values[slot] = value
    if values[_CLAIM_RELATION] is not None and values[_CLAIM_RELATED] is None:
        return None  # a relation needs 'related'
    return values


_CLAIM_LENGTH = len(Claim._fields)
_CLAIM_REQUIRED = _required_fields(CLAIM_FIELDS)


def _reported_claim(
    checker: _Checker,
    node: Node,
    pos: tuple[int, int],
    subject: str,
    sources: dict[str, Source],
    source_texts: dict[str, str] | None,
    references: list[tuple[str, tuple[int, int], str]],
) -> Claim | None:
    """``_claim`` field by field, reporting each problem (any claim ``_clean_claim`` did not take)."""
    mapping = checker.fields(node, CLAIM_FIELDS, "a claim", pos)
    if mapping is None:
        return None
    before = len(checker.problems)
    values: dict[str, Any] = {}
    for field, written in Claim.SCHEMA.items():
        kind = written.rstrip("!")  # whether it is required was checked with the other fields
        parse = _PARSERS.get(kind)
        if parse is not None:
            values[field] = checker.parsed(mapping, field, "claim", parse)
        elif kind in ("text", "entity"):
            values[field] = value = checker.text(mapping, field, "claim")
            if kind == "entity" and value is not None:  # one string per id
                references.append((intern(value), mapping.value_pos[field], _QUOTED_KEYS[field]))
    if values["relation"] is not None and values["related"] is None and "related" not in mapping:
        checker.report(
            mapping.value_pos["relation"], "a claim with a 'relation' needs 'related': the entity it relates to"
        )
    citations = _citations(checker, mapping, sources, source_texts)
    if len(checker.problems) > before or values["text"] is None or not citations:
        return None
    return Claim(citations=tuple(citations), subject=subject, **values)


def _citations(
    checker: _Checker, mapping: Mapping, sources: dict[str, Source], source_texts: dict[str, str] | None
) -> list[Citation]:
    citations = []
    items = checker.items(mapping, "citations", "claim")
    if "citations" in mapping and not items and isinstance(mapping["citations"], Sequence):
        checker.report(mapping.value_pos["citations"], "a claim needs at least one citation")
    for cite_node, cite_pos in items.items_with_pos():
        cite = checker.fields(cite_node, CITATION_FIELDS, "a citation", cite_pos)
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
    return citations


def _read_sources(
    checker: _Checker,
    sources: dict[str, Source],
    source_pos: dict[str, tuple[int, int]],
    sources_dir: str | os.PathLike[str],
    hash_pos: dict[str, tuple[int, int]],
    base: str | None = None,
) -> dict[str, str]:
    directory = Path(sources_dir)
    if not directory.is_dir():
        checker.report(None, f"--sources {os.fspath(sources_dir)!r} is not a directory")
        return {}
    texts = {}
    for source_id, source in sources.items():
        path = source_path(source.file, directory, base or checker.name)
        try:
            data = path.read_bytes()
        except OSError:
            checker.report(source_pos[source_id], f"source {source_id!r}: cannot read {os.fspath(path)}")
            continue
        if source.sha256 is not None:
            import hashlib  # noqa: PLC0415 (lazy: only check --sources hashes a text)

            if hashlib.sha256(data).hexdigest() != source.sha256:
                checker.report(
                    hash_pos[source_id],
                    f"source {source_id!r}: {os.fspath(path)} no longer matches its sha256 (the text was changed)",
                )
        raw = data.decode("utf-8", errors="replace")
        # one paragraph (line) a line: the same text as normalize_quote's once "\n" is read as " "
        paragraphs = "\n".join(line for line in (normalize_quote(part) for part in raw.splitlines()) if line)
        texts[source_id] = paragraphs if paragraphs.replace("\n", " ") == normalize_quote(raw) else normalize_quote(raw)
    return texts


# -- fidelity: what the cited texts bear out (only with --sources) ---------------------------------
_INFERRED = re.compile(r"\binfer(?:s|red|ring|ence)?\b", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d|'?s\b)")  # 1978, not 1970s (a decade names no year)
_DECADE = re.compile(r"(?<!\d)(\d{3}0)'?s\b")  # 1960s, 1960's
# what a source's sentence hedges with: an attribution governs the whole sentence ("..., informed
# sources said"); a modal word only what it stands next to, so it counts in the quote or just before it
_ATTRIBUTIONS = re.compile(
    r"\b(?:reportedly|according to|(?:the |informed |government )?sources said|the reports? said|"
    r"(?:is|are|was|were) (?:said|believed|thought) to|apparently)\b",
    re.IGNORECASE,
)
# "..., they said." / "..., an official said Sunday.": a sentence-final attribution governs the sentence;
# a plain "said" elsewhere ("Abe, the No. 2 official, said on a talk show that ...") is a statement, too broad
_TRAILING_SAID = re.compile(r",\s+(?:[^,]{1,40}?\s)?(?:said|says|reported)(?:\s+\w+)?[.!?]?[\"']?$")
_MODALS = re.compile(r"\b(?:allegedly|alleged|suggested|speculation|probably|possibly|may|might|could)\b")
_MODAL_REACH = 30  # characters before the quote in which a modal word still hedges it ("He could be jailed")
# what counts as the claim keeping a hedge: the same word or one meaning as much
_CLAIM_HEDGES = re.compile(
    r"\b(?:reportedly|allegedly|alleged|apparently|according to|said|says|say|saying|suggest\w*|speculat\w*|"
    r"may|might|could|probably|possibl[ey]|potential\w*|believed|reported|reports|claimed|claims|accused|unconfirmed|"
    r"unnamed|informed sources|sources)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(
    r"(?<!\b[A-Z])(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bDr)(?<!\bSt)(?<!\bLt)(?<!\bGen)(?<!\bSgt)(?<!\bNo)"
    r"[.!?][\"')\]]*(?: +(?=[\"'(\[]?[A-Z0-9])|\n)"
    r"|\n"
)


class Review(NamedTuple):
    """A claim whose quoted sentence hedges or attributes, where the claim keeps no hedge."""

    file: str
    line: int
    column: int
    claim: str
    source: str
    sentence: str
    hedges: tuple[str, ...]  # the hedges the sentence carries
    note: str | None  # the claim's review_note: reviewed, and why it is fine

    def where(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class Fidelity:
    """The rules between an entity and the source texts its claims cite.

    * A date (an entity's ``date``, a claim's ``date`` or ``as_of``) whose year none of the
      cited texts gives must be approximate (``~``) and say it is inferred: the word
      "inferred" (or "inference") in the entity's summary, the claim's text or the
      ``published_note`` of a cited source. A year is given by its four digits standing
      alone ("1978", "in 1978,"; "1970s" gives no year); a decade by "1960s" / "1960's" or
      any year in it. An entity's texts are those any of its claims cites; a claim's, those it
      cites; an entity whose claims cite nothing is held to every source.
    * An alias must occur in one of the entity's texts (a whole word or words, case,
      white space and typographic quotes aside); a name a reader would type that the articles
      do not use goes under ``outside_aliases``, and one there must not occur in them.
    * ``review`` (when a list is given) gets each claim whose quoted sentence hedges
      ("reportedly", "according to", "may", ...) while the claim keeps no hedge word and names
      no ``attributed_to`` / ``attribution``; a ``review_note`` on the claim marks it explained.
    """

    def __init__(self, sources: dict[str, Source], paragraphs: dict[str, str], review: list[Review] | None) -> None:
        self.sources = sources
        self.paragraphs = paragraphs  # source id -> normalised text, a paragraph a line
        self.review = review
        self._years: dict[str, tuple[set[int], set[int]]] = {}
        self._folded: dict[str, str] = {}

    def entity(
        self,
        checker: _Checker,
        mapping: Mapping,
        date: Period | None,
        aliases: list[tuple[str, tuple[int, int]]],
        outside: list[tuple[str, tuple[int, int]]],
        summary: str,
        claims: list[tuple[Claim, Mapping, tuple[int, int]]],
    ) -> None:
        cited = sorted({c.source for claim, _, _ in claims for c in claim.citations if c.source in self.paragraphs})
        if not any(claim.citations for claim, _, _ in claims):
            cited = sorted(self.paragraphs)  # nothing cited: held to every source
        if date is not None:
            self._date(checker, mapping, "date", date, cited, (summary,), "the entity's summary")
        for claim, node, pos in claims:
            own = sorted({c.source for c in claim.citations if c.source in self.paragraphs})
            for key in ("date", "as_of"):
                period = getattr(claim, key)
                if period is not None:
                    self._date(
                        checker, node, key, period, own, (summary, claim.text), "the claim's text, the entity's summary"
                    )
            if self.review is not None:
                self._review(checker.name, claim, pos)
        for alias, pos in aliases:
            if not self._found(alias, cited):
                checker.report(
                    pos,
                    f"alias {alias!r} occurs in none of the texts this entity's claims cite ({', '.join(cited)});"
                    " move it to 'outside_aliases' (names a reader would type that the articles do not use)",
                )
        for alias, pos in outside:
            found = self._found(alias, cited)
            if found:
                checker.report(
                    pos,
                    f"outside alias {alias!r} occurs in {found}, which this entity's claims cite;"
                    " make it a plain alias",
                )

    def _date(
        self,
        checker: _Checker,
        mapping: Mapping,
        key: str,
        period: Period,
        cited: list[str],
        own_texts: tuple[str, ...],
        own_label: str,
    ) -> None:
        absent = [p for p in (period.start, period.end) if p is not None and not self._dated(p.year, p.decade, cited)]
        if not absent:
            return
        what = " and ".join(sorted({f"decade {p.year}s" if p.decade else f"year {p.year}" for p in absent}))
        missing = []
        if not all(p.approximate for p in absent):
            marked = "/".join(f"{p}~" if p in absent and not p.approximate else str(p) for p in period if p is not None)
            missing.append(f"mark it approximate ({marked})")
        notes = [self.sources[s].published_note or "" for s in cited if s in self.sources]
        if not any(_INFERRED.search(text) for text in (*own_texts, *notes)):
            missing.append(
                f"say it is inferred (the word 'inferred' in {own_label} or a cited source's published_note)"
            )
        if missing:
            checker.report(
                mapping.value_pos[key],
                f"{key} {period}: the {what} appears in none of the cited texts ({', '.join(cited) or 'none'}); "
                + " and ".join(missing),
            )

    def _dated(self, year: int, decade: bool, cited: list[str]) -> bool:
        for source_id in cited:
            years, decades = self._years_in(source_id)
            if decade and (year in decades or any(year <= y < year + 10 for y in years)):
                return True
            if not decade and year in years:
                return True
        return False

    def _years_in(self, source_id: str) -> tuple[set[int], set[int]]:
        known = self._years.get(source_id)
        if known is None:
            text = self.paragraphs[source_id]
            known = ({int(y) for y in _YEAR.findall(text)}, {int(d) for d in _DECADE.findall(text)})
            self._years[source_id] = known
        return known

    def _found(self, alias: str, cited: list[str]) -> str | None:
        """The first cited source whose text has the alias (a whole word or words, case aside), or None."""
        words = normalize_quote(alias).casefold()
        pattern = re.compile(r"(?<!\w)" + re.escape(words).replace(r"\ ", r"\s+") + r"(?!\w)")
        for source_id in cited:
            folded = self._folded.get(source_id)
            if folded is None:
                folded = self._folded[source_id] = self.paragraphs[source_id].casefold()
            if pattern.search(folded):
                return source_id
        return None

    def _review(self, name: str, claim: Claim, pos: tuple[int, int]) -> None:
        assert self.review is not None
        if claim.attributed_to or claim.attribution or _CLAIM_HEDGES.search(claim.text):
            return
        for citation in claim.citations:
            found = self.sentence(citation.source, citation.quote)
            if found is None:
                continue
            sentence, start, end = found
            near = sentence[max(0, start - _MODAL_REACH) : end]
            hedges = [m.group(0).lower() for m in _ATTRIBUTIONS.finditer(sentence)]
            trailing = _TRAILING_SAID.search(sentence)
            if trailing and not hedges:
                hedges.append(trailing.group(0).strip(" ,.!?\"'"))
            hedges += [m.group(0) for m in _MODALS.finditer(near)]  # lower case only: "May 16" is a month
            if hedges:
                self.review.append(
                    Review(
                        name,
                        pos[0],
                        pos[1],
                        claim.text,
                        citation.source,
                        sentence,
                        tuple(dict.fromkeys(hedges)),
                        claim.review_note,
                    )
                )
                return

    def sentence(self, source_id: str, quote: str) -> tuple[str, int, int] | None:
        """The sentence(s) of the source that hold the quote, with where the quote is in them;
        None when the text does not have it."""
        text = self.paragraphs.get(source_id)
        if text is None:
            return None
        wanted = normalize_quote(quote)
        start = text.replace("\n", " ").find(wanted)
        if start < 0:
            return None
        end = start + len(wanted)
        begin, finish = 0, len(text)
        for boundary in _SENTENCE_END.finditer(text):
            if boundary.end() <= start:
                begin = boundary.end()
            elif boundary.start() >= end - 1:  # the quote may end with the sentence's full stop
                finish = boundary.start() + len(boundary.group(0).rstrip())
                break
        return text[begin:finish].replace("\n", " "), start - begin, end - begin
