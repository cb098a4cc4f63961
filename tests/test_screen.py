"""What a reader sees on a terminal: the Rich layout, drawn into a console of a fixed width.

Each command is rendered through the real renderer (``renderer_for`` on an ``Environment`` that
says "a terminal, no colour, N columns") and read back as the plain text of the screen. The
checks hold at 60, 80 and 120 columns: no line is wider than the terminal, no id is split
across lines, every claim's citation marks lead to footnotes that quote the claim's own
sentences. At 80 columns each screen is also compared with its golden snapshot in
``tests/snapshots/`` (``FACTCLI_UPDATE_SNAPSHOTS=1`` rewrites them; review with ``git diff``),
and one command runs in a real pseudo-terminal.
"""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from factcli.query import EVENTS, FIGURES, PEOPLE_AND_ORGANIZATIONS, Answer, Catalog, TimeSpan
from factcli.render import Environment, RichRenderer, renderer_for

from .conftest import run_in_a_terminal

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
UPDATE = os.environ.get("FACTCLI_UPDATE_SNAPSHOTS") == "1"
WIDTHS = (60, 80, 120)
# lines at 80 columns: the targets of the terminal layout
LINE_TARGETS = {"who-jenkins": 50, "figure-repatriation": 25, "sources": 20}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.open(use_cache=False)


# name -> (draw it with a renderer, the answer behind it if it is an entity's)
def _commands(catalog: Catalog) -> dict[str, tuple[Callable[[Any], None], Answer | None]]:
    who = catalog.lookup("Jenkins", PEOPLE_AND_ORGANIZATIONS)
    what = catalog.find("Hanoi summit", EVENTS)
    figure = catalog.find("repatriation", FIGURES)
    said = catalog.said("Kawaguchi")
    timeline = catalog.timeline(TimeSpan(), "Jenkins").entries
    sources = catalog.sources()
    hits = catalog.search("amnesty")
    return {
        "who-jenkins": (lambda r: r.answer(who), who),
        "what-hanoi-summit": (lambda r: r.answer(what), what),
        "figure-repatriation": (lambda r: r.answer(figure), figure),
        "said-kawaguchi": (lambda r: r.answer(said), said),
        "timeline-jenkins": (lambda r: r.timeline(timeline), None),
        "sources": (lambda r: r.sources(sources), None),
        "search-amnesty": (lambda r: r.search(hits), None),
    }


COMMANDS = (
    "who-jenkins",
    "what-hanoi-summit",
    "figure-repatriation",
    "said-kawaguchi",
    "timeline-jenkins",
    "sources",
    "search-amnesty",
)
ENTITY_COMMANDS = COMMANDS[:4]


def screen(draw: Callable[[Any], None], width: int) -> list[str]:
    """The lines a terminal of ``width`` columns shows (no colour; a screen has no trailing spaces)."""
    out = io.StringIO()
    renderer = renderer_for(None, Environment(out, terminal=True, color=False, width=width))
    assert isinstance(renderer, RichRenderer)
    draw(renderer)
    return [line.rstrip() for line in out.getvalue().splitlines()]


@pytest.fixture(scope="module")
def screens(catalog: Catalog) -> dict[tuple[str, int], list[str]]:
    commands = _commands(catalog)
    return {(name, width): screen(commands[name][0], width) for name in COMMANDS for width in WIDTHS}


@pytest.fixture(scope="module")
def answers(catalog: Catalog) -> dict[str, Answer]:
    return {name: answer for name, (_, answer) in _commands(catalog).items() if answer is not None}


def _ids(catalog: Catalog) -> set[str]:
    ids = {source.id for source, _ in catalog.sources()}
    for entity in catalog.entities():
        ids.add(entity.id)
        ids.update(entity.former_ids)
    return ids


def _split_ids(lines: list[str], ids: set[str]) -> list[str]:
    """Words that are a piece of a hyphenated id and not a whole one: ``jenkins-amnes`` / ``ty``.

    A split leaves a piece with a hyphen and a letter on one side of the break at least (a
    piece like ``1959-1984`` is also the text's own word).
    """
    hyphenated = [i for i in ids if "-" in i]
    found = []
    for line in lines:
        for word in re.split(r"[\s,;\[\]()\"]+", line):
            if "-" not in word or word in ids or not re.search("[a-z]", word):
                continue
            for whole in hyphenated:
                if word != whole and (whole.startswith(word) or whole.endswith(word)):
                    found.append(f"{word!r} (of {whole!r}) in {line!r}")
    return found


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", COMMANDS)
def test_no_line_is_wider_than_the_terminal(name: str, width: int, screens: dict) -> None:
    lines = screens[name, width]
    assert lines, "nothing drawn"
    wide = [line for line in lines if cell_len(line) > width]
    assert not wide, f"{len(wide)} lines wider than {width} columns: {wide[:3]}"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", COMMANDS)
def test_no_id_is_split_across_lines(name: str, width: int, screens: dict, catalog: Catalog) -> None:
    assert _split_ids(screens[name, width], _ids(catalog)) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_every_source_shows_whole(width: int, screens: dict, catalog: Catalog) -> None:
    text = "\n".join(screens["sources", width])
    for source, count in catalog.sources():
        assert source.id in text
        assert source.file is None or source.file in text
        assert re.search(rf"\b{count}\b", text)


