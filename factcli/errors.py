"""Exit codes and the errors that carry them (one place, like pipx's ExitCode)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit statuses, grep-style; documented in the README."""

    FOUND = 0
    NOT_FOUND = 1
    USAGE = 2  # bad command line, unreadable or invalid fact base
    AMBIGUOUS = 3
    INTERRUPTED = 130  # 128 + SIGINT
    BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for `| head`


MAX_MESSAGE_CHARS = 400


class Problem:
    """One thing wrong with a fact base, at a position in its file (1-based).

    Written out as what ``@dataclass(frozen=True, slots=True)`` gave it (init, eq, hash, repr,
    immutability): a dataclass costs ~0.5 ms at every start-up.
    """

    __slots__ = ("file", "line", "column", "message")  # noqa: RUF023  # field order
    __match_args__ = __slots__

    def __init__(self, file: str, line: int | None, column: int | None, message: str) -> None:
        _set = object.__setattr__
        _set(self, "file", file)
        _set(self, "line", line)
        _set(self, "column", column)
        _set(self, "message", message)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return (self.file, self.line, self.column, self.message) == (
                other.file, other.line, other.column, other.message)  # type: ignore[attr-defined]
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.file, self.line, self.column, self.message))

    def __repr__(self) -> str:
        return f"{type(self).__qualname__}(file={self.file!r}, line={self.line!r}, column={self.column!r}, message={self.message!r})"

    def __setattr__(self, name: str, value: object) -> None:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[object, ...]:  # copy and pickle, which would otherwise assign the slots
        return (type(self), (self.file, self.line, self.column, self.message))

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
