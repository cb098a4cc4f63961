"""`factcli stats` on a terminal as a picture that fits the width, and `--svg`/`--html` (issue 12 part 4).

The terminal view is drawn by the real ``RichRenderer`` into a described terminal
(``Environment(out, terminal=True, width=N)``), and once through a real pseudo-terminal; the
pictures through the command line. Every expectation is read from ``Catalog.stats()`` (the
JSON contract), not from what the code happens to print.
"""

from __future__ import annotations

import io
import os
import re
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from rich.cells import cell_len

from factcli.query import Catalog
from factcli.render import Environment, Picture, RichRenderer, renderer_for

from .conftest import MINIMAL, ROOT, run_in_a_terminal, write_facts

WIDTHS = (60, 80, 120)
POSIX = os.name == "posix"


@pytest.fixture(scope="module")
def stats() -> dict:
    return Catalog.open(ROOT / "facts.yaml", use_cache=False).stats()


def draw(stats: dict, width: int, *, color: bool = False, unicode: bool = True) -> list[str]:
    out = io.StringIO()
    env = Environment(out, terminal=True, color=color, width=width)
    env.unicode = unicode
    renderer = renderer_for(None, env)
    assert isinstance(renderer, RichRenderer)
    renderer.stats(stats)
    return out.getvalue().splitlines()


def bar_rows(stats: dict) -> list[tuple[str, int]]:
    return list(stats["claims_per_source"].items()) + list(stats["claims_per_decade"].items())


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("unicode", [True, False], ids=["unicode", "ascii"])
def test_no_line_is_wider_than_the_terminal(stats: dict, width: int, unicode: bool) -> None:
    lines = draw(stats, width, unicode=unicode)
    assert lines
    assert max(cell_len(line) for line in lines) <= width


@pytest.mark.parametrize("width", WIDTHS)
def test_every_bar_is_on_one_line_with_its_label_and_count(stats: dict, width: int) -> None:
    lines = draw(stats, width)
    for label, count in bar_rows(stats):
        row = [line for line in lines if re.match(rf"\s*{re.escape(label)}\s+{count} █+$", line)]
        assert len(row) == 1, (label, count, lines)
    assert sum("█" in line for line in lines) == len(bar_rows(stats)), "a bar continued on a line of its own"


@pytest.mark.parametrize("width", WIDTHS)
def test_bars_start_in_one_column_and_the_longest_fills_the_width(stats: dict, width: int) -> None:
    lines = [line for line in draw(stats, width) if "█" in line]
    assert len({line.index("█") for line in lines}) == 1
    assert max(len(line) for line in lines) == width
    source_bars = {line.split()[0]: line.count("█") for line in lines}
    top = max(stats["claims_per_source"], key=stats["claims_per_source"].get)
    assert source_bars[top] == max(source_bars[s] for s in stats["claims_per_source"])


def test_at_80_columns_stats_is_at_most_40_lines_with_each_heading_once(stats: dict) -> None:
    lines = draw(stats, 80)
    assert len(lines) <= 40
    text = "\n".join(lines)
    for heading in ("claims per source", "claims per decade", "discrepancies"):
        assert text.count(heading) == 1
    for key in ("entities", "claims", "citations", "sources", "dated_claims", "dated_events"):
        assert re.search(rf"\b{key.replace('_', ' ')} {stats[key]}\b", text), key
    for kind, n in stats["by_kind"].items():
        assert f"{kind} {n}" in text
    first, last = stats["date_span"]
    assert f"{first} .. {last}" in text


def test_a_decade_without_claims_shows_as_an_empty_row(stats: dict) -> None:
    decades = sorted(int(d[:-1]) for d in stats["claims_per_decade"])
    missing = [f"{y}s" for y in range(decades[0], decades[-1] + 1, 10) if f"{y}s" not in stats["claims_per_decade"]]
    lines = draw(stats, 80)
    for decade in missing:
        assert any(re.fullmatch(rf"\s*{decade}\s+0", line) for line in lines), decade


