"""Process behaviour: broken pipes, Ctrl-C, hostile locales and terminals, failed writes.

All through real processes: a closed pipe must end factcli with exit 141 and not one line
of "Exception ignored"; SIGINT with exit 130, one line, and no temporary file left in the
cache dir; LANG=C, PYTHONIOENCODING=ascii, TERM=dumb and NO_COLOR must never cost a
UnicodeEncodeError or an escape byte; a full disk or a closed stdout is one line and exit 2.
"""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..conftest import run_in_a_terminal
from .harness import (
    BASE,
    assert_no_traceback,
    assert_one_clean_error_line,
    generate_facts,
    isolated_env,
    run,
    run_all,
)
from .test_robust_hostile_valid import HOSTILE, hostile_facts

POSIX = os.name == "posix"


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """3,000 generated entities (a search prints ~300 KB, far more than a pipe holds) and a warm cache."""
    root = tmp_path_factory.mktemp("many")
    path = root / "many.yaml"
    path.write_text(generate_facts(3000))
    env = isolated_env(root, root / "cache")
    warm = run(["stats", "--facts", str(path)], env=env, cwd=root)
    assert warm.returncode == 0, warm.stderr
    return path, env


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "hostile.yaml"
    path.write_text(hostile_facts(), encoding="utf-8")
    return path


def factcli(*args: str) -> list[str]:
    return [sys.executable, "-m", "factcli", *args]


