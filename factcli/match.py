"""How well a query matches a name, and when several matches are a tie.

Every name and alias is folded (``normalize.fold``) and prepared once: its exact forms
(the name, and for people the family-name-first order, the name without middle initials
and each name part; for organizations the initials), and its words. A folded query then
scores against a label as the best of four readings:

* **exact** (100): the query, or the query without titles and little words ("Prime Minister
  Koizumi", "the Yomiuri"), is one of the label's exact forms, spaces aside (a name's parts
  written together, apart or hyphenated are one name: "Kim Hohoon" is Kim Ho-hoon); a little
  word a hyphen joins to a name is a syllable of it ("Woo-in Kwon"), not a little word;
* **prefix** (90-98): the query begins one of the exact forms ("Jenk", "Kim Jong"), more the
  more of it is typed;
* **typo** (0-100): ``rapidfuzz.fuzz.ratio`` of the query against the whole folded label
  ("Kimjongun", "Rumsfield" against "Rumsfeld");
* **words** (0-95): each query word is matched to its best label word (equal 100, the start
  of it 85, else its ``fuzz.ratio`` if at least ``TOKEN_CUTOFF``), averaged by word length
  over the query's words that are not titles or little words, times ``WORDS_FACTOR``. Word
  order is free ("Jenkins Charles", "Kawaguchi Yorko") and a query may name only some of
  the label's words ("Jenkins desertion"); a label word the query lacks costs nothing, but a
  query word the label lacks does ("Megumi Yokota" is not Takuya Yokota).

The readings and their weights were chosen by measurement on the labelled queries in
tests/data/queries.tsv against plain ``WRatio``, ``ratio``, ``token_sort_ratio`` and
``token_set_ratio`` (run ``pytest tests/test_matching.py -s`` for the table). The words
reading stays under the exact and prefix readings, so a whole name beats a longer label
that merely contains it ("Jenkins" is Charles Robert Jenkins, not the daughters' group).

Speed (the scorer runs on shortlists of a few hundred entities): an entity's names are
folded once (an LRU cache). ``rank`` scores the query's words against all the distinct
words of its pool in one rapidfuzz call per query word and the typo reading against all
the pool's labels in one call; the exact forms are built, and the exact and prefix readings
tried, only for entities with a word that the query's first word equals or begins.

Importing rapidfuzz costs ~5 ms, more than scoring a small fact base takes, so the first
few thousand comparisons of a process (``who`` on the shipped fact base, ~60 people and
organizations) use ``_python_ratio``, an exact pure-Python ``fuzz.ratio`` (the same Indel
similarity, its longest common subsequence computed bit-parallel, and the same float
arithmetic: tests/test_matching.py checks it against rapidfuzz); past ``_PYTHON_WORK``
characters, or once anything else has imported rapidfuzz, rapidfuzz does the scoring.
"""

from __future__ import annotations

import sys
from bisect import bisect_right
from collections.abc import Iterable
from functools import lru_cache
from itertools import accumulate
from typing import Any

from .normalize import LIGHT_WORDS, common_words, fold, folded_variants, initials
from .values import Frozen, set_field

DEFAULT_MIN_SCORE = 75.0  # below this a query matches nothing (exit 1, "did you mean")
AMBIGUITY_MARGIN = 2.0  # candidates this close to the best are "several, none clearly best"
EXACT_SCORE = 100.0
PREFIX_SCORE = 90.0  # a query that begins a name: 90 plus up to PREFIX_SPAN for how much of it
PREFIX_SPAN = 8.0
MIN_PREFIX_CHARS = 3
WORD_PREFIX_SCORE = 85.0  # a query word that begins a label word ("Jenk" in "jenkins")
TOKEN_CUTOFF = 50.0  # a word less similar than this does not count as matched at all
WORDS_FACTOR = 0.95  # the words reading tops out here, under a whole exact or prefix match
SUGGEST_MIN_SCORE = 40.0  # nearest names worth offering as "did you mean"
# A person or organization only close to the query (one common word of a description, a
# different name such as "Jenkinson") scores at most this: offered as "did you mean", never
# an answer at the default --min-score.
MERELY_CLOSE_SCORE = 70.0
TAIL_SCORE = 90.0  # a whole name of two words or more that ends the query, after words saying who it is
_NAMED_KINDS = frozenset({"person", "organization", "unnamed"})  # (unnamed: a speaker such as "informed sources")

