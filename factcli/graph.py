"""``factcli graph``: the relations around one entity, as Mermaid, Graphviz DOT or SVG.

``relations`` looks the query up as ``timeline`` does (every kind) and walks the claims that
carry a ``relation`` and a ``related`` entity, both ways (the entity's own claims, and other
entities' claims about it), ``depth`` steps out. Edges with the same from, relation and to
are one edge, their source ids joined; a symmetric relation (spouse, met-with) is one edge
whichever side states it. ``mermaid`` and ``dot`` write the graph as text in which every name
and label from the fact base is text, never markup: each is quoted and escaped, and node ids
are ``n0``, ``n1``... (never an entity id). ``svg`` hands the DOT text to Graphviz's ``dot``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterable
from typing import NamedTuple

from .errors import UsageError
from .model import Entity
from .query import ALL_KINDS, Answer, Catalog

MAX_DEPTH = 3
SYMMETRIC = frozenset({"spouse", "met-with"})
SVG_NEEDS_DOT = "svg needs Graphviz's dot program (apt install graphviz)"


class Node(NamedTuple):
    key: str  # n0, n1, ...: safe in any syntax
    id: str  # the entity id
    name: str
    kind: str  # person, organization, place, event, figure; "" for an id the base does not hold


class Edge(NamedTuple):
    start: str  # node keys
    relation: str
    end: str
    sources: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.relation} [{', '.join(self.sources)}]" if self.sources else self.relation


class Graph(NamedTuple):
    root: Node
    nodes: list[Node]  # the root first, then as found, step by step
    edges: list[Edge]


class Found(NamedTuple):
    """What ``relations`` found: the lookup's answer, and the graph when it named one entity."""

    answer: Answer
    graph: Graph | None


def relations(catalog: Catalog, query: str, depth: int = 1, *, min_score: float | None = None) -> Found:
    """The graph around the one entity ``query`` names, or the answer alone on a miss or a tie."""
    if not 1 <= depth <= MAX_DEPTH:
        raise UsageError(f"--depth is {depth}; it goes from 1 to {MAX_DEPTH}")
    answer = catalog.lookup(query, ALL_KINDS, min_score=min_score)
    if not answer.matches or answer.ambiguous:
        return Found(answer, None)
    return Found(answer, neighbourhood(catalog.entities(), answer.matches[0].entity, depth))


def neighbourhood(entities: Iterable[Entity], root: Entity, depth: int) -> Graph:
    """The entities ``depth`` relations away from ``root`` (either way) and the relations found
    on the way. One pass over the base collects every relation claim (others' claims about an
    entity are only found that way)."""
    known: dict[str, tuple[str, str]] = {}  # id -> (name, kind)
    about: dict[str, list[tuple[str, str, str, tuple[str, ...]]]] = {}  # id -> its relations (from, rel, to, sources)
    for entity in entities:
        known[entity.id] = (entity.name, entity.kind)
        for claim in entity.claims:
            if not claim.relation or not claim.related:
                continue
            if claim.related not in known and claim.related_name:
                known.setdefault(claim.related, (claim.related_name, ""))
            sources = tuple(dict.fromkeys(citation.source for citation in claim.citations))
            link = (entity.id, claim.relation, claim.related, sources)
            about.setdefault(entity.id, []).append(link)
            if claim.related != entity.id:
                about.setdefault(claim.related, []).append(link)
    known[root.id] = (root.name, root.kind)

    order = [root.id]
    seen = {root.id}
    merged: dict[tuple[str, str, str], dict[str, None]] = {}
    frontier = [root.id]
    for _ in range(depth):
        following: list[str] = []
        for current in frontier:
            links = sorted(about.get(current, ()), key=lambda link: (link[1], _name(known, link[0]), link[0], link[2]))
            for start, relation, end, sources in links:
                if relation in SYMMETRIC and (end, relation, start) in merged:
                    start, end = end, start
                merged.setdefault((start, relation, end), {}).update(dict.fromkeys(sources))
                other = end if start == current else start
                if other not in seen:
                    seen.add(other)
                    order.append(other)
                    following.append(other)
        frontier = following
    keys = {entity_id: f"n{number}" for number, entity_id in enumerate(order)}
    nodes = [Node(keys[i], i, *known.get(i, (i, ""))) for i in order]
    edges = [Edge(keys[s], r, keys[e], tuple(sources)) for (s, r, e), sources in merged.items()]
    return Graph(nodes[0], nodes, edges)


def _name(known: dict[str, tuple[str, str]], entity_id: str) -> str:
    return known.get(entity_id, (entity_id, ""))[0]


