"""``--cite STYLE`` on the lookup commands and ``factcli cite ID``: references ready to paste."""

from __future__ import annotations

import io

import pytest

from factcli.cite import STYLES, CiteRenderer
from factcli.query import Catalog
from factcli.render import Environment

from .conftest import write_facts

# the shipped base: every source's date is inferred
AMNESTY_TITLE = "Japan Wants Amnesty for U.S. Defector to N. Korea"
AMNESTY_QUOTE = "allegedly deserting his U.S. Army post and defecting to the North in the 1960s"
HANOI_TITLE = "Trump Didn’t Let Kim Avoid Abductions Issue at Hanoi Summit"
HANOI_QUOTE = "February 27 — the first day of the summit"
INFERRED_WORDING = {
    "text": "2004-05 (date inferred: the article carries no date)",
    "md": "2004-05 (date inferred: the article carries no date)",
    "apa": "(n.d.; date inferred: May 2004)",
    "chicago": "n.d. [date inferred: May 2004]",
}
HANOI_INFERRED = {
    "text": "2019-05 (date inferred: the article gives no year)",
    "md": "2019-05 (date inferred: the article gives no year)",
    "apa": "(n.d.; date inferred: May 2019)",
    "chicago": "n.d. [date inferred: May 2019]",
}

TWO_SOURCES = """\
sources:
  - id: exact
    title: Exact Article
    author: Jane Doe
    publisher: The Daily Test
    published: 2019-05-16
    url: https://example.org/a
    file: exact.txt
  - id: rough
    title: Rough Article
    published: 2004-05~
    published_note: "The article carries no date; the month is inferred from what it reports."
    file: rough.txt
entities:
  - id: ada-lovelace
    kind: person
    name: Ada Lovelace
    summary: A test person.
    claims:
      - text: Wrote the first program.
        citations:
          - source: exact
            quote: wrote the first program
      - text: Was a mathematician.
        citations:
          - source: rough
            quote: the mathematician Ada Lovelace
"""

EXACT = {  # the first claim's reference, per style
    "text": "Source: Exact Article. Jane Doe, The Daily Test. 2019-05-16. https://example.org/a",
    "md": "> — *Exact Article*, Jane Doe, The Daily Test, 2019-05-16. <https://example.org/a>",
    "apa": "Jane Doe. (2019, May 16). Exact Article. The Daily Test. https://example.org/a",
    "chicago": 'Jane Doe. "Exact Article." The Daily Test, May 16, 2019. https://example.org/a.',
}
ROUGH = {  # the second claim's: no author, so the title first; the date said to be inferred
    "text": "Source: Rough Article. 2004-05 (date inferred: the article carries no date).",
    "md": "> — *Rough Article*, 2004-05 (date inferred: the article carries no date).",
    "apa": "Rough Article. (n.d.; date inferred: May 2004).",
    "chicago": '"Rough Article." n.d. [date inferred: May 2004].',
}


def _blocks(stdout: str) -> list[list[str]]:
    assert stdout.endswith("\n") and "\n\n\n" not in stdout
    return [block.splitlines() for block in stdout.rstrip("\n").split("\n\n")]


@pytest.mark.parametrize("style", STYLES)
def test_who_cites_each_claim_with_title_quote_and_inferred_date(cli, style: str) -> None:
    result = cli("who", "Jenkins", "--cite", style)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert AMNESTY_TITLE in out and AMNESTY_QUOTE in out
    assert INFERRED_WORDING[style] in out
    assert "~" not in out  # the ~ is always spelled out
    assert "│" not in out and "\x1b" not in out  # no table, no colour
    blocks = _blocks(out)
    assert blocks[0][0] == "Accused of deserting his U.S. Army post and defecting to North Korea in the 1960s."


@pytest.mark.parametrize("style", STYLES)
def test_cite_command_cites_an_entity_by_id(cli, style: str) -> None:
    result = cli("cite", "hanoi-summit", "--style", style)
    assert result.exit_code == 0, result.stderr
    assert HANOI_TITLE in result.stdout and HANOI_QUOTE in result.stdout
    assert HANOI_INFERRED[style] in result.stdout
    assert result.stdout == cli("show", "hanoi-summit", "--cite", style).stdout
    assert len(_blocks(result.stdout)) == 7  # one block per claim


