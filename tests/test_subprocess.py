"""factcli as a real process: exit statuses, pipes, stdin, `python -m factcli`, `| head -1`.

Each test runs ``python -m factcli`` (and the ``factcli`` console script where the venv
has one) with the test's own cache directory, from the top of the checkout.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from factcli import load

from .conftest import FIXTURES, ROOT, run_factcli

PY = shlex.quote(sys.executable)
FACTCLI = f"{PY} -m factcli"
SCRIPT = Path(sys.executable).parent / "factcli"


def run(*args: str, **kwargs) -> subprocess.CompletedProcess[bytes]:
    return run_factcli(*args, cwd=ROOT, **kwargs)


def shell(command: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """A bash pipeline, from the top of the checkout, with this test's environment (its cache dir)."""
    return subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, cwd=ROOT, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def facts():
    return load(ROOT / "facts.yaml")


@pytest.mark.parametrize(("args", "status"), [
    (("who", "Jenkins"), 0),
    (("who", "xyzzyq"), 1),
    (("who", "Kim"), 3),
    (("who", "Chimura", "--format", "json"), 3),
    (("what", "Hanoi summit"), 0),
    (("figure", "repatriation"), 0),
    (("search", "amnesty"), 0),
    (("said", "Kawaguchi"), 0),
    (("show", "no-such-id"), 1),
    (("who", "Jenkins", "--bogus"), 2),
    (("who", "Jenkins", "--facts", "/nonexistent/facts.yaml"), 2),
    (("who",), 2),
])  # fmt: skip
def test_exit_status(args, status):
    result = run(*args)
    assert result.returncode == status, (args, result.stderr)
    assert b"Traceback" not in result.stderr


def test_results_on_stdout_messages_on_stderr():
    miss = run("who", "xyzzyq")
    assert miss.stdout == b""
    assert miss.stderr.decode().startswith("factcli: no match for 'xyzzyq'")
    ambiguous = run("who", "Kim")
    assert b"kim-jong-il" in ambiguous.stdout and b"kim-jong-un" in ambiguous.stdout
    assert b"ambiguous" in ambiguous.stderr and b"ambiguous" not in ambiguous.stdout
    found = run("who", "Jenkins")
    assert found.stderr == b"" and found.stdout.startswith(b"Charles Robert Jenkins")


def test_json_round_trip_through_a_pipe(facts):
    claims = len(facts.entities["charles-robert-jenkins"].claims)
    check = (
        "import json, sys; d = json.load(sys.stdin); "
        "assert d[0]['id'] == 'charles-robert-jenkins', d; print(len(d[0]['claims']))"
    )
    commands = [FACTCLI] + ([shlex.quote(str(SCRIPT))] if SCRIPT.exists() else [])
    for factcli in commands:
        result = shell(f"{factcli} who Jenkins --format json | {PY} -c {shlex.quote(check)}")
        assert result.returncode == 0, (factcli, result.stderr)
        assert result.stdout.strip() == str(claims)


def test_python_m_factcli_version():
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.decode().startswith("factcli ")


def test_options_after_the_command():
    result = run("who", "Jenkins", "--facts", str(ROOT / "facts.yaml"), "--format", "json", "--limit", "5")
    assert result.returncode == 0, result.stderr
    matches = json.loads(result.stdout)
    assert 1 <= len(matches) <= 5 and matches[0]["id"] == "charles-robert-jenkins"
    mini = run("who", "Smith", "-f", "json", "--facts", str(FIXTURES / "mini.yaml"))
    assert mini.returncode == 0 and json.loads(mini.stdout)[0]["id"] == "jon-smith"


def test_who_dash_reads_stdin_one_json_array_per_line():
    result = run("who", "-", "--format", "jsonl", input="Jenkins\nKim\nSoga Hitomi\n")
    lines = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [line[0]["id"] for line in lines] == ["charles-robert-jenkins", "kim-jong-il", "hitomi-soga"]
    assert {m["id"] for m in lines[1]} == {"kim-jong-il", "kim-jong-un"}
    assert result.returncode == 3


