"""The pager, as git runs one: a terminal answer taller than the screen goes through it.

``Environment`` (render.py) holds a terminal answer back in a ``Screen`` (a stand-in for the
terminal: its encoding, ``isatty()`` true) and hands the text to ``show`` once it is drawn.
The pager is ``$FACTCLI_PAGER``, else ``$PAGER``, else ``less -FRX``; an empty value or
``cat`` means none. ``LESS=FRX`` and ``LV=-c`` are set when unset, as git sets them.

A pager that cannot be run, or that exits non-zero, costs the answer nothing: the text is
written to the terminal as it would have been without one, and a warning says why. A pager
the reader quits before the end (``q`` in ``less``: a broken pipe, status 0) is no failure.
Nothing here is imported on a pipe: ``Environment`` asks for a pager only on a terminal.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Mapping
from typing import IO

DEFAULT = "less -FRX"
_SHELL_SYNTAX = re.compile(r"[|&;<>()$`\\\"'*?\[\]#~=%{}]")  # git's test: run it through sh -c
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


def command(environ: Mapping[str, str] | None = None) -> str | None:
    """The pager to run, or None for none: ``$FACTCLI_PAGER``, ``$PAGER``, ``less -FRX``."""
    environ = os.environ if environ is None else environ
    for name in ("FACTCLI_PAGER", "PAGER"):
        value = environ.get(name)
        if value is not None:
            value = value.strip()
            return None if value in ("", "cat") else value
    return DEFAULT


class Screen(io.StringIO):
    """What a terminal answer is drawn into before it is shown: looks like the terminal it stands for."""

    def __init__(self, terminal: IO[str]) -> None:
        super().__init__()
        self.terminal = terminal
        self._encoding = getattr(terminal, "encoding", None) or "utf-8"

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding

    def isatty(self) -> bool:
        return True


def rows(text: str, width: int) -> int:
    """How many terminal rows ``text`` fills at ``width`` columns (a long line wraps; colour takes none)."""
    plain = _ANSI.sub("", text) if "\x1b" in text else text
    lines = plain.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    width = max(width, 1)
    return sum(max(1, -(-len(line) // width)) for line in lines)


def size(terminal: IO[str]) -> tuple[int, int]:
    """The terminal's columns and lines (``$COLUMNS``/``$LINES`` first, as Rich and shutil read them); 0 if unknown."""
    columns = lines = 0
    try:
        columns, lines = os.get_terminal_size(terminal.fileno())
    except (AttributeError, ValueError, OSError, io.UnsupportedOperation):
        pass
    for name in ("COLUMNS", "LINES"):
        value = os.environ.get(name, "")
        if value.isdigit() and int(value) > 0:
            if name == "COLUMNS":
                columns = int(value)
            else:
                lines = int(value)
    return columns, lines


def show(text: str, terminal: IO[str], pager: str | None) -> list[str]:
    """Write ``text`` to the terminal, through ``pager`` when it is taller than the screen; the warnings to say."""
    columns, lines = size(terminal)
    if pager is None or not text or lines <= 0 or rows(text, columns or 80) < lines:
        _write(text, terminal)
        return []
    problem = _page(text, terminal, pager)
    if problem is None:
        return []
    _write(text, terminal)
    return [f"{problem}; the answer is written without it"]


def _write(text: str, terminal: IO[str]) -> None:
    terminal.write(text)
    terminal.flush()


def _page(text: str, terminal: IO[str], pager: str) -> str | None:
    """Run the pager on ``text``; None once the reader has seen it, else what went wrong."""
    import shlex  # noqa: PLC0415 (lazy: only a terminal answer taller than the screen)
    import signal  # noqa: PLC0415 (lazy: as above)
    import subprocess  # noqa: PLC0415 (lazy: as above)

    try:
        argv = ["/bin/sh", "-c", pager] if _SHELL_SYNTAX.search(pager) else shlex.split(pager)
    except ValueError:
        argv = ["/bin/sh", "-c", pager]
    if not argv:
        return None
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    encoding = getattr(terminal, "encoding", None) or "utf-8"
    terminal.flush()
    try:
        process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=terminal.fileno(), env=env)
    except (OSError, ValueError, io.UnsupportedOperation) as error:
        reason = getattr(error, "strerror", None) or str(error)
        return f"cannot run the pager {pager!r}: {reason}"
    # Ctrl-C belongs to the pager while it runs (less stops reading on it); git waits for it too.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    broken = False
    try:
        assert process.stdin is not None
        try:
            process.stdin.write(text.encode(encoding, "replace"))
        except BrokenPipeError:
            broken = True
        try:
            process.stdin.close()
        except BrokenPipeError:
            broken = True
        status = process.wait()
    finally:
        signal.signal(signal.SIGINT, previous)
    if status == 0:
        return None  # read to the end, or quit early (the broken pipe): either way the reader is done
    if status < 0:
        return f"the pager {pager!r} was stopped by signal {-status}"
    return f"the pager {pager!r} exited with status {status}" + (" before reading" if broken else "")