_NAMES_CACHE_SIZE = 1 << 14  # entities whose folded names are kept between queries (~1 kB each)
_FORMS_CACHE_SIZE = 1 << 14
_FOLDED_CACHE_SIZE = 1 << 10
_QUERY_CACHE_SIZE = 64
_PYTHON_WORK = 50_000  # characters compared in pure Python (~2 ms) before importing rapidfuzz pays


_python_work = 0  # characters compared by the pure-Python scorer so far in this process
_rapidfuzz: Any = None  # (fuzz.ratio, process.extract) once imported


def _python_lcs_masks(text: str) -> tuple[dict[str, int], int]:
    """Per character of ``text``, the bit mask of its positions; and the mask of all of them."""
    masks: dict[str, int] = {}
    bit = 1
    for char in text:
        masks[char] = masks.get(char, 0) | bit
        bit <<= 1
    return masks, bit - 1


def _python_extract(query: str, choices: list[str], score_cutoff: float) -> list[tuple[str, float, int]]:
    """``process.extract(query, choices, scorer=fuzz.ratio, score_cutoff=..., limit=None)`` in Python.

    ``fuzz.ratio`` is the normalized Indel similarity ``1 - (len1 + len2 - 2 * lcs) / (len1 + len2)``,
    times 100; the longest common subsequence is counted bit-parallel (Allison-Dix/Hyyrö:
    the zero bits left in ``v``). Results best first, equal scores in the order of
    ``choices``, as rapidfuzz sorts them.
    """
    masks, full = _python_lcs_masks(query)
    get = masks.get
    length = len(query)
    cutoff = score_cutoff / 100
    found = []
    for index, choice in enumerate(choices):
        maximum = length + len(choice)
        if maximum:
            v = full
            for char in choice:
                mask = get(char)
                if mask:
                    u = v & mask
                    v = (v + u) | (v - u)
            similarity = 1.0 - (maximum - 2 * (length - (v & full).bit_count())) / maximum
        else:
            similarity = 1.0
        if similarity >= cutoff:
            found.append((choice, similarity * 100, index))
    found.sort(key=lambda hit: -hit[1])  # stable: ties keep the order of choices
    return found


def _scorer(work: int) -> Any:
    """rapidfuzz's (ratio, extract), or None while the pure-Python scorer is cheaper than importing it."""
    global _python_work, _rapidfuzz
    if _rapidfuzz is None:
        if "rapidfuzz" not in sys.modules and _python_work + work <= _PYTHON_WORK:
            _python_work += work
            return None
        from rapidfuzz.fuzz import ratio  # noqa: PLC0415 (lazy: start-up)
        from rapidfuzz.process import extract  # noqa: PLC0415 (lazy: start-up)

        _rapidfuzz = (ratio, extract)
    return _rapidfuzz


def _extract(query: str, choices: list[str], score_cutoff: float) -> list[tuple[str, float, int]]:
    """``(choice, fuzz.ratio, index)`` for the choices scoring at least ``score_cutoff``, best first."""
    rapid = _scorer(sum(map(len, choices)) + 4 * len(choices))
    if rapid is None:
        return _python_extract(query, choices, score_cutoff)
    rapid_ratio, rapid_extract = rapid
    return rapid_extract(query, choices, scorer=rapid_ratio, score_cutoff=score_cutoff, limit=None)


def ratio(first: str, second: str) -> float:
    """``rapidfuzz.fuzz.ratio(first, second)``."""
    rapid = _scorer(len(second) + 4)
    if rapid is None:
        return _python_extract(first, [second], 0.0)[0][1]
    return rapid[0](first, second)


class Candidate(Frozen):
    """One entity a query may mean, with the score and the name or alias that matched.

    (Frozen like the model's classes, and for the same reason not a dataclass: start-up.)"""

    __slots__ = ("ordinal", "score", "matched")  # noqa: RUF023  # field order

    ordinal: int
    score: float
    matched: str

    def __init__(self, ordinal: int, score: float, matched: str) -> None:
        set_field(self, "ordinal", ordinal)
        set_field(self, "score", score)
        set_field(self, "matched", matched)


