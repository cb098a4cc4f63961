"""The name index: shortlists the few entities a name query can mean, for ``match`` to rank.

Scoring every entity (``match.rank``) costs 15-50 us each: seconds a query at 100k. The
index answers from inverted lists instead, all built from the folded name parts (``fold``) of
every entity's labels (name and aliases):

* a sorted vocabulary of name parts, each with the sorted list of entities using it; a query
  part finds its own entry exactly, and the parts it begins (``jenk`` -> ``jenkins``) by bisection;
* for misspelt parts, two ways to the parts they are near, confirmed with rapidfuzz: the
  vocabulary's single-letter deletions (``jenkins`` -> ``jnkins``, ``jekins``, ...; a query
  part within one edit or one swap of a name part shares one, as in SymSpell) and its
  character trigrams (``^je``, ``jen``, ... ``ns$``) for parts further off;
* unordered pairs of parts that occur in one label (``kim``+``jong``), so a query sharing two or
  more parts with a name reaches it without reading the long lists of common parts (``kim``);
* each label's letters run together (``kimbinbin`` for "Kim Bin-bin") with their one-letter
  deletions, so a name typed with other spaces or hyphens and a typo across them still
  finds it ("Kim Binbin", "Bang Siurim" for "Bang Si-rim");
* the entities' kinds and labels, so a lookup needs no entity record until it has its answer.

A query's parts (and adjacent parts run together, ``jun ichiro`` -> ``junichiro``, and parts
split in two, ``jongil`` -> ``jong il``) are expanded, the candidates they reach are given a
cheap coverage score, and the best ``SHORTLIST_SIZE`` go to ``match.rank``, which scores them
exactly as it would in an exhaustive scan. Long lists contribute only their first (lowest)
ordinals, the ones an exhaustive scan would put first among equal scores.

Every table is a flat array, so the cache (``cache.py``) stores the index as a few byte strings
and a warm process maps them without building any Python object per entity.

An index is made of parts (``IndexPart``): ``NameIndex.part`` does the per-entity work for some
entities, their ordinals counted from 0, and ``NameIndex.merge`` lays parts side by side without
looking at an entity again (at 100k entities in 100 parts, ~0.7 s against ~3.5 s for the parts),
so a fact base of many files can rebuild its index from the cached parts of the files that did
not change. ``build`` merges parts of ``_BUILD_PART`` entities.
"""

from __future__ import annotations

import bisect
import marshal
import sys
import zlib
from array import array
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from itertools import accumulate, compress, islice, pairwise, repeat, zip_longest
from operator import add, and_, le, lt, or_, rshift
from typing import Any, Literal

from .normalize import fold, folded_variants

SHORTLIST_ALL_BELOW = 300  # smaller fact bases are scored whole (~4 ms); larger ones are shortlisted
SHORTLIST_SIZE = 16  # entities handed to match.rank for one query
_SINGLE_CAP = 192  # a name part's entities are all candidates up to this many ...
_SINGLE_HEAD = 6  # ... past it, only its lowest ordinals (an exhaustive scan breaks ties by ordinal)
_PAIR_CAP = 512
_PREFIX_EXPANSION = 16  # name parts a query part may be the beginning of
_TYPO_CUTOFF = 70.0  # rapidfuzz ratio for a name part to count as a misspelling of another
_TYPO_LIMIT = 16
_SQUASH_MIN, _SQUASH_MAX = 5, 40  # labels run together that are indexed with their deletions
_NEAR_SINGLES = 4  # typo readings of a query part whose entities are all candidates
_EXPANSION_MEMO = 1 << 14  # query parts whose expansions are remembered (a batch repeats names)
_TYPO_CANDIDATES = 400
_NEAR_PAIRS = 6  # typo readings of a query part tried in pairs
_MAX_PARTS = 8  # query parts considered (a name has fewer)
_PAIR_PARTS = 8  # parts of one label that are paired
_LABEL_SEPARATOR = "\x1f"  # a control character: the loader refuses it in fact files
_EXACT, _PREFIX, _NEAR = 3, 2, 1
_TOP = "\U0010ffff"

_SQUASH_BUCKET_BITS = 16  # squash_dir: where each run of squashed keys with the same top bits begins


def _view(data: Any, code: Literal["B", "I", "Q"]) -> memoryview:
    view = memoryview(data)
    if view.format != code:
        view = view.cast("B").cast(code)
    return view


def _deletions(token: str) -> set[str]:
    """The token and its single-letter deletions (those of two letters or more)."""
    keys = {token}
    if len(token) >= 3:
        keys.update(token[:i] + token[i + 1 :] for i in range(len(token)))
    return keys


def _hash(key: str) -> int:
    return zlib.crc32(key.encode("utf-8"))