def _footnotes(lines: list[str], source_ids: set[str]) -> tuple[int, dict[int, tuple[str, str]]]:
    """Where the footnotes start, and each note: number -> (its source's id, its quote, unwrapped).

    A run of notes is headed by its source's id (then its title, which may wrap); a note is
    ``[n] "quote`` and its quote's wrapped lines are indented under it.
    """
    notes: dict[int, tuple[str, str]] = {}
    start, source, current = None, "", None
    for index, line in enumerate(lines):
        note = re.match(r'^ *\[(\d+)\] "(.*)$', line)
        if line.split(" ", 1)[0] in source_ids:
            start = index if start is None else start
            source, current = line.split(" ", 1)[0], None
        elif note and start is not None:
            current = int(note.group(1))
            notes[current] = (source, note.group(2))
        elif current is not None and re.match(r"^ {4,}\S", line):
            notes[current] = (notes[current][0], notes[current][1] + " " + line.strip())
        else:
            current = None
    assert start is not None, "no footnotes"
    return start, {n: (s, q.removesuffix('"')) for n, (s, q) in notes.items()}


def _same(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ENTITY_COMMANDS)
def test_every_claim_is_marked_and_its_footnotes_quote_it(
    name: str, width: int, screens: dict, answers: dict[str, Answer], catalog: Catalog
) -> None:
    lines = screens[name, width]
    start, notes = _footnotes(lines, {source.id for source, _ in catalog.sources()})
    by_quote = {(source, _same(quote)): n for n, (source, quote) in notes.items()}
    assert sorted(notes) == list(range(1, len(notes) + 1)), "footnotes numbered 1, 2, 3..."
    claims = answers[name].matches[0].claims
    # where each claim starts in the claims above the footnotes (in order: two claims may begin alike)
    begins, at = [], lines.index("")  # the claims begin after the header's blank line
    for claim in claims:
        first = " ".join(claim.text.split()[:2])
        while first not in lines[at]:
            at += 1
            assert at < start, f"claim not shown: {claim.text!r}"
        begins.append(at)
        at += 1
    for claim, begin, end in zip(claims, begins, [*begins[1:], start], strict=True):
        shown = "".join(lines[begin:end])
        for citation in claim.citations:
            number = by_quote.get((citation.source, _same(citation.quote)))
            assert number is not None, f"no footnote quotes {citation.source}: {citation.quote!r}"
            assert f"[{number}]" in shown, f"claim {claim.text!r} lacks its mark [{number}]"
        assert len(re.findall(r"\[\d+\]", shown)) >= len({(c.source, c.quote) for c in claim.citations})


@pytest.mark.parametrize("name", ENTITY_COMMANDS)
def test_a_claim_with_two_citations_gets_two_marks(
    name: str, screens: dict, answers: dict[str, Answer], catalog: Catalog
) -> None:
    lines = screens[name, 80]
    start, _ = _footnotes(lines, {source.id for source, _ in catalog.sources()})
    for claim in answers[name].matches[0].claims:
        if len({(c.source, c.quote) for c in claim.citations}) > 1:
            assert re.search(r"(\[\d+\]){2}", "\n".join(lines[:start]))
            return


def test_the_screens_are_short_at_80_columns(screens: dict) -> None:
    """Measured in a pty at 80 columns before this layout: who Jenkins 108 lines, figure repatriation 70, sources 49.

    The figure fits because a footnote's source heading is one line (the title cut at a space, whole
    in `factcli sources`) and its name and first claim were tightened.
    """
    for name, most in LINE_TARGETS.items():
        assert len(screens[name, 80]) <= most, f"{name}: {len(screens[name, 80])} lines at 80 columns"


@pytest.mark.parametrize("width", WIDTHS)
def test_a_footnote_heading_is_one_line_cut_at_a_space(width: int, screens: dict) -> None:
    """The id and title of a source over its notes: one line at any width, never half a word."""
    titles = {source.id: source.title for source, _ in Catalog.open(use_cache=False).sources()}
    headings = [line for line in screens["figure-repatriation", width] if line.split("  ")[0] in titles]
    assert len(headings) == 2, headings
    for heading in headings:
        source_id, _, shown = heading.partition("  ")
        title = titles[source_id]
        assert len(heading) <= width
        assert shown == title or (shown.endswith("…") and title.startswith(shown[:-1] + " ")), heading


@pytest.mark.parametrize("name", COMMANDS)
def test_the_screen_is_its_snapshot(name: str, screens: dict) -> None:
    text = "\n".join(screens[name, 80]) + "\n"
    path = SNAPSHOTS / f"{name}.txt"
    if UPDATE or not path.exists():
        path.parent.mkdir(exist_ok=True)
        existed = path.exists()
        path.write_text(text, encoding="utf-8")
        if not existed:
            pytest.fail(f"wrote the missing snapshot {path}: read it, then commit it (`git add {path}`)")
        return
    expected = path.read_text(encoding="utf-8")
    assert text == expected, (
        f"{name} at 80 columns differs from {path}; if the change is meant, rerun with "
        "FACTCLI_UPDATE_SNAPSHOTS=1 and review `git diff tests/snapshots`"
    )


# -- end to end: the real command in a real pseudo-terminal -------------------------------
def _in_a_terminal(args: list[str], columns: int, env: dict[str, str]) -> tuple[int, str]:
    code, output, _ = run_in_a_terminal(args, env, rows=40, columns=columns)
    return code, output.decode().replace("\r\n", "\n")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs a Linux pty")
def test_who_jenkins_in_a_real_terminal_of_80_columns(screens: dict) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env.update(TERM="xterm-256color", NO_COLOR="1", FACTCLI_PAGER="cat")  # the screen, not a pager's
    code, output = _in_a_terminal(["who", "Jenkins"], 80, env)
    assert code == 0
    lines = [line.rstrip() for line in output.splitlines()]
    assert len(lines) <= LINE_TARGETS["who-jenkins"]
    assert lines == screens["who-jenkins", 80], "the command draws what the renderer draws in the tests"