class Names(Frozen):
    """An entity's name and aliases, folded for scoring (one entry per label)."""

    __slots__ = ("kind", "labels", "fulls", "words", "all_words", "heads")  # noqa: RUF023  # field order

    kind: str
    labels: tuple[str, ...]
    fulls: tuple[str, ...]
    words: tuple[tuple[str, ...], ...]
    all_words: frozenset[str]
    heads: frozenset[str]

    def __init__(
        self,
        kind: str,
        labels: tuple[str, ...],
        fulls: tuple[str, ...],
        words: tuple[tuple[str, ...], ...],
        all_words: frozenset[str],
        heads: frozenset[str],
    ) -> None:
        set_field(self, "kind", kind)
        set_field(self, "labels", labels)  # as written, for ``Candidate.matched``
        set_field(self, "fulls", fulls)  # each label folded
        set_field(self, "words", words)  # the words of each folded label
        set_field(self, "all_words", all_words)
        set_field(self, "heads", heads)  # every word an exact form can begin with: the words and any initials


@lru_cache(maxsize=_NAMES_CACHE_SIZE)
def prepare_names(kind: str, labels: tuple[str, ...]) -> Names:
    """The folded names of one entity (cached: the same names are scored query after query)."""
    return _names(kind, labels, tuple([fold(label) for label in labels]))


@lru_cache(maxsize=_FOLDED_CACHE_SIZE)
def _prepared_names(kind: str, labels: tuple[str, ...], fulls: tuple[str, ...]) -> Names:
    """``prepare_names`` for labels already folded (``fulls``, one per label: the name index keeps them)."""
    return _names(kind, labels, fulls)


def _names(kind: str, labels: tuple[str, ...], fulls: tuple[str, ...]) -> Names:
    words = tuple([tuple(full.split()) for full in fulls])
    if kind == "person":  # the given names' initials count as a word ("C. R. Jenkins": "cr")
        words = tuple([(*w, "".join([p[0] for p in w[:-1]])) if len(w) >= 3 else w for w in words])
        for where, label in enumerate(labels):
            if "-" in label:  # (rare: a test per label, as names are prepared for every query's pool)
                words = (*words[:where], _with_unhyphenated(words[where], label), *words[where + 1 :])
    all_words = frozenset().union(*words)
    heads = all_words
    if kind == "organization":
        extra = {short for label_words in words if (short := initials(list(label_words)))}
        if extra:
            heads = all_words | extra
    return Names(kind, labels, fulls, words, all_words, heads)


def _with_unhyphenated(words: tuple[str, ...], label: str) -> tuple[str, ...]:
    """A person's label words, and each hyphenated part of the label written as one word
    ("Kim Bin-ri": "binri", as in "Binri Kim")."""
    joined = []
    for part in label.split():
        if "-" in part:
            bare = part.replace("-", "")
            joined.append(bare.lower() if bare.isascii() and bare.isalpha() else fold(bare))  # (fold's fast path)
    return (*words, *[word for word in joined if word and word not in words])


@lru_cache(maxsize=_FORMS_CACHE_SIZE)
def _common(label: str) -> frozenset[str]:
    """A label's common words (``normalize.common_words``), when a rule asks (cached)."""
    return common_words(label)


def _form_kind(kind: str, label: str) -> str:
    """The kind a label's exact forms are made for: a person's label that says what someone is
    ("U.S. official", "returnees from Japan") is no personal name, its words no name parts."""
    return "description" if kind == "person" and _common(label) else kind


@lru_cache(maxsize=_FORMS_CACHE_SIZE)
def _forms(full: str, kind: str, label: str) -> str:
    """A folded label's exact forms as "\\0form\\0form\\0": one substring test finds a form or a prefix of one.
    (``label``, as written, says whether a person's label is a name or a description.)

    Then, after ``_APART``, the forms without their spaces: a name's parts
    written together, apart or hyphenated are one name ("Kim Hohoon", "Kim Ho hoon", "Kim Ho-hoon")."""
    kind = _form_kind(kind, label)
    forms = folded_variants(full, kind)
    if kind == "person" and full.count(" ") == 2 and len(forms) > 1:  # a family name first, moved last ("Ho-hoon Kim")
        family, given = full.split(" ", 1)
        forms.append(f"{given} {family}")
    joined = "\0" + "\0".join(forms) + "\0"
    return joined + joined.replace(" ", "").replace("\0", _APART)


