"""`said` chooses one speaker (people, bodies, places, unnamed attributions); `where` answers places.

Through the JSON contract, against the shipped facts.yaml and small fact bases written here;
`tests/data/answers-said.tsv` holds labelled queries (`pytest tests/test_said_where.py -s`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factcli import load

from .conftest import ROOT, write_facts

FOUND, MISS, AMBIGUOUS = 0, 1, 3


@pytest.fixture(scope="module")
def facts():
    return load(ROOT / "facts.yaml")


def answer(cli, *args: str) -> tuple[int, list[dict]]:
    """Exit code and the parsed JSON matches of one command."""
    result = cli(*args, "-f", "json")
    return result.exit_code, json.loads(result.stdout)


def ids(matches: list[dict]) -> list[str]:
    return [m["id"] for m in matches]


def quotes(claim: dict) -> set[tuple[str, str]]:
    return {(c["source"], c["quote"]) for c in claim["citations"]}


# -- said: the examples of issue 10 ----------------------------------------------------------------
def test_government_sources_is_the_unnamed_attribution_not_the_north_korean_government(cli, facts):
    code, matches = answer(cli, "said", "government sources")
    assert code == FOUND and ids(matches) == ["unnamed:government sources"]
    assert matches[0]["kind"] == "unnamed" and matches[0]["name"] == "government sources"
    assert matches[0]["claims"] and all(c["attribution"] == "government sources" for c in matches[0]["claims"])


@pytest.mark.parametrize("query", ["a senior Foreign Ministry official", "senior Foreign Ministry official"])
def test_a_senior_foreign_ministry_official_is_not_the_trump_official(cli, facts, query):
    assert any(c.attribution == "a senior Foreign Ministry official" for c in facts.claims())
    code, matches = answer(cli, "said", query)
    assert code == FOUND and ids(matches) == ["unnamed:a senior Foreign Ministry official"]


def test_official_alone_is_not_a_confident_answer(cli):
    result = cli("said", "official", "-f", "json")
    assert result.exit_code == MISS and json.loads(result.stdout) == []
    assert "'an official'" in result.stderr  # offered, not answered


def test_an_official_is_the_article_s_unnamed_official(cli, facts):
    """Article 000: "an official said Sunday" - the words the fact base records as the speaker."""
    assert any(c.attribution == "an official" for c in facts.claims())
    code, matches = answer(cli, "said", "an official")
    assert code == FOUND and ids(matches) == ["unnamed:an official"]


def test_experts_on_north_korea_at_the_default_min_score(cli, facts):
    expected = [c.text for c in facts.claims() if c.attribution == "experts on North Korea"]
    code, matches = answer(cli, "said", "experts on North Korea")
    assert code == FOUND and ids(matches) == ["unnamed:experts on North Korea"]
    assert [c["text"] for c in matches[0]["claims"]] == expected


def test_sources_alone_is_no_answer_and_suggests_both(cli):
    """One common word of several speakers' names answers none of them (it was a tie at 100, exit 0)."""
    result = cli("said", "sources", "-f", "json")
    assert result.exit_code == MISS and json.loads(result.stdout) == []
    assert "'informed sources'" in result.stderr and "'government sources'" in result.stderr


def test_north_korea_speaks_through_its_government_each_statement_once(cli, facts):
    """One entity per actor: the place is a place; what "North Korea" said is its government's."""
    assert not [c for c in facts.claims() if c.attributed_to == "north-korea"]
    attributed = [c for c in facts.claims() if c.attributed_to == "north-korean-government"]
    code, matches = answer(cli, "said", "North Korea")
    assert code == FOUND and ids(matches) == ["north-korean-government"]
    shown = matches[0]["claims"]
    assert shown and all(c["attributed_to"] == "north-korean-government" for c in shown)
    assert len(shown) < len(attributed)  # the fact base records its statements on several entities
    for n, claim in enumerate(shown):  # each once: no two shown claims quote the same words
        for other in shown[n + 1 :]:
            assert not quotes(claim) & quotes(other), (claim["text"], other["text"])
    seen = {q for c in shown for q in quotes(c)}
    for claim in attributed:  # and none lost: a claim left out quotes words of one shown
        assert any(
            source == c.source and (quote in c.quote or c.quote in quote)
            for c in claim.citations
            for source, quote in seen
        ), claim.text
    assert ids(answer(cli, "where", "North Korea")[1]) == ["north-korea"]


