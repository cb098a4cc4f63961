"""The catalogue of bad inputs: every case must fail cleanly.

Each case is one real ``factcli`` process (``who Ada`` on the case's fact file unless the
case says otherwise) and must: exit 2, print nothing on stdout, print exactly one line on
stderr (printable, UTF-8, no traceback, no "internal error"), name FILE:LINE:COL where the
problem has a position (checked against where the case put it), say what is wrong, and
leave every file as it was: the case's directory, the cache dir and a private HOME are
snapshotted before and after. The lookup commands print only the first problem plus
"(and N more; run 'factcli check')", so "one line" holds however broken the file is.
"""

from __future__ import annotations

import functools
import os
import random
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .harness import (
    BASE,
    assert_one_clean_error_line,
    error_position,
    isolated_env,
    position_of,
    replace_once,
    run,
    run_all,
    snapshot,
)


@dataclass(frozen=True)
class Bad:
    id: str
    data: bytes | None  # the fact file's bytes, written to work/facts.yaml (None: prepare() makes the path)
    where: tuple[int, int] | int | str | None  # (line, column), a line, "any" position, or None: none
    says: str  # a piece of the one stderr line
    args: tuple[str, ...] = ("who", "Ada", "--facts", "{facts}")
    env: dict[str, str] = field(default_factory=dict)
    stdin: bytes | None = None
    prepare: Callable[[Path], Path] | None = None  # builds a special path (directory, symlink loop...)
    skip: str | None = None


CASES: list[Bad] = []


def bad(*args, **kwargs) -> None:  # type: ignore[no-untyped-def]
    CASES.append(Bad(*args, **kwargs))