_APART = "\1"  # (no key but ``Query.compact_keys`` spans it)


class Query:
    """A folded query, prepared: its words, which of them count and how much, and per word
    a memo of its scores against every label word met so far."""

    __slots__ = (
        "compact_keys",
        "counted",
        "exact_keys",
        "heads",
        "only_light",
        "prefix_key",
        "tails",
        "text",
        "weight",
        "words",
    )

    def __init__(self, text: str, named: frozenset[str] = frozenset()) -> None:
        self.text = text
        words = text.split()
        core = [w for w in words if w not in LIGHT_WORDS or w in named]
        keys = [f"\0{text}\0"]
        if core and len(core) < len(words):
            keys.append("\0" + " ".join(core) + "\0")
        self.exact_keys = tuple(keys)
        # the keys of two words or more, spaces aside, for the forms after ``_APART`` in ``_forms``
        self.compact_keys = tuple([(_APART + key[1:-1].replace(" ", "") + _APART, key) for key in keys if " " in key])
        self.prefix_key = f"\0{text}" if len(text) >= MIN_PREFIX_CHARS else None
        memos: dict[str, dict[str, float]] = {w: {} for w in words}
        self.words = memos
        # an exact form, or one the query begins, starts with a word that the query's first
        # word (or, for the key without titles, its first word that counts) equals or begins
        self.heads = tuple(memos[w] for w in dict.fromkeys([*words[:1], *core[:1]]))
        counted = core or words  # titles and little words count only when there is nothing else
        self.only_light = not core  # "the president": it names nobody unless a name is exactly that
        # the query's endings of two words or more: a whole name after words that say who it is
        # ("North Korean leader Kim Jong Il", "the head of the group Takuya Yokota")
        self.tails = frozenset(" ".join(words[n:]) for n in range(1, len(words) - 1))
        self.counted = tuple((w, len(w), memos[w]) for w in counted)
        self.weight = sum(len(w) for w in counted)

    def learn(self, vocabulary: Iterable[str]) -> None:
        """Score each query word against the label words it has not met (one rapidfuzz call each)."""
        if not isinstance(vocabulary, (set, frozenset, list, tuple)):
            vocabulary = list(vocabulary)
        for word, memo in self.words.items():
            new = [w for w in vocabulary if w not in memo]
            if not new:
                continue
            memo.update(dict.fromkeys(new, 0.0))
            for other, score, _ in _extract(word, new, TOKEN_CUTOFF):
                memo[other] = score
            if len(word) >= MIN_PREFIX_CHARS:
                for other in new:
                    if other.startswith(word) and memo[other] < WORD_PREFIX_SCORE:
                        memo[other] = WORD_PREFIX_SCORE

    def may_begin(self, names: Names) -> bool:
        """Whether an exact or prefix reading is possible: the query's first word (or first
        word that counts) equals or begins one of the words the names' forms begin with."""
        for memo in self.heads:
            for head in names.heads:
                if memo[head] >= WORD_PREFIX_SCORE:
                    return True
        return False


@lru_cache(maxsize=_QUERY_CACHE_SIZE)
def prepare_query(text: str, named: frozenset[str] = frozenset()) -> Query:
    """The prepared form of a folded query (cached, with its memos, for repeated scoring);
    ``named``: the little words that are part of a name in it (``_hyphenated_little_words``)."""
    return Query(text, named)


def _hyphenated_little_words(query: str) -> frozenset[str]:
    """The little words a hyphen joins to a name in a query as written: syllables of a name
    ("in" in "Woo-in Kwon", "In-chan Choi"), not words around one."""
    if "-" not in query:
        return frozenset()
    return frozenset(
        [word for token in query.split() if "-" in token for word in fold(token).split() if word in LIGHT_WORDS]
    )


