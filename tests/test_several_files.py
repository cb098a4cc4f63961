"""A fact base in several files: a folder of fact files, or a fact file that includes others.

The fixtures are small files written here: sources in one file, people in two others, with a
relation and citations that cross from one file to another.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from factcli import cache, parts, store
from factcli.errors import FactBaseError
from factcli.query import PEOPLE_AND_ORGANIZATIONS, Catalog

from .conftest import run_factcli

SOURCES = """\
sources:
  - id: s1
    title: A test article
    published: 2004-05
    file: s1.txt
  - id: s2
    title: Another test article
    published: 2005
    file: s2.txt
"""

PEOPLE_A = """\
entities:
  - id: ada-lovelace
    kind: person
    name: Ada Lovelace
    summary: Mathematician.
    claims:
      - text: Worked with Charles Babbage.
        relation: met-with
        related: charles-babbage
        citations:
          - source: s1
            quote: "worked with Babbage"
"""

PEOPLE_B = """\
entities:
  - id: charles-babbage
    kind: person
    name: Charles Babbage
    summary: Inventor.
    claims:
      - text: Designed the Analytical Engine.
        citations:
          - source: s2
            quote: "the Analytical Engine"
"""

EXTRA = """\
entities:
  - id: grace-hopper
    kind: person
    name: Grace Hopper
    summary: Computer scientist.
    claims:
      - text: Wrote a compiler.
        citations:
          - source: s1
            quote: "a compiler"
"""


def _folder(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _base(tmp_path: Path) -> Path:
    return _folder(tmp_path / "base", {"sources.yaml": SOURCES, "people/a.yaml": PEOPLE_A, "people/b.yaml": PEOPLE_B})


@pytest.fixture
def trust_timestamps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let a file written a moment ago have its digest remembered (normally it must be 2 s old)."""
    monkeypatch.setattr(cache, "now_ns", lambda: time.time_ns() + 10 * cache._RACY_NS)


