"""``factcli export sqlite|csv``: the fact base as tables other tools read (Datasette, sqlite-utils, spreadsheets).

One set of row generators (``TABLES``) feeds both formats, so the SQLite tables and the CSV
files cannot drift apart. Rows are streamed: each table's generator walks the entities in
file order (``Entities.values()`` decodes one at a time, keeping none), and SQLite takes them
through ``executemany``; nothing holds a whole table. A claim's ``id`` is its position in the
whole base (1, 2, ...) and its ``ordinal`` its position in its entity, both stable for an
unchanged fact file.

Every write goes to a temporary file beside the target and is renamed over it once complete,
so an interrupted export leaves the old file (or none), never half a database.
``sqlite3`` and ``csv`` are imported here only, and this module only by the export command.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .errors import UsageError
from .model import FactBase, Period
from .render import period_json, spreadsheet_safe

Row = tuple[Any, ...]

_SOURCES = ("id", "title", "published", "published_start", "published_end", "published_note", "author",
            "publisher", "url", "file", "sha256")  # fmt: skip
_ENTITIES = ("id", "kind", "name", "summary", "aliases", "date", "date_precision", "date_start", "date_end",
             "date_approximate", "claims", "former_ids")  # fmt: skip
_ALIASES = ("entity_id", "alias", "outside")
_CLAIMS = ("id", "entity_id", "ordinal", "text", "date", "date_precision", "date_start", "date_end",
           "date_approximate", "as_of", "value", "unit", "qualifier", "relation", "related", "attributed_to",
           "attribution", "draft")  # fmt: skip
_CITATIONS = ("id", "claim_id", "source_id", "quote")

SCHEMA = """
CREATE TABLE sources (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, published TEXT NOT NULL, published_start TEXT, published_end TEXT,
    published_note TEXT, author TEXT, publisher TEXT, url TEXT, file TEXT, sha256 TEXT
);
CREATE TABLE entities (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, summary TEXT NOT NULL,
    aliases TEXT, date TEXT, date_precision TEXT, date_start TEXT, date_end TEXT, date_approximate INTEGER,
    claims INTEGER NOT NULL, former_ids TEXT
);
CREATE TABLE aliases (
    entity_id TEXT NOT NULL REFERENCES entities(id), alias TEXT NOT NULL, outside INTEGER NOT NULL,
    PRIMARY KEY (entity_id, alias)
);
CREATE TABLE claims (
    id INTEGER PRIMARY KEY, entity_id TEXT NOT NULL REFERENCES entities(id), ordinal INTEGER NOT NULL,
    text TEXT NOT NULL, date TEXT, date_precision TEXT, date_start TEXT, date_end TEXT, date_approximate INTEGER,
    as_of TEXT, value NUMERIC, unit TEXT, qualifier TEXT, relation TEXT, related TEXT REFERENCES entities(id),
    attributed_to TEXT REFERENCES entities(id), attribution TEXT, draft TEXT
);
CREATE TABLE citations (
    id INTEGER PRIMARY KEY, claim_id INTEGER NOT NULL REFERENCES claims(id),
    source_id TEXT NOT NULL REFERENCES sources(id), quote TEXT NOT NULL
);
"""

INDEXES_AND_VIEWS = """
CREATE INDEX claims_entity ON claims(entity_id);
CREATE INDEX claims_related ON claims(related);
CREATE INDEX claims_attributed_to ON claims(attributed_to);
CREATE INDEX citations_claim ON citations(claim_id);
CREATE INDEX citations_source ON citations(source_id);
CREATE INDEX entities_kind ON entities(kind);
CREATE VIEW relations AS
    SELECT c.entity_id AS "from", c.relation, c.related AS "to", c.id AS claim_id,
           (SELECT group_concat(source_id, '; ')
            FROM (SELECT DISTINCT source_id FROM citations WHERE claim_id = c.id)) AS sources
    FROM claims c WHERE c.relation IS NOT NULL;
