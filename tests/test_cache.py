"""The index cache: keyed by content, rebuilt when stale or damaged, never required."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from factcli import cache
from factcli.query import PEOPLE_AND_ORGANIZATIONS, Catalog
from factcli.store import LAYOUT

from .conftest import FIXTURES, MINIMAL, run_factcli, write_facts


def from_cache(catalog: Catalog) -> bool:
    """Whether the catalog's entities are read from a cache file (else kept from parsing the YAML)."""
    return isinstance(catalog.facts.entities._records, cache.RecordTable)  # type: ignore[attr-defined]


def cache_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.cache"))


def names(catalog: Catalog, query: str) -> list[str]:
    return [m.entity.name for m in catalog.lookup(query, PEOPLE_AND_ORGANIZATIONS).matches]


@pytest.fixture
def trust_timestamps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let a file written a moment ago have its digest remembered (normally it must be 2 s old)."""
    monkeypatch.setattr(cache, "now_ns", lambda: time.time_ns() + 10 * cache._RACY_NS)


def test_the_first_open_writes_a_cache_and_the_second_reads_it(tmp_path: Path, isolated_cache: Path) -> None:
    facts = write_facts(tmp_path, MINIMAL)
    cold = Catalog.open(facts)
    assert not from_cache(cold)
    assert len(cache_files(isolated_cache)) == 1
    warm = Catalog.open(facts)
    assert from_cache(warm)
    assert names(warm, "Lovelace") == names(cold, "Lovelace") == ["Ada Lovelace"]
    assert warm.get("ada-lovelace") == cold.get("ada-lovelace")
    assert list(warm.facts.entities) == list(cold.facts.entities)
    assert warm.facts.sources == cold.facts.sources


def test_a_cached_fact_base_round_trips_exactly(isolated_cache: Path) -> None:
    facts = FIXTURES / "mini.yaml"
    cold = Catalog.open(facts, use_cache=False)
    Catalog.open(facts)
    warm = Catalog.open(facts)
    assert from_cache(warm)
    assert list(warm.facts.entities.values()) == list(cold.facts.entities.values())
    assert dict(warm.facts.sources) == cold.facts.sources
    assert warm.stats() == cold.stats()
    for entity in cold.facts.entities.values():
        assert warm.facts.entities.name_of(entity.id) == cold.facts.entities.name_of(entity.id) == entity.name
        assert warm.index.labels(list(cold.facts.entities).index(entity.id)) == [entity.name, *entity.all_aliases]
    assert warm.facts.entities.name_of("no-such-id") == "no-such-id"


def test_editing_the_fact_file_gives_new_answers(tmp_path: Path, isolated_cache: Path) -> None:
    facts = write_facts(tmp_path, MINIMAL)
    assert names(Catalog.open(facts), "Lovelace") == ["Ada Lovelace"]
    assert names(Catalog.open(facts), "Lovelace") == ["Ada Lovelace"]
    facts.write_text(MINIMAL.replace("Ada Lovelace", "Ada Byron").replace("[Lovelace]", "[Byron]"), encoding="utf-8")
    assert names(Catalog.open(facts), "Byron") == ["Ada Byron"]
    assert names(Catalog.open(facts), "Lovelace") == []
    assert len(cache_files(isolated_cache)) == 2  # one per content; the old one is never read again


def test_a_remembered_digest_is_dropped_when_the_file_changes(
    tmp_path: Path, isolated_cache: Path, trust_timestamps: None
) -> None:
    facts = write_facts(tmp_path, MINIMAL)
    Catalog.open(facts)
    assert cache.known_digest(str(facts), os.stat(facts)) is not None  # the next open will not hash
    assert from_cache(Catalog.open(facts))
    time.sleep(0.02)  # past the file system's timestamp granularity
    edited = MINIMAL.replace("Ada Lovelace", "Ada Byronics").replace("[Lovelace]", "[Byronics]")
    assert len(edited) == len(MINIMAL)  # same size: only the timestamps tell
    facts.write_text(edited, encoding="utf-8")
    assert cache.known_digest(str(facts), os.stat(facts)) is None
    assert names(Catalog.open(facts), "Byronics") == ["Ada Byronics"]
    assert names(Catalog.open(facts), "Byronics") == ["Ada Byronics"]
    # the old content's cache was removed when its file changed
    assert len(cache_files(isolated_cache)) == 1


def test_a_just_written_file_is_not_trusted_by_its_timestamps(tmp_path: Path) -> None:
    facts = write_facts(tmp_path, MINIMAL)
    Catalog.open(facts)
    assert cache.known_digest(str(facts), os.stat(facts)) is None


def test_the_cli_sees_an_edit_between_two_runs(tmp_path: Path) -> None:
    facts = write_facts(tmp_path, MINIMAL)
    first = run_factcli("--facts", str(facts), "who", "Lovelace", "--format", "json")
    assert first.returncode == 0 and b"Ada Lovelace" in first.stdout
    facts.write_text(MINIMAL.replace("Ada Lovelace", "Ada Byron"), encoding="utf-8")
    second = run_factcli("--facts", str(facts), "who", "Lovelace", "--format", "json")
    assert second.returncode == 0 and b"Ada Byron" in second.stdout and b"Ada Lovelace" not in second.stdout


@pytest.mark.parametrize(
    "damage", ["truncate", "empty", "garbage", "flip-meta", "flip-index", "flip-record", "wrong-magic"]
)
def test_a_damaged_cache_is_ignored_and_rebuilt(
    tmp_path: Path, isolated_cache: Path, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    facts = FIXTURES / "mini.yaml"
    expected = Catalog.open(facts, use_cache=False)
    Catalog.open(facts)
    [path] = cache_files(isolated_cache)
    data = bytearray(path.read_bytes())
    meta_offset = int.from_bytes(data[8:16], "little")
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "empty":
        data = bytearray()
    elif damage == "garbage":
        data = bytearray(os.urandom(len(data)))
    elif damage == "flip-meta":
        data[meta_offset + 20] ^= 0xFF
    elif damage == "flip-index":
        data[cache._HEAD.size + 12] ^= 0xFF  # the name index's first table
    elif damage == "flip-record":
        data[meta_offset - 200] ^= 0x55  # inside the last entity records, checked only when read
    else:
        data[:8] = b"FACTCLI\x01"
    path.write_bytes(bytes(data))

    catalog = Catalog.open(facts)
    assert [list(catalog.facts.entities.values())] == [list(expected.facts.entities.values())]
    assert catalog.stats() == expected.stats()
    for query in ("Tanaka", "Aiko Tanaka", "Kenji"):
        assert names(catalog, query) == names(expected, query)
    assert [w for w in catalog.warnings if "damaged cache" in w] == catalog.warnings != []  # said, not printed
    assert capsys.readouterr().err == ""
    # and the cache is whole again
    rebuilt = Catalog.open(facts)
    assert from_cache(rebuilt)
    assert list(rebuilt.facts.entities.values()) == list(expected.facts.entities.values())
    assert rebuilt.warnings == []


def test_read_raises_cache_corrupt_not_anything_else(tmp_path: Path, isolated_cache: Path) -> None:
    facts = FIXTURES / "mini.yaml"
    built = Catalog.open(facts)
    [path] = cache_files(isolated_cache)
    good = path.read_bytes()
    for cut in range(0, len(good), max(1, len(good) // 97)):
        path.write_bytes(good[:cut])
        with pytest.raises(cache.CacheCorrupt):
            cache.read(path, built.facts.digest, LAYOUT)
    path.write_bytes(good)
    with pytest.raises(cache.CacheCorrupt):
        cache.read(path, "0" * 64, LAYOUT)  # another content's digest: stale
    with pytest.raises(FileNotFoundError):
        cache.read(path.with_name("missing.cache"), built.facts.digest, LAYOUT)


def test_a_cache_dir_that_cannot_be_created_only_costs_speed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("FACTCLI_CACHE_DIR", str(blocker / "cache"))
    facts = write_facts(tmp_path, MINIMAL)
    for _ in range(2):
        assert names(Catalog.open(facts), "Lovelace") == ["Ada Lovelace"]
    assert capsys.readouterr().err == ""


def test_a_read_only_cache_dir_only_costs_speed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    facts = write_facts(tmp_path, MINIMAL)

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(30, "Read-only file system")

    # root ignores permission bits, so refuse the writes themselves
    monkeypatch.setattr(cache.os, "replace", refuse)
    for _ in range(2):
        catalog = Catalog.open(facts)
        assert names(catalog, "Lovelace") == ["Ada Lovelace"]
        assert not from_cache(catalog)
    assert cache_files(isolated_cache) == []
    assert not list(isolated_cache.glob(".tmp-*"))  # no half-written file left behind
    assert capsys.readouterr().err == ""


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores permission bits")
def test_a_read_only_cache_dir_by_permissions(tmp_path: Path, isolated_cache: Path) -> None:
    facts = write_facts(tmp_path, MINIMAL)
    isolated_cache.chmod(0o555)
    try:
        assert names(Catalog.open(facts), "Lovelace") == ["Ada Lovelace"]
        assert cache_files(isolated_cache) == []
    finally:
        isolated_cache.chmod(0o755)


def test_a_read_only_cache_dir_still_serves_a_cache_written_before(
    tmp_path: Path, isolated_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    facts = write_facts(tmp_path, MINIMAL)
    Catalog.open(facts)
    monkeypatch.setattr(cache.os, "replace", lambda *a, **k: (_ for _ in ()).throw(PermissionError(30, "read-only")))
    catalog = Catalog.open(facts)
    assert from_cache(catalog)
    assert names(catalog, "Lovelace") == ["Ada Lovelace"]


def test_no_cache_neither_reads_nor_writes(tmp_path: Path, isolated_cache: Path) -> None:
    facts = write_facts(tmp_path, MINIMAL)
    result = run_factcli(
        "--no-cache",
        "--facts",
        str(facts),
        "who",
        "Lovelace",
        "--format",
        "json",
        env={"FACTCLI_CACHE_DIR": str(isolated_cache)},
    )
    assert result.returncode == 0, result.stderr
    assert list(isolated_cache.iterdir()) == []
    Catalog.open(facts)
    [path] = cache_files(isolated_cache)
    path.write_bytes(b"garbage")
    result = run_factcli(
        "who", "Lovelace", "--no-cache", "--facts", str(facts), env={"FACTCLI_CACHE_DIR": str(isolated_cache)}
    )
    assert result.returncode == 0 and b"damaged" not in result.stderr
    assert path.read_bytes() == b"garbage"


def test_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FACTCLI_CACHE_DIR", str(tmp_path / "explicit"))
    assert cache.cache_dir() == tmp_path / "explicit"
    monkeypatch.delenv("FACTCLI_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "factcli"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "factcli"


def test_help_version_and_completion_never_read_the_fact_base(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-facts.yaml"
    env = {"FACTCLI_FACTS": str(missing)}
    for args in (["--help"], ["--version"], ["who", "--help"]):
        result = run_factcli(*args, env=env)
        assert result.returncode == 0, (args, result.stderr)
        assert b"no such file" not in result.stderr
    # completion reads only a warm cache, so an absent fact file completes nothing, quietly
    result = run_factcli(
        env={**env, "_FACTCLI_COMPLETE": "complete_bash", "COMP_WORDS": "factcli who Jen", "COMP_CWORD": "2"}
    )
    assert result.returncode == 0 and result.stderr == b""


def test_the_warm_path_imports_neither_yaml_nor_rich(tmp_path: Path) -> None:
    facts = write_facts(tmp_path, MINIMAL)
    code = (
        "import sys; sys.argv = ['factcli', '--facts', %r, 'who', 'Lovelace', '--format', 'json'];"
        "from factcli.cli import main\n"
        "try: main()\n"
        "except SystemExit: pass\n"
        "print(sorted(m for m in ('yaml', 'rich', 'hashlib', 'factcli.check') if m in sys.modules), file=sys.stderr)"
    )
    import subprocess
    import sys

    for run in ("cold", "warm"):
        result = subprocess.run(
            [sys.executable, "-c", code % str(facts)],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "FACTCLI_CACHE_DIR": str(tmp_path / "cache")},
        )
        loaded = result.stderr.strip().splitlines()[-1]
        if run == "cold":
            assert "yaml" in loaded
        else:
            # a file this new is hashed again (hashlib), but never parsed, validated or drawn
            assert loaded in ("['hashlib']", "[]"), loaded
    assert "Ada Lovelace" in result.stdout


# -- the batch's JSON, written field by field -------------------------------------------
def _batch_json_as_dumps_writes_it(catalog: Catalog, answers: list, fmt: str, ascii_only: bool) -> str:
    """The batch as ``json.dumps`` writes it (through ``_dumps``, with its extra escapes) from the dicts."""
    from factcli.render import _dumps, _status_word, entity_json

    def rows(answer) -> list:
        return [entity_json(m.entity, m.score, m.matched) for m in answer.matches]

    if fmt == "jsonl":
        return "".join(_dumps(rows(a), ensure_ascii=ascii_only) + "\n" for a in answers)
    documents = [{"query": a.query, "status": _status_word(a), "matches": rows(a)} for a in answers]
    return _dumps(documents, ensure_ascii=ascii_only, indent=None) + "\n"


def _hostile_facts() -> str:
    from .robustness.test_robust_hostile_valid import hostile_facts

    return hostile_facts()


@pytest.mark.parametrize("base", ["shipped", "mini", "hostile"])
def test_the_batch_json_is_what_json_dumps_writes(tmp_path: Path, base: str) -> None:
    import io

    from factcli.query import ALL_KINDS
    from factcli.render import Environment, renderer_for

    from .conftest import ROOT

    facts = {"shipped": ROOT / "facts.yaml", "mini": FIXTURES / "mini.yaml"}.get(base) or write_facts(
        tmp_path, _hostile_facts()
    )
    Catalog.open(facts)
    warm, cold = Catalog.open(facts), Catalog.open(facts, use_cache=False)
    assert from_cache(warm)
    queries = [label for entity in cold.entities() for label in (entity.name, *entity.all_aliases)]
    queries += ["Kim", "Jenkins", "1,800", "nobody at all", "the"]
    for catalog in (warm, cold):
        answers = [catalog.lookup(q, ALL_KINDS) for q in queries]
        for fmt in ("jsonl", "json"):
            for encoding in ("utf-8", "latin-1", "ascii"):
                out = io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="strict", newline="\n")
                renderer_for(fmt, Environment(out)).batch(answers)
                out.flush()
                written = out.buffer.getvalue().decode(encoding)  # type: ignore[attr-defined]
                assert written == _batch_json_as_dumps_writes_it(catalog, answers, fmt, encoding != "utf-8"), (
                    fmt,
                    encoding,
                )


def test_json_values_are_written_as_the_encoder_writes_them() -> None:
    import json

    from factcli.render import _JsonText

    text = _JsonText(ascii_only=True)
    for value in (
        None,
        True,
        False,
        0,
        -7,
        10**30,
        1.5,
        100.0,
        1e-7,
        2.5e300,
        float("nan"),
        float("inf"),
        -float("inf"),
        "",
        'Kōichirō \u202e \x7f "quoted" \\',
        ["a", 1],
    ):
        assert text.value(value) == json.JSONEncoder(ensure_ascii=True).encode(value)


def test_a_match_from_the_cache_decodes_its_entity_only_when_asked() -> None:
    facts = FIXTURES / "mini.yaml"
    Catalog.open(facts)
    warm, cold = Catalog.open(facts), Catalog.open(facts, use_cache=False)
    for query in ("Tanaka", "Aiko Tanaka", "Kenji", "nobody"):
        found = warm.lookup(query)
        assert not warm._entities._decoded  # nothing decoded to find them
        assert found == cold.lookup(query)  # the same entities, scores and labels once decoded
        for match in found.matches:
            assert repr(match).startswith("Match(entity=Entity(")
        warm._entities._decoded.clear()


def test_the_batch_fast_path_is_used_and_never_falls_back(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken batch writer is an error, not a silent detour through the general writer."""
    from factcli import render

    def broken(self: object, match: object) -> str:
        raise RuntimeError("the batch writer is broken")

    for fmt in ("jsonl", "json"):
        assert cli("who", "-", "--format", fmt, input="Jenkins\n").exit_code == 0
        with monkeypatch.context() as patch:
            patch.setattr(render._JsonText, "match", broken)
            result = cli("who", "-", "--format", fmt, input="Jenkins\n")
        assert result.exit_code == 2 and "the batch writer is broken" in result.stderr, (fmt, result.stderr)


