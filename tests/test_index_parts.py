"""Index parts: one file's entities indexed on their own, merged into the index ``build`` makes.

A fact base of many files caches each file's ``IndexPart``; after an edit only that file's part
is made again and ``NameIndex.merge`` lays them side by side. The merged index must be the one
``build`` makes from all the entities, table for table and byte for byte, since the cache
stores its sections verbatim. ``reference_build`` below is the builder as it was before parts
(one pass, dictionaries, ``sorted(set(...))``): the merge is held to it, not to itself.
"""

from __future__ import annotations

import bisect
import marshal
import pickle
import random
import zlib
from array import array
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factcli import index as index_module
from factcli.index import IndexPart, NameIndex
from factcli.store import FactStore

from .test_index import synthetic

Entries = list[tuple[str, list[str]]]


def reference_build(entries: Entries) -> NameIndex:
    """``NameIndex.build`` as it was before parts: one pass over the entities, then each table laid out."""
    gathered = index_module._Gathered(entries)
    vocabulary = sorted(gathered.by_token)
    token_id = {token: n for n, token in enumerate(vocabulary)}
    post, post_off = array("I"), array("I", [0])
    for token in vocabulary:
        post.extend(gathered.by_token[token])
        post_off.append(len(post))
    width = max(len(vocabulary), 1)
    keyed = sorted((token_id[a] * width + token_id[b], ordinals) for (a, b), ordinals in gathered.by_pair.items())
    pair_keys, pair_post, pair_off = array("Q"), array("I"), array("I", [0])
    for key, ordinals in keyed:
        pair_keys.append(key)
        pair_post.extend(ordinals)
        pair_off.append(len(pair_post))
    pair_dir = array("I", [bisect.bisect_left(pair_keys, n * width) for n in range(len(vocabulary) + 1)])
    squashed = array("Q", sorted(set(gathered.squashed)))
    shift = 64 - index_module._SQUASH_BUCKET_BITS
    squash_dir = array(
        "I", [bisect.bisect_left(squashed, bucket << shift) for bucket in range(1 << index_module._SQUASH_BUCKET_BITS)]
    )
    squash_dir.append(len(squashed))
    grams, gram_sections = index_module._gram_sections(vocabulary)
    deletions = sorted(
        (index_module._hash(key), n) for n, token in enumerate(vocabulary) for key in index_module._deletions(token)
    )
    sections = {
        **gathered.sections,
        "post_off": post_off,
        "post": post,
        "pair_keys": pair_keys,
        "pair_off": pair_off,
        "pair_post": pair_post,
        "pair_dir": pair_dir,
        **gram_sections,
        "del_keys": array("I", [key for key, _ in deletions]),
        "del_tokens": array("I", [n for _, n in deletions]),
        "squashed": squashed,
        "squash_dir": squash_dir,
    }
    return NameIndex(vocabulary, grams, gathered.kind_names, sections)


def tables(index: NameIndex) -> dict[str, Any]:
    """Everything an index is made of, as plain values to compare."""
    return {
        "vocabulary": index.vocabulary,
        "grams": index.grams,
        "kind_names": index.kind_names,
        **{name: bytes(view) for name, view in index.sections().items()},
    }


def merged(entries: Entries, cuts: Sequence[int]) -> NameIndex:
    """The index merged from the parts ``entries`` make when cut at ``cuts`` (sorted positions)."""
    bounds = [0, *cuts, len(entries)]
    return NameIndex.merge([NameIndex.part(entries[start:end]) for start, end in pairwise(bounds)])


@pytest.fixture(scope="module")
def shipped() -> Entries:
    store = FactStore.open(use_cache=False)
    return [(kind, list(labels)) for kind, labels in store.entities.kinds_and_labels()]  # type: ignore[attr-defined]


def test_parts_of_the_shipped_base_merge_into_the_index_build_makes(shipped: Entries) -> None:
    assert len(shipped) > 20
    expected = tables(reference_build(shipped))
    # three uneven parts and an empty one, the empty one first, between and last
    third = len(shipped) // 3
    for cuts in ([0, 5, third], [5, 5, len(shipped) - 7], [third, len(shipped), len(shipped)]):
        assert tables(merged(shipped, cuts)) == expected, cuts
    assert tables(NameIndex.build(shipped)) == expected
    index = merged(shipped, [5, 5, third])
    for text in ("jenkins", "megumi yokota", "kim jongil"):
        assert index.shortlist(text) == reference_build(shipped).shortlist(text)


def test_build_of_more_entities_than_one_part_holds_is_the_same_index() -> None:
    entries = synthetic(2 * index_module._BUILD_PART + 77)
    assert tables(NameIndex.build(iter(entries))) == tables(reference_build(entries))