CREATE VIEW claims_with_sources AS
    SELECT c.id AS claim_id, c.entity_id, e.name AS entity_name, c.text, c.date, c.value, c.unit,
           s.id AS source_id, s.title AS source_title, s.published AS source_published, s.url AS source_url,
           ci.quote
    FROM claims c JOIN entities e ON e.id = c.entity_id
    JOIN citations ci ON ci.claim_id = c.id JOIN sources s ON s.id = ci.source_id;
CREATE VIEW figures_side_by_side AS
    SELECT e.id AS figure_id, e.name AS figure,
           (SELECT count(DISTINCT value) FROM claims WHERE entity_id = e.id AND value IS NOT NULL) AS values_given,
           c.qualifier, c.value, c.unit, c.as_of, c.date, c.text, c.id AS claim_id,
           (SELECT group_concat(source_id, '; ')
            FROM (SELECT DISTINCT source_id FROM citations WHERE claim_id = c.id)) AS sources
    FROM entities e JOIN claims c ON c.entity_id = e.id
    WHERE e.kind = 'figure' AND c.value IS NOT NULL;
CREATE VIEW timeline AS
    SELECT date_start, date_end, date, date_precision, entity_id, name, text, claim_id, sources FROM (
        SELECT c.date_start, c.date_end, c.date, c.date_precision, c.entity_id, e.name, c.text, c.id AS claim_id,
               (SELECT group_concat(source_id, '; ')
            FROM (SELECT DISTINCT source_id FROM citations WHERE claim_id = c.id)) AS sources
        FROM claims c JOIN entities e ON e.id = c.entity_id WHERE c.date IS NOT NULL
        UNION ALL
        SELECT date_start, date_end, date, date_precision, id, name, summary, NULL, NULL
        FROM entities WHERE date IS NOT NULL
    ) ORDER BY date_start, date_end, entity_id, claim_id;
"""

# Full-text search as sqlite-utils' enable_fts sets it up (``<table>_fts``, content=[<table>]):
# Datasette finds it and shows a search box on the table.
FTS = {
    "entities": ("name", "aliases", "summary"),
    "claims": ("text",),
    "citations": ("quote",),
}


def _period(period: Period | None) -> tuple[Any, ...]:
    if period is None:
        return (None, None, None, None, None)
    text, precision, start, end, approximate = period_json(period)
    return (text, precision, start, end, int(approximate))


def source_rows(facts: FactBase) -> Iterator[Row]:
    for s in facts.sources.values():
        _, _, start, end, _ = period_json(s.published)
        yield (s.id, s.title, str(s.published), start, end, s.published_note, s.author, s.publisher, s.url,
               s.file, s.sha256)  # fmt: skip


def entity_rows(facts: FactBase) -> Iterator[Row]:
    for e in facts.entities.values():
        aliases = "; ".join(e.all_aliases) or None
        former = "; ".join(e.former_ids) or None
        yield (e.id, e.kind, e.name, e.summary, aliases, *_period(e.date), len(e.claims), former)


def alias_rows(facts: FactBase) -> Iterator[Row]:
    for e in facts.entities.values():
        seen = {e.name}
        for outside, names in ((0, e.aliases), (1, e.outside_aliases)):
            for alias in names:
                if alias not in seen:
                    seen.add(alias)
                    yield (e.id, alias, outside)


def claim_rows(facts: FactBase) -> Iterator[Row]:
    claim_id = 0
    for e in facts.entities.values():
        for ordinal, c in enumerate(e.claims, 1):
            claim_id += 1
            yield (claim_id, e.id, ordinal, c.text, *_period(c.date), str(c.as_of) if c.as_of else None, c.value,
                   c.unit, c.qualifier, c.relation, c.related, c.attributed_to, c.attribution, c.draft)  # fmt: skip


def citation_rows(facts: FactBase) -> Iterator[Row]:
    claim_id = citation_id = 0
    for e in facts.entities.values():
        for c in e.claims:
            claim_id += 1
            for citation in c.citations:
                citation_id += 1
                yield (citation_id, claim_id, citation.source, citation.quote)


TABLES: tuple[tuple[str, tuple[str, ...], Callable[[FactBase], Iterator[Row]]], ...] = (
    ("sources", _SOURCES, source_rows),
    ("entities", _ENTITIES, entity_rows),
    ("aliases", _ALIASES, alias_rows),
    ("claims", _CLAIMS, claim_rows),
    ("citations", _CITATIONS, citation_rows),
)


# -- writing atomically --------------------------------------------------------------------
def _temporary_beside(target: Path, suffix: str) -> Path:
    """An empty temporary file in ``target``'s directory (so the rename cannot cross file systems)."""
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    try:
        umask = os.umask(0o022)
        os.umask(umask)
        os.fchmod(handle, 0o666 & ~umask)  # what open() would give the file, not mkstemp's 0600
    finally:
        os.close(handle)
    return Path(name)


