"""Drafting a new source into the fact base, and finding the drafts that remain.

``factcli draft FILE`` reads an article and proposes, as YAML in the fact base's own schema,
the people, organizations and places it names and the numbers it gives; every proposed claim's
text is the sentence it comes from, marked ``draft:`` (the note says what is still to do), and
cites that sentence verbatim. Nothing is invented: each field is a quote, a position in the
text, a name as written or a placeholder beginning ``TODO:`` (``model.PLACEHOLDER``).

``unfinished`` lists what a curator still has to do in a fact file (``check --strict``): each
draft claim and each placeholder, at its ``FILE:LINE:COL``.
"""

from __future__ import annotations

import os

from .errors import Problem
from .load import Mapping, Sequence, decode, parse_tree, read_bytes
from .model import is_placeholder


def unfinished(path: str | os.PathLike[str]) -> list[Problem]:
    """Every draft claim and placeholder of a (valid) fact file, in file order, at its position."""
    name = os.fspath(path)
    tree, _ = parse_tree(decode(read_bytes(path), name), name)
    found: list[Problem] = []
    entities = tree.get("entities") if isinstance(tree, Mapping) else None
    if not isinstance(entities, Sequence):
        return found
    for entity in entities:
        if not isinstance(entity, Mapping):
            continue
        for field in ("id", "name", "summary"):
            value = entity.get(field)
            if isinstance(value, str) and is_placeholder(value):
                line, column = entity.value_pos[field]
                found.append(Problem(name, line, column, f"placeholder: the entity's {field} is {value!r}"))
        claims = entity.get("claims")
        if not isinstance(claims, Sequence):
            continue
        for claim, (line, column) in claims.items_with_pos():
            if isinstance(claim, Mapping) and "draft" in claim:
                text = str(claim.get("text", ""))[:60]
                found.append(Problem(name, line, column, f"draft: the claim is still the source's words: {text!r}"))
    return found