def text_case(case_id: str, old: str, new: str, at: str | None, says: str, nth: int = 1, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """BASE with one edit; the problem is expected where ``at`` occurs in the edited text."""
    text = replace_once(BASE, old, new)
    bad(case_id, text.encode(), position_of(text, at, nth) if at is not None else "any", says, **kwargs)


# Byte-level cases put their bytes inside the first entity's summary: "A test <here>person."
_SUMMARY = b"    summary: A test person."
_AT_SUMMARY = position_of(BASE, "person.\n", 1)


def inject(data: bytes) -> bytes:
    raw = BASE.encode()
    assert raw.count(_SUMMARY) == 1
    return raw.replace(_SUMMARY, _SUMMARY[:-7] + data + _SUMMARY[-7:])


# -- file and I/O -----------------------------------------------------------------------------
def _missing(work: Path) -> Path:
    return work / "nope.yaml"


def _directory(work: Path) -> Path:
    (work / "dir.yaml").mkdir()
    return work / "dir.yaml"


def _unreadable(work: Path) -> Path:
    path = work / "secret.yaml"
    path.write_text(BASE)
    path.chmod(0)
    return path


def _symlink_loop(work: Path) -> Path:
    os.symlink("loop-b.yaml", work / "loop-a.yaml")
    os.symlink("loop-a.yaml", work / "loop-b.yaml")
    return work / "loop-a.yaml"


def _under_a_file(work: Path) -> Path:
    (work / "plain.yaml").write_text(BASE)
    return work / "plain.yaml" / "facts.yaml"


def _escape_in_name(work: Path) -> Path:
    return work / "\x1b[31mred\u202e.yaml"  # missing, and its name must come back escaped


bad("file-missing", None, None, "nope.yaml: no such file", prepare=_missing)
bad("file-is-a-directory", None, None, "is a directory", prepare=_directory)
bad(
    "file-unreadable-mode-000",
    None,
    None,
    "permission denied",
    prepare=_unreadable,
    skip="root reads any file" if hasattr(os, "geteuid") and os.geteuid() == 0 else None,
)
bad(
    "file-unreadable-eio",
    None,
    None,
    "cannot read: Input/output error",
    prepare=lambda work: Path("/proc/self/mem"),
    skip=None if Path("/proc/self/mem").exists() else "no /proc",
)
bad("file-symlink-loop", None, None, "cannot read: Too many levels of symbolic links", prepare=_symlink_loop)
bad("file-under-a-file", None, None, "cannot read: Not a directory", prepare=_under_a_file)
bad(
    "file-dev-zero",
    None,
    (1, 1),
    "NUL byte",
    prepare=lambda work: Path("/dev/zero"),
    skip=None if Path("/dev/zero").exists() else "no /dev/zero",
)
bad("file-dev-null", None, None, "the file is empty", prepare=lambda work: Path("/dev/null"))
bad("file-empty", b"", None, "the file is empty")
bad("file-only-white-space", b"  \n\n \r\n   \n", None, "the file is empty")
bad("file-only-comments", b"# nothing here\n# at all\n", None, "the file is empty")
bad("file-only-bom", b"\xef\xbb\xbf", None, "the file is empty")
bad(
    "file-oversized", BASE.encode(), None, "file is larger than the 1,000-byte limit", env={"FACTCLI_MAX_BYTES": "1000"}
)
bad("file-name-with-escape-and-bidi", None, None, "\\x1b[31mred\\u202e.yaml: no such file", prepare=_escape_in_name)

# -- encoding -------------------------------------------------------------------------------------
bad("enc-latin-1", inject("café ".encode("latin-1")), (_AT_SUMMARY[0], _AT_SUMMARY[1] + 3), "not UTF-8: byte 0xe9")
bad("enc-windows-1252-quotes", inject(b"\x93quoted\x94 "), _AT_SUMMARY, "not UTF-8: byte 0x93")
bad("enc-utf-16-le-bom", BASE.encode("utf-16"), (1, 1), "UTF-16")
bad("enc-utf-16-be-bom", b"\xfe\xff" + BASE.encode("utf-16-be"), (1, 1), "UTF-16")
bad("enc-utf-16-no-bom", BASE.encode("utf-16-le"), (1, 2), "NUL byte")
bad("enc-utf-32-bom", BASE.encode("utf-32"), (1, 1), "UTF-32")
bad("enc-random-bytes", random.Random(4).randbytes(4096), "any", "")
bad("enc-nul", inject(b"\x00"), _AT_SUMMARY, "NUL byte")
bad("enc-esc", inject(b"\x1b[2J\x1b[31m"), _AT_SUMMARY, "forbidden character U+001B")
bad("enc-bell", inject(b"\x07"), _AT_SUMMARY, "forbidden character U+0007")
bad("enc-del", inject(b"\x7f"), _AT_SUMMARY, "forbidden character U+007F")
bad("enc-c1-nel", inject("\u0085".encode()), _AT_SUMMARY, "forbidden character U+0085")
bad("enc-c1-csi", inject("\u009b31m".encode()), _AT_SUMMARY, "forbidden character U+009B")
bad("enc-lone-surrogate", inject(b"\xed\xa0\x80"), _AT_SUMMARY, "not UTF-8: byte 0xed")
bad("enc-overlong-slash", inject(b"\xc0\xaf"), _AT_SUMMARY, "not UTF-8: byte 0xc0")
bad("enc-truncated-at-end", BASE.encode() + "日".encode()[:2], (len(BASE.splitlines()) + 1, 1), "not UTF-8: byte 0xe6")
bad("enc-bidi-override", inject("\u202eevil".encode()), _AT_SUMMARY, "forbidden character U+202E")
bad("enc-bidi-isolate", inject("\u2066x\u2069".encode()), _AT_SUMMARY, "forbidden character U+2066")
bad("enc-zero-width-space", inject("\u200b".encode()), _AT_SUMMARY, "forbidden character U+200B")
bad("enc-bom-in-the-middle", inject("\ufeff".encode()), _AT_SUMMARY, "forbidden character U+FEFF")
bad("enc-line-separator", inject("\u2028".encode()), _AT_SUMMARY, "forbidden character U+2028")
bad("enc-tag-characters", inject("\U000e0041\U000e0042".encode()), _AT_SUMMARY, "forbidden character U+E0041")
bad("enc-noncharacter-fffe", inject("\ufffe".encode()), _AT_SUMMARY, "forbidden character U+FFFE")

# -- YAML syntax ---------------------------------------------------------------------------------------
text_case(
    "yaml-unterminated-double-quote", "    summary: A test person.", '    summary: "A test person.', None, "YAML syntax"
)
text_case(
    "yaml-unterminated-single-quote", "    summary: A test person.", "    summary: 'A test person.", None, "YAML syntax"
)
text_case("yaml-tab-indentation", "    kind: person\n", "\tkind: person\n", "\tkind", "YAML syntax")
text_case("yaml-unclosed-flow-sequence", "aliases: [Lovelace]", "aliases: [Lovelace", None, "YAML syntax")
text_case("yaml-unclosed-flow-mapping", "aliases: [Lovelace]", "aliases: {a: Lovelace", None, "YAML syntax")
text_case("yaml-two-documents", "entities:\n", "entities:\n---\nentities:\n", "---", "more than one YAML document")
text_case(
    "yaml-mapping-value-in-a-value", "    name: Ada Lovelace", "    name: Ada: Lovelace", ": Lovelace", "YAML syntax"
)
text_case("yaml-bad-indentation", "    kind: person\n", "   kind: person\n", None, "YAML syntax")
text_case(
    "yaml-unknown-escape",
    "    summary: A test person.",
    '    summary: "A test \\q person."',
    None,
    "unknown escape character",
)
text_case(
    "yaml-escaped-surrogate",
    "    summary: A test person.",
    '    summary: "A test \\ud800 person."',
    None,
    "YAML syntax",
)
text_case(
    "yaml-incompatible-version", "sources:\n", "%YAML 2.0\n---\nsources:\n", "%YAML", "incompatible YAML document"
)
text_case(
    "yaml-complex-key",
    "    kind: person\n",
    "    ? [kind]\n    : person\n",
    "[kind]",
    "a mapping key must be plain text",
)
bad("yaml-truncated", BASE[: BASE.index("aliases: [Lov") + len("aliases: [Lov")].encode(), "any", "YAML syntax")
bad("yaml-top-level-list", b"- sources\n- entities\n", (1, 1), "must be a mapping of fields, not a list")
bad("yaml-top-level-text", b"just some text\n", (1, 1), "must be a mapping of fields, not text")

# -- resource attacks ------------------------------------------------------------------------------------
_LAUGHS = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)
bad("res-billion-laughs", _LAUGHS.encode(), (1, 4), "anchors (&a) are not allowed")
bad("res-recursive-alias", b"sources: &s [*s]\nentities: []\n", (1, 10), "anchors (&s) are not allowed")
bad("res-alias-without-anchor", b"sources: *s\nentities: []\n", (1, 10), "aliases (*name) are not allowed")
bad("res-deep-flow-nesting-30000", b"sources: " + b"[" * 30_000 + b"\n", (1, 19), "nested deeper than 10 levels")
bad(
    "res-empty-mapping-flood",
    b"sources: [" + b"{}," * 3_000_000 + b"{}]\nentities: []\n",
    "any",
    "more lists and mappings than a fact file this size holds",
)  # ~1 GB of tree before the limit
bad(
    "res-deep-block-nesting",
    ("sources:\n" + "".join(f"{'  ' * i}k{i}:\n" for i in range(1, 12)) + "  " * 12 + "x\n").encode(),
    (11, 21),
    "nested deeper than 10 levels",
)
text_case(
    "res-10-mb-scalar",
    "    summary: A test person.",
    "    summary: " + "x" * 10_000_000,
    "x" * 20,
    "text longer than 100,000 characters",
)
text_case(
    "res-long-key",
    "    kind: person\n",
    "    ? " + "k" * 200_000 + "\n    : person\n",
    "k" * 20,
    "text longer than 100,000 characters",
)
text_case("res-long-simple-key", "    kind: person\n", "    " + "k" * 2000 + ": person\n", None, "YAML syntax")
text_case(
    "res-huge-anchor-name",
    "    summary: A test person.",
    "    summary: &" + "a" * 5000 + " A test person.",
    "&",
    "anchors (&aaaa",
)
text_case(
    "res-5000-digit-number", "        value: 1\n", "        value: " + "9" * 5000 + "\n", "9" * 20, "is not a number"
)
text_case("res-nan", "        value: 1\n", "        value: .nan\n", ".nan", "'.nan' is not a number")
text_case("res-infinity", "        value: 1\n", "        value: .inf\n", ".inf", "'.inf' is not a number")
text_case("res-exponent", "        value: 1\n", "        value: 1e400\n", "1e400", "'1e400' is not a number")