@pytest.mark.parametrize("width", WIDTHS)
def test_a_discrepancy_is_one_line_with_its_values_side_by_side(stats: dict, width: int) -> None:
    lines = draw(stats, width)
    assert stats["discrepancies"]
    for item in stats["discrepancies"]:
        values = " / ".join(f"{v:,}" for v in item["values"])
        [line] = [line for line in lines if line.endswith(values)]
        name = line[: -len(values)].strip()
        if name.endswith("…"):
            assert item["name"].startswith(name[:-1]) and cell_len(item["name"]) + len(values) + 4 > width
        else:
            assert name == item["name"]


def test_a_fact_base_without_discrepancies_or_dates_says_so(tmp_path: Path) -> None:
    small = Catalog.open(write_facts(tmp_path, MINIMAL), use_cache=False).stats()
    small["date_span"] = None
    text = "\n".join(draw(small, 80))
    assert "discrepancies: none" in text and "dates none" in text


def test_fact_base_text_is_shown_as_text_never_markup(stats: dict) -> None:
    hostile = {**stats, "claims_per_source": {"[bold red]x[/]\x1b[2J": 3}}
    hostile["discrepancies"] = [{"id": "x", "name": "[link=http://x]y[/link]\u202e", "values": [1, 2]}]
    out = "\n".join(draw(hostile, 80, color=True))
    assert "[bold red]x[/]\\x1b[2J" in out and "[link=http://x]y[/link]\\u202e" in out
    assert "\x1b[2J" not in out and "\x1b]" not in out


def test_piped_and_other_formats_are_unchanged(cli, stats: dict) -> None:
    """Only the terminal view changed: off a terminal stats is the plain table it was."""
    result = cli("stats")
    assert (
        result.stdout.splitlines()[:4]
        == [  # the stable piped format: every row has every field
            "metric | count | detail",
            f"entities | {stats['entities']} | ",
            *[f"  {kind} | {n} | " for kind, n in list(stats["by_kind"].items())[:2]],
        ]
    )
    assert any(line.startswith("claims per source: ") for line in result.stdout.splitlines())


@pytest.mark.skipif(not POSIX or sys.platform == "darwin", reason="needs a Linux pty")
def test_in_a_real_80_column_terminal(stats: dict, tmp_path: Path) -> None:
    env = {**os.environ, "TERM": "xterm-256color", "FACTCLI_CACHE_DIR": str(tmp_path), "FACTCLI_PAGER": "cat"}
    env.pop("COLUMNS", None)
    env.pop("NO_COLOR", None)
    code, output, stderr = run_in_a_terminal(["stats"], env, rows=50, columns=80)
    assert code == 0, stderr
    lines = re.sub(r"\x1b\[[0-9;]*m", "", output.decode()).replace("\r", "").splitlines()
    assert len(lines) <= 40
    assert max(cell_len(line) for line in lines) <= 80
    assert sum("█" in line for line in lines) == len(bar_rows(stats))


# -- --svg / --html -------------------------------------------------------------------------
SVG = "{http://www.w3.org/2000/svg}"


def svg_text(path: Path) -> str:
    """The text an SVG shows (Rich writes a row as several <text> runs, spaces as &#160;)."""
    root = ElementTree.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    return "".join(node.text or "" for node in root.iter(f"{SVG}text")).replace("\xa0", " ")