def _refuse_directory(target: Path) -> None:
    if target.is_dir():
        raise UsageError(f"{target} is a directory; give a file name (for example facts.db)")
    if not target.parent.is_dir():
        raise UsageError(f"cannot write {target}: no directory {target.parent}")


def _discard(*paths: Path) -> None:
    for path in paths:
        try:
            path.unlink()
        except FileNotFoundError:
            pass


def write_sqlite(facts: FactBase, target: Path, *, on_write: Callable[[str], None] | None = None) -> dict[str, int]:
    """Write the fact base to ``target`` as one SQLite database; return the row count of each table.

    ``on_write`` is called with each table's name before its rows go in (the tests interrupt
    an export there).
    """
    import sqlite3  # noqa: PLC0415 (lazy: only the export command needs sqlite3)

    _refuse_directory(target)
    temporary = _temporary_beside(target, ".tmp")
    counts: dict[str, int] = {}
    try:
        db = sqlite3.connect(temporary, isolation_level=None)
        try:
            # the file is renamed into place only when complete, so no journal is needed
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            db.execute("BEGIN")
            _script(db, SCHEMA)
            for name, columns, rows in TABLES:
                if on_write is not None:
                    on_write(name)
                marks = ", ".join("?" * len(columns))
                cursor = db.executemany(f"INSERT INTO {name} VALUES ({marks})", rows(facts))
                counts[name] = cursor.rowcount
            _script(db, INDEXES_AND_VIEWS)
            for table, columns in FTS.items():
                listed = ", ".join(f"[{c}]" for c in columns)
                db.execute(f"CREATE VIRTUAL TABLE [{table}_fts] USING FTS5 ({listed}, content=[{table}])")
                db.execute(f"INSERT INTO [{table}_fts] (rowid, {listed}) SELECT rowid, {listed} FROM [{table}]")
            db.execute("COMMIT")
        finally:
            db.close()
        os.replace(temporary, target)
    except BaseException:
        _discard(temporary, Path(f"{temporary}-journal"))
        raise
    return counts


def _script(db: Any, script: str) -> None:
    """Each statement of ``script`` in the open transaction (``executescript`` would commit first)."""
    for statement in script.split(";\n"):
        if statement.strip():
            db.execute(statement)


