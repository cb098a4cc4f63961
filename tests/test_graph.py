"""factcli graph: the relations around one entity as Mermaid, DOT or SVG."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from factcli import graph as graphs
from factcli.query import Catalog

from .conftest import ROOT, write_facts

JENKINS = "charles-robert-jenkins"

HOSTILE = """\
sources:
  - id: s1
    title: A test article
    published: 2004-05
    file: s1.txt
  - id: s2
    title: Another
    published: 2004-06
    file: s2.txt
entities:
  - id: ada
    kind: person
    name: "Ada \\"the Count|ess\\" [Lovelace] #1"
    summary: A test person.
    claims:
      - text: Married.
        relation: spouse
        related: bob
        citations:
          - source: s1
            quote: married
      - text: Member.
        relation: member-of
        related: club
        citations:
          - source: s1
            quote: member
      - text: Member, said again.
        relation: member-of
        related: club
        citations:
          - source: s2
            quote: member
  - id: bob
    kind: person
    name: "Bob <script>alert(1)</script> & `co` {x} \\\\N"
    summary: Another test person.
    claims:
      - text: Married.
        relation: spouse
        related: ada
        citations:
          - source: s2
            quote: married
  - id: club
    kind: organization
    name: "The \\"Club\\"\\nof \u00dcn\u00efc\u00f8d\u00e9 \u6771\u4eac --> end"
    summary: A club.
    claims:
      - text: Based there.
        relation: located-in
        related: town
        citations:
          - source: s1
            quote: based
  - id: town
    kind: place
    name: Town
    summary: A town.