# -- broken pipe ------------------------------------------------------------------------------
@pytest.mark.skipif(not POSIX, reason="SIGPIPE semantics")
@pytest.mark.parametrize(
    "args",
    [
        ("search", "alpha", "--limit", "10000"),
        ("search", "alpha", "--limit", "10000", "--format", "json"),
        ("search", "alpha", "--limit", "10000", "--format", "jsonl"),
        ("search", "alpha", "--limit", "10000", "--format", "csv"),
        ("timeline", "--format", "tsv"),
        ("who", "-", "--format", "jsonl"),
    ],
    ids=["table", "json", "jsonl", "csv", "timeline-tsv", "who-batch"],
)
def test_a_closed_pipe_ends_quietly_with_141(
    args: tuple[str, ...], many: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    path, env = many
    stdin = ("\n".join(f"Alpha Person{i} Bravo" for i in range(0, 3000, 3)) + "\n").encode()
    process = subprocess.Popen(
        factcli(*args, "--facts", str(path)),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=tmp_path,
    )
    assert process.stdin is not None and process.stdout is not None and process.stderr is not None
    if args[0] == "who":
        process.stdin.write(stdin)
    process.stdin.close()
    first = process.stdout.read(100)  # like `| head -c 100` (JSON is one long line)
    process.stdout.close()
    stderr = process.stderr.read()
    code = process.wait(timeout=60)
    assert first  # it did start answering
    assert b"Traceback" not in stderr and b"Exception ignored" not in stderr and b"Error" not in stderr, stderr
    assert stderr == b"", stderr
    assert code == 141


@pytest.mark.skipif(not POSIX, reason="sh and head")
def test_head_in_a_real_shell_pipeline(many: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    path, env = many
    script = f'{sys.executable} -m factcli search alpha --limit 10000 --facts "{path}" | head -n 2; echo "status=${{PIPESTATUS[0]}}" >&2'
    result = subprocess.run(["bash", "-c", script], capture_output=True, env=env, cwd=tmp_path, timeout=60, check=False)
    assert result.stdout.count(b"\n") == 2
    assert result.stderr == b"status=141\n", result.stderr


# -- Ctrl-C -----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def huge(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("huge") / "huge.yaml"
    path.write_text(generate_facts(20_000))  # ~5 MB: a cold load takes seconds
    return path


def _wait_until_reading_is_done(pid: int, size: int, timeout: float = 20) -> None:
    """Wait until the process has read ``size`` bytes (it is past start-up, inside factcli's main)."""
    deadline = time.monotonic() + timeout
    io_file = Path(f"/proc/{pid}/io")
    if not io_file.exists():
        time.sleep(0.5)
        return
    while time.monotonic() < deadline:
        try:
            fields = dict(line.split(": ") for line in io_file.read_text().splitlines())
        except (OSError, ValueError):
            break
        if int(fields.get("rchar", "0")) >= size:
            return
        time.sleep(0.01)


@pytest.mark.skipif(not POSIX, reason="signals")
@pytest.mark.parametrize("delay", [0.0, 0.3], ids=["just-after-reading", "while-parsing"])
def test_ctrl_c_on_a_cold_load_exits_130_and_leaves_no_temp_file(delay: float, huge: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = isolated_env(tmp_path, cache)
    process = subprocess.Popen(
        factcli("who", "Alpha Person7 Bravo", "--facts", str(huge)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=tmp_path,
    )
    _wait_until_reading_is_done(process.pid, huge.stat().st_size)
    time.sleep(delay)
    assert process.poll() is None, "finished before the signal: make the fact base bigger"
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert stderr == b"factcli: interrupted\n", stderr
    assert stdout == b""
    if cache.exists():
        assert not list(cache.glob(".tmp-*")), "a temporary cache file was left behind"


@pytest.mark.skipif(not POSIX, reason="signals")
def test_ctrl_c_while_writing_the_cache_removes_the_temp_file(work: Path, tmp_path: Path) -> None:
    """SIGINT delivered inside cache.write (deterministically: at the rename) leaves no .tmp-* file."""
    facts = work / "facts.yaml"
    facts.write_text(BASE)
    cache = tmp_path / "cache"
    env = isolated_env(tmp_path, cache)
    program = (
        "import os, signal, types, factcli.cache as c\n"
        "proxy = types.SimpleNamespace(**{k: getattr(os, k) for k in dir(os) if not k.startswith('__')})\n"
        "def replace(*args):\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    return os.replace(*args)\n"
        "proxy.replace = replace\n"
        "c.os = proxy\n"
        "import sys; sys.argv[0] = 'factcli'\n"
        "from factcli.cli import main\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program, "who", "Ada", "--facts", str(facts)],
        capture_output=True,
        env=env,
        cwd=work,
        timeout=60,
        check=False,
    )
    assert result.returncode == 130, result.stderr
    assert result.stderr == b"factcli: interrupted\n"
    assert result.stdout == b""
    assert [p.name for p in cache.iterdir()] == [], "a temporary or partial cache file was left behind"


def test_ctrl_c_while_the_cli_is_still_importing_exits_130_without_a_traceback(work: Path, tmp_path: Path) -> None:
    """SIGINT delivered (deterministically) while Typer is being imported, before the app's handlers exist."""
    program = (
        "import os, signal, sys\n"
        "class Interrupt:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'typer':\n"
        "            os.kill(os.getpid(), signal.SIGINT)\n"
        "        return None\n"
        "sys.meta_path.insert(0, Interrupt())\n"
        "sys.argv[0] = 'factcli'\n"
        "from factcli.__main__ import main\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program, "who", "Ada"],
        capture_output=True,
        env=isolated_env(tmp_path, tmp_path / "cache"),
        cwd=work,
        timeout=60,
        check=False,
    )
    assert result.returncode == 130, result.stderr
    assert result.stderr == b"factcli: interrupted\n"
    assert result.stdout == b""


# -- locales, encodings, terminals ------------------------------------------------------------------------
ENVIRONMENTS = {
    "lang-c": {"LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": "", "PYTHONUTF8": ""},
    "ascii": {"PYTHONIOENCODING": "ascii", "PYTHONUTF8": ""},
    "latin-1": {"PYTHONIOENCODING": "latin-1", "PYTHONUTF8": ""},
    "term-dumb-no-color": {"TERM": "dumb", "NO_COLOR": "1"},
}
LOCALE_RUNS = [("ascii", fmt) for fmt in ("table", "json", "jsonl", "csv", "tsv")] + [
    ("lang-c", "table"),
    ("lang-c", "csv"),
    ("latin-1", "table"),
    ("latin-1", "json"),
    ("term-dumb-no-color", "table"),
]


def _environment(name: str, root: Path) -> dict[str, str]:
    return {k: v for k, v in isolated_env(root, root / "cache", ENVIRONMENTS[name]).items() if v != ""}


@pytest.fixture(scope="module")
def locale_runs(
    hostile: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, subprocess.CompletedProcess[bytes]]:
    root = tmp_path_factory.mktemp("locales")
    jobs = {
        f"{name}/{fmt}": functools.partial(
            run,
            ["search", "text", "--limit", "100", "--min-score", "0", "--format", fmt, "--facts", str(hostile)],
            env=_environment(name, root),
            cwd=root,
        )
        for name, fmt in LOCALE_RUNS
    }
    jobs.update(
        {
            f"{name}/error": functools.partial(
                run, ["who", "日本\u202e\x1b[2J", "--facts", str(hostile)], env=_environment(name, root), cwd=root
            )
            for name in ENVIRONMENTS
        }
    )
    return run_all(jobs)


@pytest.mark.parametrize(("name", "fmt"), LOCALE_RUNS)
def test_hostile_locales_never_break_the_output(
    name: str, fmt: str, locale_runs: dict[str, subprocess.CompletedProcess[bytes]]
) -> None:
    result = locale_runs[f"{name}/{fmt}"]
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    assert_no_traceback(result)
    assert b"\x1b" not in result.stdout
    if name == "ascii":
        assert result.stdout.isascii()
    assert result.stdout.count(b"\n") >= (1 if fmt == "json" else 5)


@pytest.mark.parametrize("name", list(ENVIRONMENTS))
def test_hostile_locales_never_break_error_messages(
    name: str, locale_runs: dict[str, subprocess.CompletedProcess[bytes]]
) -> None:
    result = locale_runs[f"{name}/error"]
    assert result.returncode == 1 and result.stdout == b""
    assert_no_traceback(result)
    assert b"\x1b" not in result.stderr and result.stderr.count(b"\n") == 1
    assert b"\\u202e\\x1b[2J" in result.stderr


def _run_in_a_terminal(args: list[str], env: dict[str, str], cwd: Path) -> tuple[int, bytes, bytes]:
    return run_in_a_terminal(args, env, rows=50, columns=1000, cwd=cwd)  # 1000 columns: no cell is folded


TERMINALS = {  # FACTCLI_PAGER=cat: the whole answer on the terminal, however tall (tests/test_pager_colour.py pages)
    "colour": {"TERM": "xterm-256color"},
    "dumb": {"TERM": "dumb"},
    "no-color": {"TERM": "xterm-256color", "NO_COLOR": "1"},
    "colour-ascii": {"TERM": "xterm-256color", "PYTHONIOENCODING": "ascii", "PYTHONUTF8": ""},
}
TERMINAL_COMMANDS = {
    # the hostile entities in one Rich table (wide enough that no short cell is folded); search finds
    # words, not near-spellings, so the query names a word of each entity the test looks at
    "search": ["search", "text link emoji", "--limit", "100", "--min-score", "0", "--facts", "{hostile}"],
    # an entity's own header lines and claim table
    "show": ["show", "escape-sequences", "--facts", "{hostile}"],
}


@pytest.fixture(scope="module")
def terminal_runs(hostile: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, bytes, bytes]]:
    root = tmp_path_factory.mktemp("terminals")
    jobs = {}
    for terminal, extra in TERMINALS.items():
        env = {
            k: v
            for k, v in isolated_env(root, root / "cache", {**extra, "COLUMNS": "1000", "FACTCLI_PAGER": "cat"}).items()
            if v != ""
        }
        for command, args in TERMINAL_COMMANDS.items():
            jobs[f"{terminal}/{command}"] = functools.partial(
                _run_in_a_terminal, [a.replace("{hostile}", str(hostile)) for a in args], env, root
            )
    return run_all(jobs)


@pytest.mark.skipif(not POSIX or sys.platform == "darwin", reason="needs a Linux pty")
@pytest.mark.parametrize("command", list(TERMINAL_COMMANDS))
@pytest.mark.parametrize("terminal", list(TERMINALS))
def test_a_terminal_shows_data_as_text(
    terminal: str, command: str, terminal_runs: dict[str, tuple[int, bytes, bytes]]
) -> None:
    code, output, stderr = terminal_runs[f"{terminal}/{command}"]
    assert code == 0, stderr
    assert stderr == b""
    for sign in (b"Traceback", b"Error"):
        assert sign not in output
    assert b"\x1b]" not in output, "an OSC sequence (hyperlink, title) reached the terminal"
    assert b"\x1b[2J" not in output and b"\x1b[31m" not in output and b"\x9b" not in output
    assert "\u202e".encode() not in output and "\u200b".encode() not in output
    if terminal in ("dumb", "no-color"):
        assert b"\x1b" not in output, "escape bytes without colour"
    if terminal == "colour-ascii":
        assert output.isascii()
    if terminal != "dumb" or command == "show":
        assert b"\\x1b[2J\\x1b[31malert" in output
    if command == "search" and terminal != "dumb":  # Rich draws 80 columns on a dumb terminal: cells fold
        for literal in (
            b"[bold]Bold[/bold]",
            b"[link=https://evil.example/]click here[/link]",
            b":smile: :thumbs_up:",
            b"\\u202eevil",
            b"zero\\u200bwidth",
        ):
            assert literal in output, literal


# -- failed writes and closed streams ---------------------------------------------------------------------------
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_a_full_disk_is_one_line_and_exit_2(fmt: str, work: Path, env: dict[str, str]) -> None:
    facts = work / "facts.yaml"
    facts.write_text(BASE)
    with open("/dev/full", "wb") as full:
        result = subprocess.run(
            factcli("show", "ada-lovelace", "--format", fmt, "--facts", str(facts)),
            check=False,
            stdout=full,
            stderr=subprocess.PIPE,
            env=env,
            cwd=work,
            timeout=60,
        )
    assert result.returncode == 2
    assert result.stderr == b"factcli: error: cannot write output: No space left on device\n"


@pytest.mark.skipif(not POSIX, reason="closing fd 1")
def test_a_closed_stdout_is_one_line_and_exit_2(work: Path, env: dict[str, str]) -> None:
    facts = work / "facts.yaml"
    facts.write_text(BASE)
    script = f'exec >&-; exec {sys.executable} -m factcli show ada-lovelace --facts "{facts}"'
    result = subprocess.run(["sh", "-c", script], stderr=subprocess.PIPE, env=env, cwd=work, timeout=60, check=False)
    assert result.returncode == 2, result.stderr
    assert result.stderr == b"factcli: error: cannot write output: standard output is closed\n"


@pytest.mark.skipif(not POSIX, reason="closing fd 0")
def test_a_closed_stdin_is_one_line_and_exit_2(work: Path, env: dict[str, str]) -> None:
    facts = work / "facts.yaml"
    facts.write_text(BASE)
    script = f'exec <&-; exec {sys.executable} -m factcli who - --facts "{facts}"'
    result = subprocess.run(["sh", "-c", script], capture_output=True, env=env, cwd=work, timeout=60, check=False)
    line = assert_one_clean_error_line(result)
    assert "stdin is closed" in line


def test_undecodable_stdin_under_a_strict_encoding_is_one_line(work: Path, env: dict[str, str]) -> None:
    facts = work / "facts.yaml"
    facts.write_text(BASE)
    result = run(
        ["who", "-", "--facts", str(facts)],
        env={**env, "PYTHONIOENCODING": "ascii", "PYTHONUTF8": "0"},
        cwd=work,
        input=b"Ada\ncaf\xe9\n",
    )
    line = assert_one_clean_error_line(result)
    assert line == "factcli: error: stdin is not ascii text (byte 0xe9)"


def test_undecodable_stdin_by_default_is_just_a_miss(work: Path, env: dict[str, str]) -> None:
    facts = work / "facts.yaml"
    facts.write_text(BASE)
    result = run(
        ["who", "-", "--facts", str(facts)],
        env={**env, "PYTHONIOENCODING": ""},
        cwd=work,
        input=b"Ada Lovelace\ncaf\xe9 \xff\n",
    )
    assert result.returncode == 1
    assert_no_traceback(result)
    assert result.stderr == b"factcli: no match for 'caf\\udce9 \\udcff'\n"


def test_an_escaping_exception_is_one_line_and_exit_2(work: Path, env: dict[str, str]) -> None:
    """The last line of defence: a bug anywhere still ends as one line, exit 2, no traceback."""
    facts = work / "facts.yaml"
    facts.write_text(BASE)
    program = (
        "import factcli.query as q\n"
        "def boom(*args, **kwargs):\n"
        "    raise IndexError('a deliberate bug \\x1b[2J')\n"
        "q.Catalog.lookup = boom\n"
        "from factcli.cli import main\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program, "who", "Ada", "--facts", str(facts)],
        capture_output=True,
        env=env,
        cwd=work,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr == (
        b"factcli: internal error: IndexError: a deliberate bug \\x1b[2J (set FACTCLI_DEBUG=1 for a traceback)\n"
    )


def test_hostile_texts_exist_for_the_terminal_cases() -> None:
    assert {"escape-sequences", "osc-8-hyperlink", "link-markup", "bidi-overrides", "cjk", "markup"} <= set(HOSTILE)
