"""Precision before recall: a common word or a merely close name is no confident answer.

Each example was a confident wrong answer (exit 0) before; now it is a miss with
suggestions (exit 1) or a tie (exit 3), checked through the JSON contract.
"""

from __future__ import annotations

import json

import pytest

from factcli.match import MERELY_CLOSE_SCORE, rank
from factcli.normalize import common_words


def _answer(cli, *args: str) -> tuple[int, list[dict], str]:
    result = cli(*args, "-f", "json")
    return result.exit_code, json.loads(result.stdout or "[]"), result.stderr


@pytest.mark.parametrize(
    ("query", "wrong"),
    [
        ("Kim Jong Nam", "kim-jong-un"),  # a different person: one name part differs wholly
        ("Jenkinson", "charles-robert-jenkins"),  # a longer name that contains "Jenkins"
        ("Robertson", "charles-robert-jenkins"),
        ("Ichiro", "koichiro-iizuka"),  # the end of another name
        ("official", "senior-trump-administration-official"),  # a common word of "U.S. official"
        ("government", "japanese-government"),
    ],
)
def test_a_merely_close_name_is_a_miss_with_a_suggestion(cli, query: str, wrong: str) -> None:
    code, matches, stderr = _answer(cli, "who", query)
    assert code == 1, matches
    assert matches == []
    assert "did you mean" in stderr


def test_japan_is_no_confident_person(cli) -> None:
    """'returnees from Japan' is a description: 'Japan' is not one of its name parts."""
    code, matches, _ = _answer(cli, "who", "Japan")
    assert code in (1, 3)
    assert code == 1 or len(matches) > 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Kim Jong Un", "kim-jong-un"),
        ("Kim Jung Un", "kim-jong-un"),  # a typo is still a typo
        ("Jenkins", "charles-robert-jenkins"),
        ("C. R. Jenkins", "charles-robert-jenkins"),  # initials
        ("Jun-ichiro Koizumi", "junichiro-koizumi"),  # a name split by a hyphen
        ("Kim Jong-eun", "kim-jong-un"),  # a romanization one letter longer
        ("Trump official", "senior-trump-administration-official"),
        ("Foreign Ministry", "japan-foreign-ministry"),
    ],
)
def test_names_and_their_typos_still_answer(cli, query: str, expected: str) -> None:
    code, matches, _ = _answer(cli, "who", query)
    assert code == 0
    assert matches[0]["id"] == expected


def test_common_words_are_the_lower_case_ones() -> None:
    assert common_words("U.S. official") == {"official"}
    assert common_words("returnees from Japan") == {"returnees", "from"}
    assert common_words("Charles Robert Jenkins") == frozenset()
    assert common_words("Daughters of Charles Robert Jenkins and Hitomi Soga") == frozenset()  # particles aside
    assert common_words("Ludwig van Beethoven") == frozenset()


def test_a_common_word_only_one_entity_has_still_answers() -> None:
    pool = [(0, "person", ["U.S. official"]), (1, "person", ["an official"]), (2, "person", ["an attendee"])]
    assert rank("official", pool) == []  # two have it: neither is meant
    assert [c.ordinal for c in rank("attendee", pool)] == [2]
    assert [c.ordinal for c in rank("official", pool[:1])] == [0]


def test_a_merely_close_candidate_is_still_offered() -> None:
    """Capped, not dropped: the suggestions come from the same ranking at a lower score."""
    pool = [(0, "person", ["Charles Robert Jenkins", "Jenkins"]), (1, "person", ["Hitomi Soga"])]
    assert rank("Jenkinson", pool) == []
    near = rank("Jenkinson", pool, 0.0)
    assert near[0].ordinal == 0 and near[0].score == MERELY_CLOSE_SCORE
    assert rank("Jenkins", pool)[0].score == 100.0


# -- timeline scope ---------------------------------------------------------------------------------
def _timeline(cli, *args: str) -> tuple[int, list[dict], str]:
    result = cli("timeline", *args, "-f", "json")
    return result.exit_code, json.loads(result.stdout or "[]"), result.stderr


def test_timeline_of_a_person_is_theirs_and_their_events_only(cli) -> None:
    code, rows, _ = _timeline(cli, "Kim Jong Il")
    assert code == 0 and rows
    assert not any("Kim Jong Un" in row["name"] for row in rows), rows  # the old answer: 4 of 5 rows
    assert {row["id"] for row in rows} == {"koizumi-kim-jong-il-meeting"}


def test_timeline_of_a_shared_family_name_covers_each_and_their_event(cli) -> None:
    code, rows, stderr = _timeline(cli, "Chimura")
    assert code == 3 and "Yasushi Chimura" in stderr and "Fukie Chimura" in stderr
    entities = {row["id"] for row in rows}
    assert {"yasushi-chimura", "fukie-chimura", "chimura-abduction"} <= entities
    assert not entities & {"hitomi-soga", "kaoru-hasuike"}


def test_timeline_of_a_place_has_the_events_held_there(cli) -> None:
    code, rows, _ = _timeline(cli, "Hanoi")
    assert code == 0 and {row["id"] for row in rows} == {"hanoi-summit"}


def test_timeline_names_its_miss_not_a_range(cli) -> None:
    result = cli("timeline", "Megumi", "-f", "json")
    assert result.stdout.strip() == "[]"  # a script reads an empty list, not nothing
    code, rows, stderr = _timeline(cli, "Megumi")
    assert code == 1 and rows == []
    assert "no match for 'Megumi'" in stderr and "range" not in stderr


def test_timeline_min_score_and_limit_do_something_wherever_written(cli) -> None:
    loose = cli("timeline", "Jenkns", "-f", "jsonl")
    strict = cli("timeline", "Jenkns", "--min-score", "99", "-f", "jsonl")
    assert loose.exit_code == 0 and strict.exit_code == 1
    assert cli("--min-score", "99", "timeline", "Jenkns").exit_code == 1
    every = cli("timeline", "Jenkins", "-f", "json")
    two = cli("timeline", "Jenkins", "-n", "2", "-f", "json")
    assert len(json.loads(every.stdout)) > 2
    assert json.loads(two.stdout) == json.loads(every.stdout)[:2] and "2 of" in two.stderr
    assert cli("-n", "2", "timeline", "Jenkins", "-f", "json").stdout == two.stdout


@pytest.mark.parametrize("command", ["stats", "sources"])
@pytest.mark.parametrize("option", [("-n", "3"), ("--min-score", "90")])
def test_an_option_a_command_cannot_use_is_refused(cli, command: str, option: tuple[str, str]) -> None:
    result = cli(*option, command)
    assert result.exit_code == 2 and "does not apply" in result.stderr and result.stdout == ""
