"""Property-based and mutation tests: nothing a file or a query holds can crash factcli.

* any byte string as a fact file: the loader returns a fact base or raises FactBaseError,
  whose problems are single printable lines with a sane position, and nothing else;
* the same bytes through the command line give exit 0, 1, 2 or 3 (3: an ambiguous name),
  never "internal error", and an exit 2 is one line with nothing on stdout;
* any string as a query, to every lookup command in every format: the same;
* every prefix of two valid fact files (a truncated download, a half-saved edit), a sample of
  prefixes of the shipped fact base, and a few thousand random single-byte edits of a valid
  file: the same properties.

The in-process checks run the real top level (``FactcliGroup.main``) with stdout and stderr
captured; a sample of each also runs as real processes, to see what a shell would see.
Hypothesis is derandomized and keeps no example database, so CI runs are reproducible.
"""

from __future__ import annotations

import functools
import io
import os
import random
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factcli import FactBaseError, load
from factcli.cli import app
from factcli.load import default_facts_path
from factcli.render import printable

from ..conftest import FIXTURES
from .harness import BASE, assert_no_traceback, isolated_env, run, run_all

PROPERTY = settings(
    max_examples=250,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff"
    "\ufff9-\ufffb\U000e0000-\U000e007f]"
)
_COMMAND = typer.main.get_command(app)

# Text that looks like YAML (and like the fact schema) finds the parser's corners far sooner than bytes.
YAML_PIECES = [
    "sources:",
    "entities:",
    "- id: s1",
    "id:",
    "kind: person",
    "name:",
    "summary:",
    "claims:",
    "citations:",
    "- source: s1",
    "quote:",
    "text:",
    "date:",
    "value:",
    "published: 2004-05",
    "file: a.txt",
    "&a",
    "*a",
    "<<:",
    "!!python/object:os.system",
    "!x",
    "---",
    "...",
    "%YAML 1.1",
    "? ",
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "'",
    '"',
    "|",
    ">",
    "#",
    "\\",
    "\\x1b",
    "\\u202e",
    "\\0",
    "~",
    "null",
    "NO",
    "0777",
    "1:20",
    ".nan",
    "1e400",
    "2024-02-30",
    "1960s",
    "\n",
    "\n  ",
    "\n    ",
    "\t",
    " ",
    "\r\n",
    "\ufeff",
    "\u202e",
    "\x1b",
    "\x00",
    "é",
    "日本",
    "\ud7ff",
    "\U0001f600",
]
yaml_like = st.lists(st.sampled_from(YAML_PIECES), max_size=60).map("".join)
fact_bytes = st.one_of(
    st.binary(max_size=2000),
    yaml_like.map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.tuples(st.integers(0, len(BASE)), yaml_like).map(
        lambda cut: (BASE[: cut[0]] + cut[1] + BASE[cut[0] :]).encode()
    ),
)
QUERY_CHARS = st.one_of(st.characters(), st.sampled_from(list("\x00\x1b\x85\u202e\u200b\udcff[]/:=@+-\n\r\t '\"\\%{}")))
queries = st.one_of(
    st.text(QUERY_CHARS, max_size=40), st.sampled_from(["Ada", "Lovelace", "ada-lovelace", "-", "a" * 1001])
)


