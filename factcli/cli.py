"""The command line: parse arguments, ask ``query``, hand the results to ``render``.

Errors become one line on stderr and an exit code from ``errors.ExitCode``; see the README
for the table. Options work before or after the command (``factcli -f json who X`` and
``factcli who X -f json``).
"""

from __future__ import annotations

import errno
import os
import re
import sys
from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer import Abort, Exit
from typer.core import TyperGroup

try:  # typer >= 0.26 vendors click
    from typer._click.exceptions import ClickException
except ImportError:  # pragma: no cover - typer 0.24/0.25
    from click.exceptions import ClickException  # type: ignore[no-redef,import-not-found,assignment,unused-ignore]

from .errors import ExitCode, FactBaseError, FactcliError, UsageError
from .version import __version__

MAX_QUERY_CHARS = 1000


def _say(message: str) -> None:
    """One line on stderr, with anything a terminal would obey escaped."""
    from .render import printable  # noqa: PLC0415 (lazy: per command, start-up)

    line = printable(message.replace("\n", " "))
    stream = sys.stderr
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        line.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        line = line.encode(encoding, "backslashreplace").decode(encoding, "replace")
    try:
        stream.write(f"factcli: {line}\n")
        stream.flush()
    except (BrokenPipeError, ValueError, OSError):
        pass


