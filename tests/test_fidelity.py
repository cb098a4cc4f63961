"""Fidelity (issue 11): dates, aliases and hedges held to the source texts by `check --sources`.

Every fact base and source text here is written for the test; no seed article is used.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from factcli.store import load

from .conftest import ROOT, run_factcli, write_facts

TEXT = (
    "The Example Committee met in Lisbon on May 16. Its chair, Ana Pires, said the talks went well.\n"
    "Officials reportedly agreed to meet again in 1998.\n"
)

BASE = """\
sources:
  - id: s1
    title: A test article
    published: 1998~
    published_note: "The article carries no date."
    file: s1.txt
entities:
  - id: example-committee
    kind: organization
    name: Example Committee
    aliases: [Committee]
    summary: A test body.
    claims:
      - text: Met in Lisbon.
        date: 1998-05-16
        citations:
          - source: s1
            quote: met in Lisbon on May 16
      - text: Officials agreed to meet again.
        citations:
          - source: s1
            quote: agreed to meet again in 1998
"""

PROBLEM = re.compile(r"^\S+:\d+:\d+: \S")


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    directory = tmp_path / "texts"
    directory.mkdir()
    (directory / "s1.txt").write_text(TEXT, encoding="utf-8")
    return directory


def check(cli, tmp_path: Path, seeds: Path, base: str, *more: str):
    facts = write_facts(tmp_path, base)
    return cli("--facts", str(facts), "check", "--sources", str(seeds), *more)


def problems(result) -> list[str]:
    """The problem lines on stderr (the count line after them is not one)."""
    lines = [line for line in result.stderr.splitlines() if not line.startswith("factcli: ")]
    assert all(PROBLEM.match(line) for line in lines), lines
    return lines


def the(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# -- dates -------------------------------------------------------------------------------------
def test_a_year_the_text_gives_passes(cli, tmp_path: Path, seeds: Path) -> None:
    result = check(cli, tmp_path, seeds, BASE)
    assert result.exit_code == 0, result.stderr


def test_a_bare_year_absent_from_the_text_fails_at_the_date(cli, tmp_path: Path, seeds: Path) -> None:
    result = check(cli, tmp_path, seeds, the(BASE, "date: 1998-05-16", "date: 2019-05-16"))
    assert result.exit_code == 2
    [line] = problems(result)
    assert line.endswith(
        "facts.yaml:15:15: date 2019-05-16: the year 2019 appears in none of the cited texts (s1);"
        " mark it approximate (2019-05-16~) and say it is inferred (the word 'inferred' in the claim's text,"
        " the entity's summary or a cited source's published_note)"
    )


def test_an_approximate_year_must_still_say_it_is_inferred(cli, tmp_path: Path, seeds: Path) -> None:
    result = check(cli, tmp_path, seeds, the(BASE, "date: 1998-05-16", "date: 2019-05-16~"))
    [line] = problems(result)
    assert ":15:15: " in line and "say it is inferred" in line and "mark it approximate" not in line


@pytest.mark.parametrize(
    "where",
    [
        ("The article carries no date.", "The article carries no date; the year 2019 is inferred."),
        ("summary: A test body.", "summary: A test body. Year inferred from the meeting."),
        ("text: Met in Lisbon.", "text: Met in Lisbon (year inferred)."),
    ],
)
def test_the_same_year_approximate_and_inferred_passes(
    cli, tmp_path: Path, seeds: Path, where: tuple[str, str]
) -> None:
    base = the(the(BASE, "date: 1998-05-16", "date: 2019-05-16~"), *where)
    result = check(cli, tmp_path, seeds, base)
    assert result.exit_code == 0, result.stderr


def test_a_decade_is_not_a_year_and_a_year_attests_its_decade(cli, tmp_path: Path, seeds: Path) -> None:
    (seeds / "s1.txt").write_text(TEXT + "It was founded in the 1970s.\n", encoding="utf-8")
    assert check(cli, tmp_path, seeds, the(BASE, "date: 1998-05-16", "date: 1990s")).exit_code == 0
    assert check(cli, tmp_path, seeds, the(BASE, "date: 1998-05-16", "date: 1970s")).exit_code == 0
    result = check(cli, tmp_path, seeds, the(BASE, "date: 1998-05-16", "date: 1970"))
    assert "the year 1970 appears in none" in result.stderr


def test_an_entity_date_is_held_to_every_text_its_claims_cite(cli, tmp_path: Path, seeds: Path) -> None:
    base = the(BASE, "    summary: A test body.", "    date: 2019-05\n    summary: A test body.")
    base = the(base, "kind: organization", "kind: event")
    [line] = problems(check(cli, tmp_path, seeds, base))
    assert ":12:11: date 2019-05: the year 2019" in line and "in the entity's summary or" in line


def test_dates_are_not_held_to_texts_without_sources(cli, tmp_path: Path) -> None:
    facts = write_facts(tmp_path, the(BASE, "date: 1998-05-16", "date: 2019-05-16"))
    result = cli("--facts", str(facts), "check")
    assert result.exit_code == 0, result.stderr


# -- aliases -----------------------------------------------------------------------------------
def test_an_alias_absent_from_the_texts_fails_at_the_alias(cli, tmp_path: Path, seeds: Path) -> None:
    result = check(cli, tmp_path, seeds, the(BASE, "aliases: [Committee]", "aliases: [Committee, EXC]"))
    assert result.exit_code == 2
    [line] = problems(result)
    assert line.endswith(
        "facts.yaml:11:26: alias 'EXC' occurs in none of the texts this entity's claims cite (s1);"
        " move it to 'outside_aliases' (names a reader would type that the articles do not use)"
    )


def test_an_alias_is_found_case_and_typography_aside_as_whole_words(cli, tmp_path: Path, seeds: Path) -> None:
    (seeds / "s1.txt").write_text(TEXT + "The \u201cexample\n  committee\u2019s\u201d work.\n", encoding="utf-8")
    fine = the(BASE, "aliases: [Committee]", "aliases: [Committee, EXAMPLE COMMITTEE'S]")
    assert check(cli, tmp_path, seeds, fine).exit_code == 0
    part = the(BASE, "aliases: [Committee]", "aliases: [Committee, Lis]")  # inside "Lisbon": not a word
    assert "alias 'Lis' occurs in none" in check(cli, tmp_path, seeds, part).stderr


def test_an_alias_moved_to_outside_aliases_passes(cli, tmp_path: Path, seeds: Path) -> None:
    base = the(BASE, "aliases: [Committee]", "aliases: [Committee]\n    outside_aliases: [EXC]")
    result = check(cli, tmp_path, seeds, base)
    assert result.exit_code == 0, result.stderr


def test_an_outside_alias_the_text_uses_fails(cli, tmp_path: Path, seeds: Path) -> None:
    base = the(BASE, "aliases: [Committee]", "outside_aliases: [Committee]")
    result = check(cli, tmp_path, seeds, base)
    assert result.exit_code == 2
    [line] = problems(result)
    assert line.endswith(
        "facts.yaml:11:23: outside alias 'Committee' occurs in s1, which this entity's claims cite;"
        " make it a plain alias"
    )


def test_an_entity_citing_nothing_is_held_to_every_source(cli, tmp_path: Path, seeds: Path) -> None:
    lonely = "  - id: lisbon\n    kind: place\n    name: Lisbon\n    aliases: [Lisboa]\n    summary: A city.\n"
    result = check(cli, tmp_path, seeds, BASE + lonely)
    [line] = problems(result)
    assert ":26:15: alias 'Lisboa' occurs in none of the texts this entity's claims cite (s1)" in line


def test_outside_aliases_are_matched_by_who_shown_in_json_and_in_the_table(cli, tmp_path: Path) -> None:
    facts = write_facts(tmp_path, the(BASE, "aliases: [Committee]", "aliases: [Committee]\n    outside_aliases: [EXC]"))
    result = cli("--facts", str(facts), "who", "EXC", "--format", "json")
    assert result.exit_code == 0, result.stderr
    [match] = json.loads(result.stdout)
    assert match["id"] == "example-committee" and match["matched"] == "EXC"
    assert list(match)[3:5] == ["aliases", "outside_aliases"]
    assert (match["aliases"], match["outside_aliases"]) == (["Committee"], ["EXC"])
    shown = cli("--facts", str(facts), "show", "example-committee").stdout.splitlines()
    assert shown[2:4] == ["Also known as: Committee", "Also (not in the articles): EXC"]


# -- review ------------------------------------------------------------------------------------
def test_review_lists_a_claim_that_drops_reportedly_and_not_one_that_keeps_it(cli, tmp_path: Path, seeds: Path) -> None:
    result = check(cli, tmp_path, seeds, BASE, "--review")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{tmp_path / 'facts.yaml'}:19:9: review: the source says 'reportedly'; the claim does not",
        "  claim: Officials agreed to meet again.",
        '  s1: "Officials reportedly agreed to meet again in 1998."',
    ]
    assert "review: 1 claim to review, 0 explained (review_note)" in result.stderr
    kept = the(BASE, "text: Officials agreed", "text: Officials reportedly agreed")
    result = check(cli, tmp_path, seeds, kept, "--review")
    assert result.exit_code == 0 and result.stdout == ""
    assert "review: 0 claims to review, 0 explained" in result.stderr


def test_review_passes_an_attributed_claim_and_counts_a_review_note(cli, tmp_path: Path, seeds: Path) -> None:
    attributed = the(
        BASE, "      - text: Officials agreed", "      - attribution: officials\n        text: Officials agreed"
    )
    assert check(cli, tmp_path, seeds, attributed, "--review").stdout == ""
    noted = the(
        BASE,
        "text: Officials agreed to meet again.",
        "text: Officials agreed to meet again.\n        review_note: the test says so",
    )
    result = check(cli, tmp_path, seeds, noted, "--review")
    assert "  review_note: the test says so" in result.stdout.splitlines()
    assert "review: 1 claim to review, 1 explained (review_note)" in result.stderr


def test_review_reads_said_only_as_a_sentence_final_attribution(cli, tmp_path: Path, seeds: Path) -> None:
    """ "Its chair, Ana Pires, said ..." hedges nothing a claim about her takes from it; "..., aides said." does."""
    base = BASE + (
        "  - id: ana-pires\n    kind: person\n    name: Ana Pires\n    summary: Chair.\n    claims:\n"
        "      - text: Chairs the committee.\n        citations:\n          - source: s1\n"
        "            quote: Its chair, Ana Pires\n"
    )
    base = the(base, "text: Officials agreed", "text: Officials reportedly agreed")
    assert check(cli, tmp_path, seeds, base, "--review").stdout == ""
    (seeds / "s1.txt").write_text(TEXT + "Its chair, Ana Pires, was re-elected, aides said Sunday.\n", encoding="utf-8")
    base = the(base, "quote: Its chair, Ana Pires\n", "quote: Its chair, Ana Pires, was re-elected\n")
    result = check(cli, tmp_path, seeds, base, "--review")
    assert "review: the source says 'aides said Sunday'; the claim does not" in result.stdout


def test_review_needs_the_sources(cli, tmp_path: Path) -> None:
    result = cli("--facts", str(write_facts(tmp_path, BASE)), "check", "--review")
    assert result.exit_code == 2 and "--review needs --sources" in result.stderr


# -- one entity per actor, and ids that keep working ------------------------------------------------
def test_a_retired_id_still_shows_its_successor(cli) -> None:
    result = cli("show", "trump-kim-summit-number", "-f", "json")
    assert result.exit_code == 0
    (shown,) = json.loads(result.stdout)
    assert shown["id"] == "hanoi-summit" and "trump-kim-summit-number" in shown["former_ids"]
    assert "'trump-kim-summit-number' is now 'hanoi-summit'" in result.stderr
    assert cli("show", "no-such-id-ever").exit_code == 1


def test_a_former_id_must_be_a_slug(tmp_path: Path) -> None:
    facts = tmp_path / "facts.yaml"
    facts.write_text(
        "sources:\n  - id: s1\n    title: T\n    published: 2001-01-01\n    file: s1.txt\n"
        "entities:\n  - id: a\n    kind: person\n    name: A\n    summary: S\n    former_ids: [Not A Slug]\n"
        "    claims:\n      - text: T\n        citations:\n          - source: s1\n            quote: q\n",
        encoding="utf-8",
    )
    result = run_factcli("check", "--facts", str(facts))
    assert result.returncode == 2 and b"former id 'Not A Slug' must be a slug" in result.stderr


def test_governments_speak_and_places_stay_places() -> None:
    """What "North Korea", "Tokyo"... said or did is on the government; each capital says whose name it is."""
    facts = load(ROOT / "facts.yaml")
    places = {e.id for e in facts.entities.values() if e.kind == "place"}
    spoken = {c.attributed_to for c in facts.claims() if c.attributed_to}
    assert not spoken & places
    for government, capital in [
        ("north-korean-government", "pyongyang"),
        ("japanese-government", "tokyo"),
        ("chinese-government", "beijing"),
        ("us-government", "washington"),
    ]:
        seated = [c.related for c in facts.entities[government].claims if c.relation == "seated-in"]
        assert seated == [capital]
        assert {c.related for c in facts.entities[capital].claims} >= {government}
