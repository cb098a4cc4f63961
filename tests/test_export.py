"""`factcli export sqlite|csv`: the database opens in Datasette and sqlite-utils as it is meant to, and
no export leaves half a file behind."""

from __future__ import annotations

import asyncio
import csv
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from factcli import export
from factcli.query import Catalog

from .conftest import ROOT

FACTS = ROOT / "facts.yaml"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.open(FACTS, use_cache=False)


@pytest.fixture(scope="module")
def stats(catalog: Catalog) -> dict[str, Any]:
    return catalog.stats()


@pytest.fixture(scope="module")
def database(catalog: Catalog, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "facts.db"
    export.write_sqlite(catalog.facts, path)
    return path


def _datasette_get(path: Path, *urls: str, metadata: dict[str, Any] | None = None) -> list[Any]:
    from datasette.app import Datasette

    async def fetch() -> list[Any]:
        ds = Datasette([str(path)], metadata=metadata)
        results = []
        for url in urls:
            response = await ds.client.get(url)
            assert response.status_code == 200, (url, response.text[:300])
            results.append(response.json())
        return results

    return asyncio.run(fetch())


def test_the_cli_writes_a_database_and_metadata(cli, tmp_path: Path) -> None:
    target, meta = tmp_path / "facts.db", tmp_path / "metadata.json"
    result = cli("--facts", str(FACTS), "export", "sqlite", str(target), "--metadata", str(meta))
    assert result.exit_code == 0, result.stderr
    assert "entities" in result.stderr and result.stdout == ""
    with sqlite3.connect(target) as db:
        assert db.execute("select count(*) from entities").fetchone()[0] > 0
    data = json.loads(meta.read_text("utf-8"))
    assert data["license"] == "not stated"
    assert data["databases"]["facts"]["tables"]["entities"]["facets"] == ["kind"]
    assert data["databases"]["facts"]["tables"]["citations"]["facets"] == ["source_id"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_datasette_sees_every_entity_and_claim_searches_and_facets(
    database: Path, stats: dict[str, Any], catalog: Catalog
) -> None:
    name = database.stem
    total = {"entities": stats["entities"], "claims": stats["claims"], "citations": stats["citations"]}
    urls = [f"/{name}/{table}.json?_size=1&_shape=objects" for table in total]
    urls += [
        f"/{name}/entities.json?_search=amnesty&_shape=objects",
        f"/{name}/claims.json?_search=amnesty&_shape=objects&_size=max",
        f"/{name}/entities.json?_facet=kind&_size=0",
        f"/{name}/sources.json?_shape=array",
    ]
    *tables, entities_hit, claims_hit, facet, sources = _datasette_get(database, *urls)
    for (table, count), page in zip(total.items(), tables, strict=True):
        assert page["filtered_table_rows_count"] == count, table
    assert "charles-robert-jenkins" in {row["id"] for row in entities_hit["rows"]}
    assert claims_hit["rows"] and any("amnesty" in row["text"].lower() for row in claims_hit["rows"])
    counted = {item["value"]: item["count"] for item in facet["facet_results"]["kind"]["results"]}
    assert counted == {k: n for k, n in stats["by_kind"].items() if n}
    assert sorted(s["id"] for s in sources) == sorted(catalog.facts.sources)


def test_sqlite_utils_sees_the_tables_keys_and_search(database: Path, stats: dict[str, Any]) -> None:
    import sqlite_utils

    db = sqlite_utils.Database(database)
    assert {"sources", "entities", "aliases", "claims", "citations"} <= set(db.table_names())
    assert {"relations", "claims_with_sources", "figures_side_by_side", "timeline"} <= set(db.view_names())
    assert db["entities"].pks == ["id"] and db["claims"].pks == ["id"]
    keys = {(fk.column, fk.other_table, fk.other_column) for fk in db["claims"].foreign_keys}
    assert keys == {("entity_id", "entities", "id"), ("related", "entities", "id"), ("attributed_to", "entities", "id")}
    keys = {(fk.column, fk.other_table) for fk in db["citations"].foreign_keys}
    assert keys == {("claim_id", "claims"), ("source_id", "sources")}
    assert db["entities"].detect_fts() == "entities_fts"
    assert "charles-robert-jenkins" in {row["id"] for row in db["entities"].search("amnesty")}
    assert list(db["citations"].search("amnesty", limit=1))
    assert db["claims"].count == stats["claims"]


def test_the_database_is_sound_and_keeps_numbers_and_dates(database: Path, stats: dict[str, Any]) -> None:
    with sqlite3.connect(database) as db:
        assert db.execute("pragma integrity_check").fetchall() == [("ok",)]
        assert db.execute("pragma foreign_key_check").fetchall() == []
        types = dict(db.execute("select typeof(value), count(*) from claims where value is not null group by 1"))
        assert set(types) <= {"integer", "real"} and types
        assert db.execute("select count(*) from claims where date is not null").fetchone()[0] == stats["dated_claims"]
        first = db.execute("select min(date_start), max(date_end) from timeline").fetchone()
        assert list(first) == stats["date_span"]
        rows = db.execute("select count(*) from claims where relation is not null").fetchone()[0]
        assert db.execute("select count(*) from relations").fetchone()[0] == rows
        cited = db.execute("select count(*) from claims_with_sources").fetchone()[0]
        assert cited == stats["citations"]


@pytest.mark.parametrize("table", ["entities", "claims"])
def test_an_interrupted_export_leaves_no_file(catalog: Catalog, tmp_path: Path, table: str) -> None:
    def interrupt(name: str) -> None:
        if name == table:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export.write_sqlite(catalog.facts, tmp_path / "facts.db", on_write=interrupt)
    with pytest.raises(KeyboardInterrupt):
        export.write_csv(catalog.facts, tmp_path / "csv", on_write=interrupt)
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_export_keeps_the_old_file(catalog: Catalog, tmp_path: Path) -> None:
    target = tmp_path / "facts.db"
    target.write_bytes(b"old")

    def fail(name: str) -> None:
        if name == "citations":
            raise OSError("disk full")

    with pytest.raises(OSError):
        export.write_sqlite(catalog.facts, target, on_write=fail)
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["facts.db"]


def test_a_directory_or_a_missing_one_is_refused(cli, tmp_path: Path) -> None:
    for args in (
        ("export", "sqlite", str(tmp_path)),
        ("export", "sqlite", str(tmp_path / "nowhere" / "facts.db")),
        ("export", "sqlite", str(tmp_path / "facts.db"), "--metadata", str(tmp_path)),
    ):
        result = cli("--facts", str(FACTS), *args)
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("factcli: error:")
    (tmp_path / "file").write_text("x")
    result = cli("--facts", str(FACTS), "export", "csv", str(tmp_path / "file"))
    assert result.exit_code == 2 and "not a directory" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_csv_has_the_same_tables_and_rows(cli, database: Path, tmp_path: Path) -> None:
    result = cli("--facts", str(FACTS), "export", "csv", str(tmp_path / "csv"))
    assert result.exit_code == 0, result.stderr
    files = sorted(p.name for p in (tmp_path / "csv").iterdir())
    assert files == ["aliases.csv", "citations.csv", "claims.csv", "entities.csv", "sources.csv"]
    with sqlite3.connect(database) as db:
        for name in files:
            table = name.removesuffix(".csv")
            with open(tmp_path / "csv" / name, encoding="utf-8", newline="") as handle:
                rows = list(csv.reader(handle))
            columns = [row[1] for row in db.execute(f"pragma table_info({table})")]
            assert rows[0] == columns
            assert len(rows) - 1 == db.execute(f"select count(*) from {table}").fetchone()[0]


def test_csv_cells_are_not_formulas() -> None:
    assert export._csv_cells(("=HYPERLINK(1)", "-5", -5, 2.5, None, "+x", "@x")) == [
        "'=HYPERLINK(1)",
        "-5",
        "-5",
        "2.5",
        "",
        "'+x",
        "'@x",
    ]


def test_export_imports_sqlite3_and_csv_only_when_run() -> None:
    import subprocess
    import sys

    code = "import sys, factcli.cli; print('sqlite3' in sys.modules, 'csv' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
