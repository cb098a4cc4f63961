"""The whole loop of growing a fact base, on a temporary copy of the shipped one (issue 13):
add a source, draft it, append, check (drafts counted), replace the drafts one by one
(`check --strict` fails until none is left), then `who` finds the new entity with its citation.

The article is a short text written for this test, not news.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from .conftest import ROOT, SEEDS, run_factcli

ARTICLE = """\
Lakeside Chess Club Opens a New Hall

The Lakeside Chess Club opened a new hall in Millbrook on Saturday, its president Marta Quell said.

The club now has 42 members, according to Marta Quell.
"""


def test_add_draft_append_check_replace_and_find(tmp_path: Path) -> None:
    facts = tmp_path / "facts.yaml"
    shutil.copyfile(ROOT / "facts.yaml", facts)
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    base = ("--facts", str(facts))
    env = {"FACTCLI_CACHE_DIR": str(tmp_path / "cache")}

    def factcli(*args: str):
        return run_factcli(*args, *base, env=env)

    def check(*extra: str):
        return factcli("check", "--sources", str(SEEDS), *extra)

    # 1. sources add: the text copied beside the fact file, its entry and sha256 inserted
    added = factcli(
        "sources", "add", str(article), "--id", "lakeside-chess",
        "--title", "Lakeside Chess Club Opens a New Hall", "--published", "2021-03",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert (tmp_path / "sources" / "lakeside-chess.txt").read_text(encoding="utf-8") == ARTICLE
    assert check().returncode == 0
    quoted = factcli("quote", "lakeside-chess", "the club has 42 members", "-f", "json")  # found as check finds it
    assert quoted.returncode == 0, quoted.stderr
    assert json.loads(quoted.stdout)[0]["quote"] in ARTICLE

    # 2. draft it: YAML in the fact base's own schema, every claim a verbatim quote, marked draft
    drafted = factcli("draft", "lakeside-chess")
    assert drafted.returncode == 0, drafted.stderr
    proposal = drafted.stdout.decode()
    assert "marta-quell" in proposal and "draft:" in proposal and "TODO:" in proposal
    for quote in re.findall(r'quote: "(.*)"', proposal):
        assert json.loads(f'"{quote}"') in ARTICLE  # verbatim

    # 3. append under entities: and check: accepted, the drafts counted
    with facts.open("a", encoding="utf-8") as out:
        out.write(proposal)
    counted = check()
    assert counted.returncode == 0, counted.stderr
    drafts = len(re.findall(r"^        draft: ", proposal, re.M))
    placeholders = proposal.count("TODO: describe")
    assert f"{drafts} drafts" in (counted.stdout + counted.stderr).decode()
    strict = check("--strict")
    assert strict.returncode == 1 and b"draft" in strict.stdout + strict.stderr

    # 4. a curator replaces the drafts one at a time: --strict fails until the last is gone
    text = facts.read_text(encoding="utf-8")
    marks = [m for m in re.finditer(r"\n        draft: .*", text)]
    assert len(marks) == drafts
    for n in range(drafts):
        text = re.sub(r"\n        draft: .*", "", text, count=1)  # our own words now (kept short here)
        facts.write_text(text, encoding="utf-8")
        still = check("--strict")
        assert still.returncode == 1, (n, still.stderr)  # placeholders or drafts remain
    text = text.replace('summary: "TODO: describe"', "summary: A fixture entity described by the curator.")
    facts.write_text(text, encoding="utf-8")
    done = check("--strict")
    assert done.returncode == 0, done.stderr + done.stdout
    assert placeholders >= 1

    # 5. who finds the new entity, with its citation
    found = factcli("who", "Marta Quell", "-f", "json")
    assert found.returncode == 0, found.stderr
    (entity,) = json.loads(found.stdout)[:1]
    assert entity["id"] == "marta-quell"
    cited = {(c["source"], c["quote"]) for claim in entity["claims"] for c in claim["citations"]}
    assert ("lakeside-chess", "The club now has 42 members, according to Marta Quell.") in cited
    assert all("draft" not in claim for claim in entity["claims"])
