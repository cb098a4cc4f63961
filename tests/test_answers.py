"""Precision and recall of the answers, on labelled queries written from the five articles.

Every ``tests/data/answers-*.tsv`` row is ``command<TAB>query<TAB>expected<TAB>class``: the
entity id (or ``unnamed:<attribution>``) a confident answer must give, or ``none`` when the
right behaviour is no confident answer (a miss or a tie). Each row runs through the command's
JSON output, as a script would. A *confident* answer is exit 0 with a first match; precision
is the share of confident answers that are right, recall the share of answerable rows answered
right. ``pytest tests/test_answers.py -s`` prints the table the README's Matching section shows.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from factcli.store import load

from .conftest import ROOT

DATA = Path(__file__).resolve().parent / "data"
FILES = sorted(DATA.glob("answers-*.tsv"))
COMMANDS = {"who", "what", "figure", "search", "said", "where"}
CLASSES = {"name", "unnamed", "place", "topic", "negative"}


def labelled() -> list[tuple[str, str, str, str, str]]:
    rows = []
    for path in FILES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            assert len(fields) == 4, f"{path.name}:{number}: want command, query, expected, class"
            command, query, expected, kind = fields
            assert command in COMMANDS and kind in CLASSES, f"{path.name}:{number}"
            assert (expected == "none") == (kind == "negative"), f"{path.name}:{number}"
            rows.append((path.name, command, query, expected, kind))
    return rows


def measure(cli) -> list[tuple[str, str, str, str, str, int, str | None]]:
    results = []
    for source, command, query, expected, kind in labelled():
        result = cli(command, query, "-f", "json")
        assert result.exit_code in (0, 1, 3), (command, query, result.stderr)
        matches = json.loads(result.stdout or "[]")
        first = matches[0]["id"] if result.exit_code == 0 and matches else None
        results.append((source, command, query, expected, kind, result.exit_code, first))
    return results


def _rates(rows) -> tuple[int, int, int, int]:
    confident = sum(1 for *_, first in rows if first is not None)
    right = sum(1 for _, _, _, expected, _, _, first in rows if first is not None and first == expected)
    answerable = sum(1 for _, _, _, expected, *_ in rows if expected != "none")
    return confident, right, answerable, right


def _table(results) -> str:
    lines = [f"{'':22} {'rows':>5} {'negative':>8} {'precision':>18} {'recall':>18}"]
    groups: dict[str, list] = defaultdict(list)
    for row in results:
        groups[row[1]].append(row)
    for name, rows in [*sorted(groups.items()), ("all", results)]:
        confident, right, answerable, found = _rates(rows)
        negatives = sum(1 for row in rows if row[3] == "none")
        precision = f"{right}/{confident} {100 * right / confident:5.1f} %" if confident else "-"
        recall = f"{found}/{answerable} {100 * found / answerable:5.1f} %" if answerable else "-"
        lines.append(f"{name:22} {len(rows):>5} {negatives:>8} {precision:>18} {recall:>18}")
    for source, command, query, expected, _, code, first in results:
        if first != expected and (first is not None or expected != "none"):
            verdict = "WRONG" if first is not None else "missed"
            lines.append(f"  {verdict:6} {command} {query!r} (want {expected}; exit {code}, got {first}) [{source}]")
    return "\n".join(lines)


def test_the_labelled_set_covers_topics_and_negatives() -> None:
    rows = labelled()
    topic_and_negative = [row for row in rows if row[4] in ("topic", "negative")]
    assert len(topic_and_negative) >= 60  # the floor: 60 topic and negative queries
    assert sum(1 for row in rows if row[4] == "negative") >= 40
    assert {row[1] for row in rows} == COMMANDS


def test_expected_ids_exist() -> None:
    facts = load(ROOT / "facts.yaml")
    known = set(facts.entities) | {f"unnamed:{c.attribution}" for c in facts.claims() if c.attribution}
    assert {row[3] for row in labelled()} - {"none"} <= known


def test_precision_and_recall_reach_the_targets(cli) -> None:
    measured = measure(cli)
    print("\n" + _table(measured))
    confident, right, answerable, found = _rates(measured)
    assert right / confident >= 0.98  # a confident answer is right
    assert found / answerable >= 0.90  # and most answerable questions get one
    for command in COMMANDS:
        rows = [row for row in measured if row[1] == command]
        confident, right, _, _ = _rates(rows)
        assert not confident or right / confident >= 0.95, command