"""


@pytest.fixture
def hostile(tmp_path):
    return write_facts(tmp_path, HOSTILE)


def _graph(depth: int = 1) -> graphs.Graph:
    found = graphs.relations(Catalog.open(None), "Jenkins", depth)
    assert found.graph is not None
    return found.graph


def _edges(graph: graphs.Graph) -> set[tuple[str, str, str, tuple[str, ...]]]:
    ids = {node.key: node.id for node in graph.nodes}
    return {(ids[e.start], e.relation, ids[e.end], e.sources) for e in graph.edges}


def test_jenkins_graph_has_his_wife_the_desertion_and_the_daughters() -> None:
    graph = _graph()
    assert graph.root.id == JENKINS and graph.nodes[0] is graph.root
    names = {node.name for node in graph.nodes}
    assert {"Hitomi Soga", "Charles Robert Jenkins' alleged desertion to North Korea"} <= names
    assert "Daughters of Charles Robert Jenkins and Hitomi Soga" in names
    edges = _edges(graph)
    # spouse is said on both sides: one edge, whichever side states it
    assert (JENKINS, "spouse", "hitomi-soga", ("jenkins-amnesty",)) in edges
    assert not any(e[1] == "spouse" and e[0] == "hitomi-soga" for e in edges)
    assert (JENKINS, "participant-in", "jenkins-alleged-desertion", ("jenkins-amnesty",)) in edges
    assert (JENKINS, "parent-of", "jenkins-soga-daughters", ("jenkins-amnesty",)) in edges
    assert ("jenkins-soga-daughters", "child-of", JENKINS, ("jenkins-amnesty",)) in edges  # another's claim about him


def test_depth_two_goes_on_from_the_neighbours() -> None:
    one, two = _graph(1), _graph(2)
    assert len(two.nodes) > len(one.nodes)
    assert [n.id for n in two.nodes[: len(one.nodes)]] == [n.id for n in one.nodes]
    assert _edges(one) <= _edges(two)


def test_the_cli_prints_mermaid_with_the_spouse_edge(cli) -> None:
    result = cli("graph", "Jenkins")
    assert result.exit_code == 0 and result.stderr == ""
    out = result.stdout
    assert out.startswith("flowchart LR\n")
    [hitomi] = re.findall(r'^    (n\d+)\["Hitomi Soga"\]$', out, re.M)
    assert f'    n0 ---|"spouse #91;jenkins-amnesty#93;"| {hitomi}' in out.splitlines()


def test_duplicate_edges_are_merged_with_their_sources_joined(hostile) -> None:
    found = graphs.relations(Catalog.open(hostile), "Ada", 1)
    assert found.graph is not None
    assert _edges(found.graph) == {("ada", "member-of", "club", ("s1", "s2")), ("ada", "spouse", "bob", ("s1", "s2"))}


def _labels(text: str, pattern: str) -> list[str]:
    return re.findall(pattern, text, re.M)


def test_hostile_names_are_text_in_mermaid(cli, hostile) -> None:
    result = cli("graph", "Ada", "--facts", str(hostile), "--depth", "2")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "flowchart LR"
    node = re.compile(r'^    n\d+(\[|\[\[|\(\[|\{\{|\[/)"([^"]*)"(\]|\]\]|\]\)|\}\}|/\])$')
    edge = re.compile(r'^    n\d+ (-->|---)\|"([^"|]*)"\| n\d+$')
    style = re.compile(r"^    (classDef \w+ [\w:#,-]+|class n\d+(,n\d+)* \w+)$")
    labels = []
    for line in lines[1:]:
        match = node.match(line) or edge.match(line)
        assert match or style.match(line), f"not a line Mermaid reads as meant: {line!r}"
        if match:
            labels.append(match.group(2))
    assert len(labels) == 4 + 3  # every node and edge line has one quoted label, and nothing else
    for label in labels:
        assert not re.search(r"[\"<>\[\]{}|`\\]", label), label
        assert not re.search(r"#(?!(quot|\d+);)", label), label  # every # starts an entity code
    text = "\n".join(labels)
    assert "Ada #quot;the Count#124;ess#quot; #91;Lovelace#93; #35;1" in text
    assert "#60;script#62;" in text and "<script" not in result.stdout
    assert "The #quot;Club#quot; of Ünïcødé 東京 --#62; end" in text  # the newline is a space


def test_hostile_names_are_text_in_dot(cli, hostile) -> None:
    result = cli("graph", "Ada", "--facts", str(hostile), "--depth", "2", "--format", "dot")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "digraph factcli {" and lines[-1] == "}"
    quoted = r'"(?:[^"\\]|\\.)*"'  # a DOT string: no bare quote, every backslash escapes one character
    statement = re.compile(rf"^    ({quoted}( -> {quoted})? \[label={quoted}[^\"]*\];|\w+ \[.*\];|rankdir=LR;)$")
    for line in lines[1:-1]:
        assert statement.match(line), f"unbalanced: {line!r}"
    assert r'label="Ada \"the Count|ess\" [Lovelace] #1"' in result.stdout
    assert r"\\N" in result.stdout  # a backslash is shown, not read as Graphviz's \N (the node's name)


def test_svg_is_drawn_by_graphviz(cli, hostile, tmp_path) -> None:
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed (apt install graphviz)")
    target = tmp_path / "ada.svg"
    result = cli("graph", "Ada", "--facts", str(hostile), "--format", "svg", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    svg = target.read_text(encoding="utf-8")
    assert "<svg" in svg and "</svg>" in svg
    assert "<script" not in svg and "&lt;script&gt;" in svg
    assert "spouse [s1, s2]" in svg
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_svg_without_graphviz_is_a_usage_error(hostile, tmp_path) -> None:
    import os
    import sys

    # PATH with this Python's scripts and nothing that holds a dot program
    env = {**os.environ, "PATH": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "factcli", "graph", "Ada", "--facts", str(hostile), "--format", "svg"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == "factcli: error: svg needs Graphviz's dot program (apt install graphviz)\n"


def test_output_file_is_written_whole(cli, tmp_path) -> None:
    target = tmp_path / "jenkins.mmd"
    result = cli("graph", "Jenkins", "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text(encoding="utf-8") == cli("graph", "Jenkins").stdout


def test_a_tie_lists_the_candidates_and_exits_3(cli) -> None:
    result = cli("graph", "Chimura")
    assert result.exit_code == 3 and result.stdout == ""
    assert "Yasushi Chimura (person, yasushi-chimura)" in result.stderr
    assert "Fukie Chimura (person, fukie-chimura)" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_a_miss_suggests_and_exits_1(cli) -> None:
    result = cli("graph", "Megumi Yokotta")
    assert result.exit_code == 1 and result.stdout == ""
    assert "no match for 'Megumi Yokotta'; did you mean 'Yokota'" in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (("graph", "Jenkins", "--depth", "4"), "4 is not in the range 1<=x<=3"),
        (("graph", "Jenkins", "--format", "png"), "'png' is not one of"),
        (("-f", "json", "graph", "Jenkins"), "--format json does not apply to 'graph'"),
        (("graph", "Jenkins", "-o", "/nonexistent-dir/x.mmd"), "no directory /nonexistent-dir"),
        (("graph", " "), "the query is empty"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli, args, message) -> None:
    result = cli(*args)
    assert result.exit_code == 2 and result.stdout == ""
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_the_readme_graph_is_what_the_program_prints(cli) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [block] = re.findall(r"```mermaid\n(.*?)```", readme, re.DOTALL)
    assert block == cli("graph", "Jenkins").stdout