def _grams(token: str) -> set[str]:
    padded = f"^{token}$"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class NameIndex:
    """Name parts, pairs of parts and trigrams -> entity ordinals; kinds and labels by ordinal."""

    def __init__(
        self, vocabulary: list[str], grams: list[str], kind_names: list[str], sections: dict[str, Any]
    ) -> None:
        self.vocabulary = vocabulary
        self.grams = grams
        self.kind_names = kind_names
        self._post_off = _view(sections["post_off"], "I")
        self._post = _view(sections["post"], "I")
        self._pair_keys = _view(sections["pair_keys"], "Q")
        self._pair_off = _view(sections["pair_off"], "I")
        self._pair_post = _view(sections["pair_post"], "I")
        self._gram_off = _view(sections["gram_off"], "I")
        self._gram_post = _view(sections["gram_post"], "I")
        self._del_keys = _view(sections["del_keys"], "I")
        self._del_tokens = _view(sections["del_tokens"], "I")
        self._squashed = _view(sections["squashed"], "Q")
        # directories into the two big sorted tables, so a lookup bisects a few entries, not the
        # whole table (at 100k: 1.7M squashed keys, 13 MB; each step of a whole bisection a cache miss)
        self._pair_dir = _view(sections["pair_dir"], "I")  # per vocabulary id: its first pair key
        self._squash_dir = _view(sections["squash_dir"], "I")
        self._kinds = _view(sections["kinds"], "B")
        self._label_off = _view(sections["label_off"], "Q")
        self._labels = _view(sections["labels"], "B")
        self._folded_off = _view(sections["folded_off"], "Q")
        self._folded = _view(sections["folded"], "B")
        self.size = len(self._label_off) - 1
        self._expansions: dict[str, list[tuple[int, int, int]]] = {}  # per query part, for batches
        self._check()

    def _check(self) -> None:
        """Cheap consistency checks, so a damaged cache fails here and not mid-query."""
        if not (self._lengths_agree() and self._ends_agree()):
            raise ValueError("inconsistent name index")

    def _lengths_agree(self) -> bool:
        """Each table as long as the tables it goes with say."""
        v = len(self.vocabulary)
        return (
            self.size >= 0
            and len(self._post_off) == v + 1
            and len(self._pair_off) == len(self._pair_keys) + 1
            and len(self._gram_off) == len(self.grams) + 1
            and len(self._kinds) == self.size
            and len(self._del_keys) == len(self._del_tokens)
            and len(self._folded_off) == self.size + 1
            and len(self._pair_dir) == v + 1
            and len(self._squash_dir) == (1 << _SQUASH_BUCKET_BITS) + 1
        )

    def _ends_agree(self) -> bool:
        """Each offset table ending where the table it points into ends (once ``_lengths_agree``)."""
        v, p, g, size = len(self.vocabulary), len(self._pair_keys), len(self.grams), self.size
        return (
            (not v or self._post_off[v] == len(self._post))
            and (not p or self._pair_off[p] == len(self._pair_post))
            and (not g or self._gram_off[g] == len(self._gram_post))
            and (not size or self._label_off[size] == len(self._labels))
            and (not size or self._folded_off[size] == len(self._folded))
            and self._pair_dir[v] == p
            and self._squash_dir[1 << _SQUASH_BUCKET_BITS] == len(self._squashed)
        )

    # -- building ---------------------------------------------------------------------------
    @classmethod
    def build(cls, entries: Iterable[tuple[str, Sequence[str]]]) -> NameIndex:
        """Index ``(kind, labels)`` per entity, the entity's ordinal being its position.

        Made of parts of ``_BUILD_PART`` entities: the same index as one part would make, sooner
        (at 100k, 3.5 s rather than 4.5 s: the small parts' dictionaries are freed as they go,
        and the garbage collector has fewer live objects to go over).
        """
        remaining = iter(entries)
        parts = []
        while chunk := list(islice(remaining, _BUILD_PART)):
            parts.append(cls.part(chunk))
        return cls.merge(parts)

    @staticmethod
    def part(entries: Iterable[tuple[str, Sequence[str]]]) -> IndexPart:
        """What ``(kind, labels)`` per entity give an index, their ordinals counted from 0, for ``merge``."""
        return _part_of(entries)

    @classmethod
    def merge(cls, parts: Sequence[IndexPart]) -> NameIndex:
        """The index of the parts' entities one after another: a part's ordinals shifted by the
        sizes of the parts before it. The same as ``build`` over their entries, in one pass of
        array operations (no entity is looked at again)."""
        bases = list(accumulate((part.size for part in parts), initial=0))
        if bases[-1] >= _ORDINAL_LIMIT:
            raise ValueError("too many entities for one name index")
        vocabulary = sorted(set().union(*(part.vocabulary for part in parts)))
        token_id = {token: n for n, token in enumerate(vocabulary)}
        remaps = [[token_id[token] << 32 for token in part.vocabulary] for part in parts]
        kind_names, entity_sections = _merged_entities(parts)
        grams, gram_sections = _gram_sections(vocabulary)
        sections = {
            **entity_sections,
            **_merged_postings(parts, bases, remaps),
            **_merged_pairs(parts, bases, remaps, len(vocabulary)),
            **gram_sections,
            **_deletion_sections(vocabulary),
            **_merged_squashed(parts, bases),
        }
        return cls(vocabulary, grams, kind_names, sections)

    def sections(self) -> dict[str, memoryview]:
        """The flat tables, for the cache to write as they are."""
        return {
            "post_off": self._post_off,
            "post": self._post,
            "pair_keys": self._pair_keys,
            "pair_off": self._pair_off,
            "pair_post": self._pair_post,
            "gram_off": self._gram_off,
            "gram_post": self._gram_post,
            "del_keys": self._del_keys,
            "del_tokens": self._del_tokens,
            "squashed": self._squashed,
            "kinds": self._kinds,
            "label_off": self._label_off,
            "labels": self._labels,
            "folded_off": self._folded_off,
            "folded": self._folded,
            "pair_dir": self._pair_dir,
            "squash_dir": self._squash_dir,
        }

    # -- per entity -------------------------------------------------------------------------
    def labels(self, ordinal: int) -> list[str]:
        """The entity's name and aliases, canonical name first."""
        return str(self._labels[self._label_off[ordinal] : self._label_off[ordinal + 1]], "utf-8").split(
            _LABEL_SEPARATOR
        )

    def folded(self, ordinal: int) -> list[str]:
        """The entity's labels folded (``fold``), in the order of ``labels``: what the scorer compares."""
        return str(self._folded[self._folded_off[ordinal] : self._folded_off[ordinal + 1]], "utf-8").split(
            _LABEL_SEPARATOR
        )

    def name(self, ordinal: int) -> str:
        """The entity's canonical name (the first label, without decoding the others)."""
        return str(self._labels[self._label_off[ordinal] : self._label_off[ordinal + 1]], "utf-8").partition(
            _LABEL_SEPARATOR
        )[0]

    def kind(self, ordinal: int) -> str:
        return self.kind_names[self._kinds[ordinal]]

    def kind_codes(self, kinds: Collection[str]) -> set[int]:
        return {n for n, name in enumerate(self.kind_names) if name in kinds}

    def ordinals_of_kinds(self, kinds: Collection[str]) -> list[int]:
        """Every entity of these kinds (the exhaustive scan's pool), in order."""
        codes = self.kind_codes(kinds)
        if len(codes) == len(self.kind_names):
            return list(range(self.size))
        wanted = bytes(1 if code in codes else 0 for code in range(256))
        return list(compress(range(self.size), bytes(self._kinds).translate(wanted)))  # C speed: 1M in ~5 ms

    # -- lookups ----------------------------------------------------------------------------
    def _id(self, token: str) -> int:
        vocabulary = self.vocabulary
        position = bisect.bisect_left(vocabulary, token)
        return position if position < len(vocabulary) and vocabulary[position] == token else -1

    def _posting(self, token_id: int) -> memoryview:
        return self._post[self._post_off[token_id] : self._post_off[token_id + 1]]

    def posting(self, token: str) -> list[int]:
        """Entities having this folded name part (for tests and tools)."""
        token_id = self._id(token)
        return self._posting(token_id).tolist() if token_id >= 0 else []

    def near(self, token: str, grams: bool = True) -> list[tuple[int, float]]:
        """Name parts within a typo of ``token``, closest first: ``(vocabulary id, ratio)``.

        Candidates share a single-letter deletion with it (one edit or swap away) or, with
        ``grams``, enough trigrams; rapidfuzz's ratio confirms them.
        """
        chosen = self._sharing_deletions(token)
        if grams and len(token) >= 4:
            chosen.update(self._sharing_trigrams(token))
        chosen.discard(self._id(token))
        if not chosen:
            return []
        from rapidfuzz import fuzz, process  # noqa: PLC0415 (lazy: start-up)

        vocabulary = self.vocabulary
        candidates = sorted(chosen)
        found = process.extract(
            token, [vocabulary[n] for n in candidates], scorer=fuzz.ratio, score_cutoff=_TYPO_CUTOFF, limit=None
        )
        # equally close: a typo seldom changes the first letter or the length
        found.sort(key=lambda hit: (-hit[1], hit[0][:1] != token[:1], abs(len(hit[0]) - len(token))))
        return [(candidates[where], score) for _, score, where in found[:_TYPO_LIMIT]]

    def _sharing_deletions(self, token: str) -> set[int]:
        """The name parts sharing a single-letter deletion (or themselves) with ``token``, as in SymSpell."""
        chosen: set[int] = set()
        keys, tokens = self._del_keys, self._del_tokens
        count = len(keys)
        for key in _deletions(token):
            code = _hash(key)
            low = high = bisect.bisect_left(keys, code)
            while high < count and keys[high] == code:
                high += 1
            if high > low:
                chosen.update(tokens[low:high].tolist())
        return chosen

    def _sharing_trigrams(self, token: str) -> list[int]:
        """The name parts sharing enough of ``token``'s trigrams, of a length within 3 of its."""
        sharing: list[int] = []
        table, offsets, post = self.grams, self._gram_off, self._gram_post
        shingles = _grams(token)
        for gram in shingles:
            position = bisect.bisect_left(table, gram)
            if position < len(table) and table[position] == gram:
                sharing += post[offsets[position] : offsets[position + 1]].tolist()
        counts = Counter(sharing)
        need = max(1, len(shingles) - 4)
        # the parts with enough trigrams in common, of the _TYPO_CANDIDATES sharing most: when no
        # more than that many have enough, they are all among those (without ranking them all)
        close = [n for n, shared in counts.items() if shared >= need]
        if len(close) > _TYPO_CANDIDATES:
            # ties broken by ordinal, not by the order trigrams came in (a set's: hash-seeded)
            ranked = sorted(((-shared, n) for n, shared in counts.items() if shared >= need))
            close = [n for _, n in ranked[:_TYPO_CANDIDATES]]
        vocabulary, length = self.vocabulary, len(token)
        return [n for n in close if abs(len(vocabulary[n]) - length) <= 3]

    def _expand(self, token: str) -> list[tuple[int, int, int]]:
        """What a query part may stand for: ``(first id, end id, weight)`` ranges of the vocabulary.

        Its own entry (weight 3), the run of entries it begins (2; one range, as the vocabulary is
        sorted) and the entries within a typo of it (1), best first. Remembered per part: a
        batch of names (``who -``) meets the same given and family names again and again.
        """
        known = self._expansions.get(token)
        if known is None:
            if len(self._expansions) >= _EXPANSION_MEMO:
                self._expansions.clear()
            known = self._expansions[token] = self._expand_afresh(token)
        return known

    def _expand_afresh(self, token: str) -> list[tuple[int, int, int]]:
        vocabulary = self.vocabulary
        start = bisect.bisect_left(vocabulary, token)
        out: list[tuple[int, int, int]] = []
        exact = start < len(vocabulary) and vocabulary[start] == token
        if exact:
            out.append((start, start + 1, _EXACT))
        if len(token) >= 2:
            end = bisect.bisect_left(vocabulary, token + _TOP, start)
            if end > start + exact:
                out.append((start + exact, end, _PREFIX))
        if len(token) >= 2:  # a real name part may still be a misspelling of another ("lana", "luna")
            out.extend((n, n + 1, _NEAR) for n, _ in self.near(token, grams=not exact) if not start <= n < end)
        return out

    def shortlist(self, folded: str, kinds: Collection[str] | None = None, limit: int = SHORTLIST_SIZE) -> list[int]:
        """Ordinals of the entities (of ``kinds``) most likely meant by a folded query, at most ~``limit``."""
        tokens = folded.split()[:_MAX_PARTS]
        if not tokens or not self.size:
            return []
        parts = self._query_parts(tokens)
        # each credit is one entity ordinal, repeated by its weight: all are gathered in one list
        # and counted at the end in one call (Counter's counting runs in C)
        credits: list[int] = []
        heads = self._credit_coverage(tokens, parts, credits)
        if len(parts) > 1:
            self._add_pairs(parts, credits)
        self._credit_squashed("".join(tokens), credits)
        self._credit_splits(tokens, credits)
        return self._choose(Counter(credits), heads, kinds, limit)

    def _query_parts(self, tokens: list[str]) -> list[list[tuple[int, int, int]]]:
        """The expansions (``_expand``) of each query part, then the entries of adjacent parts
        written together ("jun ichiro" -> "junichiro"), as parts of their own."""
        parts = [self._expand(token) for token in tokens]
        for first, second in pairwise(tokens):
            joined = self._id(first + second)
            if joined >= 0:
                parts.append([(joined, joined + 1, _EXACT)])
        return parts

    def _credit_coverage(
        self, tokens: list[str], parts: list[list[tuple[int, int, int]]], credits: list[int]
    ) -> list[int]:
        """Credit the entities each part reaches with its weight: 3 with its own entry, 2 with a
        name part it begins, 1 with a name part it is a typo of.

        A long list gives only its head (its lowest ordinals); returns the exact entries cut so.
        """
        heads: list[int] = []
        post, offsets = self._post, self._post_off
        for token, expansions in zip_longest(tokens, parts):  # joined parts have no token
            exact = any(weight == _EXACT for _, _, weight in expansions)
            near = 0
            for first, end, weight in expansions:
                near += weight == _NEAR
                whole = (
                    weight == _EXACT
                    or (weight == _PREFIX and len(token or "") >= 3)
                    or (not exact and near <= _NEAR_SINGLES)
                )
                for token_id in range(first, min(end, first + _PREFIX_EXPANSION)):
                    low, high = offsets[token_id], offsets[token_id + 1]
                    if high - low > _SINGLE_CAP or not whole:
                        high = min(high, low + _SINGLE_HEAD)
                        if weight == _EXACT:
                            heads.append(token_id)
                    credits += post[low:high].tolist() * weight
        return heads

    def _credit_squashed(self, joined: str, credits: list[int]) -> None:
        """Credit, like two own entries, the entities with a label that is, spaces aside, within a
        typo of the query run together (``joined``)."""
        if not _SQUASH_MIN <= len(joined) <= _SQUASH_MAX:
            return
        table, count, directory = self._squashed, len(self._squashed), self._squash_dir
        shift = 32 - _SQUASH_BUCKET_BITS
        found: set[int] = set()
        for key in _deletions(joined):
            code = _hash(key)
            bucket = code >> shift
            position = bisect.bisect_left(table, code << 32, directory[bucket], directory[bucket + 1])
            while position < count and table[position] >> 32 == code and len(found) < _PAIR_CAP:
                found.add(table[position] & 0xFFFFFFFF)
                position += 1
        credits += list(found) * (2 * _EXACT)

    def _credit_splits(self, tokens: list[str], credits: list[int]) -> None:
        """Credit, like two own entries, the entities with both halves of a query part, cut
        anywhere, in one label ("jongil" -> "jong" + "il")."""
        splits = []
        for token in tokens:
            for cut in range(2, len(token) - 1):
                head, tail = self._id(token[:cut]), self._id(token[cut:])
                if head >= 0 and tail >= 0:
                    splits.append((head, tail))
        if not splits:
            return
        keys, pair_off, pair_post, directory = self._pair_keys, self._pair_off, self._pair_post, self._pair_dir
        width = max(len(self.vocabulary), 1)
        for head, tail in splits:
            stop = directory[head + 1]
            position = bisect.bisect_left(keys, head * width + tail, directory[head], stop)
            if position < stop and keys[position] == head * width + tail:
                start = pair_off[position]
                credits += pair_post[start : min(pair_off[position + 1], start + _PAIR_CAP)].tolist() * (2 * _EXACT)

    def _choose(self, score: Counter[int], heads: list[int], kinds: Collection[str] | None, limit: int) -> list[int]:
        """The ``limit`` entities of ``kinds`` with the most credit, and the first entity of kind of each
        exact entry in ``heads``, in order."""
        codes = self._wanted_codes(kinds)
        table = self._kinds
        ordered = sorted(score)  # by ordinal, then (stable) by coverage: ties go to the lowest ordinal
        ordered.sort(key=score.__getitem__, reverse=True)
        chosen: set[int] = set()
        for ordinal in ordered:
            if codes is None or table[ordinal] in codes:
                chosen.add(ordinal)
                if len(chosen) >= limit:
                    break
        # the first entity of each long exact list, wherever its coverage put it: an exhaustive
        # scan ranks equal scores by ordinal, so this is the one it would list first
        post, offsets = self._post, self._post_off
        for token_id in heads:
            for ordinal in post[offsets[token_id] : offsets[token_id + 1]][:64].tolist():
                if codes is None or table[ordinal] in codes:
                    chosen.add(ordinal)
                    break
        return sorted(chosen)

    def _wanted_codes(self, kinds: Collection[str] | None) -> set[int] | None:
        """The codes of ``kinds``; None when every kind is wanted, so that none is tested."""
        if kinds is None:
            return None
        codes = self.kind_codes(kinds)
        return None if len(codes) == len(self.kind_names) else codes

    def _add_pairs(self, parts: list[list[tuple[int, int, int]]], credits: list[int]) -> None:
        """Credit the entities having two of the query's parts in one label, from the pair lists.

        Pairs are stored both ways round and keyed ``first * width + second``, so one part's
        entry with the whole run of entries another part begins is a single key range. Tried:
        a part's own entry or typo readings with the other part's entry, prefix run or typos.
        """
        keys, pair_off, pair_post = self._pair_keys, self._pair_off, self._pair_post
        if not len(keys):
            return
        width = max(len(self.vocabulary), 1)
        directory = self._pair_dir  # the pair keys of a part's entry are those from directory[a] to directory[a + 1]
        points = [
            [item for item in expansions if item[2] == _EXACT][:1]
            + [item for item in expansions if item[2] == _NEAR][:_NEAR_PAIRS]
            for expansions in parts
        ]
        for i in range(len(parts)):
            for j in range(len(parts)):
                if i == j:
                    continue
                for a, _, weight_a in points[i]:
                    first_key, last_key = directory[a], directory[a + 1]
                    if first_key == last_key:
                        continue
                    for first, end, weight_b in parts[j][: 2 + _NEAR_PAIRS]:
                        # entry/typo with entry/typo once (i < j); with a prefix run both ways round
                        if (weight_b != _PREFIX and i > j) or (weight_a == weight_b == _NEAR) or a == first == end - 1:
                            continue
                        low = bisect.bisect_left(keys, a * width + first, first_key, last_key)
                        if low == last_key or keys[low] >= a * width + end:
                            continue
                        high = low + 1 if end - first == 1 else bisect.bisect_left(keys, a * width + end, low, last_key)
                        start, stop = pair_off[low], pair_off[high]
                        credits += pair_post[start : min(stop, start + _PAIR_CAP)].tolist() * (
                            2 * (weight_a + weight_b)
                        )


