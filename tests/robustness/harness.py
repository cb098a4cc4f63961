"""Shared pieces of the robustness suite: fact files, a process runner, file snapshots, checks.

Every case runs factcli as a real process (``python -m factcli``) with its own cache dir,
HOME and XDG_CACHE_HOME under the test's tmp_path, so a snapshot of those directories
taken before and after shows any file the run wrote, changed or deleted.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from factcli.render import printable

T = TypeVar("T")

# A small valid fact base touching every part of the schema: two sources (one with a URL,
# one approximate), a person with a related claim, an organization, an event with a date
# and a figure with a value. Schema cases in the catalogue each break one line of it.
BASE = """\
sources:
  - id: s1
    title: A test article
    published: 2004-05
    file: s1.txt
    url: https://example.org/s1
  - id: s2
    title: Another test article
    publisher: Test Times
    published: 2019-05~
    published_note: inferred from the text
    file: s2.txt
entities:
  - id: ada-lovelace
    kind: person
    name: Ada Lovelace
    aliases: [Lovelace]
    summary: A test person.
    claims:
      - text: Wrote the first program.
        date: 1843
        relation: member-of
        related: analytical-society
        citations:
          - source: s1
            quote: the first program
  - id: analytical-society
    kind: organization
    name: Analytical Society
    summary: A test organization.
  - id: first-program
    kind: event
    name: The first program
    summary: A test event.
    date: 1843-09
  - id: programs-written
    kind: figure
    name: Programs written
    summary: A test figure.
    claims:
      - text: One program was written.
        value: 1
        unit: programs
        qualifier: about
        citations:
          - source: s2
            quote: one program
"""

TRACEBACK_SIGNS = (b"Traceback (most recent call last)", b"Exception ignored", b"internal error", b"Fatal Python error")
_POSITION = re.compile(r"^factcli: (?P<file>.+?):(?P<line>\d+):(?P<column>\d+): ")


def replace_once(text: str, old: str, new: str) -> str:
    """``text`` with the one occurrence of ``old`` replaced (the case is wrong if it is absent)."""
    assert text.count(old) >= 1, f"{old!r} not in the base text"
    return text.replace(old, new, 1)


def position_of(text: str, marker: str, nth: int = 1) -> tuple[int, int]:
    """1-based (line, column) of the nth occurrence of ``marker`` in ``text``."""
    offset = -1
    for _ in range(nth):
        offset = text.index(marker, offset + 1)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def isolated_env(tmp_path: Path, cache: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of one run: the test's cache dir, a private HOME, UTF-8 I/O, no colour knobs."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in (
            *("FACTCLI_FACTS", "FACTCLI_DEBUG", "FACTCLI_MAX_BYTES", "NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES"),
            *("FACTCLI_PAGER", "PAGER", "LESS", "TTY_COMPATIBLE"),
        )
    }
    env.update(
        FACTCLI_CACHE_DIR=str(cache),
        HOME=str(home),
        XDG_CACHE_HOME=str(home / ".cache"),
        PYTHONIOENCODING="utf-8",
        PYTHONUTF8="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra or {})
    return env


def run(
    args: list[str] | tuple[str, ...],
    *,
    env: dict[str, str],
    cwd: Path,
    input: bytes | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[bytes]:
    """factcli as a real process, bytes in and out."""
    return subprocess.run(
        [sys.executable, "-m", "factcli", *args],
        input=input if input is not None else b"",
        capture_output=True,
        env=env,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )


def run_all(jobs: dict[str, Callable[[], T]]) -> dict[str, T]:
    """Run independent jobs (each mostly waiting on its own factcli process) on all cores at once."""
    workers = max(2, min(8, (os.cpu_count() or 2) * 2))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {key: pool.submit(job) for key, job in jobs.items()}
        return {key: future.result() for key, future in futures.items()}


def snapshot(*roots: Path) -> dict[str, tuple[int, int, int, str]]:
    """Every file and directory under ``roots``: (mode, size, mtime_ns, sha256 of a regular file's bytes)."""
    seen: dict[str, tuple[int, int, int, str]] = {}
    for root in roots:
        for directory, subdirs, files in os.walk(root):
            for name in [*subdirs, *files]:
                path = os.path.join(directory, name)
                info = os.lstat(path)
                digest = ""
                if os.path.isfile(path) and not os.path.islink(path) and info.st_mode & 0o444:
                    try:
                        with open(path, "rb") as handle:
                            digest = hashlib.sha256(handle.read()).hexdigest()
                    except OSError:
                        digest = "unreadable"
                seen[path] = (info.st_mode, info.st_size, info.st_mtime_ns, digest)
    return seen


def assert_no_traceback(result: subprocess.CompletedProcess[bytes]) -> None:
    for sign in TRACEBACK_SIGNS:
        assert sign not in result.stderr, result.stderr.decode("utf-8", "replace")[-2000:]
        assert sign not in result.stdout, result.stdout.decode("utf-8", "replace")[-2000:]


def assert_one_clean_error_line(result: subprocess.CompletedProcess[bytes]) -> str:
    """Exit 2, nothing on stdout, exactly one printable UTF-8 line on stderr; returns that line."""
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2, f"exit {result.returncode}; stderr: {stderr[-2000:]!r}"
    assert result.stdout == b"", result.stdout[:2000]
    assert_no_traceback(result)
    result.stderr.decode("utf-8")  # strict: whatever the input, the message is valid UTF-8
    assert stderr.endswith("\n") and stderr.count("\n") == 1, f"not one line: {stderr[:3000]!r}"
    line = stderr[:-1]
    assert line.startswith("factcli: "), line
    assert printable(line) == line, f"raw control or invisible characters reached stderr: {line!r}"
    return line


def error_position(line: str) -> tuple[str, int, int] | None:
    match = _POSITION.match(line)
    return (match["file"], int(match["line"]), int(match["column"])) if match else None


def generate_facts(entities: int) -> str:
    """A big valid fact base: ``entities`` people, each with one cited claim, all mentioning 'alpha'."""
    out = ["sources:", "  - id: s1", "    title: Generated", "    published: 2004-05", "    file: s1.txt", "entities:"]
    for i in range(entities):
        out += [
            f"  - id: person-{i}",
            "    kind: person",
            f"    name: Alpha Person{i} Bravo",
            f"    summary: A generated person number {i}, mentioned with alpha.",
            "    claims:",
            f"      - text: A generated claim about alpha number {i}.",
            f"        date: {1900 + i % 100}",
            "        citations:",
            "          - source: s1",
            f"            quote: alpha quote {i}",
        ]
    return "\n".join(out) + "\n"