# -- schema ------------------------------------------------------------------------------------------------
text_case(
    "schema-duplicate-top-level-key",
    "entities:\n",
    "sources: []\nentities:\n",
    "sources: []",
    "duplicate key 'sources'",
)
text_case(
    "schema-duplicate-key-in-entity",
    "    kind: person\n",
    "    kind: person\n    kind: place\n",
    "kind: place",
    "duplicate key 'kind' (first at line 15)",
)
text_case(
    "schema-duplicate-entity-id",
    "  - id: first-program",
    "  - id: analytical-society",
    "analytical-society\n",
    "duplicate entity id 'analytical-society'",
    nth=3,
)
text_case("schema-duplicate-source-id", "  - id: s2", "  - id: s1", "s1\n", "duplicate source id 's1'", nth=3)
text_case("schema-merge-key", "    kind: person\n", "    <<: {kind: person}\n", "<<", "merge keys (<<) are not allowed")
text_case(
    "schema-python-object-apply-tag",
    "    summary: A test person.",
    "    summary: !!python/object/apply:os.system ['touch CANARY']",
    "!!python",
    "tags (tag:yaml.org,2002:python/object/apply:os.system)",
)
text_case(
    "schema-python-object-new-tag",
    "    summary: A test person.",
    "    summary: !!python/object/new:builtins.open ['CANARY', 'w']",
    "!!python",
    "tags (tag:yaml.org,2002:python/object/new",
)
text_case(
    "schema-python-name-tag",
    "    summary: A test person.",
    "    summary: !!python/name:os.system ''",
    "!!python",
    "tags (",
)
text_case(
    "schema-harmless-str-tag",
    "    summary: A test person.",
    "    summary: !!str A test person.",
    "!!str",
    "tags (tag:yaml.org,2002:str)",
)
text_case(
    "schema-local-tag",
    "    summary: A test person.",
    "    summary: !person A test person.",
    "!person",
    "tags (!person)",
)
text_case(
    "schema-misspelled-field",
    "    aliases: [Lovelace]",
    "    alias: [Lovelace]",
    "alias:",
    "unknown field 'alias' in an entity (did you mean 'aliases'?)",
)
text_case(
    "schema-misspelled-required-field",
    "    summary: A test person.",
    "    summray: A test person.",
    "id: ada-lovelace",
    "an entity is missing the required field 'summary' (and 1 more; run 'factcli check')",
)
text_case(
    "schema-unknown-top-level-field",
    "entities:\n",
    "extras: 1\nentities:\n",
    "extras",
    "unknown field 'extras' in the fact file",
)
text_case(
    "schema-misspelled-kind",
    "    kind: person",
    "    kind: persn",
    "persn",
    "'persn' is not a known kind (did you mean 'person'?)",
)
text_case(
    "schema-misspelled-relation", "relation: member-of", "relation: memberof", "memberof", "(did you mean 'member-of'?)"
)
text_case(
    "schema-missing-name", "    name: Ada Lovelace\n", "", "id: ada-lovelace", "missing the required field 'name'"
)
text_case(
    "schema-claims-not-a-list",
    BASE[BASE.index("    claims:\n      - text: Wrote") : BASE.index("  - id: analytical")],
    "    claims: Wrote the first program.\n",
    "Wrote",
    "entity 'claims' must be a list, not text 'Wrote the first program.'",
)
text_case(
    "schema-aliases-a-mapping",
    "aliases: [Lovelace]",
    "aliases: {a: Lovelace}",
    "{a:",
    "'aliases' must be a list, not a mapping",
)
text_case(
    "schema-name-a-list",
    "    name: Ada Lovelace",
    "    name: [Ada, Lovelace]",
    "[Ada",
    "'name' must be text, not a list",
)
text_case("schema-empty-name", "    name: Ada Lovelace", "    name: ''", "''", "'name' is empty")
text_case("schema-blank-name", "    name: Ada Lovelace", "    name: '   '", "'   '", "'name' is empty")
text_case(
    "schema-empty-quote", "            quote: the first program", "            quote: ''", "''", "the quote is empty"
)
text_case(
    "schema-impossible-date", "        date: 1843\n", "        date: 2024-02-30\n", "2024-02-30", "impossible date"
)
text_case("schema-month-13", "        date: 1843\n", "        date: 1843-13\n", "1843-13", "there is no month 13")
text_case("schema-year-0", "        date: 1843\n", "        date: 0000-01\n", "0000-01", "there is no year 0")
text_case(
    "schema-period-backwards", "        date: 1843\n", "        date: 1990/1980\n", "1990/1980", "ends before it starts"
)
text_case("schema-prose-date", "        date: 1843\n", "        date: May 1843\n", "May 1843", "is not a date")
text_case("schema-arabic-indic-date", "        date: 1843\n", "        date: ١٨٤٣\n", "١٨٤٣", "is not a date")
text_case("schema-fullwidth-number", "        value: 1\n", "        value: １\n", "１", "is not a number")
text_case(
    "schema-dangling-related",
    "related: analytical-society",
    "related: analytical-societi",
    "analytical-societi",
    "'related' refers to unknown entity 'analytical-societi' (did you mean 'analytical-society'?)",
)
text_case(
    "schema-dangling-source",
    "          - source: s1\n",
    "          - source: s3\n",
    "s3",
    "citation refers to unknown source 's3'",
)
text_case(
    "schema-dangling-attributed-to",
    "        date: 1843\n",
    "        date: 1843\n        attributed_to: nobody\n",
    "nobody",
    "'attributed_to' refers to unknown entity 'nobody'",
)
text_case(
    "schema-javascript-url",
    "url: https://example.org/s1",
    "url: javascript:alert(1)",
    "javascript",
    "is not an http(s) URL",
)
text_case("schema-ftp-url", "url: https://example.org/s1", "url: ftp://example.org/s1", "ftp:", "is not an http(s) URL")
text_case(
    "schema-file-url", "url: https://example.org/s1", "url: file:///etc/passwd", "file:///", "is not an http(s) URL"
)
text_case("schema-id-not-a-slug", "  - id: ada-lovelace", "  - id: Ada_Lovelace", "Ada_Lovelace", "must be a slug")
text_case(
    "schema-figure-without-claims",
    "    summary: A test figure.\n    claims:\n      - text: One program was written.\n        value: 1\n"
    "        unit: programs\n        qualifier: about\n        citations:\n          - source: s2\n            quote: one program\n",
    "    summary: A test figure.\n",
    "id: programs-written",
    "a figure needs at least one claim",
)
text_case(
    "schema-quote-too-long",
    "            quote: the first program",
    "            quote: " + "q" * 301,
    "q" * 20,
    "the quote is 301 characters",
)
text_case(
    "schema-approximate-without-note",
    "    published_note: inferred from the text\n",
    "",
    "2019-05~",
    "needs a 'published_note'",
)
text_case(
    "schema-date-on-a-person",
    "    summary: A test person.\n",
    "    summary: A test person.\n    date: 1843\n",
    "1843\n",
    "only events have a 'date'",
)
text_case(
    "schema-claim-without-citations",
    "        citations:\n          - source: s1\n            quote: the first program\n",
    "        citations: []\n",
    "[]",
    "a claim needs at least one citation",
)
text_case(
    "schema-relation-without-related", "        related: analytical-society\n", "", "member-of", "needs 'related'"
)

