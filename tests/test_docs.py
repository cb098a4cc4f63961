"""Every command documents itself with an example, and the README's commands exist."""

from __future__ import annotations

import re

import pytest

from factcli.cli import app

from .conftest import ROOT

COMMANDS = sorted(
    [c.name or c.callback.__name__ for c in app.registered_commands]  # type: ignore[union-attr]
    + [g.name or g.typer_instance.info.name for g in app.registered_groups]  # type: ignore[misc]  # sources (add)
)


def test_the_expected_commands_exist() -> None:
    assert set(COMMANDS) >= {"who", "what", "figure", "search", "said", "timeline", "show", "sources", "stats", "check"}


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(cli, command: str) -> None:
    result = cli(command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout and f"factcli {command}" in result.stdout
    assert result.stderr == ""


def test_top_level_help_has_examples_and_the_exit_codes(cli) -> None:
    result = cli("--help")
    assert "Examples:" in result.stdout and "factcli who Jenkins" in result.stdout
    assert "3 ambiguous" in " ".join(result.stdout.split())  # wrapped to the terminal width


def test_help_and_version_do_not_read_the_fact_base(cli, tmp_path) -> None:
    missing = str(tmp_path / "nope.yaml")
    assert cli("--help", env={"FACTCLI_FACTS": missing}).exit_code == 0
    result = cli("--version", env={"FACTCLI_FACTS": missing})
    assert result.exit_code == 0 and re.fullmatch(r"factcli \d+\.\d+\.\d+\n", result.stdout)


def test_readme_documents_every_command_and_exit_code() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        assert f"factcli {command}" in readme, command
    for code in ("0", "1", "2", "3", "130", "141"):
        assert re.search(rf"^\| `?{code}`? +\|", readme, re.M), f"exit code {code} missing from the README table"


def test_readme_test_command_is_what_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = next(line for line in readme.splitlines() if "'.[test]'" in line and "pytest" in line)
    assert test_command.strip().strip("`") in ci


def _console_examples() -> list[tuple[str, list[str]]]:
    """Each ``$ command`` in the README's console blocks, with the lines printed under it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    examples: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", readme, re.DOTALL):
        for line in block.splitlines():
            if line.startswith("$ "):
                examples.append((line[2:], []))
            elif examples:
                examples[-1][1].append(line)
    return examples


EXAMPLES = _console_examples()


def test_the_readme_has_console_examples() -> None:
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("command, expected", EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_examples_print_what_the_readme_shows(command: str, expected: list[str], tmp_path) -> None:
    """The pasted output is what the shipped fact base gives today (stdout and stderr lines)."""
    import os
    import shutil
    import subprocess
    import sys

    if "jq" in command and shutil.which("jq") is None:
        pytest.skip("jq is not installed")
    bin_dir = os.path.dirname(sys.executable)  # the venv's factcli
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""), "FACTCLI_CACHE_DIR": str(tmp_path)}
    env.pop("FACTCLI_FACTS", None)
    result = subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60, check=False
    )
    assert sorted(result.stdout.splitlines() + result.stderr.splitlines()) == sorted(expected)


def test_readme_library_example_runs(capsys) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [block] = re.findall(r"```python\n(.*?)```", readme, re.DOTALL)
    exec(compile(block, "README.md", "exec"), {})  # noqa: S102  # our own README's example
    printed = capsys.readouterr().out
    assert "Hitomi Soga False" in printed and "allegedly deserting" in printed