# -- building -------------------------------------------------------------------------------
_BUILD_PART = 1000  # entities per part of an index ``build`` makes at once
_ORDINAL_LIMIT = 1 << 32  # ordinals are stored as unsigned 32-bit integers
_LOW = _ORDINAL_LIMIT - 1
_PART_FORMAT = ("factcli-index-part", 1, sys.byteorder)  # what ``IndexPart.dump`` writes first
_PART_FIELDS = (
    "size",
    "kind_names",
    "kinds",
    "label_off",
    "labels",
    "folded_off",
    "folded",
    "vocabulary",
    "post_tokens",
    "post",
    "pair_first",
    "pair_second",
    "pair_post",
    "squashed",
)
_PART_ARRAYS = {
    "label_off": "Q",
    "folded_off": "Q",
    "post_tokens": "I",
    "post": "I",
    "pair_first": "I",
    "pair_second": "I",
    "pair_post": "I",
    "squashed": "Q",
}


class IndexPart:
    """What the entities of one file give the name index, their ordinals counted from 0.

    ``NameIndex.part`` does the per-entity work (folding labels, their variants, the pairs of
    parts, the labels run together with their deletions) once; ``NameIndex.merge`` lays parts
    side by side with array operations and sorts of concatenated sorted runs, so a fact base of
    many files rebuilds its index from the parts of the files that did not change. Its tables:

    * ``kind_names`` (in order of first use) and ``kinds`` (a code per entity), ``label_off`` /
      ``labels`` and ``folded_off`` / ``folded``, as the index has them;
    * ``vocabulary``: the part's name parts, sorted; ``post_tokens`` / ``post``: one
      (vocabulary id, ordinal) per posting, sorted;
    * ``pair_first`` / ``pair_second`` / ``pair_post``: one (vocabulary id, vocabulary id,
      ordinal) per entity having the pair, sorted;
    * ``squashed``: the squashed keys (hash << 32 | ordinal), sorted, without repeats.

    ``dump`` writes it as marshal data with a CRC; ``load`` refuses (``ValueError``) what does
    not hold together.
    """

    __slots__ = _PART_FIELDS

    def __init__(
        self,
        size: int,
        kind_names: list[str],
        kinds: bytes,
        label_off: array[int],
        labels: bytes,
        folded_off: array[int],
        folded: bytes,
        vocabulary: list[str],
        post_tokens: array[int],
        post: array[int],
        pair_first: array[int],
        pair_second: array[int],
        pair_post: array[int],
        squashed: array[int],
    ) -> None:
        self.size = size
        self.kind_names = kind_names
        self.kinds = kinds
        self.label_off = label_off
        self.labels = labels
        self.folded_off = folded_off
        self.folded = folded
        self.vocabulary = vocabulary
        self.post_tokens = post_tokens
        self.post = post
        self.pair_first = pair_first
        self.pair_second = pair_second
        self.pair_post = pair_post
        self.squashed = squashed

    def _fields(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in _PART_FIELDS)

    def __reduce__(self) -> tuple[type[IndexPart], tuple[Any, ...]]:
        return IndexPart, self._fields()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IndexPart) and self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]

    def dump(self) -> bytes:
        """The part as bytes for a cache file: a CRC-32, then marshal data (arrays as their bytes)."""
        fields = tuple(value.tobytes() if isinstance(value, array) else value for value in self._fields())
        payload = marshal.dumps((_PART_FORMAT, fields), 2)  # no back-references: the same bytes from any process
        return zlib.crc32(payload).to_bytes(4, "little") + payload

    @classmethod
    def load(cls, data: bytes) -> IndexPart:
        """The part ``dump`` wrote; ``ValueError`` for anything else (a damaged or foreign file)."""
        payload = memoryview(data)[4:]
        if len(data) < 4 or zlib.crc32(payload) != int.from_bytes(data[:4], "little"):
            raise ValueError("damaged index part (CRC)")
        try:
            header, fields = marshal.loads(payload)
            if header != _PART_FORMAT or len(fields) != len(_PART_FIELDS):
                raise ValueError("not an index part of this format")
            values = dict(zip(_PART_FIELDS, fields, strict=True))
            for name, code in _PART_ARRAYS.items():
                if type(values[name]) is not bytes:
                    raise TypeError(f"{name} is not bytes")
                values[name] = array(code, values[name])
            part = cls(**values)
        except (EOFError, TypeError, ValueError) as error:
            raise ValueError(f"damaged index part: {error}") from error
        part.check()
        return part

    def check(self) -> None:
        """``ValueError`` unless every table is as long as the others say and every id and ordinal in range."""
        if not (self._types_agree() and self._lengths_agree() and self._ids_in_range()):
            raise ValueError("inconsistent index part")

    def _types_agree(self) -> bool:
        return (
            type(self.size) is int
            and all(type(value) is bytes for value in (self.kinds, self.labels, self.folded))
            and all(type(value) is list for value in (self.kind_names, self.vocabulary))
            and all(type(item) is str for item in self.kind_names + self.vocabulary)
        )

    def _lengths_agree(self) -> bool:
        size, labels, folded = self.size, self.label_off, self.folded_off
        return (
            0 <= size < _ORDINAL_LIMIT
            and len(self.kinds) == size
            and len(labels) == len(folded) == size + 1
            and labels[0] == folded[0] == 0
            and labels[size] == len(self.labels)
            and folded[size] == len(self.folded)
            and all(map(le, labels, labels[1:]))
            and all(map(le, folded, folded[1:]))
            and len(self.post_tokens) == len(self.post)
            and len(self.pair_first) == len(self.pair_second) == len(self.pair_post)
        )

    def _ids_in_range(self) -> bool:
        """Kind codes, vocabulary ids and ordinals within their tables; each name part with a posting."""
        vocabulary, size = self.vocabulary, self.size
        low_halves = memoryview(self.squashed).cast("B").cast("I")[0 if sys.byteorder == "little" else 1 :: 2]
        return (
            len(set(self.kind_names)) == len(self.kind_names) <= 256
            and max(self.kinds, default=-1) < len(self.kind_names)
            and all(map(lt, vocabulary, vocabulary[1:]))
            and set(self.post_tokens) == set(range(len(vocabulary)))
            and max(self.pair_first, default=-1) < len(vocabulary)
            and max(self.pair_second, default=-1) < len(vocabulary)
            and all(max(table, default=-1) < size for table in (self.post, self.pair_post, low_halves))
        )