def _best(
    query: Query,
    names: Names,
    typo: float = 0.0,
    typo_label: int = 0,
    forms: bool = True,
    words: bool = True,
    begins: frozenset[str] | set[str] | None = None,
) -> tuple[float, int]:
    """The best reading of a query against an entity's names, and the label it came from.

    ``typo`` is the best ``fuzz.ratio`` of the query against the folded labels (from label
    ``typo_label``), computed by the caller, and the query must have learnt the names'
    words and heads. ``forms``/``words`` false skip the exact and prefix readings or the
    words reading when the caller already knows they score nothing; ``begins``, the label
    words the query's first word equals or begins, skips the exact forms of other labels.
    """
    best, best_label = typo, typo_label
    if query.only_light:  # titles and little words alone: only an exact or prefix reading
        best, best_label, words = 0.0, 0, False
    if query.tails and not query.tails.isdisjoint(names.fulls) and names.kind in _NAMED_KINDS:
        best, best_label = _tail_reading(query, names, best, best_label)
    if forms:
        best, best_label = _forms_reading(query, names, begins, best, best_label)
        if best == EXACT_SCORE:
            return best, best_label
    if words and best < 100.0 * WORDS_FACTOR and query.weight:
        best, best_label = _words_reading(query, names, best, best_label)
    return best, best_label


def _tail_reading(query: Query, names: Names, best: float, best_label: int) -> tuple[float, int]:
    """``TAIL_SCORE`` for a whole name of two words or more that ends the query, if better."""
    for where, full in enumerate(names.fulls):
        if full in query.tails and " " in full and TAIL_SCORE > best:
            best, best_label = TAIL_SCORE, where
    return best, best_label


def _forms_reading(
    query: Query, names: Names, begins: frozenset[str] | set[str] | None, best: float, best_label: int
) -> tuple[float, int]:
    """The exact reading (``EXACT_SCORE`` at once) or the prefix reading, if better than ``best``."""
    prefix = query.prefix_key
    for where, full in enumerate(names.fulls):
        if begins is not None and names.kind != "organization" and begins.isdisjoint(names.words[where]):
            continue  # (an organization's initials are no word of its name)
        joined = _forms(full, names.kind, names.labels[where])
        for key in query.exact_keys:
            if key in joined:
                return EXACT_SCORE, where
        if query.compact_keys and _written_apart(query, joined):
            return EXACT_SCORE, where
        if prefix is not None and prefix in joined:
            shortest = min(len(form) for form in joined.split("\0") if form.startswith(query.text))
            score = PREFIX_SCORE + PREFIX_SPAN * len(query.text) / shortest
            if score > best:
                best, best_label = score, where
    return best, best_label


def _written_apart(query: Query, joined: str) -> bool:
    """Whether the query is one of the exact forms ``joined`` (``_forms``) with its parts written
    together or apart ("kim hohoon", "kim ho hoon"), none moved ("jun a" is no "ju na")."""
    for key, spaced in query.compact_keys:
        if key in joined:
            breaks = _breaks(spaced[1:-1])
            for form in joined.split("\0"):
                if form.replace(" ", "") == key[1:-1] and (breaks <= (other := _breaks(form)) or other <= breaks):
                    return True
    return False


def _breaks(text: str) -> set[int]:
    """Where the spaces of ``text`` fall, counted in letters: "ho hoon" -> {2}."""
    return set(accumulate(len(word) for word in text.split()[:-1]))


def _words_reading(query: Query, names: Names, best: float, best_label: int) -> tuple[float, int]:
    """The order-free words reading of each label, if better than ``best``."""
    for where, label_words in enumerate(names.words):
        if not label_words:
            continue
        total = 0.0
        for _, weight, memo in query.counted:
            total += weight * max(map(memo.__getitem__, label_words))
        score = WORDS_FACTOR * total / query.weight
        if score > best:
            best, best_label = score, where
    return best, best_label


def _capped(query: Query, names: Names, score: float, label: int) -> float:
    """``score``, or ``MERELY_CLOSE_SCORE`` for a person's name only close to the query
    (``_merely_close``). Applied to what ``_best`` found, where it could answer (cheap: few)."""
    if MERELY_CLOSE_SCORE < score < EXACT_SCORE and names.kind in _NAMED_KINDS and _merely_close(query, names, label):
        return MERELY_CLOSE_SCORE
    return score


