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