# -- command line (on the valid BASE) ------------------------------------------------------------------------
_VALID = BASE.encode()


def cli_case(case_id: str, args: tuple[str, ...], says: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
    bad(case_id, _VALID, None, says, args=args, **kwargs)


cli_case("cli-unknown-option", ("who", "Ada", "--bogus", "--facts", "{facts}"), "No such option: --bogus")
cli_case("cli-unknown-format", ("who", "Ada", "--format", "xml", "--facts", "{facts}"), "'xml' is not one of")
cli_case("cli-unknown-command", ("frobnicate", "--facts", "{facts}"), "No such command 'frobnicate'")
cli_case("cli-limit-zero", ("who", "Ada", "--limit", "0", "--facts", "{facts}"), "0 is not in the range 1<=x<=10000")
cli_case("cli-limit-negative", ("who", "Ada", "--limit", "-1", "--facts", "{facts}"), "-1 is not in the range")
cli_case("cli-limit-not-a-number", ("who", "Ada", "--limit", "ten", "--facts", "{facts}"), "'ten' is not a valid int")
cli_case("cli-limit-huge", ("who", "Ada", "--limit", "1" + "0" * 30, "--facts", "{facts}"), "is not in the range")
cli_case(
    "cli-min-score-over-100", ("who", "Ada", "--min-score", "101", "--facts", "{facts}"), "101.0 is not in the range"
)
cli_case("cli-min-score-nan", ("who", "Ada", "--min-score", "nan", "--facts", "{facts}"), "nan is not in the range")
cli_case("cli-missing-query", ("who", "--facts", "{facts}"), "Missing argument 'query'")
cli_case("cli-facts-without-a-path", ("who", "Ada", "--facts"), "Option '--facts' requires an argument")
cli_case("cli-empty-query", ("who", "", "--facts", "{facts}"), "the query is empty")
cli_case("cli-blank-query", ("search", " \t ", "--facts", "{facts}"), "the query is empty")
cli_case("cli-empty-id", ("show", "", "--facts", "{facts}"), "the query is empty")
cli_case(
    "cli-100k-query",
    ("search", "q" * 100_000, "--facts", "{facts}"),
    "the query is 100,000 characters; the limit is 1,000",
)
cli_case(
    "cli-1-mb-query-on-stdin",
    ("who", "-", "--facts", "{facts}"),
    "stdin line 2: the query is longer than 1,000 characters",
    stdin=b"Ada\n" + b"q" * 1_000_000 + b"\n",
)
cli_case(
    "cli-impossible-from-date",
    ("timeline", "--from", "2024-02-30", "--facts", "{facts}"),
    "--from: '2024-02-30' is an impossible date",
)
cli_case(
    "cli-garbage-to-date",
    ("timeline", "--to", "\x1b[2Jsoon", "--facts", "{facts}"),
    "--to: '\\x1b[2Jsoon' is not a date",
)


assert len({case.id for case in CASES}) == len(CASES), "case ids must be unique"


@dataclass
class Outcome:
    facts: Path
    work: Path
    result: subprocess.CompletedProcess[bytes]
    before: dict[str, tuple[int, int, int, str]]
    after: dict[str, tuple[int, int, int, str]]


def _run_case(case: Bad, root: Path) -> Outcome:
    """One case in its own directory (work, cache, HOME), snapshotted before and after."""
    work, cache = root / "work", root / "cache"
    work.mkdir(parents=True)
    cache.mkdir()
    if case.prepare is not None:
        facts = case.prepare(work)
    else:
        assert case.data is not None
        facts = work / "facts.yaml"
        facts.write_bytes(case.data)
    args = [arg.replace("{facts}", str(facts)) for arg in case.args]
    env = isolated_env(root, cache, case.env)
    before = snapshot(root)
    try:
        result = run(args, env=env, cwd=work, input=case.stdin)
        return Outcome(facts, work, result, before, snapshot(root))
    finally:
        if case.prepare is _unreadable:
            facts.chmod(stat.S_IRUSR | stat.S_IWUSR)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    """Every case run once, several processes at a time (the suite has a time budget)."""
    base = tmp_path_factory.mktemp("must-fail")
    return run_all({case.id: functools.partial(_run_case, case, base / case.id) for case in CASES if not case.skip})


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_must_fail(case: Bad, outcomes: dict[str, Outcome]) -> None:
    if case.skip:
        pytest.skip(case.skip)
    outcome = outcomes[case.id]
    line = assert_one_clean_error_line(outcome.result)
    assert case.says in line, f"expected {case.says!r} in {line!r}"
    position = error_position(line)
    if case.where is None:
        assert position is None, f"no position expected: {line!r}"
    else:
        assert position is not None, f"expected FILE:LINE:COL in {line!r}"
        assert position[0] == str(outcome.facts), line
        if isinstance(case.where, tuple):
            assert position[1:] == case.where, line
        elif isinstance(case.where, int):
            assert position[1] == case.where, line
    assert outcome.after == outcome.before, "the run wrote, changed or removed files"
    assert not (outcome.work / "CANARY").exists()


def test_the_catalogue_is_big_enough() -> None:
    assert len(CASES) >= 60
    categories = {case.id.split("-")[0] for case in CASES}
    assert categories == {"file", "enc", "yaml", "res", "schema", "cli"}


if __name__ == "__main__":  # list the catalogue: python -m tests.robustness.test_robust_must_fail
    for case in CASES:
        print(case.id, file=sys.stdout)
