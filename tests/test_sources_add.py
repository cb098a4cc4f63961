"""`factcli sources add`: a source text copied beside the fact file, its entry inserted as text."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from factcli import grow

ONE = "The committee met on Tuesday in Lakeside.\nIts chair, Mara Olsen, said the bridge would open in 2021.\n"
TWO = "Lakeside Bridge opened to traffic in March 2021, the town council said.\n"
NEW = "A third, made-up article for the tests.\nThe ferry to Lakeside stopped running in 2022.\n"

FACTS = f"""\
# A small fact base for the sources add tests.
# Its texts are in seeds/; added ones go to sources/.

sources:
  - id: s-one   # the first article
    title: First made-up article
    published: 2020
    file: one.txt
    sha256: {hashlib.sha256(ONE.encode()).hexdigest()}

  # the second article keeps no hash: add finds its text in the sources dir
  - id: s-two
    title: "Second made-up article: the bridge"
    published: 2021-03
    file: two.txt

# ------------------------------------------------------------------ entities
entities:
  - id: mara-olsen
    kind: person
    name: Mara Olsen
    summary: Chair of the committee.   # keep this comment
    claims:
      - text: Said the bridge would open in 2021.
        citations:
          - source: s-one
            quote: said the bridge would open in 2021
"""


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """A temporary fact base: facts.yaml, its seed texts in seeds/, a new text to add."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "one.txt").write_text(ONE, encoding="utf-8")
    (seeds / "two.txt").write_text(TWO, encoding="utf-8")
    (tmp_path / "new.txt").write_text(NEW, encoding="utf-8")
    facts = tmp_path / "facts.yaml"
    facts.write_text(FACTS, encoding="utf-8")
    return facts


def _add(cli, facts: Path, *args: str, text: str | Path | None = None):
    file = str(text if text is not None else facts.parent / "new.txt")
    return cli("sources", "add", file, "--facts", str(facts), *args)


GOOD = ("--id", "s-three", "--title", "Third made-up article", "--published", "2022-05")


def test_add_copies_the_text_and_inserts_the_entry_keeping_the_rest(cli, base: Path) -> None:
    result = _add(cli, base, *GOOD, "--author", "A. Writer", "--url", "https://example.org/a?b=1")
    assert result.exit_code == 0, result.stderr
    copy = base.parent / "sources" / "s-three.txt"
    assert copy.read_text(encoding="utf-8") == NEW
    assert (base.parent / "new.txt").read_text(encoding="utf-8") == NEW  # copied, not moved
    digest = hashlib.sha256(NEW.encode()).hexdigest()
    entry = (
        "\n  - id: s-three\n    title: Third made-up article\n    author: A. Writer\n    published: 2022-05\n"
        f'    url: "https://example.org/a?b=1"\n    file: sources/s-three.txt\n    sha256: {digest}\n'
    )
    after = base.read_text(encoding="utf-8")
    at = FACTS.index("    file: two.txt\n") + len("    file: two.txt\n")
    assert after == FACTS[:at] + entry + FACTS[at:]  # everything else byte for byte, comments included
    check = cli("check", "--facts", str(base), "--sources", str(base.parent / "seeds"))
    assert check.exit_code == 0, check.stderr
    assert "3 sources" in check.stderr
    listed = cli("sources", "--facts", str(base), "-f", "csv")
    assert listed.exit_code == 0 and "s-three,Third made-up article" in listed.stdout


def test_add_with_a_sources_dir_records_the_path_from_the_fact_file(cli, base: Path, tmp_path: Path) -> None:
    result = _add(cli, base, *GOOD, "--sources-dir", str(tmp_path / "texts" / "new"))
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "texts" / "new" / "s-three.txt").read_text(encoding="utf-8") == NEW
    assert "    file: texts/new/s-three.txt\n" in base.read_text(encoding="utf-8")
    assert cli("check", "--facts", str(base), "--sources", str(tmp_path / "seeds")).exit_code == 0


def test_an_approximate_date_needs_a_note_and_odd_titles_are_quoted(cli, base: Path) -> None:
    title = 'A "quoted" title: with # and a trailing colon:'
    args = ("--id", "s-three", "--title", title, "--published", "2022~", "--published-note", "inferred: a test")
    result = _add(cli, base, *args)
    assert result.exit_code == 0, result.stderr
    check = cli("sources", "--facts", str(base), "-f", "json")
    [added] = [s for s in __import__("json").loads(check.stdout) if s["id"] == "s-three"]
    assert added["title"] == title and added["published"] == "2022~"


