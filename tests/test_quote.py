"""factcli quote: the verbatim span of a source that best supports a paraphrase.

tests/data/quotes.tsv holds labelled paraphrases of the five seed articles;
``pytest tests/test_quote.py -s`` prints how each was answered and the top-1 rate.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factcli import quote as quoting

from .conftest import ROOT, SEEDS

DATA = Path(__file__).resolve().parent / "data" / "quotes.tsv"
FILES = {
    "jenkins-amnesty": "000_d9f88d0614507ea2.txt",
    "protective-custody": "001_71b622da262d4d53.txt",
    "asylum-reentry-1999": "002_1413bd8a50eaf27b.txt",
    "families-visit-us": "003_08e9a5cd7cb45dc8.txt",
    "trump-hanoi-abductions": "004_2fda9564c077b860.txt",
}
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed articles are not beside the checkout")


def rows() -> list[list[str]]:
    lines = DATA.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


def right(text: str, expected: str, found: quoting.Found) -> bool:
    """Top-1 right: the returned span covers at least 80 % of the expected span's characters."""
    start = text.index(expected)
    shared = min(start + len(expected), found.end) - max(start, found.start)
    return shared >= 0.8 * len(expected)


@needs_seeds
def test_labelled_paraphrases() -> None:
    table = rows()
    assert len(table) >= 40
    hits = 0
    for source, paraphrase, expected in table:
        text = quoting.read_source(SEEDS / FILES[source])
        assert text.count(expected) == 1, expected
        found = quoting.find(text, paraphrase, source=source, min_score=0)
        ok = bool(found) and right(text, expected, found[0])
        hits += ok
        if found:
            assert text[found[0].start : found[0].end] == found[0].quote and "\n" not in found[0].quote
        shown = f"{found[0].score:5.1f} {found[0].quote[:70]!r}" if found else "-"
        print(f"{'ok  ' if ok else 'MISS'} {source:24s} {paraphrase[:60]:60s} -> {shown}")
    print(f"top-1: {hits}/{len(table)} = {hits / len(table):.1%}")
    assert hits / len(table) >= 0.90


@needs_seeds
def test_the_command_prints_source_line_column_score_and_the_quote(cli) -> None:
    result = cli("quote", "jenkins-amnesty", "Rumsfeld was firmly against a pardon for Jenkins")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("jenkins-amnesty:19:1  ")
    assert result.stdout.rstrip().endswith(
        '"Defense Secretary Donald H. Rumsfeld said in November 2002 that he firmly opposed pardoning Jenkins"'
    )


@needs_seeds
def test_json_is_a_list_of_spans_each_a_substring_of_the_file(cli) -> None:
    result = cli("quote", "protective-custody", "ninety-three thousand Koreans went north", "-f", "json", "-n", "3")
    assert result.exit_code == 0, result.stderr
    spans = json.loads(result.stdout)
    text = (SEEDS / FILES["protective-custody"]).read_text(encoding="utf-8")
    assert spans and set(spans[0]) == {"source", "quote", "line", "column", "score"}
    for span in spans:
        line = text.splitlines()[span["line"] - 1]
        assert line[span["column"] - 1 :].startswith(span["quote"])
    assert "93,000" in spans[0]["quote"]


@needs_seeds
def test_a_quote_it_finds_passes_check(cli, tmp_path: Path) -> None:
    from factcli.check import normalize_quote

    text = (SEEDS / FILES["asylum-reentry-1999"]).read_text(encoding="utf-8")
    found = quoting.find(text, "Tokyo and Pyongyang do not have diplomatic ties")
    paragraphs = [normalize_quote(line) for line in text.splitlines()]
    assert any(normalize_quote(found[0].quote) in p for p in paragraphs)


def test_nothing_close_enough_is_exit_1(cli, tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("The committee met on Tuesday in Geneva.\n", encoding="utf-8")
    result = cli("quote", str(source), "bananas grow on the moon")
    assert result.exit_code == 1
    assert result.stdout == ""


def test_a_span_never_crosses_a_blank_line_or_a_line_break(cli, tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text(
        "Kim met Trump in Hanoi\n\nin February the summit ended early\nwithout a deal\n", encoding="utf-8"
    )
    for query in ("Hanoi in February", "ended early without a deal"):
        found = quoting.find(source.read_text(encoding="utf-8"), query, min_score=0, limit=3)
        assert found and all("\n" not in f.quote for f in found)


def test_columns_count_characters_after_non_ascii(cli, tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text(
        "Header\nKōichirō Iizuka — «secretary» said. The families flew to Washington in May.\n", encoding="utf-8"
    )
    result = cli("quote", str(source), "in May the families went to Washington", "-f", "json", "--min-score", "0")
    assert result.exit_code == 0, result.stderr
    (span,) = json.loads(result.stdout)
    assert (span["line"], span["column"]) == (2, 37)
    assert span["quote"] == "The families flew to Washington in May."


def test_an_unknown_source_id_is_exit_2_with_suggestions(cli) -> None:
    result = cli("quote", "jenkins-amnest", "a pardon")
    assert result.exit_code == 2
    assert "jenkins-amnesty" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"caf\xe9 au lait in Geneva\n"])
def test_a_binary_or_non_utf8_file_is_exit_2(cli, tmp_path: Path, data: bytes) -> None:
    source = tmp_path / "a.txt"
    source.write_bytes(data)
    result = cli("quote", str(source), "Geneva")
    assert result.exit_code == 2
    assert result.stderr.startswith("factcli: error:")


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_text_is_exit_2(cli, text: str) -> None:
    result = cli("quote", str(ROOT / "README.md"), text)
    assert result.exit_code == 2


def test_numbers_in_words_are_digits() -> None:
    assert quoting.content_words("ninety-three thousand in nineteen seventy-eight") == ["93000", "1978"]
    assert quoting.content_words("some 93,000 in 1978") == ["93000", "1978"]
