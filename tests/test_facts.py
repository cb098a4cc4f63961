"""The shipped fact base: it is valid, big enough, and every quote is in its source."""

from __future__ import annotations

import json

import pytest

from factcli import default_facts_path, load

from .conftest import SEEDS


def test_shipped_fact_base_passes_check(cli) -> None:
    result = cli("check")
    assert result.exit_code == 0, result.stderr


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the checkout")
def test_every_quote_appears_verbatim_in_its_source(cli) -> None:
    result = cli("check", "--sources", str(SEEDS))
    assert result.exit_code == 0, result.stderr
    facts = load(sources_dir=SEEDS)
    assert {s.file for s in facts.sources.values()} <= {p.name for p in SEEDS.iterdir()}


def test_stats_reports_the_totals_the_issue_asks_for(cli) -> None:
    result = cli("stats", "--format", "json")
    assert result.exit_code == 0, result.stderr
    stats = json.loads(result.stdout)
    facts = load()
    assert stats["entities"] == len(facts.entities) >= 60
    assert stats["claims"] == sum(1 for _ in facts.claims()) >= 150
    assert all(count >= 10 for count in stats["claims_per_source"].values())
    assert len(stats["claims_per_source"]) == len(facts.sources) == 5


def test_every_entity_kind_is_present_and_every_claim_cites() -> None:
    facts = load()
    assert {e.kind for e in facts.entities.values()} == {"person", "organization", "place", "event", "figure"}
    assert all(claim.citations and all(c.quote.strip() for c in claim.citations) for claim in facts.claims())


def test_approximate_publication_dates_say_what_they_are_inferred_from() -> None:
    for source in load().sources.values():
        if source.published.approximate:
            assert source.published_note


def test_the_repatriation_figures_disagree_visibly() -> None:
    facts = load()
    values = {claim.value for entity in facts.entities.values() if entity.kind == "figure" for claim in entity.claims}
    assert {93000, 93340, 95000} <= values
    holders = {e.id for e in facts.entities.values() for c in e.claims if c.value in (93000, 95000)}
    assert len(holders) == 1, "sources that count the same thing differently belong on one figure"


def test_default_path_points_at_the_shipped_file() -> None:
    assert default_facts_path().is_file()
