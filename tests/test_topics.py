"""Topic lookups (factcli/topic.py): what / figure / search find entities by the words about them.

Every example goes through the command line's JSON contract (``-f json``) on the shipped
facts.yaml. tests/data/answers-topics.tsv holds labelled queries; ``pytest tests/test_topics.py -s``
prints how each was answered, with precision and recall.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factcli.topic import Query, TopicIndex, word_form, words_of

from .conftest import write_facts


def ids(result) -> list[str]:
    return [item["id"] for item in json.loads(result.stdout)]


# -- word forms ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "words",
    [
        ("abductee", "abductees", "abducted", "abduction", "abductions", "abducting"),
        ("sanction", "sanctions"),
        ("kidnapping", "kidnapped", "kidnap", "kidnaps"),
        ("repatriation", "repatriated", "repatriate"),
        ("country", "countries"),
        ("meeting", "meetings", "meet"),
        ("identified", "identify"),
        ("issue", "issues", "issued"),
        ("recommendation", "recommendations", "recommended"),
    ],
)
def test_the_forms_of_a_word_meet(words: tuple[str, ...]) -> None:
    assert len({word_form(w) for w in words}) == 1, {w: word_form(w) for w in words}


@pytest.mark.parametrize(
    "one, other",
    [("kidnapping", "abduction"), ("trip", "visit"), ("summit", "sum"), ("2002", "2003"), ("us", "use")],
)
def test_different_words_stay_different(one: str, other: str) -> None:
    assert word_form(one) != word_form(other)


def test_short_words_and_numbers_are_left_alone() -> None:
    assert [word_form(w) for w in ("us", "kim", "abe", "1978", "88")] == ["us", "kim", "abe", "1978", "88"]


def test_words_of_folds_before_forms() -> None:
    assert words_of("Abductees' Families") == ["abduct", "family"]
    assert words_of("Kōichirō's \x1b[31mkidnapped\x1b[0m", forms=False) == ["koichiro", "kidnapped"]


def test_a_query_keeps_phrases_and_drops_little_words() -> None:
    query = Query('the "working group" in Geneva')
    assert query.phrases == [["work", "group"]]
    assert query.words == ["work", "group", "geneva"]
    assert Query("quasi-Japanese").phrases == [["quasi", "japanes"]]
    assert Query("of the", exact=True).words == ["of", "the"]  # nothing but little words: they are the query


# -- a tiny fact base: the fields and their weights -------------------------------------------------
TINY = """\
sources:
  - id: s1
    title: A test article
    published: 2004-05
    file: s1.txt
entities:
  - id: lyon
    kind: place
    name: Lyon
    summary: A city.
    claims: []
  - id: ada
    kind: person
    name: Ada Byron
    summary: A person.
    claims:
      - text: Spoke at the congress.
        relation: participant-in
        related: congress
        citations: [{source: s1, quote: spoke}]
  - id: congress
    kind: event
    name: The congress
    summary: A meeting of mathematicians.
    claims:
      - text: Held in Lyon.
        relation: located-in
        related: lyon
        citations: [{source: s1, quote: held}]
  - id: dinner
    kind: event
    name: The dinner in Lyon
    summary: A dinner.
    claims:
      - text: Ada sent a letter about sanctions.
        citations: [{source: s1, quote: letter}]
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return write_facts(tmp_path, TINY)


def test_places_and_participants_count_both_ways(tiny: Path) -> None:
    from factcli.store import load

    index = TopicIndex(load(tiny).entities.values())
    ranking = index.rank(Query("Ada Byron"), ("event",))
    assert [r.entity_id for r in ranking.ranked] == ["congress", "dinner"]  # Ada's "participant-in" > a claim's word
    assert "participant" in ranking.ranked[0].matched[0]
    assert [r.entity_id for r in index.rank(Query("Lyon"), ("event",)).ranked] == ["dinner", "congress"]  # name > place


def test_a_clear_lead_is_found_a_near_tie_is_not(tiny: Path, cli) -> None:
    found = cli("what", "mathematicians", "--facts", str(tiny), "-f", "json")
    assert found.exit_code == 0 and ids(found) == ["congress"]
    miss = cli("what", "tournament", "--facts", str(tiny), "-f", "json")
    assert miss.exit_code == 1 and ids(miss) == [] and "'tournament': in no entity" in miss.stderr
    hits = cli("search", "sanction", "--facts", str(tiny), "-f", "json")
    assert hits.exit_code == 0 and ids(hits) == ["dinner"]
    assert cli("search", "sanction", "--exact", "--facts", str(tiny), "-f", "json").exit_code == 1


