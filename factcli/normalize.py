"""How names and queries are folded before matching.

``Kōichirō`` -> ``koichiro``, ``Kim Jong-il`` -> ``kim jong il``, ``Jun'ichirō`` ->
``junichiro``, ``Kawaguchi's`` -> ``kawaguchi``, ``N.C.`` and ``L.D.P.`` -> ``nc`` and
``ldp``: case, accents and macrons, possessives, apostrophes, hyphens and punctuation all
fold away, so the fuzzy scorer only ever sees letters, digits and single spaces.

The same ``fold`` is applied to the names (by ``match`` and by the name index) and to the
query, so anything it changes changes on both sides.
"""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHE = "'\u2018\u2019\u02bc`\u00b4"
_POSSESSIVE = re.compile(f"(?<=\\w)[{_APOSTROPHE}]s\\b")
_APOSTROPHES = re.compile(f"[{_APOSTROPHE}]")
_NON_WORD = re.compile(r"[\W_]+")
# a run of two or more one-character words: "u s army" -> "us army", "l d p" -> "ldp"
_INITIALS = re.compile(r"(?<![^ ])\w(?: \w)+(?![^ ])")

#: Little words that do not make a name ("Daughters of Jenkins and Soga").
PARTICLES = frozenset({"the", "of", "and", "for", "to", "in", "on", "a", "an", "by", "or", "at", "with"})

#: Titles and honorifics people put before a name ("Prime Minister Koizumi", "Mr. Jenkins",
#: "Yokota-san"). In a query they carry no weight when other words are there; names that
#: contain them ("President Bush") still match them exactly.
TITLES = frozenset({
    "mr", "mrs", "ms", "miss", "dr", "prof", "sir", "san", "president", "prime", "minister", "pm",
    "secretary", "deputy", "chief", "cabinet", "leader", "chairman", "supreme", "director", "general",
    "sgt", "sergeant", "ambassador", "defense", "defence", "foreign",
})  # fmt: skip

LIGHT_WORDS = PARTICLES | TITLES


def fold(text: str) -> str:
    """Fold a name or query to lowercase ASCII-ish words separated by single spaces."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold()
    if "'" in text or "`" in text or not text.isascii():
        text = _POSSESSIVE.sub("", text)
        text = _APOSTROPHES.sub("", text)
    if not text.replace(" ", "").isalnum():  # fast path: names that are only letters and spaces
        text = _NON_WORD.sub(" ", text)
    words = text.split()
    if len(words) > 1 and min(map(len, words)) == 1:
        return _INITIALS.sub(_join_initials, " ".join(words))
    return " ".join(words)


#: Lower-case words that may belong to a personal name as written ("Ludwig van Beethoven").
NAME_PARTICLES = frozenset({"van", "von", "de", "del", "der", "da", "di", "du", "la", "le", "bin", "al", "el", "san"})


def common_words(label: str) -> frozenset[str]:
    """The folded words of a label that are written in lower case: common nouns ("U.S.
    official", "returnees from Japan"), not names. Empty for a name. (A capitalised first
    word may be either: "Daughters of ...".)"""
    lower = [word for word in label.split() if word[0].islower()]
    if not lower:  # a name: the common case, quickly
        return _NO_WORDS
    words = [w.lower() if w.isalpha() and w.isascii() else fold(w) for w in lower]  # most need no folding
    return frozenset(w for f in words for w in f.split() if w not in NAME_PARTICLES and w not in PARTICLES)


_NO_WORDS: frozenset[str] = frozenset()


def _join_initials(match: re.Match[str]) -> str:
    return match.group().replace(" ", "")


def name_variants(name: str, kind: str) -> list[str]:
    """Folded forms of one name that count as the name itself, the folded name first.

    For people: without middle initials (``Donald H. Rumsfeld`` -> ``donald rumsfeld``),
    family name first (``soga hitomi``), and each name part alone (``jenkins``, ``hitomi``).
    A part shared by several people (``kim``, ``chimura``) then matches all of them exactly,
    which is what makes ``who Kim`` ambiguous rather than a guess. For organizations with
    three or more words, the initials (``Human Rights Council`` -> ``hrc``).
    """
    return folded_variants(fold(name), kind)


def folded_variants(folded: str, kind: str) -> list[str]:
    """``name_variants`` of a name already folded (``fold``)."""
    if kind == "person":
        words = folded.split()
        # "Daughters of Jenkins and Soga" names a group, not a person: its parts are not names
        if 2 <= len(words) <= 4 and PARTICLES.isdisjoint(words):
            if len(words) == 2 and len(words[0]) > 1 and len(words[1]) > 1:  # the common case, quickly
                first, last = words
                variants = [folded, f"{last} {first}"]
            else:
                parts = [p for p in words if len(p) > 1]
                if len(parts) < 2:
                    return [folded]
                first, last = parts[0], parts[-1]
                variants = [
                    folded,
                    " ".join(parts),
                    " ".join([last, *parts[:-1]]),
                    f"{last} {first}",
                    f"{first} {last}",
                ]
            for part in words:
                if len(part) >= 3 and part not in TITLES:
                    variants.append(part)
            return list(dict.fromkeys(variants))
    elif kind == "organization":
        short = initials(folded.split())
        if short:
            return [folded, short]
    return [folded] if folded else []


def initials(words: list[str]) -> str | None:
    """The initials of an organization's name of three or more words, little words left out
    (``liberal democratic party`` -> ``ldp``); None for shorter names."""
    significant = [w for w in words if w not in PARTICLES]
    return "".join([w[0] for w in significant]) if len(significant) >= 3 else None