def cli_in_process(args: list[str], stdin: str = "") -> tuple[int, str, str]:
    """The real top level (every error becomes one line), with stdin, stdout and stderr captured."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = _COMMAND.main(args, prog_name="factcli", standalone_mode=False)
    finally:
        sys.stdin = saved
    return code, out.getvalue(), err.getvalue()


def check_loader(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    try:
        load(path)
    except FactBaseError as error:
        assert error.problems
        for problem in error.problems:
            text = str(problem)
            assert "\n" not in text and printable(text) == text, text
            assert problem.file == str(path)
            assert problem.line is not None or problem.column is None
            assert problem.line is None or problem.line >= 1
            assert problem.column is None or problem.column >= 1


def check_cli(code: int, out: str, err: str, lines: int = 1) -> None:
    """``lines``: the stderr lines allowed (one a query: a batch from stdin says each miss)."""
    assert code in (0, 1, 2, 3), (code, err)
    assert "internal error" not in err and "Traceback" not in err, err
    assert UNSAFE.search(out) is None and UNSAFE.search(err) is None, (out[:500], err)
    assert err.count("\n") <= lines, err
    if code == 2:
        assert out == "" and err.count("\n") == 1 and err.startswith("factcli: "), (out[:500], err)


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    """One file rewritten for every example: in RAM when /dev/shm is there (disk opens cost ~1 ms each)."""
    shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    directory = tempfile.mkdtemp(prefix="factcli-properties-", dir=shm)
    yield Path(directory) / "facts.yaml"
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def base_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("base") / "facts.yaml"
    path.write_text(BASE)
    return path


# -- any bytes as a fact file ------------------------------------------------------------------------------
@PROPERTY
@given(data=fact_bytes)
def test_any_bytes_load_or_fail_with_problems(data: bytes, scratch: Path) -> None:
    check_loader(scratch, data)


@PROPERTY
@given(data=fact_bytes, fmt=st.sampled_from(["table", "json", "csv"]))
def test_any_bytes_through_the_command_line(data: bytes, fmt: str, scratch: Path) -> None:
    scratch.write_bytes(data)
    check_cli(*cli_in_process(["who", "Ada", "--no-cache", "--format", fmt, "--facts", str(scratch)]))


# -- any string as a query ---------------------------------------------------------------------------------------
@PROPERTY
@given(
    query=queries,
    command=st.sampled_from(["who", "what", "figure", "said", "search", "show", "timeline"]),
    fmt=st.sampled_from(["table", "json", "jsonl", "csv", "tsv"]),
    stdin=st.text(QUERY_CHARS, max_size=30),
)
def test_any_query_through_the_command_line(query: str, command: str, fmt: str, stdin: str, base_file: Path) -> None:
    batch = query == "-" and command in ("who", "what", "figure", "said", "where")
    lines = max(1, len(stdin.splitlines())) if batch else 1
    check_cli(*cli_in_process([command, query, "--format", fmt, "--facts", str(base_file)], stdin=stdin), lines)


@PROPERTY
@given(start=st.text(QUERY_CHARS, max_size=20), end=st.text(QUERY_CHARS, max_size=20))
def test_any_dates_for_timeline(start: str, end: str, base_file: Path) -> None:
    check_cli(*cli_in_process(["timeline", "--from", start, "--to", end, "--facts", str(base_file)]))


# -- the same, as real processes (a sample) -------------------------------------------------------------------------------
def _real_process_check(args: list[str], data: bytes | None, root: Path) -> None:
    root.mkdir(parents=True)
    facts = root / "facts.yaml"
    facts.write_bytes(data if data is not None else BASE.encode())
    result = run([a.replace("{facts}", str(facts)) for a in args], env=isolated_env(root, root / "cache"), cwd=root)
    assert_no_traceback(result)
    assert result.returncode in (0, 1, 2, 3), result.stderr
    assert result.stderr.count(b"\n") <= 1, result.stderr
    if result.returncode == 2:
        assert result.stdout == b"" and result.stderr.startswith(b"factcli: ")
    result.stderr.decode("utf-8")


def test_a_sample_as_real_processes(tmp_path: Path) -> None:
    rng = random.Random(20240229)
    jobs = {}
    for n in range(12):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 600)))
        jobs[f"bytes-{n}"] = functools.partial(
            _real_process_check, ["who", "Ada", "--facts", "{facts}"], data, tmp_path / f"b{n}"
        )
    raw = BASE.encode()
    for n in range(12):
        at = rng.randrange(len(raw))
        data = raw[:at] + bytes([rng.randrange(256)]) + raw[at + 1 :]
        jobs[f"edit-{n}"] = functools.partial(
            _real_process_check, ["show", "ada-lovelace", "-f", "csv", "--facts", "{facts}"], data, tmp_path / f"e{n}"
        )
    alphabet = [chr(c) for c in range(1, 0x250) if c != 0] + list("\u202e\u200b日本語עברית\U0001f600")
    for n in range(12):
        query = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 30)))
        jobs[f"query-{n}"] = functools.partial(
            _real_process_check,
            [rng.choice(["who", "search", "said", "show"]), query, "--facts", "{facts}"],
            None,
            tmp_path / f"q{n}",
        )
    run_all(jobs)


# -- truncations and single-byte edits ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("source", ["base", "mini-fixture"])
def test_every_prefix_of_a_valid_file(source: str, scratch: Path) -> None:
    data = BASE.encode() if source == "base" else (FIXTURES / "mini.yaml").read_bytes()
    for end in range(len(data) + 1):
        check_loader(scratch, data[:end])
    for end in range(0, len(data) + 1, 23):
        scratch.write_bytes(data[:end])
        check_cli(*cli_in_process(["who", "Ada", "--no-cache", "--facts", str(scratch)]))


def test_a_sample_of_prefixes_of_the_shipped_fact_base(scratch: Path) -> None:
    data = default_facts_path().read_bytes()
    rng = random.Random(7)
    ends = sorted(
        {*range(0, len(data), max(1, len(data) // 25)), *(rng.randrange(len(data)) for _ in range(25)), len(data)}
    )
    for end in ends:
        check_loader(scratch, data[:end])


def test_thousands_of_random_single_byte_edits(scratch: Path) -> None:
    raw = BASE.encode()
    rng = random.Random(1843)
    for n in range(3000):
        at = rng.randrange(len(raw))
        kind = n % 3
        byte = bytes([rng.choice([rng.randrange(256), *b" \t\n:-[]{}&*!|>'\"#%@`\\"])])
        data = (
            raw[:at] + byte + raw[at + 1 :]
            if kind == 0
            else raw[:at] + byte + raw[at:]
            if kind == 1
            else raw[:at] + raw[at + 1 :]
        )
        check_loader(scratch, data)
        if n % 10 == 0:
            check_cli(
                *cli_in_process(
                    [
                        "show",
                        "ada-lovelace",
                        "--no-cache",
                        "--format",
                        ["table", "json", "csv"][n % 3],
                        "--facts",
                        str(scratch),
                    ]
                )
            )
