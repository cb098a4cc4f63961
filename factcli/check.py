"""The rules behind ``factcli check``: the positioned YAML tree -> the typed model.

``validate`` reports every problem at once, each at the line and column of the node it
is about, and only builds a FactBase when there are none.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path
from typing import Any, Callable

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
)

MAX_QUOTE_CHARS = 300
MAX_NUMBER_DIGITS = 30
MAX_PROBLEMS = 1000  # a file with more is garbage; stop rather than spend minutes listing it
_DIFFLIB_UP_TO = 200  # suggestions among more choices (entity ids) use rapidfuzz: difflib is O(n) Python
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NUMBER = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?", re.ASCII)  # not Arabic-Indic or fullwidth digits
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
            self.report(record.value_pos["id"], f"{what} id {value!r} must be a slug: lowercase letters, digits and single hyphens")
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


def parse_number(text: str) -> int | float:
    """``93,340`` -> 93340, ``2.5`` -> 2.5; no exponents, NaN or infinities."""
    if len(text) > MAX_NUMBER_DIGITS or not _NUMBER.fullmatch(text):
        raise ValueError(f"{text[:40]!r} is not a number (digits, optional , groups and . decimals, at most {MAX_NUMBER_DIGITS} characters)")
    plain = text.replace(",", "")
    return float(plain) if "." in plain else int(plain)


def _choice(options: tuple[str, ...], label: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in options:
            raise ValueError(f"{text[:40]!r} is not a known {label}{suggest(text, options)}; use one of {', '.join(options)}")
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


def validate(tree: Node | None, name: str, *, sources_dir: str | os.PathLike[str] | None = None) -> tuple[FactBase | None, list[Problem]]:
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


def _validate(checker: _Checker, tree: Node | None, sources_dir: str | os.PathLike[str] | None) -> tuple[FactBase | None, list[Problem]]:
    if tree is None:
        checker.report(None, "the file is empty; a fact file has 'sources' and 'entities'")
        return None, checker.problems
    root = checker.record(tree, {"sources": True, "entities": True}, "the fact file", (1, 1))
    if root is None:
        return None, checker.problems

    sources: dict[str, Source] = {}
    source_pos: dict[str, tuple[int, int]] = {}
    for node, pos in checker.items(root, "sources", "the fact file").items_with_pos():
        record = checker.record(node, SOURCE_FIELDS, "a source", pos)
        if record is None:
            continue
        source_id = checker.slug(record, "source")
        published = checker.parsed(record, "published", "source", _date)
        fields = {key: checker.text(record, key, "source") for key in ("title", "file", "author", "publisher", "published_note")}
        url = checker.parsed(record, "url", "source", _url)
        if published is not None and published.approximate and not fields["published_note"]:
            checker.report(record.value_pos["published"], "an approximate 'published' date needs a 'published_note' saying what it is inferred from")
        if source_id is None:
            continue
        if source_id in sources or source_id in source_pos:
            checker.report(record.value_pos["id"], f"duplicate source id {source_id!r} (first at line {source_pos[source_id][0]})")
            continue
        source_pos[source_id] = record.value_pos["id"]
        if published is not None and fields["title"] and fields["file"]:
            sources[source_id] = Source(source_id, fields["title"], published, fields["file"], fields["author"],
                                        fields["publisher"], fields["published_note"], url)

    source_texts = _read_sources(checker, sources, source_pos, sources_dir) if sources_dir is not None else None

    entities: dict[str, Entity] = {}
    entity_pos: dict[str, tuple[int, int]] = {}
    references: list[tuple[str, tuple[int, int], str]] = []  # (entity id, where, field)
    complete = True
    for node, pos in checker.items(root, "entities", "the fact file").items_with_pos():
        record = checker.record(node, ENTITY_FIELDS, "an entity", pos)
        if record is None:
            complete = False
            continue
        entity_id = checker.slug(record, "entity")
        kind = checker.parsed(record, "kind", "entity", _choice(ENTITY_KINDS, "kind"))
        entity_name = checker.text(record, "name", "entity")
        summary = checker.text(record, "summary", "entity")
        date = checker.parsed(record, "date", "entity", _date)
        if date is not None and kind is not None and kind != "event":
            checker.report(record.value_pos["date"], f"only events have a 'date'; put the date of a {kind}'s fact on its claim")
        aliases = []
        for alias, alias_pos in checker.items(record, "aliases", "entity").items_with_pos():
            if not isinstance(alias, str) or not alias.strip():
                checker.report(alias_pos, "an alias must be non-empty text")
            else:
                aliases.append(alias.strip())
        claims = []
        claim_items = checker.items(record, "claims", "entity")
        if kind == "figure" and not claim_items:
            checker.report(record.pos, "a figure needs at least one claim carrying its value")
        for claim_node, claim_pos in claim_items.items_with_pos():
            claim = _claim(checker, claim_node, claim_pos, entity_id or "", sources, source_texts, references)
            if claim is None:
                complete = False
            else:
                claims.append(claim)
        if entity_id is None:
            complete = False
            continue
        if entity_id in entity_pos:
            checker.report(record.value_pos["id"], f"duplicate entity id {entity_id!r} (first at line {entity_pos[entity_id][0]})")
            continue
        entity_pos[entity_id] = record.value_pos["id"]
        if kind is None or entity_name is None or summary is None:
            complete = False
            continue
        entities[entity_id] = Entity(entity_id, kind, entity_name, summary, tuple(aliases), date, tuple(claims))

    for target, where, field_name in references:
        if target not in entity_pos:
            checker.report(where, f"{field_name} refers to unknown entity {target!r}{suggest(target, entity_pos)}")

    if checker.problems or not complete:
        return None, checker.problems
    return FactBase(sources, entities), checker.problems


def _claim(checker: _Checker, node: Node, pos: tuple[int, int], subject: str, sources: dict[str, Source],
           source_texts: dict[str, str] | None, references: list[tuple[str, tuple[int, int], str]]) -> Claim | None:
    record = checker.record(node, CLAIM_FIELDS, "a claim", pos)
    if record is None:
        return None
    before = len(checker.problems)
    text = checker.text(record, "text", "claim")
    relation = checker.parsed(record, "relation", "claim", _choice(RELATIONS, "relation"))
    related = checker.text(record, "related", "claim")
    if relation is not None and related is None and "related" not in record:
        checker.report(record.value_pos["relation"], "a claim with a 'relation' needs 'related': the entity it relates to")
    for key in ("related", "attributed_to"):
        target = checker.text(record, key, "claim")
        if target is not None:
            references.append((target, record.value_pos[key], f"{key!r}"))
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
            checker.report(cite.value_pos["quote"], f"the quote is {len(quote)} characters; keep quotes under {MAX_QUOTE_CHARS}")
        if source is not None and source not in sources:
            checker.report(cite.value_pos["source"], f"citation refers to unknown source {source!r}{suggest(source, sources)}")
        elif source is not None and quote is not None:
            if source_texts is not None and source in source_texts and normalize_quote(quote) not in source_texts[source]:
                checker.report(cite.value_pos["quote"], f"the quote does not appear in {sources[source].file}: {quote[:60]!r}")
            citations.append(Citation(source, quote))
    if len(checker.problems) > before or text is None or not citations:
        return None
    return Claim(text, tuple(citations), relation, related, date, as_of, value, unit, qualifier,
                 attributed_to, attribution, subject)


def _read_sources(checker: _Checker, sources: dict[str, Source], source_pos: dict[str, tuple[int, int]],
                  sources_dir: str | os.PathLike[str]) -> dict[str, str]:
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
