"""Every command documents itself with an example, and the README's commands exist."""

from __future__ import annotations

import re

import pytest

from factcli.cli import app

from .conftest import ROOT

COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)  # type: ignore[union-attr]


def test_the_expected_commands_exist() -> None:
    assert set(COMMANDS) >= {"who", "what", "figure", "search", "said", "timeline", "show", "sources", "stats", "check"}


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(cli, command: str) -> None:
    result = cli(command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout and f"factcli {command}" in result.stdout
    assert result.stderr == ""


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