def _merely_close(query: Query, names: Names, where: int) -> bool:
    """Whether a person's name that is not an exact match is only close to the query: the query
    is a different name ("Jenkinson", "Robertson", "Ichiro", "Kim Jong Nam")."""
    label_words = names.words[where]
    counted = query.counted
    if _form_kind(names.kind, names.labels[where]) != "person" or names.fulls[where] in query.tails:
        return False
    query_words = query.text.split()
    joined = {a + b for a, b in zip(query_words, query_words[1:], strict=False)}  # "jun ichiro"
    for word, length, memo in counted:
        if word in label_words or length == 1:
            continue
        if any(pair in label_words and word in pair for pair in joined):
            continue
        closest = max(map(memo.__getitem__, label_words))  # a different name built on the part it is closest to
        if any(_another_name(word, other) for other in label_words if memo[other] == closest):
            return True
        if len(counted) >= 2 and not closest:
            return True  # a word of the query with no counterpart at all in the name
    return False


def _another_name(word: str, name: str) -> bool:
    """``word`` contains the name part with two letters or more around it ("jenkinson",
    "robertson"), or is its end ("ichiro" in "koichiro"): a different name, not a typo."""
    if len(name) >= 3 and name in word and len(word) - len(name) >= 2:
        return True
    return len(word) >= 3 and name.endswith(word) and len(name) - len(word) >= 2


def score_label(query: str, label: str, kind: str) -> float:
    """How well a folded query matches one label of an entity of ``kind`` (0-100)."""
    if not query:
        return 0.0
    prepared = prepare_query(query)
    names = prepare_names(kind, (label,))
    prepared.learn(names.heads)
    score, where = _best(prepared, names, ratio(query, names.fulls[0]), 0, forms=prepared.may_begin(names))
    return _capped(prepared, names, score, where)


def rank(
    query: str,
    entities: Iterable[tuple[int, str, list[str]] | tuple[int, str, list[str], list[str]]],
    min_score: float = DEFAULT_MIN_SCORE,
) -> list[Candidate]:
    """Score each ``(ordinal, kind, labels)`` by its best label; those at or over ``min_score``, best first.

    An entity may come with its labels already folded, ``(ordinal, kind, labels, folded)``
    (``NameIndex.folded``; ``folded[i]`` must be ``fold(labels[i])``), which spares folding them.

    The same scores as ``max(score_label(...) for label in labels)``, computed for the whole
    pool at once; only entities that one of the readings finds something for are scored. One
    rule needs the pool: a single common word several labels share answers none of them
    (``_generic_word_capped``).
    """
    prepared = prepare_query(fold(query), _hyphenated_little_words(query))
    if not prepared.text:
        return []
    pool = _pool(entities)
    if not pool:
        return []
    everything = [names for _, names in pool]
    vocabulary = frozenset().union(*[names.heads for names in everything])
    prepared.learn(vocabulary)
    typo = _typo_readings(prepared.text, everything, min_score)
    results = _generic_word_capped(prepared, pool, _scored(prepared, pool, vocabulary, typo, min_score))
    results = [c for c in results if c.score >= min_score]
    results.sort(key=lambda c: (-c.score, c.ordinal))
    return results


def _generic_word_capped(query: Query, pool: list[tuple[int, Names]], results: list[Candidate]) -> list[Candidate]:
    """A query of one word found in the descriptions (labels with common words) of two or more
    people, bodies or speakers ("official": "U.S. official", "an official"; "sources";
    "Koreans": "Japanese spouses of Koreans", "North Korean official who...") answers none of
    them: they score at most ``MERELY_CLOSE_SCORE``. A word only one description has
    ("attendee") still answers, and so does a name ("Trump" is Donald Trump, exactly)."""
    if len(query.counted) != 1 or not results:
        return results
    memo = query.counted[0][2]

    def common_hit(names: Names, where: int) -> bool:  # the word, in a label that describes someone
        if names.kind not in _NAMED_KINDS or not names.words[where] or not _common(names.labels[where]):
            return False
        return max(map(memo.__getitem__, names.words[where])) >= WORD_PREFIX_SCORE

    holders = [n for n, names in pool if any(common_hit(names, where) for where in range(len(names.fulls)))]
    if len(holders) < 2:
        return results
    by_ordinal = dict(pool)
    capped = []
    for candidate in results:
        names = by_ordinal[candidate.ordinal]
        where = names.labels.index(candidate.matched)
        if MERELY_CLOSE_SCORE < candidate.score < EXACT_SCORE and common_hit(names, where):
            candidate = Candidate(candidate.ordinal, MERELY_CLOSE_SCORE, candidate.matched)
        capped.append(candidate)
    return capped