def test_stats_svg_is_a_well_formed_picture_of_the_counts(cli, stats: dict, tmp_path: Path) -> None:
    target = tmp_path / "stats.svg"
    result = cli("stats", "--svg", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""  # the picture goes to the file, not to stdout
    shown = svg_text(target)
    assert "factcli stats" in shown  # the title
    for key in ("entities", "claims", "citations"):
        assert f"{key.replace('_', ' ')} {stats[key]}" in shown
    for source, n in stats["claims_per_source"].items():
        assert re.search(rf"{re.escape(source)} +{n} █", shown)
    assert sorted(os.listdir(tmp_path)) == ["stats.svg"]  # no temporary file left beside it


def test_the_picture_does_not_depend_on_the_terminal_or_the_environment(cli, tmp_path: Path) -> None:
    cli("stats", "--svg", str(tmp_path / "a.svg"))
    cli("stats", "--svg", str(tmp_path / "b.svg"), env={"NO_COLOR": "1", "COLUMNS": "40", "TERM": "dumb"})
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()
    cli("stats", "--svg", str(tmp_path / "wide.svg"), "--width", "120")
    assert svg_text(tmp_path / "wide.svg") != svg_text(tmp_path / "a.svg")


def test_stats_html_and_who_svg(cli, tmp_path: Path) -> None:
    result = cli("stats", "--html", str(tmp_path / "stats.html"))
    assert result.exit_code == 0, result.stderr
    assert "claims per source" in (tmp_path / "stats.html").read_text(encoding="utf-8")
    result = cli("who", "Jenkins", "--svg", str(tmp_path / "who.svg"))
    assert result.exit_code == 0 and result.stdout == "", result.stderr
    shown = svg_text(tmp_path / "who.svg")
    assert "factcli who Jenkins" in shown and "Charles Robert Jenkins" in shown


def test_a_miss_writes_no_picture(cli, tmp_path: Path) -> None:
    result = cli("who", "Kawasaki", "--svg", str(tmp_path / "miss.svg"))
    assert result.exit_code == 1
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    "where, message",
    [
        (".", "it is a directory"),
        ("no-such-folder/x.svg", "no directory"),
        ("a-file/x.svg", "no directory"),
    ],
)
def test_a_bad_path_is_one_line_and_exit_2(cli, tmp_path: Path, where: str, message: str) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    target = tmp_path / where
    result = cli("stats", "--svg", str(target))
    assert result.exit_code == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("factcli: error: cannot write ") and message in line
    assert sorted(os.listdir(tmp_path)) == ["a-file"]


@pytest.mark.skipif(not POSIX or os.geteuid() == 0, reason="root writes anywhere")
def test_an_unwritable_folder_is_refused(cli, tmp_path: Path) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = cli("stats", "--svg", str(folder / "x.svg"))
    finally:
        folder.chmod(0o755)
    assert result.exit_code == 2 and "permission denied" in result.stderr
    assert os.listdir(folder) == []


def test_a_write_that_fails_half_way_leaves_neither_file_nor_temporary(
    stats: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from factcli.errors import UsageError

    target = tmp_path / "stats.svg"
    target.write_text("the picture from before")

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(UsageError, match="No space left on device"):
        with Picture([("svg", target)], title="factcli stats") as renderer:
            renderer.stats(stats)
    assert os.listdir(tmp_path) == ["stats.svg"]
    assert target.read_text() == "the picture from before"


def test_an_error_while_drawing_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(KeyError):
        with Picture([("svg", tmp_path / "x.svg")], title="t") as renderer:
            renderer.stats({})
    assert os.listdir(tmp_path) == []


def test_picture_options_that_do_not_go_together(cli, tmp_path: Path) -> None:
    for args, message in (
        (["stats", "--width", "100"], "--width applies to --svg and --html"),
        (["stats", "-f", "json", "--svg", str(tmp_path / "x.svg")], "take no --format"),
        (["-f", "csv", "stats", "--svg", str(tmp_path / "x.svg")], "take no --format"),
    ):
        result = cli(*args)
        assert result.exit_code == 2 and message in result.stderr, args
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("name", ["stats.svg", "who-jenkins.svg"])
def test_the_readme_shows_pictures_the_program_wrote(name: str) -> None:
    """Not their pixels (they change with the layout): that they are there, well-formed, and Rich's."""
    assert f"](docs/{name})" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "factcli " in svg_text(ROOT / "docs" / name)
    assert "Generated with Rich" in (ROOT / "docs" / name).read_text(encoding="utf-8")
