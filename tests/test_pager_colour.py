"""The plain table format a pipe gets (issue 12, part 3): what the in-process runner sees."""

from __future__ import annotations

from pathlib import Path

import pytest

# -- the plain format when piped ------------------------------------------------------------------------------------
PLAIN_COMMANDS = {
    "who": ["who", "Jenkins"],
    "who-ambiguous": ["who", "Kim"],
    "who-batch": ["who", "-"],
    "what": ["what", "Hanoi summit"],
    "figure": ["figure", "repatriation"],
    "said": ["said", "informed sources"],
    "where": ["where", "Hanoi"],
    "timeline": ["timeline"],
    "sources": ["sources"],
    "search": ["search", "amnesty"],
    "show": ["show", "hitomi-soga"],
}


@pytest.mark.parametrize("command", list(PLAIN_COMMANDS))
def test_every_plain_row_has_the_fields_of_its_header(cli, command: str) -> None:
    result = cli(*PLAIN_COMMANDS[command], input="Jenkins\nKim\nnobody at all\nSoga\n")
    tables: list[list[str]] = []
    previous_was_row = False
    for line in result.stdout.splitlines():
        is_row = " | " in line
        if is_row and not previous_was_row:
            tables.append([])
        if is_row:
            tables[-1].append(line)
        previous_was_row = is_row
    assert tables, result.stdout
    for header, *rows in tables:
        assert rows, header
        assert "  " not in header.replace(" |  | ", "")  # a header names every field
        for row in rows:
            assert row.count(" | ") == header.count(" | "), (header, row)
            assert row.count("|") == header.count("|"), (header, row)  # no field holds a '|' of its own


def test_an_entity_table_keeps_its_empty_fields_in_place(cli) -> None:
    lines = cli("who", "Jenkins").stdout.splitlines()
    header = next(line for line in lines if " | " in line)
    assert header == "date | value | claim | related | said by | source: quote"
    fields = [line.split(" | ") for line in lines if " | " in line][1:]
    assert all(len(f) == 6 for f in fields)
    married = next(f for f in fields if f[3] == "spouse: Hitomi Soga")
    assert married[0] == married[1] == married[4] == ""  # no date, no value, no speaker: each still a field
    assert married[5].startswith('jenkins-amnesty: "')


def test_line_breaks_tabs_and_pipes_are_escaped_in_every_plain_field(cli, tmp_path: Path) -> None:
    facts = tmp_path / "facts.yaml"
    facts.write_text(
        """sources:
  - id: s1
    title: "A | title"
    publisher: Press
    published: 2004-05-16
    file: s1.txt
entities:
  - id: ada
    kind: person
    name: "Ada | Lovelace"
    summary: "line one\\nline two\\tand a tab"
    claims:
      - text: "Wrote | notes\\non the engine."
        date: 1843
        citations:
          - source: s1
            quote: "the | notes"
""",
        encoding="utf-8",
    )
    shown = cli("show", "ada", "--facts", str(facts))
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout.splitlines() == [
        "Ada \\x7c Lovelace  [person]",
        "line one\\nline two\\tand a tab",
        "date | value | claim | related | said by | source: quote",
        '1843 |  | Wrote \\x7c notes\\non the engine. |  |  | s1: "the \\x7c notes"',
    ]
    listed = cli("sources", "--facts", str(facts)).stdout.splitlines()
    assert listed[1].split(" | ")[2] == "A \\x7c title"