class FactcliGroup(TyperGroup):
    """Runs the app so that every error is one line on stderr with its exit code."""

    def invoke(self, ctx: Any) -> Any:
        # typer's main turns EPIPE into a silent exit 1 and Ctrl-C into a silent 130: decide here.
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            _quiet_broken_pipe()
            raise Exit(ExitCode.BROKEN_PIPE) from None
        except KeyboardInterrupt:
            _say("interrupted")
            raise Exit(ExitCode.INTERRUPTED) from None

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        if sys.stdout is None:  # started with stdout closed (>&-): fail on the first write, like cat
            sys.stdout = _ClosedStdout()
        try:
            result = super().main(
                args,
                prog_name or "factcli",
                complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
            code = result if isinstance(result, int) else 0
        except Exit as done:
            code = done.exit_code
        except ClickException as error:
            if type(error).__name__ == "NoArgsIsHelpError":
                sys.stderr.write(error.format_message() + "\n")
            else:
                _say(f"error: {error.format_message()}")
            code = ExitCode.USAGE
        except FactBaseError as error:
            for problem in error.problems[:1]:
                _say(
                    str(problem)
                    + (f" (and {len(error.problems) - 1} more; run 'factcli check')" if len(error.problems) > 1 else "")
                )
            code = error.exit_code
        except FactcliError as error:
            _say(f"error: {error}")
            code = error.exit_code
        except (Abort, KeyboardInterrupt):
            _say("interrupted")
            code = ExitCode.INTERRUPTED
        except BrokenPipeError:
            _quiet_broken_pipe()
            code = ExitCode.BROKEN_PIPE
        except RecursionError:
            _say("error: input nested too deeply")
            code = ExitCode.USAGE
        except MemoryError:
            _say("error: out of memory")
            code = ExitCode.USAGE
        except OSError as error:  # writing the answer failed: disk full (/dev/full), stdout closed (>&-)
            _quiet_broken_pipe()
            _say(f"error: cannot write output: {error.strerror or error}")
            code = ExitCode.USAGE
        except Exception as error:  # a bug: still one line, never a traceback
            if os.environ.get("FACTCLI_DEBUG"):
                raise
            _say(f"internal error: {type(error).__name__}: {error} (set FACTCLI_DEBUG=1 for a traceback)")
            code = ExitCode.USAGE
        if standalone_mode:
            sys.exit(_flushed(code))
        return code


def _flushed(code: int) -> int:
    """The exit code once the buffered answer is written out: never 0 when it could not be."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        _quiet_broken_pipe()
        return ExitCode.BROKEN_PIPE
    except OSError as error:
        _quiet_broken_pipe()
        _say(f"error: cannot write output: {error.strerror or error}")
        return ExitCode.USAGE
    except ValueError:
        pass
    return code


class _ClosedStdout:
    """Stands in for a closed stdout: every write fails as it would on the bad descriptor."""

    encoding = "utf-8"

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError("standard output is closed")


def _quiet_broken_pipe() -> None:
    """Point stdout at /dev/null so Python's exit-time flush cannot complain again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


app = typer.Typer(
    cls=FactcliGroup,
    name="factcli",
    help="Answer questions about a cited fact base: the Japanese abductees, Charles Robert Jenkins, "
    "the 1959-1984 repatriation and the diplomacy around them. Every answer names its source and quote.",
    epilog="\b\nExamples:\n  factcli who Jenkins\n  factcli figure repatriation\n"
    "  factcli who - --format jsonl < names.txt\n  factcli stats\n\n"
    "Exit status: 0 found, 1 nothing found, 2 usage or fact-base error, 3 ambiguous. "
    "Docs and the JSON contract: README.md.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Settings:
    """The options in force for one command (a plain class: a dataclass costs ~0.5 ms at start-up)."""

    __slots__ = ("color", "facts", "format", "jobs", "limit", "min_score", "no_cache", "no_pager")

    def __init__(
        self,
        facts: Path | None = None,
        format: Format | None = None,
        limit: int | None = None,
        min_score: float | None = None,
        no_cache: bool = False,
        color: Color | None = None,
        no_pager: bool = False,
        jobs: int | None = None,
    ) -> None:
        self.facts = facts
        self.jobs = jobs
        self.format = format
        self.limit = limit
        self.min_score = min_score
        self.no_cache = no_cache
        self.color = color
        self.no_pager = no_pager


_SHELL_SPECIAL = r"[^\w@%+=:,./-]"  # (compiled only when bash completes: start-up)


def _completer(kinds: tuple[str, ...] | None, *, ids: bool = False) -> Any:
    """Shell completion of what a command can return: names of ``kinds``, or ids (``show``),
    from the warm cache only (never parses YAML). Bash inserts a completion as it is given,
    so a name of several words is given quoted there; zsh and fish quote on their own."""

    def complete(incomplete: str) -> list[str]:
        try:
            from .store import complete_names  # noqa: PLC0415 (lazy: per command, start-up)

            found = complete_names(incomplete, os.environ.get("FACTCLI_FACTS") or None, kinds, ids=ids)
        except Exception:
            return []
        if os.environ.get("_FACTCLI_COMPLETE", "").endswith("bash"):
            # backslashes, as bash's printf %q writes them (Typer keeps only what begins with
            # the word typed, so 'Charles Robert Jenkins' in quotes would be dropped)
            return [re.sub(_SHELL_SPECIAL, r"\\\g<0>", value) for value in found]
        return found

    return complete


class Format(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"


class Color(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


FactsOption = Annotated[
    Path | None,
    typer.Option(
        "--facts",
        envvar="FACTCLI_FACTS",
        metavar="PATH",
        help="Fact base to read: a fact file (which may include others) or a folder of them "
        "(default: the shipped one; env FACTCLI_FACTS).",
        show_default=False,
    ),
]
FormatOption = Annotated[
    Format | None, typer.Option("--format", "-f", help="Output format; table is the default.", show_default=False)
]
LimitOption = Annotated[
    int | None,
    typer.Option(
        "--limit", "-n", min=1, max=10_000, help="At most this many matches [default: 10].", show_default=False
    ),
]
SearchLimitOption = Annotated[
    int | None,
    typer.Option("--limit", "-n", min=1, max=10_000, help="At most this many hits [default: 20].", show_default=False),
]
MinScoreOption = Annotated[
    float | None,
    typer.Option(
        "--min-score",
        min=0.0,
        max=100.0,
        metavar="0-100",
        help="Lowest match score (0-100) that counts as a match [default: 75].",
        show_default=False,
    ),
]
NoCacheOption = Annotated[bool, typer.Option("--no-cache", help="Do not read or write the index cache.")]
JobsOption = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        envvar="FACTCLI_JOBS",
        min=1,
        max=256,
        help="Processes that read a fact base of several files when it has changed [default: the CPUs; "
        "env FACTCLI_JOBS].",
        show_default=False,
    ),
]
ColorOption = Annotated[
    Color | None,
    typer.Option(
        "--color",
        help="Colour: auto (a terminal whose TERM is not dumb), always, never. Takes precedence over "
        "NO_COLOR (set: no colour), which takes precedence over FORCE_COLOR (set: colour); the layout "
        "stays the same either way [default: auto].",
        show_default=False,
    ),
]
NoPagerOption = Annotated[
    bool,
    typer.Option(
        "--no-pager",
        help="Never page. Otherwise, on a terminal, an answer taller than the screen goes through "
        "$FACTCLI_PAGER, else $PAGER, else 'less -FRX' (an empty value or 'cat': no pager).",
    ),
]


class CiteStyle(str, Enum):
    text = "text"
    md = "md"
    apa = "apa"
    chicago = "chicago"


CiteOption = Annotated[
    CiteStyle | None,
    typer.Option(
        "--cite",
        help="Print each claim with its reference, ready to paste: text, md (Markdown), apa or chicago; "
        "plain text even on a terminal, a blank line between claims; an inferred date is said to be one. "
        "Takes no --format.",
        show_default=False,
    ),
]


def _cited(settings: Settings, cite: CiteStyle | None, picture: Any = None) -> Any:
    """With ``--cite``, the renderer that writes references (``cite.CiteRenderer``); else None."""
    if cite is None:
        return picture
    if settings.format not in (None, Format.table):
        raise UsageError(f"--cite writes references as text; it takes no --format {settings.format.value}")
    if picture is not None:
        raise UsageError("--cite writes references as text; it takes no --svg or --html")
    from .cite import CiteRenderer  # noqa: PLC0415 (lazy: per command, start-up)
    from .render import Environment  # noqa: PLC0415 (lazy: per command, start-up)

    return CiteRenderer(Environment(color="never", pager=not settings.no_pager), cite.value)


def _version(value: bool) -> None:
    if value:
        print(f"factcli {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    facts: FactsOption = None,
    format: FormatOption = None,
    limit: LimitOption = None,
    min_score: MinScoreOption = None,
    no_cache: NoCacheOption = False,
    color: ColorOption = None,
    no_pager: NoPagerOption = False,
    jobs: JobsOption = None,
    version: bool = typer.Option(
        False, "--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    ctx.obj = Settings(facts, format, limit, min_score, no_cache, color, no_pager, jobs)


def _settings(
    ctx: typer.Context,
    facts: Path | None,
    format: Format | None,
    limit: int | None = None,
    min_score: float | None = None,
    no_cache: bool = False,
    color: Color | None = None,
    no_pager: bool = False,
) -> Settings:
    base: Settings = ctx.obj or Settings()
    min_score = min_score if min_score is not None else base.min_score
    if min_score is not None and min_score != min_score:  # NaN passes click's range check
        raise UsageError("Invalid value for '--min-score': nan is not in the range 0.0<=x<=100.0.")
    return Settings(
        facts or base.facts,
        format or base.format,
        limit or base.limit,
        min_score,
        no_cache or base.no_cache,
        color or base.color,
        no_pager or base.no_pager,
        base.jobs,
    )


def _catalog(settings: Settings) -> Any:
    from .query import Catalog  # noqa: PLC0415 (lazy: per command, start-up)

    catalog = Catalog.open(settings.facts, use_cache=not settings.no_cache, jobs=settings.jobs)
    _say_warnings(catalog)
    return catalog


def _say_warnings(catalog: Any) -> None:
    """What the store had to say (a damaged cache), as it comes."""
    while catalog.warnings:
        _say(f"warning: {catalog.warnings.pop(0)}")


def _renderer(settings: Settings) -> Any:
    from .render import Environment, renderer_for  # noqa: PLC0415 (lazy: per command, start-up)

    env = Environment(color=settings.color.value if settings.color else None, pager=not settings.no_pager)
    return renderer_for(settings.format.value if settings.format else None, env)


def _render(settings: Settings, draw: Callable[[Any], None], renderer: Any = None) -> None:
    """Draw the answer with the command's renderer (or ``renderer``: a picture's), then show it
    (paged on a tall terminal)."""
    renderer = renderer or _renderer(settings)
    draw(renderer)
    for warning in renderer.finish():
        _say(f"warning: {warning}")


def _check_query(query: str) -> str:
    if len(query) > MAX_QUERY_CHARS:
        raise UsageError(f"the query is {len(query):,} characters; the limit is {MAX_QUERY_CHARS:,}")
    if not query.strip():
        raise UsageError("the query is empty")
    return query


def _read_queries() -> list[str]:
    queries = []
    if sys.stdin is None:  # started with stdin closed (<&-)
        raise UsageError("'-' reads queries from stdin, but stdin is closed")
    try:
        for number, line in enumerate(sys.stdin, 1):
            line = line.rstrip("\r\n")
            if len(line) > MAX_QUERY_CHARS:
                raise UsageError(f"stdin line {number}: the query is longer than {MAX_QUERY_CHARS:,} characters")
            queries.append(line)  # a blank line too: it is answered in place ([] and a miss), so line N answers line N
    except UnicodeDecodeError as error:  # a strict PYTHONIOENCODING and bytes it cannot decode
        raise UsageError(f"stdin is not {error.encoding} text (byte 0x{error.object[error.start]:02x})") from None
    return queries


def _lookup(
    ctx: typer.Context,
    query: str,
    kinds: tuple[str, ...],
    settings: Settings,
    *,
    topics: bool = False,
    renderer: Any = None,
) -> int:
    """``topics``: names, then the words about an entity (``Catalog.find``: what, figure); else names only."""
    limit, min_score = settings.limit, settings.min_score

    def ask(catalog: Any, q: str) -> Any:
        return (catalog.find if topics else catalog.lookup)(q, kinds, limit=limit, min_score=min_score)

    return _answer_each(query, settings, ask, renderer=renderer)


def _answer_each(
    query: str,
    settings: Settings,
    ask: Callable[[Any, str], Any],
    report: Callable[[Any], None] | None = None,
    renderer: Any = None,
) -> int:
    """One query, or with ``-`` one per stdin line: ``ask(catalog, query)`` each, report misses, render."""
    queries = _read_queries() if query == "-" else [_check_query(query)]  # a bad query fails before any work
    catalog = _catalog(settings)
    answers = [ask(catalog, q) for q in queries]
    _say_warnings(catalog)
    for answer in answers:
        (report or _report_miss)(answer)
    if query == "-":
        _render(settings, lambda drawing: drawing.batch(answers), renderer)
    else:
        _render(settings, lambda drawing: drawing.answer(answers[0]), renderer)
    _say_warnings(catalog)
    return _status(answers)


def _report_miss(answer: Any) -> None:
    named = answer.named
    absent = getattr(answer, "absent", None)  # a topic answer's words found nowhere in the fact base
    if not answer.query.strip():
        _say("a blank query matches nothing")
    elif not answer.matches and named is not None and named.kind == "place":
        import shlex  # noqa: PLC0415 (lazy: only this miss needs it)

        _say(f"{answer.query!r} is a place: try factcli where {shlex.quote(answer.query)}")
    elif not answer.matches:
        hint = f"; did you mean {', '.join(repr(s) for s in answer.suggestions)}?" if answer.suggestions else ""
        nowhere = f" ({', '.join(repr(w) for w in absent)}: in no entity of the fact base)" if absent else ""
        _say(f"no match for {answer.query!r}{nowhere}{hint}")
    elif answer.ambiguous:
        from .query import as_number  # noqa: PLC0415 (lazy: per command, start-up)

        more = "name the quantity instead" if as_number(answer.query) is not None else "add more of the name"
        if getattr(answer, "topic", False):
            more = "add words that tell them apart"
        _say(f"{answer.query!r} is ambiguous: {len(answer.matches)} candidates; {more}")


def _status(answers: list[Any]) -> int:
    if not answers:  # `who -` with no queries on stdin: nothing asked, nothing found
        _say("no queries on stdin")
        return ExitCode.NOT_FOUND
    if any(not a.matches for a in answers):
        return ExitCode.NOT_FOUND
    if any(a.ambiguous for a in answers):
        return ExitCode.AMBIGUOUS
    return ExitCode.FOUND


# -- a terminal view as a picture (who, stats) ---------------------------------------------
SvgOption = Annotated[
    Path | None,
    typer.Option(
        "--svg",
        metavar="FILE",
        help="Write the terminal view to FILE as an SVG image instead of printing it.",
        show_default=False,
    ),
]
HtmlOption = Annotated[
    Path | None,
    typer.Option(
        "--html", metavar="FILE", help="Write the terminal view to FILE as an HTML page instead.", show_default=False
    ),
]
WidthOption = Annotated[
    int | None,
    typer.Option(
        "--width",
        min=20,
        max=1000,
        metavar="N",
        help="Columns of the --svg/--html picture [default: 80].",
        show_default=False,
    ),
]


def _output(settings: Settings, title: str, svg: Path | None, html: Path | None, width: int | None) -> Any:
    """The renderer to draw with, as a context: the format's for stdout, or with --svg/--html a
    ``render.Picture`` (the terminal view, whatever stdout is, written to the files at the end)."""
    files = [(kind, path) for kind, path in (("svg", svg), ("html", html)) if path is not None]
    if not files:
        if width is not None:
            raise UsageError("--width applies to --svg and --html")
        import contextlib  # noqa: PLC0415 (lazy: per command, start-up)

        return contextlib.nullcontext(None)  # the command's own renderer, made when it draws
    if settings.format not in (None, Format.table):
        raise UsageError("--svg and --html draw the table; they take no --format")
    from .render import Picture  # noqa: PLC0415 (lazy: per command, start-up)

    return Picture(files, title=title, width=width or 80)


_QUERY_HELP = "A name, as you would write it; '-' reads one per line from stdin."
WhoArgument = Annotated[
    str, typer.Argument(help=_QUERY_HELP, autocompletion=_completer(("person", "organization")), show_default=False)
]
WhatArgument = Annotated[
    str, typer.Argument(help=_QUERY_HELP, autocompletion=_completer(("event",)), show_default=False)
]
FigureArgument = Annotated[
    str, typer.Argument(help=_QUERY_HELP, autocompletion=_completer(("figure",)), show_default=False)
]


@app.command()
def who(
    ctx: typer.Context,
    query: WhoArgument,
    facts: FactsOption = None,
    format: FormatOption = None,
    limit: LimitOption = None,
    min_score: MinScoreOption = None,
    no_cache: NoCacheOption = False,
    svg: SvgOption = None,
    html: HtmlOption = None,
    width: WidthOption = None,
    color: ColorOption = None,
    no_pager: NoPagerOption = False,
    cite: CiteOption = None,
) -> int:
    """People and organizations: the best match, its claims and where each comes from.

    Names match folded (case, accents, macrons, hyphens aside), family name first or last,
    by a part ("Soga"), a prefix or a typo. No guess is made: two equally good matches are
    ambiguous (exit 3); a different name that is merely close ("Jenkinson"), one common word
    of several descriptions ("official") or a place ("Tokyo": see 'where') is a miss with
    suggestions (exit 1).

    \b
    Example:
      factcli who Jenkins
      factcli who "Soga Hitomi" --format json
      factcli who - --format jsonl < names.txt
      factcli who Jenkins --svg jenkins.svg
      factcli who Jenkins --cite apa
    """
    from .query import PEOPLE_AND_ORGANIZATIONS  # noqa: PLC0415 (lazy: per command, start-up)

    settings = _settings(ctx, facts, format, limit, min_score, no_cache, color, no_pager)
    with _output(settings, f"factcli who {query}", svg, html, width) as renderer:
        return _lookup(ctx, query, PEOPLE_AND_ORGANIZATIONS, settings, renderer=_cited(settings, cite, renderer))


@app.command()
def what(
    ctx: typer.Context,
    query: WhatArgument,
    facts: FactsOption = None,
    format: FormatOption = None,
    limit: LimitOption = None,
    min_score: MinScoreOption = None,
    no_cache: NoCacheOption = False,
    color: ColorOption = None,
    no_pager: NoPagerOption = False,
    cite: CiteOption = None,
) -> int:
    """Events, with their dates, participants and sources.

    An event's name or alias is tried first; a clear name match is the answer. Otherwise the
    query's words are looked for in each event's name, alias, places, participants, summary and
    claims, word forms folded (abductee, abducted, abduction), ranked with the name counting
    most: a clear best is the answer (exit 0), a near tie lists the candidates (exit 3), and a
    word in no entity of the fact base is a miss (exit 1).

    \b
    Example:
      factcli what "Hanoi summit"
      factcli what Geneva
    """
    from .query import EVENTS  # noqa: PLC0415 (lazy: per command, start-up)

    settings = _settings(ctx, facts, format, limit, min_score, no_cache, color, no_pager)
    return _lookup(ctx, query, EVENTS, settings, topics=True, renderer=_cited(settings, cite))


@app.command()
def figure(
    ctx: typer.Context,
    query: FigureArgument,
    facts: FactsOption = None,
    format: FormatOption = None,
    limit: LimitOption = None,
    min_score: MinScoreOption = None,
    no_cache: NoCacheOption = False,
    color: ColorOption = None,
    no_pager: NoPagerOption = False,
    cite: CiteOption = None,
) -> int:
    """Numbers: each value a source gives, side by side, with discrepancies marked.

    A number finds the figures some source gives it for. Otherwise a figure's name or alias is
    tried first, then the query's words in each figure's name, alias, summary and claims, word
    forms folded (abductees finds "abducted"), ranked with the name counting most: a clear
    best is the answer (exit 0), a near tie lists the candidates (exit 3), and a word in no
    entity of the fact base is a miss (exit 1).

    \b
    Example:
      factcli figure "Japanese spouses"
      factcli figure repatriation
      factcli figure 1,800
    """
    from .query import FIGURES  # noqa: PLC0415 (lazy: per command, start-up)

    settings = _settings(ctx, facts, format, limit, min_score, no_cache, color, no_pager)
    return _lookup(ctx, query, FIGURES, settings, topics=True, renderer=_cited(settings, cite))


@app.command()
def search(
    ctx: typer.Context,
    query: str = typer.Argument(
        ...,
        help='Words to look for anywhere in the fact base; "a phrase" in double quotes must occur as written.',
        show_default=False,
    ),
    facts: FactsOption = None,
    format: FormatOption = None,
    limit: SearchLimitOption = None,
    min_score: Annotated[
        float | None,
        typer.Option(
            "--min-score",
            min=0.0,
            max=100.0,
            metavar="0-100",
            help="Drop hits scoring below this (the best hit scores 100) [default: none].",
            show_default=False,
        ),
    ] = None,
    exact: Annotated[
        bool,
        typer.Option("--exact", help="Only the words as written (case and accents aside): no word forms, no typos."),
    ] = False,
    no_cache: NoCacheOption = False,
    color: ColorOption = None,
    no_pager: NoPagerOption = False,
    cite: CiteOption = None,
) -> int:
    """Everything: names, aliases, places, participants, summaries, claims, quotes; ranked, with entity and sources.

    Each entity is ranked by how much of it is about the query's words (BM25F: a word in a name
    counts most, then aliases, places and participants, summaries, claims, quotes), word forms
    folded (sanction, sanctions). A word in no entity is read as the word it is a typo of, or
    nothing is found (exit 1). "Quoted phrases" must occur as written; --exact takes every word
    as written. Scores are relative: the best hit's is 100.

    \b
    Example:
      factcli search amnesty
      factcli search '"working group" Geneva' --exact
    """
    settings = _settings(ctx, facts, format, limit, min_score, no_cache, color, no_pager)
    citer = _cited(settings, cite)
    text = _check_query(query)
    if text.count('"') % 2:
        raise UsageError('the query has an unclosed " (a quoted phrase needs both quotes)')
    catalog = _catalog(settings)
    hits = catalog.search(text, limit=settings.limit, min_score=min_score, exact=exact)
    if citer is not None:
        citer.known_sources = catalog.facts.sources
    _render(settings, lambda renderer: renderer.search(hits), citer)
    _say_warnings(catalog)
    if not hits:
        _say(f"nothing found for {text!r}")
        return ExitCode.NOT_FOUND
    return ExitCode.FOUND


StatementLimitOption = Annotated[
    int | None,
    typer.Option(
        "--limit", "-n", min=1, max=10_000, help="At most this many statements [default: all].", show_default=False
    ),
]
SpeakerArgument = Annotated[
    str,
    typer.Argument(
        help="Who said it: a name, a place, or the words an article uses ('government sources'); "
        "'-' reads one per line from stdin.",
        autocompletion=_completer(("person", "organization", "place")),
        show_default=False,
    ),
]


@app.command()
def said(
    ctx: typer.Context,
    query: SpeakerArgument,
    facts: FactsOption = None,
    format: FormatOption = None,
    limit: StatementLimitOption = None,
    min_score: MinScoreOption = None,
    no_cache: NoCacheOption = False,
    color: ColorOption = None,
    no_pager: NoPagerOption = False,
    cite: CiteOption = None,
) -> int:
    """Statements attributed to a person, body or country, or to an unnamed speaker, with quotes and sources.

    A speaker is a person, an organization, a place, or the words an article uses for an unnamed
    one ("informed sources", "a senior Foreign Ministry official"). Names match as in 'who'. A
    speaker named exactly (case, accents and punctuation aside, with or without "a", "an",
    "the") wins over any near one; two exact speakers, or two near ones within 2 points, are
    ambiguous (exit 3, each listed). One word several speakers' names share ("sources",
    "official") names none of them: a miss that suggests them. A speaker with no statements
    is a miss (exit 1). Each statement is listed once, however many entities it is recorded
    on; -n limits statements.

    \b
    Example:
      factcli said Kawaguchi
      factcli said "informed sources"
      factcli said "North Korea" --format json
      factcli said - --format jsonl < speakers.txt
    """
    settings = _settings(ctx, facts, format, limit, min_score, no_cache, color, no_pager)
    limit, min_score = settings.limit, settings.min_score
    return _answer_each(
        query,
        settings,
        lambda catalog, q: catalog.said(q, limit=limit, min_score=min_score),
        _report_unsaid,
        _cited(settings, cite),
    )


def _report_unsaid(answer: Any) -> None:
    if answer.ambiguous:
        _report_miss(answer)
    elif not answer.matches:
        named = answer.named
        known = f" ({named.kind} {named.name!r} is quoted nowhere)" if named is not None else ""
        hint = f"; did you mean {', '.join(repr(s) for s in answer.suggestions)}?" if answer.suggestions else ""
        _say(f"no statements attributed to {answer.query!r}{known}{hint}")


PlaceArgument = Annotated[
    str,
    typer.Argument(
        help="A place's name, as you would write it; '-' reads one per line from stdin.",
        autocompletion=_completer(("place",)),
        show_default=False,
    ),
]


@app.command()
def where(
    ctx: typer.Context,
    query: PlaceArgument,
    facts: FactsOption = None,
    format: FormatOption = None,
    limit: LimitOption = None,
    min_score: MinScoreOption = None,
    no_cache: NoCacheOption = False,
    color: ColorOption = None,
    no_pager: NoPagerOption = False,
    cite: CiteOption = None,
) -> int:
    """Places: the place, its claims, and what is located there (the events held in it).

    Only places are looked up, matched as 'who' matches names: exact (case, accents and
    punctuation aside; an alias counts: "N. Korea", "U.S."), the start of a name, a typo, or
    some of its words. Two equally good places are ambiguous (exit 3). 'who' and 'what' do not
    answer with a place: a query that names one exactly gets a hint to use 'where'.

    \b
    Example:
      factcli where Hanoi
      factcli where Geneva --format json
      factcli where - --format jsonl < places.txt
    """
    settings = _settings(ctx, facts, format, limit, min_score, no_cache, color, no_pager)
    limit, min_score = settings.limit, settings.min_score
    citer = _cited(settings, cite)
    return _answer_each(
        query, settings, lambda catalog, q: catalog.where(q, limit=limit, min_score=min_score), renderer=citer
    )


@app.command()
def timeline(
    ctx: typer.Context,
    query: str | None = typer.Argument(
        None, help="Only what concerns this name.", autocompletion=_completer(None), show_default=False
    ),
    start: str | None = typer.Option(
        None, "--from", metavar="DATE", help="From this date (1978, 2002-10, 2019-02-27).", show_default=False
    ),
    end: str | None = typer.Option(None, "--to", metavar="DATE", help="Up to this date.", show_default=False),
    facts: FactsOption = None,
    format: FormatOption = None,
    limit: Annotated[
        int | None,
        typer.Option("--limit", "-n", min=1, max=10_000, help="At most this many rows, the earliest first."),
    ] = None,
    min_score: MinScoreOption = None,
    no_cache: NoCacheOption = False,
    color: ColorOption = None,
    no_pager: NoPagerOption = False,
    cite: CiteOption = None,
) -> int:
    """Dated events and claims in order, with each date's precision.

    With a QUERY, it is looked up as a name among every kind (people, organizations, places,
    events, figures; --min-score as for 'who'), and the timeline keeps the rows about that one
    entity (its own, and others' claims about it) and those of its events: the ones it took
    part in, that are about it, took place there or are named after it; nobody else's. A name
    several entities share equally ("Chimura") covers each of them, says so on stderr and
    exits 3.

    \b
    Example:
      factcli timeline --from 2002 --to 2004
      factcli timeline Jenkins
    """
    from .query import TimeSpan  # noqa: PLC0415 (lazy: per command, start-up)

    settings = _settings(ctx, facts, format, limit, min_score, no_cache, color, no_pager)
    citer = _cited(settings, cite)
    query = _check_query(query) if query is not None else None  # bad arguments fail before any work
    span = TimeSpan(start, end)
    catalog = _catalog(settings)
    if citer is not None:
        citer.known_sources = catalog.facts.sources
    found = catalog.timeline(span, query, min_score=settings.min_score, limit=limit or _given(ctx, "limit"))
    answer = found.answer
    if answer is not None and not answer.matches:
        _render(settings, lambda renderer: renderer.timeline([]), citer)  # (a miss: `[]` in JSON, as for the others)
        _report_miss(answer)
        return ExitCode.NOT_FOUND
    _render(settings, lambda renderer: renderer.timeline(found.entries), citer)
    _say_warnings(catalog)
    if answer is not None and answer.ambiguous:
        names = ", ".join(m.entity.name for m in answer.matches)
        _say(f"{answer.query!r} names {len(answer.matches)} entities equally ({names}): the rows of each")
    if len(found.entries) < found.total:
        _say(f"{len(found.entries)} of {found.total} rows (--limit)")
    if not found.entries:
        about = f" about {answer.matches[0].entity.name!r}" if answer is not None and not answer.ambiguous else ""
        within = f" from {start}" * bool(start) + f" to {end}" * bool(end)
        _say(f"nothing dated{about}{within}")
        return ExitCode.NOT_FOUND
    return ExitCode.AMBIGUOUS if answer is not None and answer.ambiguous else ExitCode.FOUND


class GraphFormat(str, Enum):
    mermaid = "mermaid"
    dot = "dot"
    svg = "svg"


@app.command()
def graph(
    ctx: typer.Context,
    query: str = typer.Argument(
        ..., help="A name of any kind, looked up as for 'timeline'.", autocompletion=_completer(None)
    ),
    depth: int = typer.Option(
        1, "--depth", "-d", min=1, max=3, help="How many relations away from the entity to go (1-3)."
    ),
    format: GraphFormat = typer.Option(
        GraphFormat.mermaid,
        "--format",
        "-f",
        help="mermaid (a ```mermaid block on GitHub), dot (Graphviz) or svg (drawn by Graphviz's dot).",
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", metavar="FILE", help="Write to FILE (atomically) instead of stdout.", show_default=False
    ),
    facts: FactsOption = None,
    min_score: MinScoreOption = None,
    no_cache: NoCacheOption = False,
) -> int:
    """The relations around one entity as a graph: who is married to, member of, took part in what.

    Nodes are entities (shaped by kind), edges their relations (spouse, member-of, ...) with the
    ids of the sources that say so; both ways: the entity's own claims and others' claims about
    it. --depth 2 goes on from its neighbours. A tie is ambiguous (exit 3, the candidates on
    stderr); a miss exits 1 with suggestions.

    \b
    Example:
      factcli graph Jenkins
      factcli graph Jenkins --depth 2 --format dot
      factcli graph Jenkins --format svg -o jenkins.svg
    """
    from . import graph as graphs  # noqa: PLC0415 (lazy: per command, start-up)

    _refuse_options_for(ctx, "graph")
    if _given(ctx, "format") is not None:
        raise UsageError(
            f"--format {ctx.obj.format.value} does not apply to 'graph' (give mermaid, dot or svg after it)"
        )
    settings = _settings(ctx, facts, None, min_score=min_score, no_cache=no_cache)
    query = _check_query(query)
    if output is not None:
        from .render import check_writable  # noqa: PLC0415 (lazy: per command, start-up)

        check_writable(output)
    if format is GraphFormat.svg:
        graphs.dot_program()  # no Graphviz: a usage error before any work
    catalog = _catalog(settings)
    found = graphs.relations(catalog, query, depth, min_score=settings.min_score)
    _say_warnings(catalog)
    answer = found.answer
    if found.graph is None:
        if answer.ambiguous:
            names = "; ".join(f"{m.entity.name} ({m.entity.kind}, {m.entity.id})" for m in answer.matches)
            _say(f"{answer.query!r} is ambiguous: {len(answer.matches)} candidates: {names}; add more of the name")
            return ExitCode.AMBIGUOUS
        _report_miss(answer)
        return ExitCode.NOT_FOUND
    text = graphs.dot(found.graph) if format is not GraphFormat.mermaid else graphs.mermaid(found.graph)
    if format is GraphFormat.svg:
        text = graphs.svg(text)
    if output is None:
        sys.stdout.write(text)
    else:
        from .render import write_atomically  # noqa: PLC0415 (lazy: per command, start-up)

        write_atomically(output, text)
    return ExitCode.FOUND


def _given(ctx: typer.Context, option: str) -> Any:
    """An option given before the command (``factcli -n 5 timeline``)."""
    return getattr(ctx.obj, option, None) if ctx.obj is not None else None


def _refuse_options_for(ctx: typer.Context, command: str) -> None:
    """-n and --min-score before a command that neither limits nor matches: a usage error, not ignored."""
    for option, flag in (("limit", "-n/--limit"), ("min_score", "--min-score")):
        if _given(ctx, option) is not None:
            raise UsageError(f"{flag} does not apply to '{command}'")


@app.command()
def show(
    ctx: typer.Context,
    entity_id: str = typer.Argument(
        ...,
        metavar="ID",
        help="An entity id, exactly (see 'search').",
        autocompletion=_completer(None, ids=True),
        show_default=False,
    ),
    facts: FactsOption = None,
    format: FormatOption = None,
    no_cache: NoCacheOption = False,
    color: ColorOption = None,
    no_pager: NoPagerOption = False,
    cite: CiteOption = None,
) -> int:
    """One entity by its exact id, everything about it.

    \b
    Example:
      factcli show charles-robert-jenkins
      factcli show hanoi-summit --cite md
    """
    _refuse_options_for(ctx, "show")
    settings = _settings(ctx, facts, format, no_cache=no_cache, color=color, no_pager=no_pager)
    return _show(settings, entity_id, _cited(settings, cite))


_IdArgument = Annotated[
    str,
    typer.Argument(
        metavar="ID",
        help="An entity id, exactly (see 'search').",
        autocompletion=_completer(None, ids=True),
        show_default=False,
    ),
]


@app.command()
def cite(
    ctx: typer.Context,
    entity_id: _IdArgument,
    style: Annotated[
        CiteStyle,
        typer.Option("--style", "--cite", "-s", help="text, md (Markdown), apa or chicago [default: text]."),
    ] = CiteStyle.text,
    facts: FactsOption = None,
    no_cache: NoCacheOption = False,
    no_pager: NoPagerOption = False,
) -> int:
    """One entity's claims by its exact id, each with its reference, ready to paste.

    Each claim is a block (a blank line between blocks): the claim, the verbatim quote and the
    source's reference in the style asked for (as 'show ID --cite STYLE'). An inferred date is
    never given as certain: text and md write "2004-05 (date inferred: ...)", apa "(n.d.; date
    inferred: May 2004)", chicago "n.d. [date inferred: May 2004]". A miss suggests ids (exit
    1); an id retired through former_ids still answers, as in 'show'.

    \b
    Example:
      factcli cite rumsfeld-statement-2002 --style apa
      factcli cite hanoi-summit --style md > hanoi.md
    """
    _refuse_options_for(ctx, "cite")
    settings = _settings(ctx, facts, None, no_cache=no_cache, no_pager=no_pager)
    base: Settings | None = ctx.obj
    settings.format = base.format if base is not None else None  # 'factcli -f json cite X': refused by _cited
    return _show(settings, entity_id, _cited(settings, style))


def _show(settings: Settings, entity_id: str, renderer: Any = None) -> int:
    """``show`` and ``cite``: one entity by its exact id (or a former one), suggestions on a miss."""
    entity_id = _check_query(entity_id)
    catalog = _catalog(settings)
    answer = catalog.show(entity_id)
    if answer.matches and answer.matches[0].entity.id != entity_id:
        _say(f"{entity_id!r} is now {answer.matches[0].entity.id!r}")  # a merged or retired id
    _say_warnings(catalog)
    _report_miss(answer)
    _render(settings, lambda drawing: drawing.answer(answer), renderer)
    _say_warnings(catalog)
    return _status([answer])


sources_app = typer.Typer(
    cls=TyperGroup,
    name="sources",
    invoke_without_command=True,
    no_args_is_help=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(sources_app)


@sources_app.callback()
def sources(
    ctx: typer.Context,
    facts: FactsOption = None,
    format: FormatOption = None,
    no_cache: NoCacheOption = False,
    color: ColorOption = None,
    no_pager: NoPagerOption = False,
) -> int:
    """The sources, with date, publisher and how many claims cite each; 'sources add' registers one.

    \b
    Example:
      factcli sources --format csv
      factcli sources add article.txt --id my-article --title "A title" --published 2024-05
    """
    if ctx.invoked_subcommand is not None:
        return ExitCode.FOUND
    _refuse_options_for(ctx, "sources")
    settings = _settings(ctx, facts, format, no_cache=no_cache, color=color, no_pager=no_pager)
    catalog = _catalog(settings)
    _render(settings, lambda renderer: renderer.sources(catalog.sources()))
    _say_warnings(catalog)
    return ExitCode.FOUND


@sources_app.command("add")
def sources_add(
    ctx: typer.Context,
    text_file: Path = typer.Argument(
        ..., metavar="FILE", help="The source's text (UTF-8); it is copied, not moved.", show_default=False
    ),
    source_id: str = typer.Option(
        ..., "--id", help="The new source's id: a slug (lowercase letters, digits, single hyphens).", show_default=False
    ),
    title: str = typer.Option(
        ..., "--title", help="Its title (the headline, or a descriptive one).", show_default=False
    ),
    published: str = typer.Option(
        ...,
        "--published",
        metavar="DATE",
        help="When it was published: YYYY, YYYY-MM, YYYY-MM-DD or 1960s; a trailing ~ marks it approximate.",
        show_default=False,
    ),
    published_note: str | None = typer.Option(
        None,
        "--published-note",
        help="What an approximate date is inferred from (required with ~).",
        show_default=False,
    ),
    author: str | None = typer.Option(
        None, "--author", help="Its author, where the text shows one.", show_default=False
    ),
    publisher: str | None = typer.Option(
        None, "--publisher", help="Its publisher, where the text shows one.", show_default=False
    ),
    url: str | None = typer.Option(None, "--url", help="Where it was published (http or https).", show_default=False),
    sources_dir: Path | None = typer.Option(
        None,
        "--sources-dir",
        metavar="DIR",
        help="Copy the text into DIR [default: sources/ beside the fact file]; the fact file records the path.",
        show_default=False,
    ),
    facts: FactsOption = None,
) -> int:
    """Register a source: copy its text beside the fact file and add its entry, with its SHA-256.

    The entry is inserted at the end of the 'sources:' list as text: the rest of the fact file
    (comments, order) is kept byte for byte. Refused, with nothing written: an id or a text
    already registered, an empty, binary or non-UTF-8 file, a bad id or date, or a fact file
    that does not check. 'check --sources DIR' then holds the copy to its sha256.

    \b
    Example:
      factcli sources add article.txt --id my-article --title "A title" --published 2024-05~ \\
        --published-note "the text gives no year; inferred from the events it reports"
    """
    from .grow import add_source  # noqa: PLC0415 (lazy: per command, start-up)

    _refuse_options_for(ctx, "sources add")
    settings = _settings(ctx, facts, None)
    added = add_source(
        text_file,
        source_id=source_id,
        title=title,
        published=published,
        facts=settings.facts,
        author=author,
        publisher=publisher,
        published_note=published_note,
        url=url,
        sources_dir=sources_dir,
    )
    _say(f"added source {added.source.id!r} to {added.facts}: {added.copy} (sha256 {added.source.sha256})")
    return ExitCode.FOUND


export_app = typer.Typer(
    cls=TyperGroup,
    name="export",
    help="The fact base as an SQLite database (for Datasette, sqlite-utils) or as CSV files.\n\n"
    "\b\nExample:\n  factcli export sqlite facts.db && datasette facts.db\n  factcli export csv facts-csv/",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(export_app)


@export_app.command("sqlite")
def export_sqlite(
    ctx: typer.Context,
    target: Path = typer.Argument(
        ..., metavar="FILE", help="The database to write (replaced once complete).", show_default=False
    ),
    metadata: Path | None = typer.Option(
        None, "--metadata", metavar="FILE", help="Also write Datasette's metadata JSON to FILE.", show_default=False
    ),
    facts: FactsOption = None,
    no_cache: NoCacheOption = False,
) -> int:
    """Write one SQLite database: tables sources, entities, aliases, claims, citations; views relations,
    claims_with_sources, figures_side_by_side, timeline; full-text search on names, claims and quotes.

    \b
    Example:
      factcli export sqlite facts.db --metadata metadata.json
      datasette facts.db --metadata metadata.json
    """
    from .export import write_metadata, write_sqlite  # noqa: PLC0415 (lazy: per command, start-up)

    settings = _settings(ctx, facts, None, no_cache=no_cache)
    if metadata is not None and metadata.is_dir():
        raise UsageError(f"{metadata} is a directory; give a file name (for example metadata.json)")
    catalog = _catalog(settings)
    counts = write_sqlite(catalog.facts, target)
    if metadata is not None:
        write_metadata(catalog.facts, metadata, target.stem)
    _say_warnings(catalog)
    _say(f"wrote {target}: " + ", ".join(f"{n} {name}" for name, n in counts.items()))
    return ExitCode.FOUND


@export_app.command("csv")
def export_csv(
    ctx: typer.Context,
    directory: Path = typer.Argument(
        ..., metavar="DIR", help="The directory to write one <table>.csv per table into.", show_default=False
    ),
    facts: FactsOption = None,
    no_cache: NoCacheOption = False,
) -> int:
    """Write the export's tables as CSV files (UTF-8, a header row; a cell a spreadsheet would
    run as a formula starts with an apostrophe).

    \b
    Example:
      factcli export csv facts-csv/
    """
    from .export import write_csv  # noqa: PLC0415 (lazy: per command, start-up)

    settings = _settings(ctx, facts, None, no_cache=no_cache)
    catalog = _catalog(settings)
    counts = write_csv(catalog.facts, directory)
    _say_warnings(catalog)
    _say(f"wrote {directory}: " + ", ".join(f"{n} {name}" for name, n in counts.items()))
    return ExitCode.FOUND


@app.command()
def stats(
    ctx: typer.Context,
    facts: FactsOption = None,
    format: FormatOption = None,
    no_cache: NoCacheOption = False,
    svg: SvgOption = None,
    html: HtmlOption = None,
    width: WidthOption = None,
    color: ColorOption = None,
    no_pager: NoPagerOption = False,
) -> int:
    """The fact base at a glance: counts by kind, claims, sources, dates, discrepancies.

    \b
    Example:
      factcli stats
      factcli stats --format json | jq .claims
      factcli stats --svg stats.svg
    """
    _refuse_options_for(ctx, "stats")
    settings = _settings(ctx, facts, format, no_cache=no_cache, color=color, no_pager=no_pager)
    with _output(settings, "factcli stats", svg, html, width) as renderer:
        catalog = _catalog(settings)
        _render(settings, lambda drawing: drawing.stats(catalog.stats()), renderer)
    _say_warnings(catalog)
    return ExitCode.FOUND


@app.command()
def quote(
    ctx: typer.Context,
    source: str = typer.Argument(
        ..., metavar="SOURCE", help="A source id of the fact base (see 'sources') or a text file.", show_default=False
    ),
    text: str = typer.Argument(..., metavar="TEXT", help="A paraphrase or half-remembered phrase.", show_default=False),
    sources_dir: Path | None = typer.Option(
        None,
        "--sources",
        metavar="DIR",
        help="Where the source ids' files are [default: ../shared/seeds beside the fact base].",
        show_default=False,
    ),
    facts: FactsOption = None,
    format: FormatOption = None,
    limit: Annotated[
        int | None,
        typer.Option("--limit", "-n", min=1, max=100, help="Show this many spans [default: 1].", show_default=False),
    ] = None,
    min_score: Annotated[
        float | None,
        typer.Option(
            "--min-score",
            min=0.0,
            max=100.0,
            metavar="0-100",
            help="Lowest score that counts [default: 43].",
            show_default=False,
        ),
    ] = None,
) -> int:
    """The verbatim span of a source that best supports TEXT, with LINE:COL and a score (0-100).

    The span is a sentence or clause of one line, exactly as the file has it, to paste into
    facts.yaml as a quote ('check --sources' finds it). Exit 1 when no span reaches --min-score.

    \b
    Example:
      factcli quote jenkins-amnesty "Rumsfeld was against a pardon"
      factcli quote protective-custody "ninety-three thousand went north" -n 3 -f json
    """
    import json  # noqa: PLC0415 (lazy: per command, start-up)

    from . import quote as quoting  # noqa: PLC0415 (lazy: per command, start-up)
    from .render import printable  # noqa: PLC0415 (lazy: per command, start-up)

    settings = _settings(ctx, facts, format, limit, min_score)
    text = _check_query(text)
    if settings.format not in (None, Format.table, Format.json, Format.jsonl):
        raise UsageError(f"quote writes table, json or jsonl, not {settings.format.value}")
    from .load import default_facts_path  # noqa: PLC0415 (lazy: per command, start-up)

    files: dict[str, str] = {}
    if not os.path.isfile(source) or sources_dir is not None:
        files = {s.id: s.file for s, _ in _catalog(settings).sources()}
        facts_path = settings.facts or default_facts_path()
        sources_dir = sources_dir or Path(facts_path).resolve().parent.parent / "shared" / "seeds"
    path = quoting.source_path(source, files, sources_dir or ".", settings.facts or default_facts_path())
    found = quoting.find(
        quoting.read_source(path), text, source=source, limit=settings.limit or 1, min_score=settings.min_score
    )
    if settings.format == Format.json:
        print(json.dumps([f.as_dict() for f in found], ensure_ascii=False, indent=2))
    elif settings.format == Format.jsonl:
        for f in found:
            print(json.dumps(f.as_dict(), ensure_ascii=False))
    else:
        for line in quoting.table(found):
            print(printable(line))
    if not found:
        _say(f"no span of {source} reaches the score {settings.min_score or quoting.MIN_SCORE:g}; try --min-score")
        return ExitCode.NOT_FOUND
    return ExitCode.FOUND


@app.command()
def check(
    ctx: typer.Context,
    facts: FactsOption = None,
    sources_dir: Path | None = typer.Option(
        None,
        "--sources",
        metavar="DIR",
        help="Also hold the base to the source texts in DIR: every quote is found in its source; a date whose"
        " year no cited text gives is approximate (~) and says it is inferred; an alias occurs in a cited text"
        " (else it goes under outside_aliases). Without DIR these rules are skipped.",
        show_default=False,
    ),
    review: bool = typer.Option(
        False,
        "--review",
        help="Also list, on stdout, the claims whose quoted sentence hedges or attributes (reportedly,"
        " according to, may, ...) while the claim keeps no hedge and names no speaker; a list to read, not"
        " an error (a claim's review_note marks it explained). Needs --sources.",
    ),
    strict: bool = typer.Option(
        False,
        "--strict",
        help="Also fail (exit 1) while any draft claim (draft:) or placeholder (TODO: ...) that factcli draft"
        " proposed remains, listing each at FILE:LINE:COL.",
    ),
) -> int:
    """Validate a fact base: every problem as FILE:LINE:COL, exit 0 when clean, 2 otherwise.

    \b
    Example:
      factcli check --facts facts.yaml --sources ../shared/seeds
      factcli check --sources ../shared/seeds --review
      factcli check --strict
    """
    from .store import load  # noqa: PLC0415 (lazy: per command, start-up)

    _refuse_options_for(ctx, "check")
    settings = _settings(ctx, facts, None)
    if review and sources_dir is None:
        raise UsageError("--review needs --sources DIR: the hedges are read in the source texts")
    reviewed: list[Any] | None = [] if review else None
    try:
        facts_base = load(settings.facts, sources_dir=sources_dir, review=reviewed, jobs=settings.jobs)
    except FactBaseError as error:
        for problem in error.problems:
            _say_plain(str(problem))
        _say(f"{len(error.problems)} problem{'s' if len(error.problems) != 1 else ''} found")
        return ExitCode.USAGE
    claims = sum(1 for _ in facts_base.claims())
    checked = " and every quote, date and alias held to its source" if sources_dir else ""
    drafts = sum(1 for claim in facts_base.claims() if claim.draft is not None)
    placeholders = sum(1 for entity in facts_base.entities.values() if _placeholder(entity))
    remain = ""
    if drafts or placeholders:
        remain = f"; {_plural(drafts, 'draft')} and {_plural(placeholders, 'placeholder')} remain"
    _say(
        f"ok: {len(facts_base.entities)} entities, {claims} claims, {len(facts_base.sources)} sources{checked}{remain}"
    )
    if reviewed is not None:
        _print_review(reviewed)
    if strict and remain:
        from .draft import unfinished  # noqa: PLC0415 (lazy: per command, start-up)

        for problem in unfinished(facts_base.path):
            _say_plain(str(problem))
        _say(f"--strict: {_plural(drafts, 'draft')} and {_plural(placeholders, 'placeholder')} remain")
        return ExitCode.NOT_FOUND
    return ExitCode.FOUND


@app.command()
def draft(
    ctx: typer.Context,
    file_or_source: str = typer.Argument(
        ..., metavar="FILE_OR_SOURCE_ID", help="An article's text file, or the id of a source in the fact base."
    ),
    facts: FactsOption = None,
    sources_dir: Path | None = typer.Option(
        None,
        "--sources",
        metavar="DIR",
        help="Where a source id's file is (with FILE_OR_SOURCE_ID an id).",
        show_default=False,
    ),
    source_id: str | None = typer.Option(
        None,
        "--source-id",
        metavar="ID",
        help="The source id the citations name (default: the base's source for FILE).",
        show_default=False,
    ),
) -> int:
    """Propose entities and claims for a new article, as YAML to append under entities:.

    Every person, organization and place the text names (those already in the fact base as a
    comment, by id; new ones as stubs), and every number with the words after it, as a figure.
    Each claim's text is the sentence it quotes, marked draft:, and placeholders begin TODO:;
    'factcli check --strict' fails until a curator has replaced them all.

    \b
    Example:
      factcli draft ../shared/seeds/004_2fda9564c077b860.txt >> proposed.yaml
      factcli draft trump-hanoi-abductions --sources ../shared/seeds
    """
    from .draft import draft_text  # noqa: PLC0415 (lazy: per command, start-up)
    from .load import default_facts_path  # noqa: PLC0415 (lazy: per command, start-up)

    _refuse_options_for(ctx, "draft")
    settings = _settings(ctx, facts, None)
    catalog = _catalog(settings)
    text, message = draft_text(catalog, file_or_source, sources_dir, source_id, settings.facts or default_facts_path())
    sys.stdout.write(text)
    if message:
        _say(message)
    return ExitCode.FOUND


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _placeholder(entity: Any) -> bool:
    from .model import is_placeholder  # noqa: PLC0415 (lazy: per command, start-up)

    return any(is_placeholder(text) for text in (entity.id, entity.name, entity.summary))


def _print_review(entries: list[Any]) -> None:
    """The claims ``check --review`` lists, on stdout: where, the claim, the source's sentence."""
    from .render import printable  # noqa: PLC0415 (lazy: per command, start-up)

    for entry in entries:
        hedges = ", ".join(repr(h) for h in entry.hedges)
        print(printable(f"{entry.where()}: review: the source says {hedges}; the claim does not"))
        print(printable(f"  claim: {entry.claim}"))
        print(printable(f'  {entry.source}: "{entry.sentence}"'))
        if entry.note:
            print(printable(f"  review_note: {entry.note}"))
    explained = sum(1 for entry in entries if entry.note)
    _say(
        f"review: {len(entries)} claim{'s' if len(entries) != 1 else ''} to review, {explained} explained (review_note)"
    )


def _say_plain(message: str) -> None:
    from .render import printable  # noqa: PLC0415 (lazy: per command, start-up)

    print(printable(message), file=sys.stderr)


_GROUP_OPTIONS_WITH_VALUES = ("--facts", "--format", "-f", "--limit", "-n", "--min-score", "--color")


def _command_in(args: list[str]) -> str | None:
    """The command an argument list runs, when that is certain without click; else None.

    Skips the group's options (``factcli -f json who X``); gives up on help, on ``--`` and on
    anything that is not a known command, so those go through the full app unchanged.
    """
    names = {info.callback.__name__ for info in app.registered_commands if info.callback is not None}
    names.update(_group_name(group) for group in app.registered_groups)  # sources (and sources add)
    position = 0
    while position < len(args):
        arg = args[position]
        if arg in ("--help", "-h", "--"):
            return None
        if arg in _GROUP_OPTIONS_WITH_VALUES:
            position += 2
        elif arg.startswith("-") and arg != "-":
            position += 1
        else:
            return arg if arg in names and not any(a in ("--help", "-h") for a in args) else None
    return None


def main() -> None:
    """Console-script entry point.

    Typer turns every command's signature into click parameters at start-up (about 1 ms a
    command); when the command being run is plain from the arguments, only it is built. Help,
    completion and unknown commands get the whole app, so their output is unchanged.
    """
    name = None if os.environ.get("_FACTCLI_COMPLETE") else _command_in(sys.argv[1:])
    if name is None:
        app()
        return
    import copy  # noqa: PLC0415 (lazy: only help text needs it)

    single = copy.copy(app)
    single.registered_commands = [
        info for info in app.registered_commands if info.callback is not None and info.callback.__name__ == name
    ]
    single.registered_groups = [group for group in app.registered_groups if _group_name(group) == name]
    single()


def _group_name(group: Any) -> str:
    """A command group's name (``sources``)."""
    return str(group.name or group.typer_instance.info.name)