@pytest.mark.parametrize("style", STYLES)
def test_an_exact_date_is_not_called_inferred(cli, tmp_path, style: str) -> None:
    facts = str(write_facts(tmp_path, TWO_SOURCES))
    result = cli("cite", "ada-lovelace", "--style", style, "--facts", facts)
    assert result.exit_code == 0, result.stderr
    exact, rough = _blocks(result.stdout)
    assert exact[-1] == EXACT[style] and "inferred" not in "\n".join(exact)
    assert rough[-1] == ROUGH[style]
    assert "wrote the first program" in exact[1] and "the mathematician Ada Lovelace" in rough[1]


def test_markdown_blocks_quote_with_a_greater_than_sign(cli) -> None:
    result = cli("who", "Jenkins", "--cite", "md")
    for block in _blocks(result.stdout):
        claim, *quoted = block
        assert not claim.startswith(">") and quoted
        assert all(line == ">" or line.startswith("> ") for line in quoted)  # one blockquote, no lazy lines
        assert quoted[0].startswith("> ") and quoted[-1].startswith("> — *")
    assert f"> {AMNESTY_QUOTE}" in result.stdout.splitlines()


def test_markdown_escapes_the_claim_and_title_but_not_the_quote(cli, tmp_path) -> None:
    text = TWO_SOURCES.replace("title: Rough Article", "title: Rough *Article*").replace(
        "text: Was a mathematician.", "text: '# Was a_mathematician.'"
    )
    result = cli("cite", "ada-lovelace", "-s", "md", "--facts", str(write_facts(tmp_path, text)))
    assert result.exit_code == 0, result.stderr
    rough = _blocks(result.stdout)[1]
    assert rough[0] == r"\# Was a\_mathematician."
    assert rough[-1].startswith(r"> — *Rough \*Article\**")


def test_cite_a_former_id_answers_like_show(cli) -> None:
    result = cli("cite", "trump-kim-summit-number")
    assert result.exit_code == 0
    assert "'trump-kim-summit-number' is now 'hanoi-summit'" in result.stderr
    assert HANOI_QUOTE in result.stdout


def test_cite_a_missing_id_suggests(cli) -> None:
    result = cli("cite", "no-such-id")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("factcli: no match for 'no-such-id'")
    near = cli("cite", "hanoi-sumit")
    assert near.exit_code == 1 and "did you mean 'hanoi-summit'" in near.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("who", "Jenkins", "--cite", "bogus"),
        ("cite", "hanoi-summit", "--style", "bogus"),
        ("who", "Jenkins", "--cite", "apa", "-f", "json"),
        ("-f", "csv", "show", "hanoi-summit", "--cite", "md"),
        ("-f", "json", "cite", "hanoi-summit"),
        ("who", "Jenkins", "--cite", "apa", "--svg", "x.svg"),
    ],
)
def test_a_bad_citation_request_is_a_usage_error(cli, args: tuple[str, ...]) -> None:
    result = cli(*args)
    assert result.exit_code == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("factcli: error:")


@pytest.mark.parametrize(
    "args",
    [
        ("what", "Hanoi summit"),
        ("figure", "Japanese spouses"),
        ("where", "Hanoi"),
        ("said", "Kawaguchi"),
        ("timeline", "Jenkins"),
        ("search", "amnesty"),
    ],
)
def test_every_lookup_command_cites(cli, args: tuple[str, ...]) -> None:
    result = cli(*args, "--cite", "apa")
    assert result.exit_code == 0, result.stderr
    for block in _blocks(result.stdout):
        assert len(block) >= 3 and block[1].startswith('"') and "(n.d.; date inferred: " in block[2]


def test_an_ambiguous_name_lists_the_candidates_and_cites_nothing(cli) -> None:
    result = cli("who", "Chimura", "--cite", "text")
    assert result.exit_code == 3
    assert "yasushi-chimura: Yasushi Chimura" in result.stdout and '"' not in result.stdout


def test_a_terminal_gets_plain_text_too() -> None:
    out = io.StringIO()
    renderer = CiteRenderer(Environment(out, terminal=True, color="always", width=40), "text")
    renderer.answer(Catalog.open(None).show("rumsfeld-statement-2002"))
    assert out.getvalue() == (
        "Rumsfeld made the statement.\n"
        '"Defense Secretary Donald H. Rumsfeld said in November 2002 that he firmly opposed pardoning Jenkins"\n'
        f"Source: {AMNESTY_TITLE}. 2004-05 (date inferred: the article carries no date).\n"
    )