class _Gathered:
    """One pass over the entities: their kinds and labels as flat tables, and the entities of each
    name part, pair of parts and label run together, for ``_part_of`` to lay out."""

    def __init__(self, entries: Iterable[tuple[str, Sequence[str]]]) -> None:
        self.by_token: dict[str, list[int]] = {}
        self.by_pair: dict[tuple[str, str], list[int]] = {}
        self.squashed: list[int] = []  # (hash of a label run together, or of one of its deletions) << 32 | ordinal
        kind_codes: dict[str, int] = {}
        kinds = bytearray()
        label_off, folded_off = array("Q", [0]), array("Q", [0])
        label_parts: list[bytes] = []
        folded_parts: list[bytes] = []
        end = 0
        for ordinal, (kind, labels) in enumerate(entries):
            code = kind_codes.get(kind)
            if code is None:
                code = kind_codes[kind] = len(kind_codes)
            kinds.append(code)
            encoded = _LABEL_SEPARATOR.join(labels).encode("utf-8")
            label_parts.append(encoded)
            end += len(encoded)
            label_off.append(end)
            folded_labels = [fold(label) for label in labels]
            encoded = _LABEL_SEPARATOR.join(folded_labels).encode("utf-8")
            folded_parts.append(encoded)
            folded_off.append(folded_off[-1] + len(encoded))
            self._add_names(ordinal, kind, folded_labels)
        self.kind_names = sorted(kind_codes, key=kind_codes.__getitem__)
        self.sections: dict[str, Any] = {
            "kinds": bytes(kinds),
            "label_off": label_off,
            "labels": b"".join(label_parts),
            "folded_off": folded_off,
            "folded": b"".join(folded_parts),
        }

    def _add_names(self, ordinal: int, kind: str, folded_labels: list[str]) -> None:
        """File an entity under its name parts, the pairs of parts in one of its labels and its
        labels run together (with their deletions)."""
        tokens: set[str] = set()
        pairs: set[tuple[str, str]] = set()
        for folded in folded_labels:
            parts = folded.split()
            tokens.update(parts)
            joined = "".join(parts)
            if _SQUASH_MIN <= len(joined) <= _SQUASH_MAX:
                self.squashed.extend(_hash(key) << 32 | ordinal for key in _deletions(joined))
            for variant in folded_variants(folded, kind):  # the scorer's exact forms: initials, ...
                tokens.update(variant.split())
            distinct = set(parts[:_PAIR_PARTS])
            pairs.update((first, second) for first in distinct for second in distinct if first != second)
        by_token, by_pair = self.by_token, self.by_pair
        for token in tokens:
            by_token.setdefault(token, []).append(ordinal)
        for pair in pairs:
            by_pair.setdefault(pair, []).append(ordinal)