def test_no_parts_and_empty_parts_merge_into_the_empty_index() -> None:
    empty = tables(reference_build([]))
    assert tables(NameIndex.merge([])) == empty
    assert tables(NameIndex.merge([NameIndex.part([]), NameIndex.part([])])) == empty
    assert tables(NameIndex.build([])) == empty


WORDS = ["kim", "jong", "il", "lee", "ann", "jenkins", "soga", "hitomi", "o'neil", "kōichirō", "a", "x", "ab"]
label = st.lists(st.sampled_from(WORDS) | st.text("abkoō -.'", max_size=9), min_size=1, max_size=4).map(" ".join)
entity = st.tuples(
    st.sampled_from(["person", "organization", "event", "place", "figure"]),
    st.lists(label, min_size=1, max_size=3),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entries=st.lists(entity, max_size=14), cuts=st.lists(st.integers(min_value=0, max_value=14), max_size=4))
def test_parts_cut_anywhere_merge_into_the_index_build_makes(entries: Entries, cuts: list[int]) -> None:
    cuts = sorted(min(cut, len(entries)) for cut in cuts)
    assert tables(merged(entries, cuts)) == tables(reference_build(entries))


def test_a_part_survives_dump_and_load_and_pickle(shipped: Entries) -> None:
    part = NameIndex.part(shipped[3:40])
    assert part.size == 37
    data = part.dump()
    assert isinstance(data, bytes) and isinstance(marshal.loads(data[4:]), tuple)  # a CRC, then marshal data
    assert IndexPart.load(data) == part
    assert pickle.loads(pickle.dumps(part)) == part
    assert IndexPart.load(NameIndex.part([]).dump()) == NameIndex.part([])
    again = NameIndex.merge([NameIndex.part(shipped[:3]), IndexPart.load(data), NameIndex.part(shipped[40:])])
    assert tables(again) == tables(reference_build(shipped))


def with_crc(payload: bytes) -> bytes:
    return zlib.crc32(payload).to_bytes(4, "little") + payload


def test_a_damaged_part_is_refused_with_a_value_error(shipped: Entries) -> None:
    part = NameIndex.part(shipped[:30])
    data = part.dump()
    rng = random.Random(5)
    damaged = [b"", b"abc", data[:-1], data[:100], data + b"\0", bytes(len(data)), rng.randbytes(300)]
    for _ in range(20):
        where = rng.randrange(len(data))
        damaged.append(data[:where] + bytes([data[where] ^ 1 << rng.randrange(8)]) + data[where + 1 :])
    for bad in damaged:
        with pytest.raises(ValueError):
            IndexPart.load(bad)


def test_an_inconsistent_part_is_refused_even_with_a_good_crc(shipped: Entries) -> None:
    part = NameIndex.part(shipped[:30])
    header, fields = marshal.loads(part.dump()[4:])
    names = index_module._PART_FIELDS

    def altered(**changes: Any) -> bytes:
        values = dict(zip(names, fields, strict=True)) | changes
        return with_crc(marshal.dumps((header, tuple(values[name] for name in names))))

    assert IndexPart.load(altered()) == part
    post = array("I", part.post)
    post[0] = part.size  # an ordinal past the part's end
    squashed = array("Q", part.squashed)
    squashed[0] |= 0xFFFF  # likewise, in the low half of a squashed key
    tokens = array("I", part.post_tokens)
    tokens[-1] = len(part.vocabulary)
    bad = [
        altered(size=part.size + 1),
        altered(size="30"),
        altered(kinds=part.kinds[:-1]),
        altered(kinds=b"\x09" + part.kinds[1:]),
        altered(labels=part.labels[:-1]),
        altered(label_off=part.label_off.tobytes()[:-1]),
        altered(label_off=list(part.label_off)),
        altered(vocabulary=list(reversed(part.vocabulary))),
        altered(vocabulary=[*part.vocabulary, "zzz"]),  # a name part without a posting
        altered(post=post.tobytes()),
        altered(post=part.post.tobytes()[:-4]),
        altered(post_tokens=tokens.tobytes()),
        altered(squashed=squashed.tobytes()),
        altered(pair_first=part.pair_first.tobytes()[4:]),
        with_crc(marshal.dumps((header, fields[:-1]))),
        with_crc(marshal.dumps((("factcli-index-part", 0, header[2]), fields))),
        with_crc(marshal.dumps(fields)),
        with_crc(b"\xff\x00"),
    ]
    for data in bad:
        with pytest.raises(ValueError):
            IndexPart.load(data)
