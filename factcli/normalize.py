"""How names and queries are folded before matching.

``Kōichirō`` -> ``koichiro``, ``Kim Jong-il`` -> ``kim jong il``, ``Jun'ichirō`` ->
``junichiro``, ``N.C.`` -> ``n c``: case, accents and macrons, hyphens and punctuation
all fold away, so the fuzzy scorer only ever sees letters, digits and single spaces.
"""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = re.compile("['\u2018\u2019\u02bc`\u00b4]")
_NON_WORD = re.compile(r"[\W_]+")
_PARTICLES = frozenset({"the", "of", "and", "for", "to", "in", "on", "a", "an", "by", "s"})


def fold(text: str) -> str:
    """Fold a name or query to lowercase ASCII-ish words separated by single spaces."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", text.casefold())
    return _NON_WORD.sub(" ", text).strip()


def name_variants(name: str, kind: str) -> list[str]:
    """Folded forms of one name that people type for it, the name itself first.

    For people: without middle initials (``Donald H. Rumsfeld`` -> ``donald rumsfeld``),
    family name first (``soga hitomi``), and each name part alone (``jenkins``, ``hitomi``).
    A part shared by several people (``kim``, ``chimura``) then matches all of them, which
    is what makes ``who Kim`` ambiguous rather than a guess.
    """
    folded = fold(name)
    variants = [folded]
    words = folded.split()
    # "Daughters of Jenkins and Soga" names a group, not a person: its parts are not names
    if kind != "person" or not 2 <= len(words) <= 4 or any(w in _PARTICLES for w in words):
        return variants
    parts = [p for p in words if len(p) > 1]
    if len(parts) >= 2:
        variants.append(" ".join(parts))
        variants.append(" ".join([parts[-1], *parts[:-1]]))
        variants.append(f"{parts[-1]} {parts[0]}")
        variants.append(f"{parts[0]} {parts[-1]}")
        variants.extend(p for p in parts if len(p) >= 3 and p not in _PARTICLES)
    seen: set[str] = set()
    return [v for v in variants if v and not (v in seen or seen.add(v))]  # type: ignore[func-returns-value]