def _pool(
    entities: Iterable[tuple[int, str, list[str]] | tuple[int, str, list[str], list[str]]],
) -> list[tuple[int, Names]]:
    """``(ordinal, names)`` of each entity that has labels, its names prepared."""
    return [
        (
            entity[0],
            prepare_names(entity[1], tuple(entity[2]))
            if len(entity) < 4
            else _prepared_names(entity[1], tuple(entity[2]), tuple(entity[3])),
        )
        for entity in entities
        if entity[2]
    ]


def _typo_readings(text: str, everything: list[Names], min_score: float) -> dict[int, tuple[float, int]]:
    """Per pool position, ``(score, label)`` of the typo reading where it reaches ``min_score``:
    one call over every label of the pool, best first."""
    fulls = [full for names in everything for full in names.fulls]
    offsets = [0, *accumulate([len(names.fulls) for names in everything])]
    typo: dict[int, tuple[float, int]] = {}
    for _, score, index in _extract(text, fulls, min_score):
        position = bisect_right(offsets, index) - 1
        if position not in typo:
            typo[position] = (score, index - offsets[position])
    return typo


def _scored(
    prepared: Query,
    pool: list[tuple[int, Names]],
    vocabulary: frozenset[str],
    typo: dict[int, tuple[float, int]],
    min_score: float,
) -> list[Candidate]:
    """The pool's candidates at or over ``min_score``, in pool order.

    Only entities one of the readings can score on are scored: the words reading needs a word
    the query's words score on, the exact and prefix readings a word its first word equals or
    begins, and the typo reading is in ``typo`` (from ``_typo_readings``) already.
    """
    hits = {word for _, _, memo in prepared.counted for word in vocabulary if memo[word]}
    begins = {word for memo in prepared.heads for word in vocabulary if memo[word] >= WORD_PREFIX_SCORE}
    everyone = min_score <= 0.0
    results = []
    for position, (ordinal, names) in enumerate(pool):
        with_words = everyone or not hits.isdisjoint(names.all_words)
        with_forms = not begins.isdisjoint(names.heads)
        if not (with_words or with_forms or position in typo):
            continue
        score, label = _best(
            prepared, names, *typo.get(position, (0.0, 0)), forms=with_forms, words=with_words, begins=begins
        )
        if score >= min_score and (score := _capped(prepared, names, score, label)) >= min_score:
            results.append(Candidate(ordinal, round(score, 1), names.labels[label]))
    return results


def is_ambiguous(candidates: list[Candidate]) -> bool:
    """Several candidates tie: two exact matches, or, with no exact one, two within the margin."""
    if len(candidates) < 2:
        return False
    best, second = candidates[0].score, candidates[1].score
    if best == EXACT_SCORE:
        return second == EXACT_SCORE
    return best - second <= AMBIGUITY_MARGIN


def close_candidates(candidates: list[Candidate]) -> list[Candidate]:
    """The candidates an ambiguous answer lists: those tied with the best."""
    best = candidates[0].score
    margin = 0.0 if best == EXACT_SCORE else AMBIGUITY_MARGIN
    return [c for c in candidates if best - c.score <= margin]


__all__: list[Any] = [
    "AMBIGUITY_MARGIN", "DEFAULT_MIN_SCORE", "SUGGEST_MIN_SCORE", "Candidate", "Names", "Query",
    "close_candidates", "is_ambiguous", "prepare_names", "prepare_query", "rank", "score_label",
]  # fmt: skip