def _part_of(entries: Iterable[tuple[str, Sequence[str]]]) -> IndexPart:
    """The entities' contribution to an index, laid out for ``NameIndex.merge``."""
    gathered = _Gathered(entries)
    sections = gathered.sections
    vocabulary = sorted(gathered.by_token)
    post_tokens, post = _local_postings(vocabulary, gathered.by_token)
    pair_first, pair_second, pair_post = _local_pairs(vocabulary, gathered.by_pair)
    return IndexPart(
        len(sections["kinds"]),
        gathered.kind_names,
        sections["kinds"],
        sections["label_off"],
        sections["labels"],
        sections["folded_off"],
        sections["folded"],
        vocabulary,
        post_tokens,
        post,
        pair_first,
        pair_second,
        pair_post,
        array("Q", sorted(set(gathered.squashed))),
    )


def _local_postings(vocabulary: list[str], by_token: dict[str, list[int]]) -> tuple[array[int], array[int]]:
    """(vocabulary id, ordinal) per posting, sorted."""
    tokens, post = array("I"), array("I")
    for n, token in enumerate(vocabulary):
        ordinals = by_token[token]
        post.fromlist(ordinals)
        tokens.fromlist([n] * len(ordinals))
    return tokens, post


def _local_pairs(
    vocabulary: list[str], by_pair: dict[tuple[str, str], list[int]]
) -> tuple[array[int], array[int], array[int]]:
    """(first id, second id, ordinal) per entity having a pair of name parts, sorted. Empties ``by_pair``."""
    token_id = {token: n for n, token in enumerate(vocabulary)}
    width = max(len(vocabulary), 1)
    keyed = sorted((token_id[a] * width + token_id[b], ordinals) for (a, b), ordinals in by_pair.items())
    by_pair.clear()  # its keys, freed before the arrays grow
    first, second, post = array("I"), array("I"), array("I")
    for key, ordinals in keyed:
        a, b = divmod(key, width)
        first.fromlist([a] * len(ordinals))
        second.fromlist([b] * len(ordinals))
        post.fromlist(ordinals)
    return first, second, post


