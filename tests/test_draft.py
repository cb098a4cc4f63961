"""Drafts: the ``draft:`` claim field, ``check`` / ``check --strict`` and how lookups show a draft;
``factcli draft`` proposing entities and claims from a text, and how much of an article it finds."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import write_facts

DRAFTED = """\
sources:
  - id: s1
    title: T
    published: 2020
    file: x.txt
entities:
  - id: alice-smith
    kind: person
    name: Alice Smith
    summary: "TODO: describe"
    claims:
      - text: Alice Smith sold 12 apples.
        draft: the text is the source's sentence
        value: 12
        unit: apples
        citations:
          - source: s1
            quote: Alice Smith sold 12 apples.
      - text: Sells apples.
        citations:
          - source: s1
            quote: Alice Smith sold 12 apples.
"""


# -- the draft field -----------------------------------------------------------------------------
def test_check_accepts_drafts_and_counts_them_on_its_ok_line(cli, tmp_path: Path) -> None:
    facts = write_facts(tmp_path, DRAFTED)
    result = cli("check", "--facts", str(facts))
    assert result.exit_code == 0, result.stderr
    assert "ok: 1 entities, 2 claims, 1 sources; 1 draft and 1 placeholder remain" in result.stderr


def test_check_strict_fails_while_drafts_remain_and_says_where(cli, tmp_path: Path) -> None:
    facts = write_facts(tmp_path, DRAFTED)
    result = cli("check", "--facts", str(facts), "--strict")
    assert result.exit_code == 1
    assert f"{facts}:10:14: placeholder: the entity's summary is 'TODO: describe'" in result.stderr
    assert f"{facts}:12:9: draft: the claim is still the source's words: 'Alice Smith sold 12 apples.'" in (
        result.stderr
    )
    finished = DRAFTED.replace("        draft: the text is the source's sentence\n", "").replace(
        '"TODO: describe"', "A seller of apples."
    )
    write_facts(tmp_path, finished)
    result = cli("check", "--facts", str(facts), "--strict")
    assert result.exit_code == 0, result.stderr
    assert "remain" not in result.stderr


def test_lookups_mark_a_draft(cli, tmp_path: Path) -> None:
    facts = write_facts(tmp_path, DRAFTED)
    result = cli("--facts", str(facts), "-f", "json", "who", "Alice Smith")
    claims = json.loads(result.stdout)[0]["claims"]
    assert claims[0]["draft"] is True and claims[0]["draft_note"] == "the text is the source's sentence"
    assert "draft" not in claims[1]  # a finished claim's JSON is unchanged
    table = cli("--facts", str(facts), "who", "Alice Smith", "--no-pager").stdout
    assert "(draft) Alice Smith sold 12 apples." in table
    assert "(draft) Sells apples." not in table


# -- the proposer on a short text of our own -------------------------------------------------------
FIXTURE_TEXT = """\
The Riverside Chess Society met in Dunmore on Tuesday.
Club President Maria L. Okafor said 42 members came, more than 30 of them juniors.
Okafor thanked the Dunmore Library Committee and the town newspaper, the Dunmore Courier.
Tomas and Ines Varga, who founded the club in 1998, played three games last March.
"""

FIXTURE_BASE = """\
sources:
  - id: club-notes
    title: Club notes
    published: 2021
    file: club.txt
entities:
  - id: dunmore
    kind: place
    name: Dunmore
    summary: A town.