# -- Mermaid ---------------------------------------------------------------------------------
# A quoted label may hold anything but a quote; Mermaid then reads #name; / #number; as a
# character. Everything that could mean something to Mermaid, to its HTML labels or to its
# Markdown strings is written that way, so a name is shown as it is written.
_MERMAID_SPECIAL = re.compile(r"[\"#&<>\[\]{}|`\\]")
_MERMAID_SHAPES = {  # kind -> (open, close) around the quoted label
    "person": ("[", "]"),
    "organization": ("[[", "]]"),
    "place": ("([", "])"),
    "event": ("{{", "}}"),
    "figure": ("[/", "/]"),
    "": ("[", "]"),
}
_MERMAID_STYLES = {
    "person": "fill:#e8f0fe,stroke:#3b6fd4",
    "organization": "fill:#fef3e0,stroke:#c77c02",
    "place": "fill:#e6f4ea,stroke:#2f8a4c",
    "event": "fill:#fce8e6,stroke:#c5221f",
    "figure": "fill:#f3e8fd,stroke:#8430ce",
    "focus": "stroke-width:3px",
}


def _one_line(text: str) -> str:
    """Text on one line: every run of whitespace or control characters is one space."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def mermaid_text(text: str) -> str:
    """``text`` as the inside of a Mermaid quoted label."""
    return _MERMAID_SPECIAL.sub(lambda m: "#quot;" if m.group() == '"' else f"#{ord(m.group())};", _one_line(text))


def mermaid(graph: Graph) -> str:
    """The graph as a Mermaid flowchart (GitHub draws it in a ```mermaid block)."""
    lines = ["flowchart LR"]
    for node in graph.nodes:
        opening, closing = _MERMAID_SHAPES.get(node.kind, _MERMAID_SHAPES[""])
        lines.append(f'    {node.key}{opening}"{mermaid_text(node.name)}"{closing}')
    for edge in graph.edges:
        arrow = "---" if edge.relation in SYMMETRIC else "-->"
        lines.append(f'    {edge.start} {arrow}|"{mermaid_text(edge.label)}"| {edge.end}')
    kinds = dict.fromkeys(node.kind for node in graph.nodes if node.kind in _MERMAID_STYLES)
    for kind in kinds:
        lines.append(f"    classDef {kind} {_MERMAID_STYLES[kind]}")
        lines.append(f"    class {','.join(n.key for n in graph.nodes if n.kind == kind)} {kind}")
    lines.append(f"    classDef focus {_MERMAID_STYLES['focus']}")
    lines.append(f"    class {graph.root.key} focus")
    return "\n".join(lines) + "\n"


# -- Graphviz --------------------------------------------------------------------------------
_DOT_SHAPES = {
    "person": "box",
    "organization": "component",
    "place": "ellipse",
    "event": "hexagon",
    "figure": "parallelogram",
    "": "box",
}


def dot_text(text: str) -> str:
    """``text`` as a DOT quoted string that Graphviz shows as written: a backslash (which would
    start an escape such as \\N or \\l) and a quote are escaped."""
    return '"' + _one_line(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def dot(graph: Graph) -> str:
    """The graph in Graphviz's DOT language."""
    lines = [
        "digraph factcli {",
        "    rankdir=LR;",
        '    node [fontname="Helvetica", style=filled, fillcolor="#f8f8f8"];',
        '    edge [fontname="Helvetica", fontsize=10];',
    ]
    for node in graph.nodes:
        focus = ", penwidth=3" if node is graph.root else ""
        shape = _DOT_SHAPES.get(node.kind, "box")
        lines.append(f'    "{node.key}" [label={dot_text(node.name)}, shape={shape}{focus}];')
    for edge in graph.edges:
        undirected = ", dir=none" if edge.relation in SYMMETRIC else ""
        lines.append(f'    "{edge.start}" -> "{edge.end}" [label={dot_text(edge.label)}{undirected}];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def dot_program() -> str:
    """Where Graphviz's ``dot`` is; a ``UsageError`` that says how to install it when it is not on PATH."""
    program = shutil.which("dot")
    if program is None:
        raise UsageError(SVG_NEEDS_DOT)
    return program


def svg(dot_source: str) -> str:
    """The DOT text drawn by Graphviz's ``dot`` as SVG; a ``UsageError`` when it is not installed
    or fails."""
    program = dot_program()
    try:
        done = subprocess.run(
            [program, "-Tsvg"],
            input=dot_source.encode("utf-8"),
            capture_output=True,
            timeout=60,
            check=False,
            env={**os.environ, "LC_ALL": "C.UTF-8"},
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise UsageError(f"Graphviz's dot did not run: {error}") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"Graphviz's dot failed (exit {done.returncode}): {reason[0] if reason else 'no message'}")
    return done.stdout.decode("utf-8", "replace")