# -- the examples of issue 10, on the shipped fact base --------------------------------------------
def test_what_geneva_is_ambiguous_between_the_two_geneva_events(cli) -> None:
    result = cli("what", "Geneva", "-f", "json")
    assert result.exit_code == 3, result.stderr
    assert set(ids(result)) == {"geneva-working-group-recommendations", "north-korean-ambassador-speech"}
    assert "ambiguous" in result.stderr


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Geneva working group", "geneva-working-group-recommendations"),
        ("Koizumi trip to meet Kim Jong Il", "koizumi-kim-jong-il-meeting"),
        ("Hanoi", "hanoi-summit"),
        ("Hanoi summit", "hanoi-summit"),  # the name reading still answers first
    ],
)
def test_what_answers_by_topic(cli, query: str, expected: str) -> None:
    result = cli("what", query, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert ids(result)[0] == expected


def test_koizumi_visit_to_pyongyang_offers_the_planned_trip_without_guessing(cli) -> None:
    """The article calls it a "trip to meet" Kim Jong Il and never says where: no word of the fact
    base says "visit" or "Pyongyang" of it (an alias saying so would be invented), so the query
    is a tie that lists the trip, not a confident answer and not a miss."""
    result = cli("what", "Koizumi visit to Pyongyang", "-f", "json")
    assert result.exit_code == 3
    assert "koizumi-kim-jong-il-meeting" in ids(result)


def test_a_strong_name_match_wins_over_the_topic(cli) -> None:
    (first, *_) = json.loads(cli("what", "Hanoi summit", "-f", "json").stdout)
    assert first["score"] == 100.0 and not first["matched"].startswith("topic:")
    (topic, *_) = json.loads(cli("what", "Hanoi", "-f", "json").stdout)
    assert topic["matched"].startswith("topic: hanoi (name, alias")


def test_figure_abductees_lists_the_17_identified_by_japan(cli) -> None:
    result = cli("figure", "abductees", "-f", "json")
    assert result.exit_code == 3
    assert "abductees-identified-by-japan" in ids(result)


def test_search_ranks_the_word_and_its_forms_first(cli) -> None:
    hits = json.loads(cli("search", "sanctions", "-f", "json").stdout)
    assert hits and all("sanction" in hit["text"].lower() for hit in hits)
    assert {hit["id"] for hit in hits} >= {"abductees-parents", "afvkn-washington-visit", "afvkn"}
    singular = json.loads(cli("search", "sanction", "-f", "json").stdout)
    assert [h["id"] for h in singular] == [h["id"] for h in hits]
    assert cli("search", "sanction", "--exact", "-f", "json").exit_code == 1  # no word forms with --exact


def test_search_typos_fall_back_to_the_nearest_word(cli) -> None:
    result = cli("search", "Rumsfield", "-f", "json")
    assert result.exit_code == 0 and ids(result)[0] == "donald-h-rumsfeld"
    assert cli("search", "Rumsfield", "--exact", "-f", "json").exit_code == 1


def test_search_quoted_phrases_are_required(cli) -> None:
    phrase = ids(cli("search", '"working group" Geneva', "-f", "json"))
    assert phrase and all(
        "working group" in " ".join(json.dumps(hit).lower().split())
        for hit in json.loads(cli("search", '"working group" Geneva', "-f", "json").stdout)
    )
    assert "hanoi-summit" not in phrase and "un-human-rights-council" in phrase
    bad = cli("search", '"working group')
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1


def test_search_shows_source_ids_in_every_format(cli) -> None:
    (hit, *_) = json.loads(cli("search", "Yabunaka", "-f", "json").stdout)
    assert hit["sources"] == ["protective-custody"]
    assert cli("search", "Yabunaka", "-f", "csv").stdout.splitlines()[0].endswith(",sources")
    assert "protective-custody" in cli("search", "Yabunaka", "-f", "csv").stdout.splitlines()[1]
    plain = cli("search", "Yabunaka").stdout.splitlines()
    assert plain[0].endswith("| source") and plain[1].endswith("| protective-custody")


@pytest.mark.parametrize("args", [("search", "a", "-n", "3"), ("-n", "3", "search", "a")])
def test_search_limit_means_the_same_wherever_it_is_written(cli, args) -> None:
    assert len(ids(cli(*args, "-f", "json"))) == 3


@pytest.mark.parametrize("command", ["what", "figure", "search"])
def test_help_documents_the_matching_rules(cli, command: str) -> None:
    text = " ".join(cli(command, "--help").stdout.split())
    assert "word forms" in text and "Example:" in text


# -- the labelled queries ---------------------------------------------------------------------------
