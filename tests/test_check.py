"""`factcli check` and the loader: each fixture is broken in one way, at a known line."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from factcli import FactBaseError, load
from factcli.model import Period

from .conftest import MINIMAL, write_facts


def problems_of(tmp_path: Path, text: str, sources_dir: Path | None = None) -> list[str]:
    path = write_facts(tmp_path, textwrap.dedent(text))
    with pytest.raises(FactBaseError) as caught:
        load(path, sources_dir=sources_dir)
    return [str(p).replace(str(path), "F") for p in caught.value.problems]


def replace_line(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def test_minimal_fact_base_loads_into_the_typed_model(tmp_path: Path) -> None:
    facts = load(write_facts(tmp_path, MINIMAL))
    entity = facts.entities["ada-lovelace"]
    claim = entity.claims[0]
    assert (entity.kind, entity.name, entity.aliases) == ("person", "Ada Lovelace", ("Lovelace",))
    assert claim.date == Period.parse("1843") and claim.date.precision == "year"
    assert claim.citations[0].source == "s1" and claim.citations[0].quote == "the first program"
    assert claim.subject == "ada-lovelace"
    assert facts.sources["s1"].published.precision == "month"
    assert len(facts.digest) == 64


def test_check_reports_a_clean_file_with_exit_0(cli, tmp_path: Path) -> None:
    result = cli("check", "--facts", str(write_facts(tmp_path, MINIMAL)))
    assert result.exit_code == 0, result.stderr
    assert "1 entities, 1 claims, 1 sources" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    summary: A test person.",
            "    sumary: A test person.",
            [
                "F:11:5: unknown field 'sumary' in an entity (did you mean 'summary'?)",
                "F:7:5: an entity is missing the required field 'summary'",
            ],
        ),
        ("    name: Ada Lovelace\n", "", ["F:7:5: an entity is missing the required field 'name'"]),
        (
            "    aliases: [Lovelace]",
            "    aliases: Lovelace",
            ["F:10:14: entity 'aliases' must be a list, not text 'Lovelace'"],
        ),
        (
            "        date: 1843",
            "        date: 1843-02-30",
            ["F:14:15: claim 'date': '1843-02-30' is an impossible date: 1843-02 has 28 days"],
        ),
        (
            "        date: 1843",
            "        date: 1843-13",
            ["F:14:15: claim 'date': '1843-13' is an impossible date: there is no month 13"],
        ),
        (
            "        date: 1843",
            "        date: 1990/1980",
            ["F:14:15: claim 'date': '1990/1980' is an impossible period: it ends before it starts"],
        ),
        (
            "          - source: s1\n",
            "          - source: s11\n",
            ["F:16:21: citation refers to unknown source 's11' (did you mean 's1'?)"],
        ),
        ("            quote: the first program", "            quote: ''", ["F:17:20: the quote is empty"]),
        (
            "    kind: person",
            "    kind: persn",
            [
                "F:8:11: entity 'kind': 'persn' is not a known kind (did you mean 'person'?); use one of person, organization, place, event, figure"
            ],
        ),
        (
            "  - id: ada-lovelace",
            "  - id: Ada Lovelace",
            ["F:7:9: entity id 'Ada Lovelace' must be a slug: lowercase letters, digits and single hyphens"],
        ),
        (
            "        date: 1843",
            "        date: 1843\n        related: charles-babbage",
            ["F:15:18: 'related' refers to unknown entity 'charles-babbage'"],
        ),
        (
            "        date: 1843",
            "        date: 1843\n        value: NaN",
            [
                "F:15:16: claim 'value': 'NaN' is not a number (digits, optional , groups and . decimals, at most 30 characters)"
            ],
        ),
        (
            "    published: 2004-05",
            "    published: 2004-05~",
            ["F:4:16: an approximate 'published' date needs a 'published_note' saying what it is inferred from"],
        ),
    ],
)
def test_each_broken_fixture_is_reported_at_its_line(tmp_path: Path, old: str, new: str, expected: list[str]) -> None:
    assert sorted(problems_of(tmp_path, replace_line(MINIMAL, old, new))) == sorted(expected)


def test_a_claim_without_citations_is_an_error(tmp_path: Path) -> None:
    text = MINIMAL.split("        citations:")[0]
    assert problems_of(tmp_path, text) == ["F:13:9: a claim is missing the required field 'citations'"]
    empty = text + "        citations: []\n"
    assert problems_of(tmp_path, empty) == ["F:15:20: a claim needs at least one citation"]


def test_duplicate_ids_and_duplicate_keys_are_both_reported(tmp_path: Path) -> None:
    doubled = MINIMAL + textwrap.indent(MINIMAL.split("entities:\n")[1], "")
    doubled = doubled.replace("    name: Ada Lovelace\n", "    name: Ada Lovelace\n    name: Ada King\n", 1)
    problems = problems_of(tmp_path, doubled)
    assert "F:10:5: duplicate key 'name' (first at line 9)" in problems
    assert "F:19:9: duplicate entity id 'ada-lovelace' (first at line 7)" in problems


def test_all_problems_are_reported_at_once_by_the_command(cli, tmp_path: Path) -> None:
    broken = MINIMAL.replace("    summary: A test person.", "    sumary: x").replace("date: 1843", "date: 1843-02-30")
    result = cli("check", "--facts", str(write_facts(tmp_path, broken)))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 4 and lines[-1] == "factcli: 3 problems found"
    assert all(line.startswith(str(tmp_path)) for line in lines[:3])


def test_yaml_syntax_error_has_a_position(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, MINIMAL.replace("title: A test article", 'title: "unterminated'))
    assert len(problems) == 1 and problems[0].startswith("F:") and "YAML syntax" in problems[0]


def test_scalars_stay_strings_no_implicit_typing(tmp_path: Path) -> None:
    text = MINIMAL.replace("summary: A test person.", "summary: NO").replace(
        "aliases: [Lovelace]", "aliases: [0777, '1:20', yes]"
    )
    entity = load(write_facts(tmp_path, text)).entities["ada-lovelace"]
    assert entity.summary == "NO" and entity.aliases == ("0777", "1:20", "yes")


@pytest.mark.parametrize("construct", ["anchor", "alias", "tag", "merge"])
def test_yaml_features_that_can_hurt_are_refused(tmp_path: Path, construct: str) -> None:
    text = {
        "anchor": MINIMAL.replace("title: A test article", "title: &t A test article"),
        "alias": MINIMAL.replace("title: A test article", "title: &t A test article").replace(
            "summary: A test person.", "summary: *t"
        ),
        "tag": MINIMAL.replace("title: A test article", "title: !!python/object:os.system x"),
        "merge": MINIMAL.replace("    summary: A test person.", "    summary: x\n    <<: {a: b}"),
    }[construct]
    problems = problems_of(tmp_path, text)
    assert len(problems) == 1 and problems[0].startswith("F:")
    assert any(word in problems[0] for word in ("anchors", "aliases", "tags", "merge keys"))


def test_quotes_are_verified_against_the_sources(tmp_path: Path) -> None:
    sources = tmp_path / "seeds"
    sources.mkdir()
    (sources / "s1.txt").write_text(
        "Lovelace wrote \u201cthe first\n   program\u201d \u2014 in 1843.", encoding="utf-8"
    )
    assert load(write_facts(tmp_path, MINIMAL), sources_dir=sources).sources["s1"].file == "s1.txt"
    wrong = MINIMAL.replace("quote: the first program", "quote: the second program")
    assert problems_of(tmp_path, wrong, sources) == [
        "F:17:20: the quote does not appear in s1.txt: 'the second program'"
    ]
    (sources / "s1.txt").unlink()
    assert problems_of(tmp_path, MINIMAL, sources)[0].endswith("cannot read " + str(sources / "s1.txt"))


def test_library_import_does_not_pull_in_the_cli() -> None:
    code = "import sys, factcli; factcli.load(); print(sorted(m for m in ('typer', 'rich', 'factcli.cli') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_compact_flow_style_file_is_not_mistaken_for_a_flood(tmp_path: Path) -> None:
    """The lists-and-mappings-per-character limit leaves room for real files written tersely."""
    entities = "".join(
        f"  - {{id: e{i}, kind: person, name: P{i}, summary: S, claims: [{{text: T, citations: [{{source: s1, quote: the first program}}]}}]}}\n"
        for i in range(3000)
    )
    text = MINIMAL + entities
    facts = load(write_facts(tmp_path, text))
    assert len(facts.entities) == 3001
    flood = MINIMAL.replace("entities:", "entities: [" + "{}," * 5000 + "{}]\nx:")
    with pytest.raises(FactBaseError, match="more lists and mappings"):
        load(write_facts(tmp_path, flood, "flood.yaml"))


# -- entities checked while the file is parsed (load.parse_tree's stream) ----------------------------
def _load_both(path: Path) -> tuple[object, object]:
    """What validating gives with each entity checked as it is parsed, and from the whole tree."""
    from factcli.check import EntityStream, validate
    from factcli.load import decode, parse_tree, read_bytes

    results = []
    for stream in (True, False):
        text = decode(read_bytes(path), str(path))
        tree, problems = parse_tree(text, str(path), on_entity=EntityStream(str(path)) if stream else None)
        facts, more = validate(tree, str(path))
        problems.extend(more)
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))
        results.append([str(p) for p in problems] if problems or facts is None else facts)
    return results[0], results[1]


def test_streamed_entities_give_the_same_model_kept_as_records(tmp_path: Path) -> None:
    import marshal

    from factcli.load import default_facts_path
    from factcli.store import Entities, entity_from_record, entity_record

    for path in (default_facts_path(), Path(__file__).resolve().parent / "fixtures" / "mini.yaml"):
        streamed, whole = _load_both(path)
        assert streamed.entities == whole.entities and whole.entities == streamed.entities
        assert list(streamed.entities) == list(whole.entities)
        assert list(streamed.entities.values()) == list(whole.entities.values())
        assert repr(streamed.entities) == repr(whole.entities)
        assert streamed.sources == whole.sources
        kept = load(path).entities  # the store keeps each checked entity as its record
        assert isinstance(kept, Entities) and list(kept) == list(whole.entities)
        decoded = [entity_from_record(marshal.loads(r), kept.name_of) for r in kept.records()]
        assert [entity_record(e) for e in decoded] == [entity_record(e) for e in whole.entities.values()]
        assert decoded == list(kept.values())
    first = next(iter(kept))
    assert kept[first] is kept[first]  # looked up: decoded once and kept


def test_a_streamed_parse_leaves_no_entity_nodes_in_the_tree(tmp_path: Path) -> None:
    from factcli.check import EntityStream
    from factcli.load import Mapping, parse_tree

    tree, _ = parse_tree(MINIMAL, "F", on_entity=EntityStream("F"))
    assert not any(isinstance(item, Mapping) for item in tree["entities"])
    tree, _ = parse_tree(MINIMAL, "F")
    assert all(isinstance(item, Mapping) for item in tree["entities"])
    entities_first = "entities:" + MINIMAL.split("entities:", 1)[1] + MINIMAL.split("entities:", 1)[0]
    tree, _ = parse_tree(entities_first, "F", on_entity=EntityStream("F"))  # sources unknown yet: kept whole
    assert all(isinstance(item, Mapping) for item in tree["entities"])
    assert len(load(write_facts(tmp_path, entities_first)).entities) == 1


@pytest.mark.parametrize(
    "old, new",
    [
        ("    summary: A test person.\n", "    sumary: A test person.\n"),
        ("        date: 1843\n", "        date: 1843-02-30\n"),
        ("          - source: s1\n", "          - source: s2\n"),
        (
            "      - text: Wrote the first program.\n",
            "      - text: Wrote the first program.\n        related: nobody\n",
        ),
        ("  - id: ada-lovelace\n", "  - id: ada-lovelace\n    id: again\n"),
        ("entities:\n", "entities:\n  - just text\n"),
    ],
)
def test_streamed_problems_are_the_whole_trees_in_order(tmp_path: Path, old: str, new: str) -> None:
    text = replace_line(MINIMAL, old, new)
    dup = text.replace("entities:\n", "entities:\n" + text.split("entities:\n", 1)[1], 1)  # each entity twice
    for n, variant in enumerate((text, dup)):
        path = write_facts(tmp_path, variant, f"f{n}.yaml")
        streamed, whole = _load_both(path)
        assert isinstance(streamed, list) and streamed == whole


def test_the_problem_cap_falls_where_it_did_with_streamed_entities(tmp_path: Path) -> None:
    entity = (
        "  - id: e{0}\n    kind: person\n    name: N\n    summary: S\n    bogus: 1\n    claims:\n"
        "      - text: t\n        related: missing{0}\n        citations:\n          - source: s1\n            quote: q\n"
    )
    path = write_facts(tmp_path, MINIMAL + "".join(entity.format(i) for i in range(1500)))
    streamed, whole = _load_both(path)
    assert streamed == whole and len(streamed) == 1001
    assert streamed[-1].endswith("too many problems; stopped after 1,000")


def test_checks_read_the_text_in_pieces_but_report_as_before(tmp_path: Path) -> None:
    """decode checks 1 MiB pieces; a character across a piece's end is fine, a bad one found at its place."""
    from factcli.load import decode

    filler = "# " + "x" * 78 + "\n"
    lines = (1 << 20) // len(filler)
    body = filler * lines + "#" * ((1 << 20) - lines * len(filler) - 1) + "ō\n"  # ō's two bytes straddle 1 MiB
    data = (body + MINIMAL).encode("utf-8")
    assert decode(data, "F") == data
    assert decode(b"\xef\xbb\xbf" + data, "F") == data
    bad = (body + "# \u200b\n" + MINIMAL).encode("utf-8")
    with pytest.raises(FactBaseError) as caught:
        decode(bad, "F")
    assert str(caught.value.problems[0]) == f"F:{lines + 2}:3: forbidden character U+200B (control or invisible)"
    with pytest.raises(FactBaseError) as caught:
        decode(data[: (1 << 20) - 1] + b"\xc3(" + data[(1 << 20) + 1 :], "F")
    assert str(caught.value.problems[0]).endswith("not UTF-8: byte 0xc3 cannot start or continue a character")
    facts = load(write_facts(tmp_path, body + MINIMAL))
    assert facts.entities["ada-lovelace"].name == "Ada Lovelace"
