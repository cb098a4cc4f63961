"""A claim read in one pass (``check._clean_claim``) is what the field-by-field check makes of it.

``_claim`` reads a claim whose fields are all known and well-formed in one pass and sends any
other to ``_reported_claim``. These tests hold the two to the same result on the shipped fact
base and on claims broken one field at a time: the same Claim, the same references, the same
problems in the same order. A rule added to ``_reported_claim`` alone would let the fast path
take a claim it should have reported; the broken claims below would then disagree.
"""

from __future__ import annotations

import marshal

import pytest

from factcli import check, store
from factcli.load import Mapping, decode, default_facts_path, parse_tree, read_bytes


def _claims() -> tuple[dict, list[tuple[Mapping, tuple[int, int]]]]:
    path = str(default_facts_path())
    tree, _ = parse_tree(decode(read_bytes(path), path), path)
    assert isinstance(tree, Mapping)
    sources, _, _ = check._sources(check._Checker(path), tree)
    claims = []
    for entity, _ in tree["entities"].items_with_pos():
        claims.extend(entity["claims"].items_with_pos())
    return sources, claims


def _both(node: object, pos: tuple[int, int], sources: dict) -> tuple[object, object]:
    results = []
    for read in (check._claim, check._reported_claim):
        checker = check._Checker("F")
        references: list = []
        claim = read(checker, node, pos, "subject", sources, None, references)  # type: ignore[arg-type]
        results.append((claim, references, checker.problems))
    return results[0], results[1]


def test_every_shipped_claim_reads_the_same_both_ways() -> None:
    sources, claims = _claims()
    assert len(claims) > 100
    for node, pos in claims:
        assert check._clean_claim(node) is not None, node  # the shipped claims take the fast path
        fast, reported = _both(node, pos, sources)
        assert fast == reported and fast[0] is not None and not fast[2]


BROKEN = [
    ("text", ""),
    ("text", "   "),
    ("date", "2019-13"),
    ("date", "1999/1990"),
    ("date", "２００４"),
    ("as_of", "soon"),
    ("value", "1,00"),
    ("value", "NaN"),
    ("relation", "friend-of"),
    ("qualifier", "roughly"),
    ("related", "  "),
    ("attributed_to", ""),
    ("unit", ""),
    ("draft", "  "),
    ("nonsense", "x"),
    ("relation", "spouse"),  # without 'related'
]


def _with(node: Mapping, field: str, value: str) -> Mapping:
    """``node`` with ``field`` set to ``value`` (added at the end when absent), positions kept."""
    broken = Mapping(node.pos)
    at = node._at
    for number, (key, old) in enumerate(node.items()):
        if key == "related" and field == "relation":
            continue  # a relation without 'related'
        broken[key] = value if key == field else old
        broken._at.extend(at[1 + 2 * number : 3 + 2 * number])
    if field not in node:
        broken[field] = value
        broken._at.extend(at[1:3])
    return broken


@pytest.mark.parametrize(("field", "value"), BROKEN)
def test_a_claim_broken_in_one_field_reads_the_same_both_ways(field: str, value: str) -> None:
    sources, claims = _claims()
    for node, pos in claims[:20]:
        broken = _with(node, field, value)
        assert check._clean_claim(broken) is None
        fast, reported = _both(broken, pos, sources)
        assert fast == reported and fast[2]


def test_records_do_not_depend_on_which_path_read_the_claims() -> None:
    """A record's bytes depend on which objects it holds (marshal writes a string held twice, or
    interned, as a reference): both paths keep the file's own strings, so the records are the same."""
    sources, claims = _claims()
    for node, pos in claims[:50]:
        fast, reported = _both(node, pos, sources)
        for a, b in zip(fast[0], reported[0], strict=True):  # type: ignore[call-overload]
            assert a is b or (a == b and not isinstance(a, str)), (a, b)
        assert marshal.dumps(store._claim_record(fast[0])) == marshal.dumps(store._claim_record(reported[0]))  # type: ignore[arg-type]
