"""The pager, the colour switch and the plain piped format (issue 12, parts 2, 3 and 5).

The pager and colour run factcli in a real pseudo-terminal of a chosen size: only there is
stdout a terminal. The plain format is what a pipe gets, so the in-process runner sees it.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from factcli.render import wants_color

from .conftest import run_factcli, run_in_a_terminal

LINUX_PTY = os.name == "posix" and sys.platform != "darwin"
needs_pty = pytest.mark.skipif(not LINUX_PTY, reason="needs a Linux pty")
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")
KNOBS = ("FACTCLI_PAGER", "PAGER", "LESS", "NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES", "TTY_COMPATIBLE")


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in KNOBS and k != "FACTCLI_FACTS"}
    env.update(TERM="xterm-256color", PYTHONIOENCODING="utf-8", FACTCLI_CACHE_DIR=str(tmp_path / "cache"))
    env.update(extra)
    return env


def _in_a_terminal(
    args: list[str], env: dict[str, str], *, rows: int = 24, columns: int = 80, keys: bytes = b""
) -> tuple[int, bytes, bytes]:
    code, output, stderr = run_in_a_terminal(args, env, rows=rows, columns=columns, keys=keys)
    return code, output.replace(b"\r\n", b"\n"), stderr


@pytest.fixture
def recorder(tmp_path: Path) -> tuple[str, Path]:
    """A pager that keeps what it is given in a file: (its command, the file)."""
    paged = tmp_path / "paged.txt"
    script = tmp_path / "pager"
    script.write_text(f"#!/bin/sh\ncat > {paged}\n")
    script.chmod(0o755)
    return str(script), paged


# -- the pager ------------------------------------------------------------------------------------------------------
@needs_pty
def test_a_timeline_taller_than_the_terminal_goes_through_the_pager(tmp_path: Path, recorder) -> None:
    pager, paged = recorder
    code, output, stderr = _in_a_terminal(["timeline"], _env(tmp_path, FACTCLI_PAGER=pager))
    assert (code, stderr) == (0, b"")
    assert output == b"", "the pager had the answer, not the terminal"
    _, direct, _ = _in_a_terminal(["timeline", "--no-pager"], _env(tmp_path, FACTCLI_PAGER=pager))
    assert paged.read_bytes() == direct and direct.count(b"\n") > 24


@needs_pty
def test_less_is_the_pager_when_none_is_named_and_quitting_it_is_exit_0(tmp_path: Path) -> None:
    if shutil.which("less") is None:
        pytest.skip("less is not installed")
    code, output, stderr = _in_a_terminal(["-f", "json", "search", "the", "-n", "1000"], _env(tmp_path), keys=b"q")
    assert (code, stderr) == (0, b""), stderr  # the rest of the answer met a closed pipe: no error
    assert b'"id"' in output  # the first screen was shown


@needs_pty
def test_a_pager_quit_early_is_exit_0_and_quiet(tmp_path: Path) -> None:
    script = tmp_path / "pager"
    script.write_text("#!/bin/sh\nhead -c 100 > /dev/null\n")  # reads a little of ~400 KB and exits 0
    script.chmod(0o755)
    env = _env(tmp_path, FACTCLI_PAGER=str(script))
    code, output, stderr = _in_a_terminal(["-f", "json", "search", "the", "-n", "1000"], env)
    assert (code, output, stderr) == (0, b"", b"")


@needs_pty
def test_a_short_answer_is_not_paged(tmp_path: Path, recorder) -> None:
    pager, paged = recorder
    code, output, stderr = _in_a_terminal(["who", "Kim"], _env(tmp_path, FACTCLI_PAGER=pager), columns=200)
    assert (code, stderr) == (3, b"factcli: 'Kim' is ambiguous: 2 candidates; add more of the name\n")
    assert b"Kim Jong Un" in output and not paged.exists()


@needs_pty
@pytest.mark.parametrize("args", [["--no-pager", "timeline"], ["timeline", "--no-pager"]])
def test_no_pager_writes_to_the_terminal(tmp_path: Path, recorder, args: list[str]) -> None:
    pager, paged = recorder
    code, output, stderr = _in_a_terminal(args, _env(tmp_path, FACTCLI_PAGER=pager))
    assert (code, stderr) == (0, b"")
    assert output.count(b"\n") > 24 and not paged.exists()


@pytest.mark.parametrize("pager", ["", "cat"])
@needs_pty
def test_an_empty_pager_or_cat_is_no_pager(tmp_path: Path, pager: str) -> None:
    code, output, stderr = _in_a_terminal(["timeline"], _env(tmp_path, FACTCLI_PAGER=pager, PAGER="false"))
    assert (code, stderr) == (0, b"")
    assert output.count(b"\n") > 24


def test_a_pipe_is_never_paged(tmp_path: Path, recorder) -> None:
    pager, paged = recorder
    result = run_factcli("timeline", env=_env(tmp_path, FACTCLI_PAGER=pager))
    assert result.returncode == 0 and result.stdout.count(b"\n") > 24
    assert not paged.exists()


@needs_pty
@pytest.mark.parametrize(
    "pager, warning",
    [
        ("/nonexistent/pager", b"factcli: warning: cannot run the pager '/nonexistent/pager': "),
        ("false", b"factcli: warning: the pager 'false' exited with status 1"),
        ("sh -c 'exit 3'", b"factcli: warning: the pager \"sh -c 'exit 3'\" exited with status 3"),
    ],
)
def test_a_pager_that_cannot_run_or_fails_falls_back_to_the_whole_answer(
    tmp_path: Path, pager: str, warning: bytes
) -> None:
    code, output, stderr = _in_a_terminal(["timeline"], _env(tmp_path, FACTCLI_PAGER=pager))
    _, direct, _ = _in_a_terminal(["timeline", "--no-pager"], _env(tmp_path))
    assert code == 0
    assert output == direct
    assert stderr.startswith(warning) and stderr.count(b"\n") == 1, stderr
    assert b"Traceback" not in stderr


@needs_pty
def test_pager_falls_back_to_PAGER_then_less(tmp_path: Path, recorder) -> None:
    pager, paged = recorder
    code, output, stderr = _in_a_terminal(["timeline"], _env(tmp_path, PAGER=pager))
    assert (code, output, stderr) == (0, b"", b"")
    assert paged.read_bytes().count(b"\n") > 24


# -- colour ---------------------------------------------------------------------------------------------------------
COLOUR_ARGS = ["show", "charles-robert-jenkins", "--no-pager"]


@needs_pty
@pytest.mark.parametrize(
    "args, extra",
    [
        (["--color", "never"], {}),
        (["--color=never"], {"FORCE_COLOR": "1"}),
        ([], {"NO_COLOR": "1"}),
        ([], {"NO_COLOR": "1", "FORCE_COLOR": "1"}),
    ],
    ids=["--color never", "--color=never over FORCE_COLOR", "NO_COLOR", "NO_COLOR over FORCE_COLOR"],
)
def test_no_colour_is_the_same_layout_without_the_escapes(tmp_path: Path, args: list[str], extra) -> None:
    code, coloured, stderr = _in_a_terminal(COLOUR_ARGS, _env(tmp_path), rows=60, columns=160)
    assert (code, stderr) == (0, b"")
    assert b"\x1b[" in coloured
    code, plain, stderr = _in_a_terminal(COLOUR_ARGS + args, _env(tmp_path, **extra), rows=60, columns=160)
    assert (code, stderr) == (0, b"")
    assert b"\x1b" not in plain
    assert plain == ANSI.sub(b"", coloured)


@needs_pty
def test_color_always_beats_no_color(tmp_path: Path) -> None:
    code, output, _ = _in_a_terminal([*COLOUR_ARGS, "--color", "always"], _env(tmp_path, NO_COLOR="1"), rows=60)
    assert code == 0 and b"\x1b[" in output


@needs_pty
def test_force_color_colours_a_dumb_terminal(tmp_path: Path) -> None:
    code, output, _ = _in_a_terminal(COLOUR_ARGS, _env(tmp_path, TERM="dumb", FORCE_COLOR="1"), rows=60)
    assert code == 0 and b"\x1b[" in output
    code, output, _ = _in_a_terminal(COLOUR_ARGS, _env(tmp_path, TERM="dumb"), rows=60)
    assert code == 0 and b"\x1b" not in output


@pytest.mark.parametrize(
    "mode, environ, terminal, expected",
    [
        (None, {}, True, True),
        (None, {}, False, False),
        (None, {"TERM": "dumb"}, True, False),
        (None, {"NO_COLOR": "1"}, True, False),
        (None, {"NO_COLOR": ""}, True, True),  # set but empty: not set (no-color.org)
        (None, {"FORCE_COLOR": "1"}, False, True),
        (None, {"FORCE_COLOR": "0"}, False, True),  # any non-empty value (force-color.org)
        (None, {"FORCE_COLOR": ""}, False, False),
        (None, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False),
        ("auto", {"NO_COLOR": "1"}, True, False),
        ("always", {"NO_COLOR": "1"}, False, True),
        ("never", {"FORCE_COLOR": "1"}, True, False),
    ],
)
def test_colour_precedence_flag_then_no_color_then_force_color_then_auto(mode, environ, terminal, expected) -> None:
    assert wants_color(mode, terminal, environ) is expected


def test_forced_colour_on_a_pipe_styles_the_header_lines_and_not_the_rows(tmp_path: Path) -> None:
    plain = run_factcli("who", "Jenkins", env=_env(tmp_path)).stdout
    forced = run_factcli("who", "Jenkins", env=_env(tmp_path, FORCE_COLOR="1")).stdout
    always = run_factcli("--color", "always", "who", "Jenkins", env=_env(tmp_path)).stdout
    assert forced == always and b"\x1b[1m" in forced
    assert ANSI.sub(b"", forced) == plain
    rows = [line for line in forced.splitlines() if b" | " in line][1:]
    assert rows and all(b"\x1b" not in row for row in rows)
    assert run_factcli("-f", "json", "who", "Jenkins", env=_env(tmp_path, FORCE_COLOR="1")).stdout.count(b"\x1b") == 0


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
