"""Exit codes and the errors that carry them (one place, like pipx's ExitCode)."""

from __future__ import annotations

from enum import IntEnum

from .values import Frozen, set_field


class ExitCode(IntEnum):
    """Exit statuses, grep-style; documented in the README."""

    FOUND = 0
    NOT_FOUND = 1
    USAGE = 2  # bad command line, unreadable or invalid fact base
    AMBIGUOUS = 3
    INTERRUPTED = 130  # 128 + SIGINT
    BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for `| head`


MAX_MESSAGE_CHARS = 400


class Problem(Frozen):
    """One thing wrong with a fact base, at a position in its file (1-based)."""

    __slots__ = ("file", "line", "column", "message")  # noqa: RUF023  # field order

    file: str
    line: int | None
    column: int | None
    message: str

    def __init__(self, file: str, line: int | None, column: int | None, message: str) -> None:
        set_field(self, "file", file)
        set_field(self, "line", line)
        set_field(self, "column", column)
        set_field(self, "message", message)

    def __str__(self) -> str:
        message = self.message
        if len(message) > MAX_MESSAGE_CHARS:  # a problem quoting a 100,000-character value stays readable
            message = message[: MAX_MESSAGE_CHARS - 3] + "..."
        if self.line is None:
            return f"{self.file}: {message}"
        return f"{self.file}:{self.line}:{self.column or 1}: {message}"


class FactcliError(Exception):
    """An error the command line reports as one line on stderr."""

    exit_code: int = ExitCode.USAGE


class UsageError(FactcliError):
    """The command line asked for something that cannot be done."""


class FactBaseError(FactcliError):
    """A fact base could not be read or is not valid; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = str(problems[0]) if problems else "invalid fact base"
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(first + more)
