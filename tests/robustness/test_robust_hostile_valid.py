"""Hostile but valid fact bases: they must load, and print literally.

Each case is one entity whose name, summary, claim and quote all carry the same hostile
text (Rich markup, link markup, emoji codes, spreadsheet formulas, YAML 1.1 look-alikes,
CJK and RTL text, a 10,000-character word, terminal escapes written as YAML escapes...).
``show ID`` runs as a real process in table (plain, since stdout is a pipe), JSON and CSV:

* table: the text appears exactly as ``printable`` shows it (ESC as ``\\x1b``, a line break
  as ``\\n``, a tab as ``\\t``, ``|`` as ``\\x7c``), never interpreted;
* JSON: parses back to exactly the original text, with control, bidi and zero-width
  characters escaped in the bytes;
* CSV: parses back to the shown text with a leading ``'`` on formula-looking cells;
* always: exit 0, empty stderr, valid UTF-8, and not one raw control, bidi or zero-width
  character in the output bytes.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import subprocess
from pathlib import Path

import pytest

from factcli.render import printable, spreadsheet_safe

from .harness import assert_no_traceback, isolated_env, run, run_all

UNSAFE_OUTPUT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff"
    "\ufff9-\ufffb\U000e0000-\U000e007f]"
)

# id -> the hostile text (no leading or trailing white space: the loader strips it)
HOSTILE: dict[str, str] = {
    "markup": "[bold]Bold[/bold] and [red on white]styled[/] text",
    "unbalanced-tags": "Broken [/x] markup [/] and [/bold] closers [",
    "link-markup": "[link=https://evil.example/]click here[/link] hidden link",
    "emoji-codes": ":smile: :thumbs_up: :pile_of_poo: emoji codes",
    "formula-equals": '=HYPERLINK("https://evil.example","click")',
    "formula-cmd": "=cmd|' /C calc'!A0",
    "formula-plus": "+1+1 plus",
    "formula-minus": "-2+3 minus",
    "formula-at": "@SUM(A1:A9) at",
    "cjk": "安明進（アン・ミョンジン）は北朝鮮の元工作員",
    "rtl": "שלום עולם and مرحبا بالعالم mixed",
    "long-word": "Supercalifragilistic" * 500,
    "escape-sequences": "red \x1b[2J\x1b[31malert\x1b[0m text",
    "osc-8-hyperlink": "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\ text",
    "c1-controls": "csi \x9b31m and nel \x85 inside",
    "bidi-overrides": "bidi \u202eevil\u202c and \u2066isolate\u2069 text",
    "zero-width": "zero\u200bwidth and soft\u00adhyphen and tag \U000e0041 text",
    "line-breaks": "first line\nRelated: forged line\r\nthird line",
    "html-and-format-strings": "<script>alert(1)</script> %s %n {0} {name} $(rm -rf /) `id`",
    "quotes-and-commas": "He said \"hi\", she said 'no'; a,b",
}


def yaml_double_quoted(value: str) -> str:
    """A YAML double-quoted scalar; anything not printable is written as a YAML escape."""
    out = []
    for char in value:
        code = ord(char)
        if char in '\\"':
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        elif code < 0x100:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def hostile_facts() -> str:
    lines = ["sources:", "  - id: s1", "    title: A source", "    published: 2004-05", "    file: s1.txt", "entities:"]
    for entity_id, value in HOSTILE.items():
        text = yaml_double_quoted(value)
        lines += [
            f"  - id: {entity_id}",
            "    kind: person",
            f"    name: {text}",
            f"    summary: {text}",
            "    claims:",
            f"      - text: {text}",
            "        citations:",
            "          - source: s1",
            f"            quote: {yaml_double_quoted(value[:300].strip())}",
        ]
    # YAML 1.1 look-alikes and literal backslashes, written plain as a curator would
    lines += [
        "  - id: yaml-1-1-lookalikes",
        "    kind: person",
        "    name: NO",
        "    aliases:",
        *[f"      - {v}" for v in ("0777", "1:20", "yes", "off", "~", "null", "2024-01-01", "0x1F", "1e3", ".nan")],
        "    summary: 0777",
        "    claims:",
        "      - text: 1:20",
        "        date: 2004-02-29",
        "        citations:",
        "          - source: s1",
        "            quote: yes",
        "  - id: literal-backslashes",
        "    kind: person",
        r"    name: C:\new\table \x1b \u202e literally",
        r"    summary: '\e[31m is not an escape here'",
        "    claims:",
        r"      - text: C:\new\table",
        "        citations:",
        "          - source: s1",
        r"            quote: \x1b",
    ]
    return "\n".join(lines) + "\n"


LITERAL = {
    "yaml-1-1-lookalikes": {
        "name": "NO",
        "summary": "0777",
        "claim": "1:20",
        "quote": "yes",
        "aliases": ["0777", "1:20", "yes", "off", "~", "null", "2024-01-01", "0x1F", "1e3", ".nan"],
    },
    "literal-backslashes": {
        "name": r"C:\new\table \x1b \u202e literally",
        "summary": r"\e[31m is not an escape here",
        "claim": r"C:\new\table",
        "quote": r"\x1b",
        "aliases": [],
    },
}
EXPECTED = {
    entity_id: {"name": v, "summary": v, "claim": v, "quote": v[:300].strip(), "aliases": []}
    for entity_id, v in HOSTILE.items()
}
EXPECTED.update(LITERAL)


@pytest.fixture(scope="module")
def hostile_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "hostile facts ☃.yaml"  # a space and a snowman in the name, too
    path.write_text(hostile_facts(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def shows(
    hostile_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, subprocess.CompletedProcess[bytes]]:
    """``show ID --format FMT`` for every case and format, several processes at a time."""
    root = tmp_path_factory.mktemp("shows")
    env = isolated_env(root, root / "cache")
    assert run(["stats", "--facts", str(hostile_path)], env=env, cwd=root).returncode == 0  # warm the cache once
    return run_all(
        {
            f"{entity_id}/{fmt}": functools.partial(
                run, ["show", entity_id, "--format", fmt, "--facts", str(hostile_path)], env=env, cwd=root
            )
            for entity_id in EXPECTED
            for fmt in ("table", "json", "csv")
        }
    )


def shown(text: str) -> str:
    """How plain table output shows a piece of fact-base text: line breaks, tabs and pipes escaped too."""
    return printable(text).replace("\n", "\\n").replace("\t", "\\t").replace("|", "\\x7c")


def check_output_bytes(result) -> str:  # type: ignore[no-untyped-def]
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert result.stderr == b""
    assert_no_traceback(result)
    text = result.stdout.decode("utf-8")  # strict
    bad = UNSAFE_OUTPUT.search(text)
    assert bad is None, (
        f"raw U+{ord(bad.group()):04X} in the output: {text[max(0, bad.start() - 40) : bad.start() + 40]!r}"
    )
    return text


@pytest.mark.parametrize("entity_id", list(EXPECTED))
def test_hostile_text_prints_literally(entity_id: str, shows: dict[str, subprocess.CompletedProcess[bytes]]) -> None:
    expected = EXPECTED[entity_id]

    table = check_output_bytes(shows[f"{entity_id}/table"])
    lines = table.split("\n")
    assert lines[0] == f"{shown(expected['name'])}  [person]"
    assert lines[1] == shown(expected["summary"])
    header = 2
    if expected["aliases"]:
        assert lines[2] == "Also known as: " + ", ".join(expected["aliases"])
        header = 3
    assert lines[header] == "date | value | claim | related | said by | source: quote", table[:3000]
    fields = lines[header + 1].split(" | ")
    assert len(fields) == 6, "a field holds the separator"
    assert fields[0] == ("2004-02-29" if entity_id == "yaml-1-1-lookalikes" else "")
    assert fields[2] == shown(expected["claim"])
    assert fields[5] == f's1: "{shown(expected["quote"])}"'
    assert len(lines) == header + 3, "a fact spilled onto extra lines"  # the last is the '' after the final newline

    data = json.loads(check_output_bytes(shows[f"{entity_id}/json"]))
    assert data[0]["name"] == expected["name"] and data[0]["summary"] == expected["summary"]
    assert data[0]["aliases"] == expected["aliases"]
    assert data[0]["claims"][0]["text"] == expected["claim"]
    assert data[0]["claims"][0]["citations"] == [{"source": "s1", "quote": expected["quote"]}]

    rows = list(csv.DictReader(io.StringIO(check_output_bytes(shows[f"{entity_id}/csv"]), newline="")))
    assert len(rows) == 1
    assert rows[0]["name"] == spreadsheet_safe(printable(expected["name"]))
    assert rows[0]["claim"] == spreadsheet_safe(printable(expected["claim"]))
    assert rows[0]["quotes"] == spreadsheet_safe(printable(expected["quote"]))


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+1+1 plus", "'+1+1 plus"),
        ("-2+3 minus", "'-2+3 minus"),
        ("@SUM(A1:A9) at", "'@SUM(A1:A9) at"),
        ("-2", "-2"),
        ("1:20", "1:20"),
    ],
)
def test_spreadsheet_formulas_are_neutralized_and_numbers_kept(value: str, cell: str) -> None:
    assert spreadsheet_safe(value) == cell


def test_search_prints_markup_literally(hostile_path: Path, work: Path, env: dict[str, str]) -> None:
    text = check_output_bytes(run(["search", "Bold", "--facts", str(hostile_path)], env=env, cwd=work))
    assert "[bold]Bold[/bold] and [red on white]styled[/] text" in text
    text = check_output_bytes(
        run(["search", "alert", "--limit", "50", "--facts", str(hostile_path)], env=env, cwd=work)
    )
    assert "red \\x1b[2J\\x1b[31malert\\x1b[0m text" in text


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv", "table"])
def test_every_format_of_search_is_clean(fmt: str, hostile_path: Path, work: Path, env: dict[str, str]) -> None:
    text = check_output_bytes(
        run(
            ["search", "text", "--limit", "100", "--min-score", "0", "--format", fmt, "--facts", str(hostile_path)],
            env=env,
            cwd=work,
        )
    )
    assert (len(json.loads(text)) if fmt == "json" else text.count("\n")) >= 5


def test_hostile_queries_are_echoed_escaped(hostile_path: Path, work: Path, env: dict[str, str]) -> None:
    result = run(["who", "\x1b[2J[bold]nobody\u202e :smile:", "--facts", str(hostile_path)], env=env, cwd=work)
    assert result.returncode == 1 and result.stdout == b""
    assert_no_traceback(result)
    assert result.stderr.decode("utf-8").startswith("factcli: no match for '\\x1b[2J[bold]nobody\\u202e :smile:'")


def test_who_finds_a_cjk_name(hostile_path: Path, work: Path, env: dict[str, str]) -> None:
    text = check_output_bytes(run(["who", HOSTILE["cjk"], "--facts", str(hostile_path)], env=env, cwd=work))
    assert text.startswith(HOSTILE["cjk"] + "  [person]\n")


def test_bom_and_crlf_are_accepted(work: Path, env: dict[str, str]) -> None:
    from .harness import BASE

    path = work / "windows.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE.replace("\n", "\r\n").encode())
    text = check_output_bytes(run(["show", "ada-lovelace", "--facts", str(path)], env=env, cwd=work))
    assert text.startswith("Ada Lovelace  [person]\nA test person.\n")
    assert "\r" not in text


def test_the_hostile_catalogue_is_big_enough() -> None:
    assert len(EXPECTED) >= 12