def test_kawaguchi_as_before(cli):
    code, matches = answer(cli, "said", "Kawaguchi")
    assert code == FOUND and ids(matches) == ["yoriko-kawaguchi"]
    assert all(c["attributed_to"] == "yoriko-kawaguchi" for c in matches[0]["claims"])


def test_limit_counts_statements_not_speakers(cli):
    _, everything = answer(cli, "said", "informed sources")
    assert len(everything[0]["claims"]) > 2
    code, limited = answer(cli, "said", "informed sources", "-n", "2")
    assert code == FOUND and ids(limited) == ["unnamed:informed sources"]
    assert limited[0]["claims"] == everything[0]["claims"][:2]
    code, first = answer(cli, "-n", "1", "said", "Kawaguchi")  # the group's -n too
    assert code == FOUND and len(first[0]["claims"]) == 1


def test_a_speaker_with_no_statements_is_a_miss(cli):
    result = cli("said", "Geneva", "-f", "json")
    assert result.exit_code == MISS and json.loads(result.stdout) == []
    assert "no statements attributed to 'Geneva'" in result.stderr


def test_a_near_match_may_not_change_a_word(cli):
    for query in ("South Korean government", "South Korea"):
        result = cli("said", query, "-f", "json")
        assert result.exit_code == MISS and json.loads(result.stdout) == [], query


def test_said_reads_queries_from_stdin(cli):
    result = cli("said", "-", "-f", "jsonl", input="government sources\nsources\nKawaguchi\n")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [ids(line) for line in lines] == [
        ["unnamed:government sources"],
        [],
        ["yoriko-kawaguchi"],
    ]
    assert result.exit_code == MISS  # the worst of the answers
    document = json.loads(cli("said", "-", "-f", "json", input="North Korea\nObama\n").stdout)
    assert [(d["query"], d["status"]) for d in document] == [("North Korea", "found"), ("Obama", "not found")]
    assert document[0]["matches"][0]["claims"]  # a batch carries the statements, not the entity's claims


# -- where ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "place, event", [("Hanoi", "hanoi-summit"), ("Geneva", "geneva-working-group-recommendations")]
)
def test_where_gives_the_place_and_what_took_place_there(cli, facts, place, event):
    code, matches = answer(cli, "where", place)
    assert code == FOUND and ids(matches)[0] == place.lower() and matches[0]["kind"] == "place"
    claims = matches[0]["claims"]
    own = [c for c in claims if c["subject"] == place.lower()]
    assert [c["text"] for c in own] == [c.text for c in facts.entities[place.lower()].claims]
    there = [c for c in claims if c["subject"] == event]
    assert there and all(c["relation"] == "located-in" and c["related"] == place.lower() for c in there)


def test_where_in_csv_and_from_stdin(cli):
    result = cli("where", "Hanoi", "-f", "csv")
    assert result.exit_code == FOUND
    rows = result.stdout.splitlines()
    assert rows[0].startswith("entity,name,kind,claim") and any("located-in" in row for row in rows[1:])
    batch = cli("where", "-", "-f", "jsonl", input="Geneva\nSeoul\n")
    assert batch.exit_code == MISS
    assert [ids(json.loads(line)) for line in batch.stdout.splitlines()] == [["geneva"], []]


def test_where_does_not_read_one_place_as_another(cli):
    for query in ("South Korea", "South Carolina", "Hanoi summit"):
        result = cli("where", query, "-f", "json")
        assert result.exit_code == MISS and json.loads(result.stdout) == [], query