@pytest.mark.parametrize("command", ["who Jenkins", "search a", "figure repatriation", "timeline"])
def test_head_1_exits_without_a_traceback(tmp_path, command):
    result = shell(f'{FACTCLI} {command} 2>{tmp_path}/err | head -1; echo "${{PIPESTATUS[0]}}" >{tmp_path}/status')
    assert len(result.stdout.splitlines()) == 1
    status = int((tmp_path / "status").read_text())
    err = (tmp_path / "err").read_text()
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert status in (0, 141), (status, err)  # 141 = 128 + SIGPIPE, as a shell reports it


def test_a_long_answer_into_head_is_cut_cleanly(tmp_path):
    """Megabytes of output: the pipe surely closes while factcli is still writing."""
    (tmp_path / "names").write_text("Jenkins\n" * 3000)
    result = shell(
        f"{FACTCLI} who - --format jsonl <{tmp_path}/names 2>{tmp_path}/err | head -1; "
        f'echo "${{PIPESTATUS[0]}}" >{tmp_path}/status'
    )
    assert json.loads(result.stdout)[0]["id"] == "charles-robert-jenkins"
    err = (tmp_path / "err").read_text()
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert int((tmp_path / "status").read_text()) == 141


def test_an_ascii_terminal_encoding_does_not_break_output():
    env = {"PYTHONIOENCODING": "ascii"}
    as_json = run("who", "Iizuka", "--format", "json", env=env)
    assert as_json.returncode == 0 and json.loads(as_json.stdout)[0]["id"] == "koichiro-iizuka"
    table = run("who", "Kōichirō", env=env)
    assert table.returncode == 0, table.stderr
    assert b"Traceback" not in table.stderr


def test_shell_completion_offers_entity_names_once_the_cache_is_warm(tmp_path: Path) -> None:
    facts = ROOT / "tests" / "fixtures" / "mini.yaml"
    env = {"FACTCLI_FACTS": str(facts), "FACTCLI_CACHE_DIR": str(tmp_path)}
    complete = {**env, "_FACTCLI_COMPLETE": "complete_bash", "COMP_WORDS": "factcli who Smi", "COMP_CWORD": "2"}
    cold = run(env=complete)
    assert cold.returncode == 0 and cold.stdout.strip() == b""  # completion never parses YAML itself
    assert run("who", "Smith", env=env).returncode == 0  # warms the cache
    warm = run(env=complete)
    assert warm.returncode == 0
    assert "Smith" in warm.stdout.decode().splitlines()


def _complete(words: str, env: dict[str, str], shell: str = "bash") -> list[str]:
    result = run(env={**env, "_FACTCLI_COMPLETE": f"complete_{shell}", "COMP_WORDS": words, "COMP_CWORD": "2"})
    assert result.returncode == 0, result.stderr
    return result.stdout.decode().splitlines()


def test_completion_offers_what_the_command_returns_quoted_for_bash(tmp_path: Path) -> None:
    env = {"FACTCLI_FACTS": str(ROOT / "facts.yaml"), "FACTCLI_CACHE_DIR": str(tmp_path)}
    assert run("who", "Jenkins", env=env).returncode == 0  # warms the cache
    who = _complete("factcli who Ch", env)
    assert "Charles\\ Robert\\ Jenkins" in who  # one word to bash: the completed command runs
    assert not any(" " in line.replace("\\ ", "") for line in who)
    assert not any("Abduction" in line for line in _complete("factcli who Ab", env))  # events are not people
    assert "Abduction\\ of\\ Hitomi\\ Soga" in _complete("factcli what Ab", env)
    show = _complete("factcli show jenk", env)
    assert show and all(line.startswith("jenkins") and " " not in line for line in show)  # ids, as show wants
    said = _complete("factcli said North", env)
    assert "North\\ Korea" in said  # a country speaks
    word = "Charles\\ Robert\\ Jenkins"
    completed = subprocess.run(  # what bash does with the completed word
        ["bash", "-c", f"printf '%s\\n' {word}"],
        capture_output=True,
        text=True,
    )
    assert completed.stdout == "Charles Robert Jenkins\n"