def test_the_store_needs_no_edit_for_a_new_claim_field() -> None:
    """The record codec follows Claim.SCHEMA; the fields the store fills in follow it by name."""
    from factcli.model import Claim
    from factcli.store import LAYOUT

    references = [field for field, kind in Claim.SCHEMA.items() if kind == "entity"]
    assert Claim._fields == (*Claim.SCHEMA, "subject", "subject_name", *(f"{f}_name" for f in references))
    assert all(field in LAYOUT.split("|") for field in Claim.SCHEMA)


def test_a_cache_of_another_record_layout_is_not_met_nor_called_damaged(
    tmp_path: Path, isolated_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an upgrade that adds a model field, the old cache is simply not used: no warning."""
    from factcli import store

    path = write_facts(tmp_path, MINIMAL)
    Catalog.open(path)  # writes the cache for today's layout
    assert len(cache_files(isolated_cache)) == 1
    monkeypatch.setattr(store, "LAYOUT", LAYOUT + "|a-new-field")
    reopened = Catalog.open(path)
    assert reopened.warnings == []
    assert not from_cache(reopened)
    assert len(cache_files(isolated_cache)) == 2  # one file a layout


def test_a_warm_base_finds_an_id_by_bisection_as_the_dict_would(isolated_cache: Path) -> None:
    Catalog.open()  # writes the cache
    warm = Catalog.open()
    assert from_cache(warm)
    entities = warm.facts.entities
    ids = list(entities)
    assert entities._ordinal is None  # type: ignore[attr-defined]  # no dict of every id was built
    for ordinal, entity_id in enumerate(ids):
        assert entities.ordinal(entity_id) == ordinal  # type: ignore[attr-defined]
    for missing in ("", "zzz", "charles-robert-jenkins-", ids[0][:-1], "\U0001f600"):
        assert entities.ordinal(missing) is None  # type: ignore[attr-defined]
    assert warm.get("hitomi-soga").claims[0].subject_name == "Hitomi Soga"  # type: ignore[union-attr]