@pytest.mark.parametrize("command, query", [("who", "Hanoi"), ("who", "Japan"), ("who", "Geneva"), ("who", "China")])
def test_who_and_what_point_a_place_to_where(cli, command, query):
    result = cli(command, query, "-f", "json")
    assert result.exit_code == MISS and json.loads(result.stdout) == []
    hint = f"try factcli where '{query}'" if " " in query else f"try factcli where {query}"
    assert f"{query!r} is a place: {hint}" in result.stderr


def test_what_names_the_events_held_in_a_place_rather_than_the_place(cli):
    """`what Geneva`: two events took place there; the topic reading lists both (a tie), not the place."""
    result = cli("what", "Geneva", "-f", "json")
    assert result.exit_code == AMBIGUOUS
    assert {"geneva-working-group-recommendations", "north-korean-ambassador-speech"} <= set(
        ids(json.loads(result.stdout))
    )


def test_a_whole_name_still_beats_a_place(cli, tmp_path: Path):
    """The place rule gives way to a person or body named exactly by a whole name, not by a part."""
    path = write_facts(tmp_path, PLACES_AND_SPEAKERS)
    facts = ("--facts", str(path))
    code, matches = answer(cli, "who", "Lyon Club", *facts)
    assert code == FOUND and ids(matches) == ["lyon-club"]
    result = cli("who", "Lyon", *facts, "-f", "json")  # exact only on a part of "Marie Lyon"
    assert result.exit_code == MISS and "'Lyon' is a place: try factcli where Lyon" in result.stderr
    code, matches = answer(cli, "who", "Marie Lyon", *facts)
    assert code == FOUND and ids(matches) == ["marie-lyon"]


def test_said_on_a_small_fact_base(cli, tmp_path: Path):
    path = write_facts(tmp_path, PLACES_AND_SPEAKERS)
    facts = ("--facts", str(path))
    code, matches = answer(cli, "said", "the spokesman", *facts)
    assert code == FOUND and ids(matches) == ["unnamed:a spokesman"]
    # recorded twice, with the same words quoted: listed once
    assert [c["text"] for c in matches[0]["claims"]] == ["Lyon was chosen to host it, a spokesman said."]
    code, matches = answer(cli, "said", "Lyon", *facts)  # two exact speakers: the city, and Marie Lyon by surname
    assert code == AMBIGUOUS and set(ids(matches)) == {"lyon", "marie-lyon"}
    code, matches = answer(cli, "said", "Marie", *facts)
    assert code == FOUND and ids(matches) == ["marie-lyon"]
    code, matches = answer(cli, "where", "Lyon", *facts)
    assert code == FOUND and [c["subject"] for c in matches[0]["claims"]] == ["lyon", "lyon-summit"]


PLACES_AND_SPEAKERS = """\
sources:
  - id: s1
    title: A test article
    published: 2020-01
    file: s1.txt
entities:
  - id: lyon
    kind: place
    name: Lyon
    summary: A city.
    claims:
      - text: Said it welcomed the visitors.
        attributed_to: lyon
        citations:
          - source: s1
            quote: Lyon welcomed the visitors
  - id: marie-lyon
    kind: person
    name: Marie Lyon
    summary: A person whose surname is a city.
    claims:
      - text: Said the talks went well.
        attributed_to: marie-lyon
        citations:
          - source: s1
            quote: the talks went well
  - id: lyon-club
    kind: organization
    name: Lyon Club
    summary: A club.
  - id: lyon-summit
    kind: event
    name: Lyon summit
    date: 2020-01
    summary: A meeting.
    claims:
      - text: Held in Lyon.
        relation: located-in
        related: lyon
        citations:
          - source: s1
            quote: the summit in Lyon
      - text: Lyon was chosen to host it, a spokesman said.
        attribution: a spokesman
        citations:
          - source: s1
            quote: the city will host the summit, a spokesman said
  - id: lyon-club-news
    kind: event
    name: Club news
    date: 2020-01
    summary: The spokesman's words, recorded again.
    claims:
      - text: The city will host the summit.
        attribution: a spokesman
        citations:
          - source: s1
            quote: the city will host the summit
"""