def _plus(table: array[int], base: int) -> bytes:
    """The bytes of ``table`` with ``base`` added to every element, in one big-integer addition.

    No element may overflow (then no carry crosses from one element into the next): ordinals
    stay below ``_ORDINAL_LIMIT``, offsets below 2**64.
    """
    data = table.tobytes()
    if not base or not data:
        return data
    steps = array(table.typecode, [base]).tobytes() * len(table)
    order = sys.byteorder
    return (int.from_bytes(data, order) + int.from_bytes(steps, order)).to_bytes(len(data), order)


def _shifted(table: array[int], base: int) -> array[int]:
    shifted = array(table.typecode)
    shifted.frombytes(_plus(table, base))
    return shifted


def _merged_entities(parts: Sequence[IndexPart]) -> tuple[list[str], dict[str, Any]]:
    """The kind names in order of first use, and the entity tables of the parts one after another."""
    kind_codes: dict[str, int] = {}
    kinds: list[bytes] = []
    label_off, folded_off = array("Q", [0]), array("Q", [0])
    for part in parts:
        table = bytearray(range(256))  # local kind code -> merged kind code
        for code, name in enumerate(part.kind_names):
            table[code] = kind_codes.setdefault(name, len(kind_codes))
        kinds.append(part.kinds.translate(table))
        label_off.frombytes(_plus(part.label_off[1:], label_off[-1]))
        folded_off.frombytes(_plus(part.folded_off[1:], folded_off[-1]))
    return list(kind_codes), {
        "kinds": b"".join(kinds),
        "label_off": label_off,
        "labels": b"".join(part.labels for part in parts),
        "folded_off": folded_off,
        "folded": b"".join(part.folded for part in parts),
    }