def write_csv(facts: FactBase, directory: Path, *, on_write: Callable[[str], None] | None = None) -> dict[str, int]:
    """Write each table to ``directory/<table>.csv``: all files or none replaced (each is renamed into
    place only once every one is complete)."""
    import csv  # noqa: PLC0415 (lazy: only the export command needs csv)

    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory} is not a directory")
    if not directory.parent.is_dir():
        raise UsageError(f"cannot write {directory}: no directory {directory.parent}")
    created = not directory.exists()
    directory.mkdir(exist_ok=True)
    written: list[tuple[Path, Path]] = []
    counts: dict[str, int] = {}
    try:
        for name, columns, rows in TABLES:
            if on_write is not None:
                on_write(name)
            target = directory / f"{name}.csv"
            temporary = _temporary_beside(target, ".tmp")
            written.append((temporary, target))
            with open(temporary, "w", encoding="utf-8", newline="") as out:
                writer = csv.writer(out, lineterminator="\n")
                writer.writerow(columns)
                counts[name] = 0
                for row in rows(facts):
                    writer.writerow(_csv_cells(row))
                    counts[name] += 1
        for temporary, target in written:
            os.replace(temporary, target)
    except BaseException:
        _discard(*(temporary for temporary, _ in written))
        if created:
            try:
                directory.rmdir()
            except OSError:
                pass
        raise
    return counts


def _csv_cells(row: Row) -> list[str]:
    cells = []
    for value in row:
        if value is None:
            cells.append("")
        elif isinstance(value, (int, float)):
            cells.append(str(value))  # a number is never a formula (a negative one keeps its sign)
        else:
            cells.append(spreadsheet_safe(value))
    return cells


# -- Datasette's metadata ------------------------------------------------------------------
LICENSE = "not stated"  # the code is MIT (pyproject.toml); the fact base states no licence of its own

TABLE_DESCRIPTIONS = {
    "sources": "The articles the fact base cites: title, publication date, publisher, URL.",
    "entities": "People, organizations, places, events and figures, each with a summary in the project's words.",
    "aliases": "Other names of an entity: outside = 1 for a name a reader would type that no article uses.",
    "claims": "One statement about an entity, with its date, number (figures) and relation to another entity.",
    "citations": "Where each claim comes from: a source and a verbatim quote from it.",
    "relations": "Claims that link two entities (spouse, member-of, met-with, ...).",
    "claims_with_sources": "Each claim beside each source it cites and the quote.",
    "figures_side_by_side": "The numbers each source gives for a figure; values_given > 1 is a discrepancy.",
    "timeline": "Dated claims and events, earliest first.",
}


def metadata(facts: FactBase, database: str) -> dict[str, Any]:
    """Datasette's metadata for the exported database named ``database`` (its file name without .db)."""
    links = [
        f'<li><a href="{_html(s.url)}">{_html(s.title)}</a> ({_html(str(s.published))})</li>'
        if s.url
        else f"<li>{_html(s.title)} ({_html(str(s.published))})</li>"
        for s in facts.sources.values()
    ]
    tables: dict[str, Any] = {name: {"description": text} for name, text in TABLE_DESCRIPTIONS.items()}
    tables["entities"].update({"facets": ["kind"], "label_column": "name"})
    tables["citations"]["facets"] = ["source_id"]
    tables["claims"]["facets"] = ["relation"]
    tables["sources"]["label_column"] = "title"
    for table in FTS:
        tables[table]["fts_table"] = f"{table}_fts"
    return {
        "title": "factcli fact base",
        "description_html": (
            "A cited fact base on the Japanese abductees, Charles Robert Jenkins and the Korean repatriation: "
            "every claim carries a verbatim quote from one of these sources:<ul>" + "".join(links) + "</ul>"
        ),
        "license": LICENSE,
        "source": "factcli",
        "databases": {database: {"tables": tables}},
    }


def _html(text: str) -> str:
    import html  # noqa: PLC0415 (lazy: only --metadata needs it)

    return html.escape(text, quote=True)


def write_metadata(facts: FactBase, target: Path, database: str) -> None:
    _refuse_directory(target)
    temporary = _temporary_beside(target, ".tmp")
    try:
        temporary.write_text(json.dumps(metadata(facts, database), indent=2, ensure_ascii=False) + "\n", "utf-8")
        os.replace(temporary, target)
    except BaseException:
        _discard(temporary)
        raise