"""


def test_draft_proposes_names_numbers_and_dates_from_a_short_text(cli, tmp_path: Path) -> None:
    (tmp_path / "club.txt").write_text(FIXTURE_TEXT, encoding="utf-8")
    facts = write_facts(tmp_path, FIXTURE_BASE)
    result = cli("draft", str(tmp_path / "club.txt"), "--facts", str(facts))
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert '#   dunmore: as "Dunmore"' in out  # existing: listed by id, not proposed again
    assert 'name: "Maria L. Okafor"' in out and 'aliases: ["Okafor"]' in out
    assert 'name: "Riverside Chess Society"' in out and "kind: organization" in out
    assert 'name: "Dunmore Library Committee"' in out
    assert 'name: "Tomas Varga"' in out and 'name: "Ines Varga"' in out
    assert "value: 42" in out and 'unit: "members"' in out
    assert "value: 30" in out and "qualifier: more than" in out
    assert "value: 3" in out and 'unit: "games"' in out
    assert '\\"last March\\"' in out and '\\"1998\\"' in out  # dates as written, never resolved
    assert "date:" not in out
    assert "Tuesday" not in [line.split('"')[1] for line in out.splitlines() if line.startswith("    name:")]
    # appended, the base is valid; every quote is in the text; --strict fails on what remains
    facts.write_text(FIXTURE_BASE + out, encoding="utf-8")
    checked = cli("check", "--facts", str(facts), "--sources", str(tmp_path))
    assert checked.exit_code == 0, checked.stderr
    assert "drafts and" in checked.stderr
    assert cli("check", "--facts", str(facts), "--strict").exit_code == 1


# -- measured: each article against a base built from the other four --------------------------------
import re  # noqa: E402

import pytest  # noqa: E402
import yaml  # noqa: E402

from factcli.draft import SPELLED, propose, to_yaml  # noqa: E402
from factcli.normalize import fold  # noqa: E402
from factcli.query import Catalog  # noqa: E402
from factcli.store import load  # noqa: E402
from tests.conftest import ROOT, SEEDS  # noqa: E402


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:
        return True


def held_out_base(held: str, directory: Path) -> Path:
    """The shipped base without the entities whose claims cite only ``held`` (an entity citing several
    articles stays), and without the claims that point to a removed entity; every source stays."""
    data = yaml.safe_load((ROOT / "facts.yaml").read_text(encoding="utf-8"))

    def cited(entity: dict) -> set[str]:
        return {c["source"] for claim in entity.get("claims", []) for c in claim["citations"]}

    removed = {e["id"] for e in data["entities"] if cited(e) == {held}}
    kept = []
    for entity in data["entities"]:
        if entity["id"] in removed:
            continue
        claims = [c for c in entity.get("claims", []) if not {c.get("related"), c.get("attributed_to")} & removed]
        if claims or entity.get("kind") != "figure":
            kept.append({**entity, "claims": claims} if "claims" in entity else entity)
    data["entities"] = kept
    path = directory / f"without-{held}.yaml"
    path.write_text(yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _names(entity) -> set[str]:
    return {fold(n) for n in (entity.name, *entity.aliases, *entity.outside_aliases)}


def _named_in(entity, text: str) -> bool:
    """Whether the text names the entity: its name or an alias as written, capitals and all (a proper
    name; "the permanent mission of North Korea" in lower case is a description, not a name)."""
    flat = " ".join(text.split())
    return any(re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", flat) for n in (entity.name, *entity.aliases))


def measure(source_id: str, tmp_path: Path) -> dict[str, object]:
    shipped = load(ROOT / "facts.yaml")
    source = shipped.sources[source_id]
    text = (SEEDS / source.file).read_text(encoding="utf-8")
    catalog = Catalog.from_facts(load(held_out_base(source_id, tmp_path)))
    draft = propose(SEEDS / source.file, catalog, source_id)
    truth = [
        e
        for e in shipped.entities.values()
        if e.kind in ("person", "organization") and any(c.source == source_id for cl in e.claims for c in cl.citations)
    ]
    named = [e for e in truth if _named_in(e, text)]

    def found(entity) -> bool:
        names = _names(entity)
        return any(
            entity.id in p.existing
            or any(fold(f) in names or fold(re.sub(r"^the ", "", f, flags=re.I)) in names for f in p.forms)
            for p in draft.entities
        )

    every_name = set().union(*(_names(e) for e in shipped.entities.values()))
    real = [p for p in draft.entities if p.existing or any(fold(f) in every_name for f in p.forms)]
    figures = [
        (cl.value, cl.citations)
        for e in shipped.entities.values()
        if e.kind == "figure"
        for cl in e.claims
        if cl.value is not None and any(c.source == source_id for c in cl.citations)
    ]

    def spans(quote: str) -> tuple[int, int]:
        at = " ".join(text.split()).find(" ".join(quote.split()))
        return at, at + len(" ".join(quote.split()))

    flat = " ".join(text.split())
    numbers = [
        (n.value, flat.find(" ".join(n.sentence.text.split())), len(" ".join(n.sentence.text.split())))
        for n in draft.numbers
    ]

    def counted(value, citations) -> bool:
        for c in citations:
            if c.source != source_id:
                continue
            a, b = spans(c.quote)
            if any(v == value and s < b and a < s + length for v, s, length in numbers):
                return True
        return False

    def written(value, citations) -> bool:  # the number is in the quote: "a son and daughter" is 2 by our count
        words = {w for w, n in SPELLED.items() if n == value}
        quotes = " ".join(c.quote for c in citations if c.source == source_id)
        return any(m.group().replace(",", "") == str(value) for m in re.finditer(r"\d[\d,]*", quotes)) or any(
            re.search(rf"\b{w}\b", quotes, re.I) for w in words
        )

    hits = [counted(v, cs) for v, cs in figures]
    given = [counted(v, cs) for v, cs in figures if written(v, cs)]
    right_numbers = sum(
        1
        for v, s, length in numbers
        if any(
            v == fv
            and any(c.source == source_id and spans(c.quote)[0] < s + length and s < spans(c.quote)[1] for c in cs)
            for fv, cs in figures
        )
    )
    return {
        "source": source_id,
        "draft": draft,
        "named": (sum(map(found, named)), len(named)),
        "all": (sum(map(found, truth)), len(truth)),
        "missed": [e.name for e in named if not found(e)],
        "precision": (len(real), len(draft.entities)),
        "figures": (sum(given), len(given)),
        "all_figures": (sum(hits), len(hits)),
        "number_precision": (right_numbers, len(numbers)),
        "catalog": catalog,
    }


def _pct(pair: tuple[int, int]) -> str:
    done, total = pair
    return f"{done}/{total} {100 * done / total if total else 100:.0f}%"


SOURCE_IDS = [
    "jenkins-amnesty",
    "protective-custody",
    "asylum-reentry-1999",
    "families-visit-us",
    "trump-hanoi-abductions",
]


def test_draft_finds_what_each_article_names_and_counts(tmp_path: Path, cli) -> None:
    """named: the shipped base's people and organizations citing the article whose name or an alias
    the text writes (capitals and all); all: every one citing it, descriptions included ("Children
    of Yasushi and Fukie Chimura"). precision: proposals that are a fact-base entity (matched, or a
    stub named as one is) / all proposals. figures: figure claims citing the article whose quote
    writes the number, found as a proposed number in the same sentence; all figures: every one
    (a son and a daughter are 2 by our count, not the text's). numbers ok: proposed numbers that are
    a figure claim / all proposed numbers."""
    results = [measure(source_id, tmp_path) for source_id in SOURCE_IDS]
    print()
    print(
        f"{'article':24} {'named people/orgs':>18} {'all people/orgs':>16} {'precision':>12} {'figures':>10}"
        f" {'all figures':>12} {'numbers ok':>11}"
    )
    for r in results:
        print(
            f"{r['source']:24} {_pct(r['named']):>18} {_pct(r['all']):>16} {_pct(r['precision']):>12}"
            f" {_pct(r['figures']):>10} {_pct(r['all_figures']):>12} {_pct(r['number_precision']):>11}"
        )
        if r["missed"]:
            print(f"{'':24} missed: {'; '.join(r['missed'])}")
    for r in results:
        named, figures = r["named"], r["figures"]
        assert named[0] >= 0.9 * named[1], (r["source"], r["missed"])
        assert figures[0] >= 0.9 * figures[1], r["source"]


@pytest.mark.parametrize("source_id", SOURCE_IDS)
def test_every_drafted_quote_is_verbatim_and_the_appended_base_checks(source_id: str, tmp_path: Path, cli) -> None:
    shipped = load(ROOT / "facts.yaml")
    catalog = Catalog.from_facts(load(held_out_base(source_id, tmp_path)))
    draft = propose(SEEDS / shipped.sources[source_id].file, catalog, source_id)
    proposed = to_yaml(draft, set(shipped.entities))
    for quote in re.findall(r"^            quote: (.*)$", proposed, re.M):
        assert json.loads(quote) in draft.text  # byte-exact: a substring of the file
    appended = tmp_path / "appended.yaml"
    appended.write_text((ROOT / "facts.yaml").read_text(encoding="utf-8") + proposed, encoding="utf-8")
    result = cli("check", "--facts", str(appended), "--sources", str(SEEDS))
    assert result.exit_code == 0, result.stderr[-2000:]
    assert "drafts and" in result.stderr


def test_a_file_that_is_no_text_is_one_line_and_exit_2(cli, tmp_path: Path) -> None:
    """draft reads an article as sources add and quote do (files.read_text_file)."""
    for name, data in (("latin1.txt", "caf\u00e9\n".encode("latin-1")), ("binary.bin", b"ab\x00c")):
        path = tmp_path / name
        path.write_bytes(data)
        result = cli("draft", str(path))
        assert result.exit_code == 2, result.stderr
        assert len(result.stderr.splitlines()) == 1 and "internal error" not in result.stderr