def _sorted_by_key(items: list[int]) -> tuple[array[int], Counter[int]]:
    """``key << 32 | ordinal`` items: the ordinals in key order, and how many each key has (in key order)."""
    items.sort()  # a concatenation of sorted runs, one a part: timsort merges them
    counts = Counter(map(rshift, items, repeat(32)))
    return array("I", map(and_, items, repeat(_LOW))), counts


def _merged_postings(parts: Sequence[IndexPart], bases: list[int], remaps: list[list[int]]) -> dict[str, array[int]]:
    """Each vocabulary entry's entities, one list after another (every entry has one at least).

    ``remaps``: per part, the merged vocabulary id of each of its name parts, shifted 32 bits up.
    """
    items: list[int] = []
    for part, base, remap in zip(parts, bases, remaps, strict=False):
        items += map(or_, map(remap.__getitem__, part.post_tokens), _shifted(part.post, base))
    post, counts = _sorted_by_key(items)
    return {"post_off": array("I", accumulate(counts.values(), initial=0)), "post": post}


def _merged_pairs(
    parts: Sequence[IndexPart], bases: list[int], remaps: list[list[int]], vocabulary_size: int
) -> dict[str, array[int]]:
    """The pair lists in the order of their keys, ``first id * width + second id``, and where each
    first id's keys begin (``remaps`` as for ``_merged_postings``)."""
    width = max(vocabulary_size, 1)
    items: list[int] = []
    for part, base, seconds in zip(parts, bases, remaps, strict=False):
        firsts = [second * width for second in seconds]
        pairs = map(add, map(firsts.__getitem__, part.pair_first), map(seconds.__getitem__, part.pair_second))
        items += map(or_, pairs, _shifted(part.pair_post, base))
    pair_post, counts = _sorted_by_key(items)
    keys = list(counts)
    pair_dir = array("I", [bisect.bisect_left(keys, n * width) for n in range(vocabulary_size + 1)])
    return {
        "pair_keys": array("Q", keys),
        "pair_off": array("I", accumulate(counts.values(), initial=0)),
        "pair_post": pair_post,
        "pair_dir": pair_dir,
    }