@pytest.fixture
def checked_files(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the store hands to the checking, in order, over the test (one process: jobs 1)."""
    seen: list[str] = []
    real = store.start_checking

    def spy(jobs, workers):  # type: ignore[no-untyped-def]
        seen.extend(job[1] for job in jobs)
        return real(jobs, 1)

    monkeypatch.setattr(store, "start_checking", spy)
    return seen


def _one_file(tmp_path: Path) -> Path:
    path = tmp_path / "one.yaml"
    path.write_text(SOURCES + PEOPLE_A.replace("entities:\n", "entities:\n", 1) + PEOPLE_B.removeprefix("entities:\n"))
    return path


def test_a_folder_answers_as_the_same_facts_in_one_file(tmp_path: Path, isolated_cache: Path) -> None:
    folder = Catalog.open(_base(tmp_path), jobs=1)
    single = Catalog.open(_one_file(tmp_path))
    assert list(folder.facts.entities) == list(single.facts.entities) == ["ada-lovelace", "charles-babbage"]
    assert list(folder.facts.sources) == ["s1", "s2"]
    ada = folder.lookup("Lovelace", PEOPLE_AND_ORGANIZATIONS).matches[0].entity
    assert ada == single.get("ada-lovelace")
    assert ada.claims[0].related_name == "Charles Babbage"  # named across files


def test_the_command_line_reads_a_folder(tmp_path: Path, isolated_cache: Path) -> None:
    base = _base(tmp_path)
    result = run_factcli("--facts", str(base), "who", "Babbage", "-f", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["id"] == "charles-babbage"
    one = run_factcli("--facts", str(_one_file(tmp_path)), "who", "Babbage", "-f", "json")
    assert result.stdout == one.stdout


def test_a_reference_no_file_resolves_is_reported_where_it_is(tmp_path: Path, isolated_cache: Path) -> None:
    base = _folder(tmp_path / "base", {"sources.yaml": SOURCES, "a.yaml": PEOPLE_A})  # no charles-babbage
    with pytest.raises(FactBaseError) as raised:
        Catalog.open(base, jobs=1)
    [problem] = raised.value.problems
    assert (problem.file, problem.line, problem.column) == (str(base / "a.yaml"), 9, 18)
    assert "unknown entity 'charles-babbage'" in problem.message
    result = run_factcli("check", "--facts", str(base))
    assert result.returncode == 2
    assert f"{base / 'a.yaml'}:9:18: 'related' refers to unknown entity 'charles-babbage'" in result.stderr.decode()


def test_an_unknown_source_in_another_file_is_reported_where_it_is(tmp_path: Path, isolated_cache: Path) -> None:
    base = _folder(tmp_path / "base", {"sources.yaml": SOURCES, "b.yaml": PEOPLE_B.replace("source: s2", "source: s3")})
    with pytest.raises(FactBaseError) as raised:
        store.load(base, jobs=1)
    [problem] = raised.value.problems
    assert (problem.file, problem.line, problem.column) == (str(base / "b.yaml"), 9, 21)
    assert "unknown source 's3'" in problem.message


def test_an_id_given_in_two_files_names_both(tmp_path: Path, isolated_cache: Path) -> None:
    base = _folder(
        tmp_path / "base",
        {"a.yaml": SOURCES, "b.yaml": PEOPLE_B, "c.yaml": PEOPLE_B.replace("name: Charles Babbage", "name: C. B.")},
    )
    with pytest.raises(FactBaseError) as raised:
        store.load(base, jobs=1)
    [problem] = raised.value.problems
    assert (problem.file, problem.line, problem.column) == (str(base / "c.yaml"), 2, 9)
    assert problem.message == f"duplicate entity id 'charles-babbage' (first at {base / 'b.yaml'}:2)"
    for _ in range(2):  # through the caches too, where each checked part's records stay in its cache
        with pytest.raises(FactBaseError) as raised:
            Catalog.open(base, jobs=1)
        assert [str(p) for p in raised.value.problems] == [str(problem)]


def test_a_source_given_in_two_files_names_both(tmp_path: Path, isolated_cache: Path) -> None:
    base = _folder(tmp_path / "base", {"a.yaml": SOURCES, "b.yaml": SOURCES, "c.yaml": PEOPLE_B})
    with pytest.raises(FactBaseError) as raised:
        store.load(base, jobs=1)
    assert [(p.file, p.line) for p in raised.value.problems] == [(str(base / "b.yaml"), 2), (str(base / "b.yaml"), 6)]
    assert raised.value.problems[0].message == f"duplicate source id 's1' (first at {base / 'a.yaml'}:2)"


def test_editing_one_file_checks_that_file_alone(
    tmp_path: Path, isolated_cache: Path, trust_timestamps: None, checked_files: list[str]
) -> None:
    base = _base(tmp_path)
    Catalog.open(base)
    assert len(checked_files) == 3
    checked_files.clear()
    assert Catalog.open(base).get("ada-lovelace") is not None
    assert checked_files == []  # nothing changed: the base's cache answers
    edited = base / "people" / "b.yaml"
    edited.write_text(PEOPLE_B.replace("Inventor.", "Inventor of engines."), encoding="utf-8")
    catalog = Catalog.open(base)
    assert checked_files == [str(edited)]
    assert catalog.get("charles-babbage").summary == "Inventor of engines."  # type: ignore[union-attr]
    assert catalog.get("ada-lovelace").claims[0].related_name == "Charles Babbage"  # type: ignore[union-attr]
    # what the edit replaced is gone: one cache for the base, one part per file
    assert len(list(isolated_cache.glob("*.cache"))) == 1
    assert len(list(isolated_cache.glob("parts/*.part"))) == 3


def test_a_deleted_or_added_file_is_noticed(tmp_path: Path, isolated_cache: Path, trust_timestamps: None) -> None:
    base = _base(tmp_path)
    (base / "extra.yaml").write_text(EXTRA, encoding="utf-8")
    assert "grace-hopper" in Catalog.open(base).facts.entities
    (base / "extra.yaml").unlink()
    assert "grace-hopper" not in Catalog.open(base).facts.entities
    (base / "extra.yaml").write_text(EXTRA, encoding="utf-8")
    assert "grace-hopper" in Catalog.open(base).facts.entities
    (base / "extra.yaml").rename(base / ".hidden.yaml")  # hidden files are not part of the base
    assert "grace-hopper" not in Catalog.open(base).facts.entities


def test_one_job_and_two_write_the_same_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = _base(tmp_path)
    for name in ("x.yaml", "y.yaml", "z.yaml"):
        (base / name).write_text(EXTRA.replace("grace-hopper", f"grace-{name[0]}"), encoding="utf-8")
    written = []
    for jobs in (1, 2):
        directory = tmp_path / f"cache-{jobs}"
        monkeypatch.setenv("FACTCLI_CACHE_DIR", str(directory))
        Catalog.open(base, jobs=jobs)
        [combined] = sorted(directory.glob("*.cache"))
        written.append(
            (combined.name, combined.read_bytes(), sorted(p.read_bytes() for p in directory.glob("parts/*")))
        )
    assert written[0] == written[1]
    assert len(written[0][2]) == 6


def test_a_fact_file_includes_others_in_order(tmp_path: Path, isolated_cache: Path, trust_timestamps: None) -> None:
    _folder(tmp_path, {"more/b.yaml": PEOPLE_B, "more/a.yaml": PEOPLE_A, "extra/x.yaml": EXTRA})
    root = tmp_path / "facts.yaml"
    root.write_text(SOURCES + "include:\n  - more/*.yaml\n  - extra/*.yaml\n  - more/a.yaml\n", encoding="utf-8")
    for _ in range(2):  # cold, then from the caches
        catalog = Catalog.open(root)
        assert list(catalog.facts.entities) == ["ada-lovelace", "charles-babbage", "grace-hopper"]
    (tmp_path / "extra" / "x.yaml").unlink()
    with pytest.raises(FactBaseError) as raised:
        Catalog.open(root)
    [problem] = raised.value.problems
    assert (problem.file, problem.line, problem.column) == (str(root), 12, 5)
    assert problem.message == "include pattern 'extra/*.yaml' matches no file"


def test_only_the_named_file_may_include(tmp_path: Path, isolated_cache: Path) -> None:
    _folder(tmp_path, {"more/a.yaml": PEOPLE_A + "include:\n  - '*.yaml'\n", "more/b.yaml": PEOPLE_B})
    root = tmp_path / "facts.yaml"
    root.write_text(SOURCES + "include:\n  - more/*.yaml\n", encoding="utf-8")
    with pytest.raises(FactBaseError) as raised:
        store.load(root, jobs=1)
    [problem] = raised.value.problems
    assert (problem.file, problem.line) == (str(tmp_path / "more" / "a.yaml"), 13)
    assert "unknown field 'include'" in problem.message


def test_a_folder_without_fact_files_is_one_clear_error(tmp_path: Path, isolated_cache: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run_factcli("--facts", str(tmp_path / "empty"), "who", "Ada")
    assert result.returncode == 2
    assert result.stderr.decode().strip() == (
        f"factcli: {tmp_path / 'empty'}: is a directory with no *.yaml fact file under it"
    )


# -- one large file, checked in pieces at once ------------------------------------------------------
def _many(count: int, extra: str = "") -> str:
    people = "".join(
        f"  - id: person-{n}\n    kind: person\n    name: Person Number{n}\n    summary: Someone.\n    claims:\n"
        f"      - text: Met person {max(n - 1, 0)}.\n        relation: met-with\n        related: person-{max(n - 1, 0)}\n"
        f'        citations:\n          - source: s{1 + n % 2}\n            quote: "met"\n'
        for n in range(count)
    )
    return SOURCES + "entities:\n" + people + extra


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parts, "_PIECE_MIN_BYTES", 0)  # a fixture-sized file is cut too (forked workers inherit it)


def test_a_file_in_pieces_writes_the_cache_one_process_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_pieces: None
) -> None:
    path = tmp_path / "many.yaml"
    path.write_text(_many(40), encoding="utf-8")
    assert parts.entity_pieces(path.read_bytes(), 2) is not None
    used = []
    real = store.check_in_pieces
    monkeypatch.setattr(store, "check_in_pieces", lambda *args: used.append(real(*args)) or used[-1])
    written = []
    for jobs in (1, 2):
        directory = tmp_path / f"cache-{jobs}"
        monkeypatch.setenv("FACTCLI_CACHE_DIR", str(directory))
        catalog = Catalog.open(path, jobs=jobs)
        assert catalog.get("person-39").claims[0].related_name == "Person Number38"  # type: ignore[union-attr]
        [written_cache] = directory.glob("*.cache")
        written.append(written_cache.read_bytes())
    assert written[0] == written[1]
    assert used[0] is None and used[1] is not None and len(used[1]) == 2  # one process, then two pieces


def test_a_file_in_pieces_reports_problems_as_one_process_does(tmp_path: Path, small_pieces: None) -> None:
    path = tmp_path / "many.yaml"
    path.write_text(
        _many(40).replace("related: person-30", "related: person-x").replace("id: person-35", "id: person-3")
    )
    reported = []
    for jobs in (1, 2):
        with pytest.raises(FactBaseError) as raised:
            Catalog.open(path, use_cache=False, jobs=jobs)
        reported.append([str(problem) for problem in raised.value.problems])
    assert reported[0] == reported[1]
    assert any("duplicate entity id 'person-3' (first at line" in line for line in reported[0])


@pytest.mark.parametrize(
    "text",
    [
        _many(40, "include:\n  - x.yaml\n"),  # a top-level key after the entities
        "include: []\n" + _many(40),  # include: before them
        SOURCES + "entities: [" + ", ".join(f"{{id: p{n}}}" for n in range(40)) + "]\n",  # flow style
    ],
    ids=["key-after", "include", "flow"],
)
def test_only_the_plain_layout_is_cut(text: str, small_pieces: None) -> None:
    assert parts.entity_pieces(text.encode(), 2) is None


def test_a_cut_inside_a_quoted_text_changes_nothing(tmp_path: Path, small_pieces: None) -> None:
    quoted = '    summary: "A text that runs on\n  - id: not-an-entity\n  and on."\n'
    text = _many(40).replace("name: Person Number19\n    summary: Someone.\n", "name: Person Number19\n" + quoted)
    path = tmp_path / "many.yaml"
    path.write_text(text, encoding="utf-8")
    [(_, cut), _] = parts.entity_pieces(text.encode(), 2)  # type: ignore[misc]
    assert text.encode()[cut:].startswith(b"  - id: not-an-entity")  # the cut falls inside the text
    outcomes = []
    for jobs in (1, 2):
        try:
            catalog = Catalog.open(path, use_cache=False, jobs=jobs)
            outcomes.append(("ok", [entity.summary for entity in catalog.entities()]))
        except FactBaseError as error:
            outcomes.append(("error", [str(problem) for problem in error.problems]))
    assert outcomes[0] == outcomes[1]


def test_check_sources_holds_every_file_to_the_texts(tmp_path: Path, isolated_cache: Path) -> None:
    texts = {
        "texts/s1.txt": "Ada worked with Babbage on the engine.\n",
        "texts/s2.txt": "He built the Analytical Engine.\n",
    }
    base = _folder(
        tmp_path / "base",
        {
            "sources.yaml": SOURCES.replace("file: s1.txt", "file: texts/s1.txt").replace(
                "file: s2.txt", "file: texts/s2.txt"
            ),
            "a.yaml": PEOPLE_A,
            "b.yaml": PEOPLE_B.replace('"the Analytical Engine"', '"the Difference Engine"'),
            **texts,
        },
    )
    result = run_factcli("check", "--facts", str(base), "--sources", str(tmp_path))
    assert result.returncode == 2
    lines = result.stderr.decode().splitlines()
    assert lines[0] == f"{base / 'b.yaml'}:10:20: the quote does not appear in texts/s2.txt: 'the Difference Engine'"
    (base / "b.yaml").write_text(PEOPLE_B, encoding="utf-8")
    result = run_factcli("check", "--facts", str(base), "--sources", str(tmp_path))
    assert result.returncode == 0, result.stderr


def test_editing_an_included_file_checks_that_file_alone(
    tmp_path: Path,
    isolated_cache: Path,
    trust_timestamps: None,
    checked_files: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = store.check_part

    def spy(data, name, member, keep):  # type: ignore[no-untyped-def]
        checked_files.append(name)
        return real(data, name, member, keep)

    monkeypatch.setattr(store, "check_part", spy)
    _folder(tmp_path, {"more/a.yaml": PEOPLE_A, "more/b.yaml": PEOPLE_B})
    root = tmp_path / "facts.yaml"
    root.write_text(SOURCES + "include:\n  - more/*.yaml\n", encoding="utf-8")
    Catalog.open(root)
    assert sorted(checked_files) == sorted(
        [str(root), str(tmp_path / "more" / "a.yaml"), str(tmp_path / "more" / "b.yaml")]
    )
    checked_files.clear()
    assert Catalog.open(root).get("ada-lovelace") is not None
    assert checked_files == []
    (tmp_path / "more" / "b.yaml").write_text(PEOPLE_B.replace("Inventor.", "Engine maker."), encoding="utf-8")
    assert Catalog.open(root).get("charles-babbage").summary == "Engine maker."  # type: ignore[union-attr]
    assert checked_files == [str(tmp_path / "more" / "b.yaml")]
    checked_files.clear()
    root.write_text(SOURCES + "include:\n  - more/a.yaml\n", encoding="utf-8")  # the root edited: b left out
    with pytest.raises(FactBaseError) as raised:
        Catalog.open(root)
    assert [(p.file, p.line) for p in raised.value.problems] == [(str(tmp_path / "more" / "a.yaml"), 9)]


def test_check_strict_finds_drafts_in_every_file(tmp_path: Path, isolated_cache: Path) -> None:
    drafted = PEOPLE_B.replace(
        "      - text: Designed the Analytical Engine.\n",
        "      - text: Designed the Analytical Engine.\n        draft: as written\n",
    )
    base = _folder(tmp_path / "base", {"sources.yaml": SOURCES, "a.yaml": PEOPLE_A, "b.yaml": drafted})
    result = run_factcli("check", "--facts", str(base), "--strict")
    assert result.returncode == 1
    assert f"{base / 'b.yaml'}:7:9: draft: the claim is still the source's words" in result.stderr.decode()


def test_sources_add_refuses_a_folder_before_writing_anything(tmp_path: Path, isolated_cache: Path) -> None:
    base = _base(tmp_path)
    text = tmp_path / "new.txt"
    text.write_text("A new article.\n", encoding="utf-8")
    before = sorted(p.read_bytes() for p in base.rglob("*") if p.is_file())
    result = run_factcli(
        "--facts", str(base), "sources", "add", str(text), "--id", "s3", "--title", "T", "--published", "2020"
    )
    assert result.returncode == 2
    assert result.stderr.decode().count("\n") == 1 and "is a folder of fact files" in result.stderr.decode()
    assert sorted(p.read_bytes() for p in base.rglob("*") if p.is_file()) == before


def test_completion_reads_a_warm_folder_and_never_parses(
    tmp_path: Path, isolated_cache: Path, trust_timestamps: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = _base(tmp_path)
    with pytest.raises((OSError, LookupError, cache.CacheCorrupt)):
        store.complete_names("Char", base)  # nothing cached yet: no answer, and no parse either
    Catalog.open(base)
    monkeypatch.setattr(store, "check_part", lambda *args: pytest.fail("completion parsed a file"))
    assert store.complete_names("Char", base) == ["Charles Babbage"]
    assert store.complete_names("ada", base, ids=True) == ["ada-lovelace"]
    (base / "people" / "b.yaml").write_text(PEOPLE_B.replace("Inventor.", "Maker."), encoding="utf-8")
    with pytest.raises(LookupError):
        store.complete_names("Char", base)  # a file changed: no stale names


def test_a_damaged_part_is_checked_again_and_rewritten(
    tmp_path: Path, isolated_cache: Path, trust_timestamps: None, checked_files: list[str]
) -> None:
    base = _base(tmp_path)
    Catalog.open(base)
    edited = base / "people" / "a.yaml"
    edited.write_text(PEOPLE_A.replace("Mathematician.", "Mathematician and writer."), encoding="utf-8")
    [part_b] = [p for p in isolated_cache.glob("parts/*.part") if b"Analytical Engine" in p.read_bytes()]
    damaged = bytearray(part_b.read_bytes())
    damaged[-3] ^= 0xFF  # one byte of the records: the part fails its CRC
    part_b.write_bytes(bytes(damaged))
    checked_files.clear()
    catalog = Catalog.open(base)
    assert checked_files == [str(edited)]  # started first; the damaged part is found as it is read
    assert catalog.get("charles-babbage").summary == "Inventor."  # type: ignore[union-attr]
    assert catalog.get("ada-lovelace").summary == "Mathematician and writer."  # type: ignore[union-attr]
    cache.read_part(part_b)  # checked again and rewritten whole: it passes its CRC