def _files(base: Path) -> dict[str, bytes]:
    return {str(p.relative_to(base.parent)): p.read_bytes() for p in sorted(base.parent.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    "args, text, message",
    [
        (("--id", "s-one", "--title", "T", "--published", "2022"), None, "already registered"),
        (("--id", "Not_A_Slug", "--title", "T", "--published", "2022"), None, "not a slug"),
        (("--id", "s-x", "--title", "T", "--published", "2022-13"), None, "no month 13"),
        (("--id", "s-x", "--title", "T", "--published", "May 2022"), None, "is not a date"),
        (("--id", "s-x", "--title", "T", "--published", "2022~"), None, "--published-note"),
        (("--id", "s-x", "--title", "T\nU", "--published", "2022"), None, "control or invisible"),
        (("--id", "s-x", "--title", "T", "--published", "2022", "--url", "ftp://x"), None, "http(s) URL"),
        (GOOD, "seeds/one.txt", "already registered as source 's-one'"),  # by its recorded sha256
        (GOOD, "two-again.txt", "already registered as source 's-two'"),  # by the text in the sources dir
        (GOOD, "empty.txt", "is empty"),
        (GOOD, "blank.txt", "is empty"),
        (GOOD, "binary.bin", "NUL bytes"),
        (GOOD, "latin1.txt", "not UTF-8"),
        (GOOD, "missing.txt", "no such file"),
        (GOOD, "seeds", "is a directory"),
    ],
)
def test_each_refusal_writes_nothing(cli, base: Path, args: tuple[str, ...], text: str | None, message: str) -> None:
    folder = base.parent
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_bytes(b" \n\n")
    (folder / "binary.bin").write_bytes(b"text\x00\x01\x02")
    (folder / "latin1.txt").write_bytes("caf\u00e9 au lait\n".encode("latin-1"))
    (folder / "sources").mkdir()
    (folder / "sources" / "two.txt").write_text(TWO, encoding="utf-8")
    (folder / "two-again.txt").write_text(TWO, encoding="utf-8")
    before = _files(base)
    result = _add(cli, base, *args, text=folder / text if text else None)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert _files(base) == before


def test_a_broken_fact_base_is_refused(cli, base: Path) -> None:
    base.write_text(FACTS.replace("    published: 2020\n", ""), encoding="utf-8")
    before = _files(base)
    result = _add(cli, base, *GOOD)
    assert result.exit_code == 2 and "does not check" in result.stderr and "'published'" in result.stderr
    assert _files(base) == before and not (base.parent / "sources").exists()


def test_when_the_fact_file_cannot_be_written_the_copy_is_removed(base: Path) -> None:
    written: list[Path] = []

    def write(path: Path, data: bytes, mode: int) -> None:
        if written:
            raise OSError(28, "No space left on device")
        written.append(path)
        grow.write_atomically(path, data, mode)

    before = _files(base)
    with pytest.raises(grow.UsageError, match="No space left on device"):
        grow.add_source(
            base.parent / "new.txt", source_id="s-three", title="T", published="2022", facts=base, write=write
        )
    assert written == [base.parent / "sources" / "s-three.txt"]
    assert _files(base) == before and not (base.parent / "sources").exists()


def test_a_changed_text_fails_check_at_its_sha256(cli, base: Path) -> None:
    seeds = base.parent / "seeds"
    assert cli("check", "--facts", str(base), "--sources", str(seeds)).exit_code == 0
    (seeds / "one.txt").write_text(ONE.replace("Tuesday", "Wednesday"), encoding="utf-8")
    result = cli("check", "--facts", str(base), "--sources", str(seeds))
    assert result.exit_code == 2
    line = FACTS.splitlines().index(f"    sha256: {hashlib.sha256(ONE.encode()).hexdigest()}") + 1
    assert f"{base}:{line}:13: source 's-one': " in result.stderr and "no longer matches its sha256" in result.stderr


def test_a_bad_sha256_is_a_schema_problem(cli, base: Path) -> None:
    base.write_text(FACTS.replace("sha256: ", "sha256: 0x"), encoding="utf-8")
    result = cli("check", "--facts", str(base))
    assert result.exit_code == 2 and "is not a SHA-256 digest" in result.stderr


def test_sources_help_shows_the_list_and_add(cli) -> None:
    result = cli("sources", "--help")
    assert result.exit_code == 0 and "add" in result.stdout and "--format" in result.stdout
    assert "factcli sources add" in cli("sources", "add", "--help").stdout