def _gram_sections(vocabulary: list[str]) -> tuple[list[str], dict[str, array[int]]]:
    """The trigrams of the vocabulary, sorted, and the vocabulary ids having each."""
    by_gram: dict[str, list[int]] = {}
    for n, token in enumerate(vocabulary):
        for gram in _grams(token):
            by_gram.setdefault(gram, []).append(n)
    grams = sorted(by_gram)
    gram_post, gram_off = array("I"), array("I", [0])
    for gram in grams:
        gram_post.extend(by_gram[gram])
        gram_off.append(len(gram_post))
    return grams, {"gram_off": gram_off, "gram_post": gram_post}


def _deletion_sections(vocabulary: list[str]) -> dict[str, array[int]]:
    """The hashes of the vocabulary's single-letter deletions, sorted, each with its vocabulary id."""
    deletions = sorted(_hash(key) << 32 | n for n, token in enumerate(vocabulary) for key in _deletions(token))
    return {
        "del_keys": array("I", map(rshift, deletions, repeat(32))),
        "del_tokens": array("I", map(and_, deletions, repeat(_LOW))),
    }


def _merged_squashed(parts: Sequence[IndexPart], bases: list[int]) -> dict[str, array[int]]:
    """The squashed keys of every part, sorted (the parts' ordinals differ: no key repeats), and
    where each run with the same top bits begins."""
    keys = array("Q")
    for part, base in zip(parts, bases, strict=False):
        keys.frombytes(_plus(part.squashed, base))
    ordered = keys.tolist()
    del keys  # 8 bytes a key, freed before the list's 40 a key are sorted and copied (peak memory)
    ordered.sort()  # a concatenation of sorted runs, one a part
    shift = 64 - _SQUASH_BUCKET_BITS
    directory = array("I", [bisect.bisect_left(ordered, bucket << shift) for bucket in range(1 << _SQUASH_BUCKET_BITS)])
    directory.append(len(ordered))
    return {"squashed": array("Q", ordered), "squash_dir": directory}
