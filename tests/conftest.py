"""Shared test helpers: an isolated cache per test, CliRunner and subprocess drivers."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factcli.cli import app

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own cache dir, so no test sees another's cache."""
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("FACTCLI_CACHE_DIR", str(cache))
    monkeypatch.delenv("FACTCLI_FACTS", raising=False)
    for knob in ("NO_COLOR", "FORCE_COLOR", "FACTCLI_PAGER", "PAGER"):  # the runner's own taste is no test's
        monkeypatch.delenv(knob, raising=False)
    return cache


@pytest.fixture
def cli():
    """Run factcli in-process: cli("who", "Jenkins") -> Result with .exit_code/.stdout/.stderr."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None):
        return runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)

    return run


def run_factcli(
    *args: str,
    input: bytes | str | None = None,
    env: dict[str, str] | None = None,
    cwd: str | Path | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[bytes]:
    """Run factcli as a real process (``python -m factcli``), bytes in and out."""
    full_env = {**os.environ, **(env or {})}
    data = input.encode() if isinstance(input, str) else input
    return subprocess.run(
        [sys.executable, "-m", "factcli", *args],
        input=data,
        capture_output=True,
        env=full_env,
        cwd=cwd,
        timeout=timeout,
    )


def write_facts(directory: Path, text: str, name: str = "facts.yaml") -> Path:
    """Write a small fixture fact base and return its path."""
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


MINIMAL = """\
sources:
  - id: s1
    title: A test article
    published: 2004-05
    file: s1.txt
entities:
  - id: ada-lovelace
    kind: person
    name: Ada Lovelace
    aliases: [Lovelace]
    summary: A test person.
    claims:
      - text: Wrote the first program.
        date: 1843
        citations:
          - source: s1
            quote: the first program
"""


def run_in_a_terminal(
    args: list[str] | tuple[str, ...],
    env: dict[str, str] | None = None,
    *,
    rows: int = 40,
    columns: int = 80,
    cwd: str | Path | None = None,
    keys: bytes = b"",
) -> tuple[int, bytes, bytes]:
    """factcli (``python -m factcli ARGS``) on a pseudo-terminal of ``rows`` x ``columns`` that is its
    controlling terminal (so a pager such as ``less`` reads keys from it); ``keys`` are typed once
    the output has stopped coming. Returns (status, what the terminal got, stderr). POSIX only."""
    import fcntl  # (POSIX only: imported where a test asks for a terminal)
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))

    def controlling_terminal() -> None:
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    process = subprocess.Popen(
        [sys.executable, "-m", "factcli", *args],
        stdin=slave,
        stdout=slave,
        stderr=subprocess.PIPE,
        env=env,
        cwd=cwd,
        close_fds=True,
        preexec_fn=controlling_terminal,
    )
    os.close(slave)
    output = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 1.0)
        if not ready:
            if keys and output:
                os.write(master, keys)
                keys = b""
            elif process.poll() is not None:
                break
            continue
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: every writer has closed the terminal
            break
        if not chunk:
            break
        output += chunk
    os.close(master)
    assert process.stderr is not None
    stderr = process.stderr.read()
    return process.wait(timeout=60), output, stderr
