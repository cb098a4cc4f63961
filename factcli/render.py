"""Results -> table / json / jsonl / csv / tsv, for every command, in one place.

The table is drawn with Rich on a terminal and as plain `` | ``-separated lines otherwise
(a header line, every row with the same fields, nothing that wraps a fact over two lines,
so ``grep`` and ``cut`` work: ``PlainRenderer``). Colour only styles the layout the stream
gets (``wants_color``); a terminal answer taller than the screen is paged (``pager.py``). Every piece of
fact-base text is handed to Rich as ``Text`` (never markup) after ``printable`` has
escaped control, bidi and zero-width characters; JSON escapes them by itself; CSV cells
that a spreadsheet would read as a formula get a leading apostrophe.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from .errors import UsageError
from .model import Claim, Entity, Period, Source
from .query import Answer, Match, SearchHit, TimelineEntry

FORMATS = ("table", "json", "jsonl", "csv", "tsv")
_NUMERIC_COLUMNS = frozenset({"count", "score", "claims"})  # right-aligned in a Rich table
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
    "\U000e0000-\U000e007f]"  # Unicode tag characters: invisible ASCII look-alikes
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = ("entity", "name", "kind", "claim", "date", "as_of", "value", "unit", "qualifier",
               "relation", "related", "attributed_to", "sources", "quotes")  # fmt: skip


def printable(text: str) -> str:
    """Escape what a terminal would obey instead of show: ESC -> ``\\x1b``, U+202E -> ``\\u202e``."""
    if text.isascii() and text.isprintable():
        return text
    return _UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def spreadsheet_safe(cell: str) -> str:
    """Neutralize a CSV cell that a spreadsheet would evaluate (=, +, -, @)."""
    if cell.startswith(_FORMULA_START) and not _is_number(cell):
        return "'" + cell
    return cell


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


# -- the output stream, described once (httpie's Environment) ------------------------------
COLOR_MODES = ("auto", "always", "never")


def wants_color(mode: str | bool | None, terminal: bool, environ: Mapping[str, str] | None = None) -> bool:
    """Colour or not: ``--color always|never`` > ``NO_COLOR`` > ``FORCE_COLOR`` > auto.

    ``NO_COLOR`` and ``FORCE_COLOR`` count when set to anything but the empty string
    (no-color.org, force-color.org); auto is a terminal whose ``TERM`` is not ``dumb``.
    Colour never changes a layout: it only adds ANSI styles to the one chosen for the stream.
    """
    if isinstance(mode, bool):
        return mode
    if mode == "always":
        return True
    if mode == "never":
        return False
    if mode not in (None, "auto"):
        raise ValueError(f"unknown colour mode {mode!r}; use one of {', '.join(COLOR_MODES)}")
    environ = os.environ if environ is None else environ
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return terminal and environ.get("TERM") != "dumb"


class Environment:
    """Where the answer goes and what it can show: chosen once per command, passed in.

    A test describes the terminal it wants (``Environment(out, terminal=True, width=80)``)
    instead of faking ``isatty``. The layout follows ``terminal`` alone (Rich on a terminal,
    plain lines off one); ``color`` (``wants_color``: a bool, or ``auto``/``always``/``never``)
    only decides whether ANSI styles are added to it.

    With ``pager=True`` (the command line's default; ``--no-pager`` turns it off) a terminal
    answer is drawn into ``pager.Screen`` first, and ``finish()`` shows it, through the pager
    when it is taller than the screen (``pager.py``). Off a terminal nothing is held back.
    """

    def __init__(
        self,
        stdout: IO[str] | None = None,
        *,
        terminal: bool | None = None,
        color: bool | str | None = None,
        width: int | None = None,
        pager: bool = False,
    ) -> None:
        self.stdout = stdout or sys.stdout
        self.terminal = is_terminal(self.stdout) if terminal is None else terminal
        self.color = wants_color(color, self.terminal)
        self.width = width  # None: as wide as the terminal says it is
        self.unicode = _can_encode_unicode(self.stdout)
        self.warnings: list[str] = []  # what the pager had to say, for the command line to say on stderr
        self._pager: str | None = None
        self._screen: Any = None
        if pager and self.terminal:
            from . import pager as paging  # noqa: PLC0415 (lazy: only a terminal pages)

            self._pager = paging.command()
            if self._pager is not None:
                self._screen = paging.Screen(self.stdout)
                self.stdout = self._screen

    def finish(self) -> list[str]:
        """Show what was held back for the pager (nothing to do otherwise); the warnings to say."""
        screen, self._screen = self._screen, None
        if screen is None:
            return self.warnings
        from . import pager as paging  # noqa: PLC0415 (lazy: only a terminal pages)

        self.stdout = screen.terminal
        self.warnings += paging.show(screen.getvalue(), screen.terminal, self._pager)
        return self.warnings


def renderer_for(fmt: str | None, env: Environment | None = None) -> Renderer:
    """The one renderer for this format on this stream; every command's output goes through it."""
    env = env or Environment()
    fmt = fmt or "table"
    if fmt in ("json", "jsonl"):
        return JsonRenderer(env, lines=fmt == "jsonl")
    if fmt in ("csv", "tsv"):
        return DelimitedRenderer(env, tabs=fmt == "tsv")
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return RichRenderer(env) if env.terminal else PlainRenderer(env)


# -- JSON shapes (the contract documented in the README) -----------------------------------
def entity_json(
    entity: Entity, score: float | None, matched: str | None, claims: Iterable[Claim] | None = None
) -> dict[str, Any]:
    """An entity as the JSON contract has it, as a dict: what ``_JsonText`` writes, read back.

    One writer, so the batch path and every other path cannot drift apart; a dict is wanted
    only off the batch path (indented output on a terminal, ``search``'s merged rows).
    """
    data: dict[str, Any] = json.loads(_JsonText(ascii_only=False).entity(entity, score, matched, claims))
    return data


_PERIODS: dict[int, tuple[Any, tuple[str, str, str, str, bool]]] = {}  # id -> (period, its JSON fields)


def period_json(period: Any) -> tuple[str, str, str, str, bool]:
    """A period's text, precision, first and last day and approximateness (remembered: the store shares
    one Period among the claims with the same date, so a batch meets the same few again and again)."""
    known = _PERIODS.get(id(period))
    if known is not None and known[0] is period:
        return known[1]
    fields = (str(period), period.precision, period.earliest(), period.latest(), period.approximate)
    if len(_PERIODS) >= 1 << 16:
        _PERIODS.clear()
    _PERIODS[id(period)] = (period, fields)  # the period is kept alive, so its id is not reused
    return fields


DRAFT_MARK = "(draft)"  # before a draft claim's text in a table: its words are still the source's

# a claim that links to nothing and quotes no speaker (most claims): written once
_NO_LINKS = (
    '"relation": null, "related": null, "related_name": null, '
    '"attributed_to": null, "attributed_to_name": null, "attribution": null, '
)


class _JsonText:
    """Entities and claims as the JSON contract writes them: exactly ``json.dumps``' text.

    Written field by field (a batch writes ~10^5 claims; building dicts for ``json.dumps`` cost
    more than matching): strings through json's own encoder function, numbers and
    ``null``/``true``/``false`` as json writes them, json's default separators. ``_safe`` then
    applies ``_dumps``' extra escapes to the whole document. tests/test_cache.py holds the text
    to what ``json.dumps`` writes for the same data, on three fact bases and three encodings.
    """

    def __init__(self, ascii_only: bool) -> None:
        from json.encoder import encode_basestring, encode_basestring_ascii  # noqa: PLC0415 (lazy: only JSON output)

        self.string = encode_basestring_ascii if ascii_only else encode_basestring
        self._encoder = _encoder(ensure_ascii=ascii_only)
        self._dates: dict[int, tuple[Any, str]] = {}  # id(period) -> (period, its five date fields written)
        self._undated = self._date_fields(None)

    def value(self, value: Any) -> str:
        """Any JSON value, as the encoder writes it inside a document (``None`` -> ``null``)."""
        if value is None:
            return "null"
        kind = value.__class__
        if kind is str:
            return self.string(value)
        if kind is float and value - value == 0.0:  # finite (json writes float.__repr__; nan and infinities differ)
            return float.__repr__(value)
        if kind is int:
            return int.__repr__(value)
        return self._encoder.encode(value)

    def _text(self, text: str | None) -> str:
        return "null" if text is None else self.string(text)

    def _date_fields(self, period: Period | None) -> str:
        """A claim's five date fields, written (remembered: dates repeat)."""
        if period is None:
            date: tuple[Any, ...] = (None, None, None, None, None)
        else:
            known = self._dates.get(id(period))
            if known is not None and known[0] is period:
                return known[1]
            date = period_json(period)
        text, precision, start, end, approximate = map(self.value, date)
        written = (
            f'"date": {text}, "date_precision": {precision}, "date_start": {start}, '
            f'"date_end": {end}, "date_approximate": {approximate}'
        )
        if period is not None:
            if len(self._dates) >= 1 << 12:
                self._dates.clear()
            self._dates[id(period)] = (period, written)  # the period is kept alive: its id stays its own
        return written

    def claim(self, claim: Claim, subject: str | None = None) -> str:
        """A claim's JSON; ``subject``: its subject's id already written (a whole entity's claims share it)."""
        string, text = self.string, self._text
        date = self._undated if claim.date is None else self._date_fields(claim.date)
        as_of = "null" if claim.as_of is None else string(period_json(claim.as_of)[0])
        number = ""  # value, unit and qualifier: only on a claim that gives a number
        if claim.value is not None or claim.qualifier:
            number = (
                f'"value": {self.value(claim.value)}, "unit": {text(claim.unit)}, '
                f'"qualifier": {text(claim.qualifier)}, '
            )
        if claim.relation is None and claim.related is None and claim.attributed_to is None and not claim.attribution:
            links = _NO_LINKS
        else:
            links = (
                f'"relation": {text(claim.relation)}, "related": {text(claim.related)}, '
                f'"related_name": {text(claim.related_name)}, "attributed_to": {text(claim.attributed_to)}, '
                f'"attributed_to_name": {text(claim.attributed_to_name)}, "attribution": {text(claim.attribution)}, '
            )
        citations = ", ".join(
            [f'{{"source": {string(c.source)}, "quote": {string(c.quote)}}}' for c in claim.citations]
        )
        # a draft (``factcli draft``) says so; a finished claim's JSON is as it always was
        draft = "" if claim.draft is None else f'"draft": true, "draft_note": {string(claim.draft)}, '
        return (
            f'{{"text": {string(claim.text)}, "subject": {subject or string(claim.subject)}, {date}, "as_of": {as_of}, '
            f'{number}{links}{draft}"citations": [{citations}]}}'
        )

    def entity(self, entity: Entity, score: float | None, matched: str | None, claims: Iterable[Claim] | None) -> str:
        string, value, write = self.string, self.value, self.claim
        entity_id, own = entity.id, string(entity.id)
        aliases = ", ".join([string(alias) for alias in entity.aliases])
        outside = ", ".join([string(alias) for alias in entity.outside_aliases])
        former = ", ".join([string(old) for old in entity.former_ids])
        written = ", ".join(
            [write(c, own if c.subject == entity_id else None) for c in (entity.claims if claims is None else claims)]
        )
        return (
            f'{{"id": {own}, "kind": {string(entity.kind)}, "name": {string(entity.name)}, '
            f'"aliases": [{aliases}], "outside_aliases": [{outside}], "former_ids": [{former}], '
            f'"score": {value(score)}, "summary": {string(entity.summary)}, '
            f'"matched": {value(matched)}, "date": {"null" if entity.date is None else string(str(entity.date))}, '
            f'"claims": [{written}]}}'
        )

    def match(self, match: Match) -> str:
        return self.entity(match.entity, match.score, match.matched, match.claims)


def source_json(source: Source, count: int) -> dict[str, Any]:
    return {
        "id": source.id,
        "title": source.title,
        "author": source.author,
        "publisher": source.publisher,
        "published": str(source.published),
        "published_approximate": source.published.approximate,
        "published_note": source.published_note,
        "file": source.file,
        "url": source.url,
        "claims": count,
    }


def search_json(hit: SearchHit) -> dict[str, Any]:
    return {
        "id": hit.entity.id,
        "kind": hit.entity.kind,
        "name": hit.entity.name,
        "score": hit.score,
        "field": hit.field,
        "text": hit.text,
        "citations": [{"source": c.source, "quote": c.quote} for c in (hit.claim.citations if hit.claim else ())],
        "sources": hit.sources,
    }


def timeline_json(entry: TimelineEntry) -> dict[str, Any]:
    when, entity, claim = entry.when, entry.entity, entry.claim
    return {
        "date": str(when),
        "precision": when.precision,
        "start": when.earliest(),
        "end": when.latest(),
        "approximate": when.approximate,
        "id": entity.id,
        "name": entity.name,
        "kind": entity.kind,
        "text": claim.text if claim else entity.summary,
        "citations": [{"source": c.source, "quote": c.quote} for c in (claim.citations if claim else ())],
    }


def claim_row(entity: Entity, claim: Claim) -> dict[str, Any]:
    """One CSV/TSV row: a claim with its entity (``CSV_COLUMNS``)."""
    return {
        "entity": entity.id,
        "name": entity.name,
        "kind": entity.kind,
        "claim": f"{DRAFT_MARK} {claim.text}" if claim.draft is not None else claim.text,
        "date": claim.date,
        "as_of": claim.as_of,
        "value": claim.value,
        "unit": claim.unit,
        "qualifier": claim.qualifier,
        "relation": claim.relation,
        "related": claim.related_name,
        "attributed_to": claim.attributed_to_name or claim.attribution,
        "sources": "; ".join(c.source for c in claim.citations),
        "quotes": " | ".join(c.quote for c in claim.citations),
    }


# -- renderers -----------------------------------------------------------------------------
class Renderer:
    """Writes one command's results to the environment's stdout; one subclass per kind of output."""

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.out = env.stdout

    def answer(self, answer: Answer) -> None:
        """who / what / figure / show / said: the matches, best first."""
        raise NotImplementedError

    def batch(self, answers: list[Answer]) -> None:
        """``who -``: one answer per query, in the order asked."""
        raise NotImplementedError

    def search(self, hits: list[SearchHit]) -> None:
        raise NotImplementedError

    def timeline(self, entries: list[TimelineEntry]) -> None:
        raise NotImplementedError

    def sources(self, sources: list[tuple[Source, int]]) -> None:
        raise NotImplementedError

    def stats(self, stats: dict[str, Any]) -> None:
        raise NotImplementedError

    def finish(self) -> list[str]:
        """The answer is drawn: show it (through the pager, if one is waiting); the warnings to say."""
        return self.env.finish()

    def line(self, text: str = "") -> None:
        """One output line; a line break inside a fact shows as ``\\n`` so it cannot forge a line."""
        self.out.write(self._shown(text).replace("\n", "\\n") + "\n")

    def _shown(self, text: str) -> str:
        """Text as it may be shown: controls escaped, and only what the stream's encoding can carry."""
        return _encodable(printable(text), self.out)


class JsonRenderer(Renderer):
    """json (one document; indented on a terminal) or jsonl (one document a line)."""

    def __init__(self, env: Environment, *, lines: bool) -> None:
        super().__init__(env)
        self.lines = lines
        self.ascii_only = not env.unicode
        self.indent = 2 if env.terminal and not lines else None

    def _write(self, rows: list[Any]) -> None:
        if self.lines:
            for row in rows:
                self.out.write(_dumps(row, ensure_ascii=self.ascii_only) + "\n")
        else:
            self._document(rows)

    def _document(self, data: Any) -> None:
        self._whole(_dumps(data, ensure_ascii=self.ascii_only, indent=self.indent))

    def _whole(self, document: str) -> None:
        # the newline on its own: a reader gone mid-document (EPIPE after a partial write) is then
        # reported by this write, where a single write would let the buffer drop it without a word
        self.out.write(document)
        self.out.write("\n")

    def answer(self, answer: Answer) -> None:
        self._write([entity_json(m.entity, m.score, m.matched, m.claims) for m in answer.matches])

    def batch(self, answers: list[Answer]) -> None:
        """jsonl: one array of matches per line (``[]`` for a miss), so line N answers query N;
        json: one document, an array of ``{"query", "status", "matches"}``."""
        if self.indent is not None:
            self._document(
                [
                    {
                        "query": a.query,
                        "status": _status_word(a),
                        "matches": [entity_json(m.entity, m.score, m.matched, m.claims) for m in a.matches],
                    }
                    for a in answers
                ]
            )
            return
        text = _JsonText(self.ascii_only)
        if self.lines:
            write = self.out.write
            for answer in answers:
                write(_safe("[" + ", ".join([text.match(m) for m in answer.matches]) + "]") + "\n")
            return
        documents = [
            f'{{"query": {text.value(a.query)}, "status": {text.value(_status_word(a))}, "matches": ['
            + ", ".join([text.match(m) for m in a.matches])
            + "]}"
            for a in answers
        ]
        self._whole(_safe("[" + ", ".join(documents) + "]"))

    def search(self, hits: list[SearchHit]) -> None:
        # the match contract of who/what/figure (claims: the one that matched, or all of them), and the hit's own
        self._write(
            [{**entity_json(h.entity, h.score, h.text, [h.claim] if h.claim else None), **search_json(h)} for h in hits]
        )

    def timeline(self, entries: list[TimelineEntry]) -> None:
        self._write([timeline_json(e) for e in entries])

    def sources(self, sources: list[tuple[Source, int]]) -> None:
        self._write([source_json(s, n) for s, n in sources])

    def stats(self, stats: dict[str, Any]) -> None:
        self._document(stats)


class DelimitedRenderer(Renderer):
    """csv or tsv: one header row, then one row per claim (or hit, entry, source, metric)."""

    def __init__(self, env: Environment, *, tabs: bool) -> None:
        super().__init__(env)
        self.tabs = tabs

    def _rows(self, rows: Iterable[dict[str, Any]], columns: tuple[str, ...]) -> None:
        import csv  # noqa: PLC0415 (lazy: only CSV output)

        writer = csv.writer(self.out, delimiter="\t" if self.tabs else ",", lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            cells = []
            for column in columns:
                value = row.get(column)
                cell = "" if value is None else str(value)
                if self.tabs:
                    cell = cell.replace("\t", " ").replace("\n", " ")
                cells.append(spreadsheet_safe(self._shown(cell)))
            writer.writerow(cells)

    def answer(self, answer: Answer) -> None:
        self._rows((claim_row(m.entity, c) for m in answer.matches for c in m.claims), CSV_COLUMNS)

    def batch(self, answers: list[Answer]) -> None:
        rows = ({"query": a.query, **claim_row(m.entity, c)} for a in answers for m in a.matches for c in m.claims)
        self._rows(rows, ("query", *CSV_COLUMNS))

    def search(self, hits: list[SearchHit]) -> None:
        rows = ({**row, "sources": "; ".join(row["sources"])} for row in map(search_json, hits))
        self._rows(rows, ("id", "name", "kind", "score", "field", "text", "sources"))

    def timeline(self, entries: list[TimelineEntry]) -> None:
        rows = ({**r, "sources": _source_ids(r["citations"])} for r in map(timeline_json, entries))
        self._rows(rows, ("date", "precision", "id", "name", "text", "sources"))

    def sources(self, sources: list[tuple[Source, int]]) -> None:
        rows = (source_json(s, n) for s, n in sources)
        self._rows(rows, ("id", "title", "author", "publisher", "published", "file", "claims"))

    def stats(self, stats: dict[str, Any]) -> None:
        flat = [{"metric": k, "value": v} for k, v in stats.items() if not isinstance(v, (dict, list))]
        flat += [
            {"metric": f"{k}.{sub}", "value": v}
            for k, d in stats.items()
            if isinstance(d, dict)
            for sub, v in d.items()
        ]
        self._rows(flat, ("metric", "value"))


class EntityView:
    """What a reader sees of one entity: header lines, a row of cells per claim, discrepancy, related names.

    ``claims`` (the rows' claims, in order) and ``sources`` (the fact base's sources by id) are
    for the terminal's footnotes (``Footnotes``).
    """

    def __init__(self, entity: Entity, claims: Iterable[Claim], sources: Mapping[str, Source] | None = None) -> None:
        claims = list(claims)
        self.claims = claims
        self.sources: Mapping[str, Source] = sources or {}
        self.header = [f"{entity.name}  [{entity.kind}]" + (f"  {entity.date}" if entity.date else ""), entity.summary]
        if entity.aliases:
            self.header.append("Also known as: " + ", ".join(entity.aliases))
        if entity.outside_aliases:
            self.header.append("Also (not in the articles): " + ", ".join(entity.outside_aliases))
        if entity.former_ids:
            self.header.append("Formerly: " + ", ".join(entity.former_ids))
        self.figure = entity.kind == "figure"
        self.rows = [_claim_cells(c, about=None if c.subject == entity.id else c.subject_name) for c in claims]
        values = sorted({c.value for c in claims if c.value is not None})
        self.discrepancy = (
            "Discrepancy: sources give " + " / ".join(_number(v) for v in values)
            if self.figure and len(values) > 1
            else ""
        )
        related: list[str] = []
        for claim in claims:
            for target, name in ((claim.related, claim.related_name), (claim.attributed_to, claim.attributed_to_name)):
                if name and name not in related and target != entity.id:
                    related.append(name)
        self.related = "Related: " + ", ".join(related) if related else ""


def _claim_cells(claim: Claim, about: str | None = None) -> tuple[str, ...]:
    """date, value, claim, related, said by, citations; ``about`` names another subject (``said``)."""
    date = str(claim.date) if claim.date else (f"as of {claim.as_of}" if claim.as_of else "")
    value = ""
    if claim.value is not None or claim.qualifier:
        number = _number(claim.value) if claim.value is not None else None
        value = " ".join(x for x in (claim.qualifier, number, claim.unit) if x)
    related = ""
    if claim.related:
        related = f"{claim.relation}: {claim.related_name}" if claim.relation else str(claim.related_name)
    said = claim.attributed_to_name or claim.attribution or ""
    cites = "; ".join(f'{c.source}: "{c.quote}"' for c in claim.citations)
    text = f"{DRAFT_MARK} {claim.text}" if claim.draft is not None else claim.text
    text = f"{about}: {text}" if about else text
    return (date, value, text, related, said, cites)


class TextRenderer(Renderer):
    """The table format, for people: Rich on a terminal (``RichRenderer``), plain lines otherwise."""

    bar = "#"

    def answer(self, answer: Answer) -> None:
        matches = answer.matches
        if answer.ambiguous:
            self._candidates(answer)
            return
        if matches:
            self._entity(EntityView(matches[0].entity, matches[0].claims, answer.sources))
        if len(matches) > 1:
            others = ", ".join(f"{m.entity.name} ({m.score:g})" for m in matches[1:])
            self.line(f"Other matches: {others}")

    def batch(self, answers: list[Answer]) -> None:
        for answer in answers:
            self.line(f"== {answer.query}")
            if not answer.matches:
                self.line("(no match)")
                continue
            self.answer(answer)

    def search(self, hits: list[SearchHit]) -> None:
        self._simple(
            ("score", "entity", "field", "text", "source"),
            [(f"{h.score:g}", h.entity.name, h.field, h.text, "; ".join(h.sources)) for h in hits],
        )

    def timeline(self, entries: list[TimelineEntry]) -> None:
        rows = [
            (r["date"], r["precision"], r["name"], r["text"], _source_ids(r["citations"]))
            for r in map(timeline_json, entries)
        ]
        self._simple(("date", "precision", "entity", "what", "source"), rows)

    def sources(self, sources: list[tuple[Source, int]]) -> None:
        rows = [
            (
                s.id,
                str(s.published),
                s.title,
                " / ".join(x for x in (s.author, s.publisher) if x),
                s.file,
                str(n),
            )
            for s, n in sources
        ]
        self._simple(("id", "published", "title", "author / publisher", "file", "claims"), rows)

    def stats(self, stats: dict[str, Any]) -> None:
        span = stats["date_span"]
        rows = [("entities", str(stats["entities"]), "")]
        rows += [(f"  {kind}", str(n), "") for kind, n in stats["by_kind"].items()]
        rows += [
            (key.replace("_", " "), str(stats[key]), "")
            for key in ("claims", "citations", "sources", "figures", "dated_claims", "dated_events")
        ]
        rows.append(("date span", f"{span[0]} .. {span[1]}" if span else "-", ""))
        discrepancies = stats["discrepancies"]
        rows.append(("discrepancies", str(len(discrepancies)), ", ".join(d["name"] for d in discrepancies)))
        for title, counts in (
            ("claims per source", stats["claims_per_source"]),
            ("claims per decade", stats["claims_per_decade"]),
        ):
            top = max(counts.values(), default=0) or 1
            rows += [
                (f"{title}: {key}", str(n), self.bar * max(1, round(24 * n / top)) if n else "")
                for key, n in counts.items()
            ]
        self._simple(("metric", "count", ""), rows)

    def _candidates(self, answer: Answer) -> None:
        raise NotImplementedError

    def _entity(self, view: EntityView) -> None:
        raise NotImplementedError

    def _simple(self, columns: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
        raise NotImplementedError


CLAIM_FIELDS = ("date", "value", "claim", "related", "said by", "source: quote")  # an entity's claim rows
CANDIDATE_FIELDS = ("id", "kind", "name", "score", "summary")
_PLAIN_ESCAPES = str.maketrans({"\n": "\\n", "\t": "\\t", "|": "\\x7c"})
_BOLD, _WARN = "1", "1;33"  # SGR styles, when colour is forced on a pipe


class PlainRenderer(TextRenderer):
    """The table format off a terminal: lines for grep, cut and awk.

    A table is one header line naming its fields, then one line per row, every row with the
    same fields in the same places, joined by `` | `` (an empty field stays: ``a |  | c``).
    In every line, text from the fact base has its line breaks as ``\\n``, tabs as ``\\t`` and
    ``|`` as ``\\x7c`` (so no field holds the separator), controls as ``printable`` shows them.
    An entity's name, summary and aliases come before its claims' table and its discrepancy
    and related names after it, each a line without a `` | ``. With colour forced
    (``--color always``, ``FORCE_COLOR``) the header lines are bold; the rows never change.
    """

    def line(self, text: str = "", style: str = "") -> None:
        shown = self._shown(text).translate(_PLAIN_ESCAPES)
        if style and self.env.color and shown:
            shown = f"\x1b[{style}m{shown}\x1b[0m"
        self.out.write(shown + "\n")

    def _table(self, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
        header = " | ".join(self._shown(c or "detail").translate(_PLAIN_ESCAPES) for c in columns)
        write = self.out.write
        write((f"\x1b[{_BOLD}m{header}\x1b[0m" if self.env.color else header) + "\n")
        for row in rows:
            write(" | ".join(self._shown(cell).translate(_PLAIN_ESCAPES) for cell in row) + "\n")

    def _candidates(self, answer: Answer) -> None:
        self.line(f"Several match {answer.query!r}:")
        self._table(
            CANDIDATE_FIELDS,
            [(m.entity.id, m.entity.kind, m.entity.name, f"{m.score:g}", m.entity.summary) for m in answer.matches],
        )

    def _entity(self, view: EntityView) -> None:
        self.line(view.header[0], _BOLD)
        for text in view.header[1:]:
            self.line(text)
        if view.rows:
            self._table(CLAIM_FIELDS, view.rows)
        if view.discrepancy:
            self.line(view.discrepancy, _WARN)
        if view.related:
            self.line(view.related)

    def _simple(self, columns: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
        if not rows:  # nothing found: stdout stays empty, as grep's does
            return
        self._table(columns, rows)


def _cut_at_a_space(text: str, width: int) -> str:
    """``text`` if it fits in ``width`` cells, else its words that fit and "…" (never half a word or a number)."""
    from rich.cells import cell_len  # noqa: PLC0415 (lazy: only a terminal)

    if cell_len(text) <= width:
        return text
    words = text.split(" ")
    while len(words) > 1 and cell_len(" ".join(words)) + 1 > width:
        words.pop()
    return " ".join(words) + "…"


class Footnotes:
    """The citations of the claims a terminal shows, as numbered footnotes.

    One number per quote of a source, in the order the claims first cite it: a claim citing two
    sentences gets two marks, and claims citing the same sentence share its number.
    """

    def __init__(self) -> None:
        self.numbers: dict[tuple[str, str], int] = {}  # (source id, quote) -> its number, in number order

    def marks(self, claim: Claim) -> list[int]:
        numbers = self.numbers
        return list(dict.fromkeys(numbers.setdefault((c.source, c.quote), len(numbers) + 1) for c in claim.citations))

    def runs(self) -> list[tuple[str, list[tuple[int, str]]]]:
        """``(source id, [(number, quote), ...])`` for each run of consecutive notes quoting one source."""
        runs: list[tuple[str, list[tuple[int, str]]]] = []
        for (source, quote), number in self.numbers.items():
            if not runs or runs[-1][0] != source:
                runs.append((source, []))
            runs[-1][1].append((number, quote))
        return runs


class RichRenderer(TextRenderer):
    """The table format on a terminal, laid out for reading: every fact-base text as ``Text``, never markup.

    An entity is its header, its claims (date, text, citation marks, then what it is related to and
    who said it) and the quotes as numbered footnotes under their source's id and title. Columns
    that are empty in every row are left out; ids, dates and numbers never wrap, and text wraps
    only at spaces.
    """

    def __init__(self, env: Environment) -> None:
        super().__init__(env)
        self.bar = "█" if env.unicode else "#"
        self.arrow = "→" if env.unicode else "->"
        self._console: Any = None

    @property
    def console(self) -> Any:
        if self._console is None:
            from rich.console import Console  # noqa: PLC0415 (lazy: only a terminal)

            color = self.env.color
            dumb = os.environ.get("TERM") in ("dumb", "unknown")  # Rich finds no colours there: colour forced
            self._console = Console(
                file=self.out,
                markup=False,
                emoji=False,
                highlight=False,
                no_color=not color,
                force_terminal=self.env.terminal,  # the environment decided (Rich would read FORCE_COLOR itself)
                color_system=("standard" if dumb else "auto") if color else None,
                soft_wrap=False,
                width=self.env.width,
            )
        return self._console

    def stats(self, stats: dict[str, Any]) -> None:
        """A picture, not the plain table: totals in a few lines, histograms that fit the width."""
        _StatsPicture(self).draw(stats)

    def line(self, text: str = "") -> None:
        """One line of text, wrapped at spaces to the terminal's width (a terminal would cut words)."""
        self.console.print(self._text(text.replace("\n", "\\n")))

    # -- entities ----------------------------------------------------------------------------
    def _candidates(self, answer: Answer) -> None:
        """id, kind, score, then the name with its summary below (one wide column: two would wrap both)."""
        table = self._grid(
            ("id", "kind", "score", "name / summary"),
            nowrap=("id", "kind", "score"),
            title=self._shown(f"Several match “{answer.query}”"),
        )
        for m in answer.matches:
            cell = self._text(m.entity.name, "bold")
            cell.append("\n" + self._shown(m.entity.summary))
            table.add_row(self._text(m.entity.id), self._text(m.entity.kind), self._text(f"{m.score:g}"), cell)
        self.console.print(table)

    def _entity(self, view: EntityView) -> None:
        console = self.console
        console.print(self._text(view.header[0], "bold"))
        for text in view.header[1:]:
            console.print(self._text(text))
        if view.discrepancy:  # a figure whose sources differ: said before the values
            console.print(self._text(view.discrepancy, "bold yellow"))
        notes = Footnotes()
        rows = [(cells, notes.marks(claim)) for cells, claim in zip(view.rows, view.claims, strict=True)]
        if rows:
            console.print()
            console.print(self._claims(rows, view.figure))
        self._footnotes(notes, view.sources)
        # view.related is not repeated: every related entity and speaker is named on its claim

    def _claims(self, rows: list[tuple[tuple[str, ...], list[int]]], figure: bool) -> Any:
        """The claims, one row each: its date, citation marks, then its text, and what it is related to and
        who said it after an arrow (on the text's own lines: a line of their own would cost a line a claim).

        A figure's rows lead with the value, its date below it, the marks after the text: the values are
        read down one column, and the text keeps the width.
        """
        from rich.table import Table  # noqa: PLC0415 (lazy: only a terminal)

        table = Table.grid(padding=(0, 1))
        dated = any(cells[0] for cells, _ in rows)
        if figure:
            table.add_column(no_wrap=True)
        elif dated:
            table.add_column(no_wrap=True)
        if not figure:
            table.add_column(no_wrap=True, style="cyan")
        table.add_column(overflow="fold")
        for cells, numbers in rows:
            date, value, text, related, said, _cites = cells
            claim = self._text(text)
            marks = "".join(f"[{n}]" for n in numbers)
            if figure:
                claim.append(" " + marks, style="cyan")
            details = "; ".join(d for d in (related, f"said by {said}" if said else "") if d)
            if details:
                claim.append(f" {self.arrow} " + self._shown(details), style="dim")
            if figure:
                lead = self._text(value, "bold")
                if date:
                    lead.append("\n" + self._shown(date))
                table.add_row(lead, claim)
            else:
                table.add_row(*([self._text(_breakable(date))] if dated else []), marks, claim)
        return table

    def _footnotes(self, notes: Footnotes, sources: Mapping[str, Source]) -> None:
        """Each run of notes under its source's id and title (cut to one line): ``[n] "the quote"``."""
        from rich.table import Table  # noqa: PLC0415 (lazy: only a terminal)

        if notes.numbers:
            self.console.print()
        for source_id, quotes in notes.runs():
            heading = self._text(source_id, "bold")
            source = sources.get(source_id)
            if source is not None:
                room = self.console.width - len(source_id) - 2
                heading.append("  " + _cut_at_a_space(self._shown(source.title), room), style="italic")
            self.console.print(heading, no_wrap=True, overflow="ellipsis")  # one line: `sources` has it whole
            table = Table.grid(padding=(0, 1))
            table.add_column(no_wrap=True, justify="right", style="cyan")
            table.add_column(overflow="fold")
            for number, quote in quotes:
                table.add_row(f"[{number}]", self._text(f'"{quote}"'))
            self.console.print(table)

    # -- lists -------------------------------------------------------------------------------
    def search(self, hits: list[SearchHit]) -> None:
        """score, field, then the entity's name, the text found (when it is not the name) and its sources."""
        if not hits:  # nothing found: stdout stays empty, as grep's does
            return
        table = self._grid(("score", "field", "entity / text"), nowrap=("score", "field"))
        for hit in hits:
            cell = self._text(hit.entity.name, "bold")
            if hit.text != hit.entity.name:
                cell.append("\n" + self._shown(hit.text))
            if hit.sources:
                cell.append("\n" + self._shown("sources: " + ", ".join(hit.sources)), style="dim")
            table.add_row(self._text(f"{hit.score:g}"), self._text(hit.field), cell)
        self.console.print(table)

    def timeline(self, entries: list[TimelineEntry]) -> None:
        """date, precision, then the entity, what happened and the source ids (no footnotes: a timeline is
        long and paged, and a note pages below its mark would not be read; ``who``/``show`` give the quotes)."""
        if not entries:
            return
        table = self._grid(("date", "precision", "entity: what [sources]"), nowrap=("date", "precision"))
        for row in map(timeline_json, entries):
            cell = self._text(row["name"], "bold")
            cell.append(": " + self._shown(row["text"]))
            ids = _source_ids(row["citations"])
            if ids:
                cell.append(" " + self._shown(f"[{ids}]"), style="dim")
            table.add_row(self._text(_breakable(row["date"])), self._text(row["precision"], "dim"), cell)
        self.console.print(table)

    def sources(self, sources: list[tuple[Source, int]]) -> None:
        """id (its file below it), published, title (its author and publisher below it), claims."""
        if not sources:
            return
        table = self._grid(("id / file", "published", "title", "claims"), nowrap=("id / file", "published", "claims"))
        for source, count in sources:
            ident = self._text(source.id, "bold")
            if source.file:
                ident.append("\n" + self._shown(source.file), style="dim")
            title = self._text(source.title)
            by = " / ".join(x for x in (source.author, source.publisher) if x)
            if by:
                title.append("\n" + self._shown(by), style="dim")
            table.add_row(ident, self._text(str(source.published)), title, self._text(str(count)))
        self.console.print(table)

    # -- stats -------------------------------------------------------------------------------
    def _simple(self, columns: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
        if not rows:  # nothing found: stdout stays empty, as grep's does
            return
        table = self._table(None, columns)
        for row in rows:
            table.add_row(*self._texts(*row))
        self.console.print(table)

    def _table(self, title: str | None, columns: Iterable[str]) -> Any:
        from rich import box  # noqa: PLC0415 (lazy: only a terminal)
        from rich.table import Table  # noqa: PLC0415 (lazy: only a terminal)

        # one grid with colour or without (NO_COLOR takes the colour away, not the layout); Rich
        # substitutes ASCII for it itself when the stream's encoding cannot carry the lines
        table = Table(title=title, box=box.SIMPLE_HEAD, show_lines=False, highlight=False)
        for column in columns:
            table.add_column(column, overflow="fold", justify="right" if column in _NUMERIC_COLUMNS else "left")
        return table

    def _grid(self, columns: tuple[str, ...], *, nowrap: tuple[str, ...], title: str | None = None) -> Any:
        """A table with a header rule and no borders; the ``nowrap`` columns (ids, dates, numbers) keep
        their width, the others wrap at spaces."""
        from rich import box  # noqa: PLC0415 (lazy: only a terminal)
        from rich.table import Table  # noqa: PLC0415 (lazy: only a terminal)

        table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, highlight=False)
        for column in columns:
            table.add_column(
                column,
                no_wrap=column in nowrap,
                overflow="fold",
                justify="right" if column in _NUMERIC_COLUMNS else "left",
            )
        return table

    def _text(self, text: str, style: str | None = None) -> Any:
        from rich.text import Text  # noqa: PLC0415 (lazy: only a terminal)

        return Text(self._shown(text), style=style or "")

    def _texts(self, *cells: str) -> list[Any]:
        return [self._text(cell) for cell in cells]


_LONG_DATE = 11  # a range longer than this ("1959-12/1984-07") is shown on two lines, broken after its slash


def _breakable(date: str) -> str:
    """A date as a terminal column shows it: a long range broken after its ``/``, so the column stays narrow."""
    if len(date) > _LONG_DATE and "/" in date:
        start, _, end = date.partition("/")
        return f"{start}/\n{end}"
    return date


class Picture:
    """A terminal view saved as an image (``--svg``, ``--html``): Rich's own export of what it drew.

    ``with Picture([("svg", path)], title="factcli stats") as renderer: renderer.stats(stats)``
    draws with the ``RichRenderer`` a terminal gets, at a fixed width (80 by default), in colour,
    whatever stdout is, into a recording console; when the block ends without an error, each
    file is written atomically (a temporary file beside it, then a rename). A block that fails
    or draws nothing (a miss) writes nothing. A directory or a path that cannot be written is a
    ``UsageError`` before anything is drawn.
    """

    KINDS = ("svg", "html")

    def __init__(self, files: Sequence[tuple[str, Path]], *, title: str, width: int = 80) -> None:
        for kind, path in files:
            if kind not in self.KINDS:
                raise ValueError(f"unknown picture kind {kind!r}; use one of {', '.join(self.KINDS)}")
            check_writable(path)
        self.files = list(files)
        self.title = title
        self.renderer = _RecordingRenderer(width)

    def __enter__(self) -> RichRenderer:
        return self.renderer

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if kind is not None or not self.renderer.screen.getvalue():
            return
        console = self.renderer.console
        for picture_kind, path in self.files:
            if picture_kind == "svg":
                text = console.export_svg(title=self.title, clear=False)
            else:
                text = console.export_html(clear=False)
            write_atomically(path, text)


class _RecordingRenderer(RichRenderer):
    """``RichRenderer`` drawing into a console that records, the same whatever the environment says."""

    def __init__(self, width: int) -> None:
        import io  # noqa: PLC0415 (lazy: only a picture)

        from rich.console import Console  # noqa: PLC0415 (lazy: only a picture)

        self.screen = io.StringIO()  # what a terminal would have shown: only whether anything was drawn matters
        super().__init__(Environment(self.screen, terminal=True, color=True, width=width))
        self._console = Console(
            file=self.out,
            record=True,
            width=width,
            markup=False,
            emoji=False,
            highlight=False,
            no_color=False,
            force_terminal=True,
            color_system="truecolor",
            soft_wrap=False,
            legacy_windows=False,
            _environ={},  # NO_COLOR, COLUMNS, TERM: a picture does not depend on the shell it is made in
        )


def check_writable(path: Path) -> None:
    """A path a picture can be written to, or a ``UsageError`` that says why not."""
    folder = path.parent
    if path.is_dir():
        raise UsageError(f"cannot write {path}: it is a directory")
    if not folder.is_dir():
        raise UsageError(f"cannot write {path}: no directory {folder}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write {path}: permission denied")


def write_atomically(path: Path, text: str) -> None:
    """The whole text at ``path`` or nothing (``files.write_atomically``); a failure is a usage error."""
    from .files import write_atomically as write  # noqa: PLC0415 (lazy: only a picture or a graph writes)

    try:
        write(path, text)
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None


class _StatsPicture:
    """``stats`` on a terminal, drawn to the console's width (``RichRenderer.stats``).

    Totals flow over as few lines as fit; each histogram row is one line (label, count, a bar
    scaled to the width left), its heading said once; a discrepancy is one line, its name cut
    with an ellipsis only when the values would not fit beside it. No line is wider than the
    console, so nothing wraps.
    """

    INDENT = "  "
    MIN_BAR = 10  # a label is cut before a bar gets narrower than this

    def __init__(self, renderer: RichRenderer) -> None:
        self.shown = renderer._shown
        self.console = renderer.console
        self.width = max(1, self.console.width)
        self.bar = renderer.bar
        unicode = renderer.env.unicode
        self.dot = " · " if unicode else ", "
        self.ellipsis = "…" if unicode else "..."

    def draw(self, stats: dict[str, Any]) -> None:
        span = stats["date_span"]
        kinds = [(kind, n) for kind, n in stats["by_kind"].items()]
        self._flow([("entities", stats["entities"], ":")] + [(kind, n, "") for kind, n in kinds])
        self._flow([(key, stats[key], "") for key in ("claims", "citations", "sources")])
        dated = [("dated claims", stats["dated_claims"], ""), ("dated events", stats["dated_events"], "")]
        self._flow([*dated, ("dates", f"{span[0]} .. {span[1]}" if span else "none", "")])
        histograms = [
            ("claims per source", list(stats["claims_per_source"].items())),
            ("claims per decade", _every_decade(stats["claims_per_decade"])),
        ]
        # one label column and one count column for both, so that their bars start in the same column
        count_width = max((len(_count(n)) for _, rows in histograms for _, n in rows), default=1)
        widest = max((_cells(self.shown(label)) for _, rows in histograms for label, _ in rows), default=1)
        label_width = max(1, min(widest, self.width - len(self.INDENT) - count_width - 2 - self.MIN_BAR))
        for heading, rows in histograms:
            self._print()
            self._print((heading, "bold"))
            self._histogram(rows, label_width, count_width)
        self._discrepancies(stats["discrepancies"])

    def _flow(self, items: list[tuple[str, Any, str]]) -> None:
        """``label value`` items joined by dots, as many to a line as fit; never one cut in two."""
        pieces: list[tuple[str, str]] = []
        used = 0
        for number, (label, value, after) in enumerate(items):
            shown_label, shown_value = self.shown(label), self.shown(_count(value))
            size = _cells(f"{shown_label} {shown_value}{after}")
            gap = "" if number == 0 else (self.dot if not items[number - 1][2] else " ")
            if pieces and used + _cells(gap) + size > self.width:
                self._print(*pieces)
                pieces, used, gap = [], len(self.INDENT), self.INDENT
            pieces += [(gap, ""), (shown_label + " ", ""), (shown_value, "bold"), (after, "")]
            used += _cells(gap) + size
        if pieces:
            self._print(*pieces)

    def _histogram(self, rows: list[tuple[str, int]], label_width: int, count_width: int) -> None:
        bar_room = max(1, self.width - len(self.INDENT) - label_width - 1 - count_width - 1)
        top = max((n for _, n in rows), default=0) or 1
        for label, n in rows:
            length = max(1, round(bar_room * n / top)) if n else 0
            self._print(
                (self.INDENT + self._fit(self.shown(label), label_width, pad=True) + " ", ""),
                (_count(n).rjust(count_width), "bold"),
                (" " + self.bar * length if length else "", "cyan"),
            )

    def _discrepancies(self, discrepancies: list[dict[str, Any]]) -> None:
        self._print()
        if not discrepancies:
            self._print(("discrepancies", "bold"), (": none", ""))
            return
        self._print(("discrepancies", "bold"), (" (figures whose sources disagree)", ""))
        for item in discrepancies:
            values = " / ".join(_number(v) for v in item["values"])
            room = self.width - len(self.INDENT) - 2 - _cells(values)
            name = self.shown(item["name"])
            if room < min(12, _cells(name)):  # too narrow for both: the values on a line of their own
                self._print((self.INDENT + self._fit(name, self.width - len(self.INDENT)), ""))
                self._print((self.INDENT * 2 + values, "bold yellow"))
                continue
            self._print((self.INDENT + self._fit(name, room) + "  ", ""), (values, "bold yellow"))

    def _fit(self, text: str, width: int, *, pad: bool = False) -> str:
        """Text cut to ``width`` cells with an ellipsis if it is longer; padded to it if asked."""
        from rich.cells import set_cell_size  # noqa: PLC0415 (lazy: only a terminal)

        if _cells(text) > width:
            ellipsis = self.ellipsis if width > len(self.ellipsis) else ""
            text = set_cell_size(text, width - len(ellipsis)) + ellipsis
        return set_cell_size(text, width) if pad else text

    def _print(self, *pieces: tuple[str, str]) -> None:
        """One line, never wrapped (cut at the edge, should anything still be too wide)."""
        from rich.text import Text  # noqa: PLC0415 (lazy: only a terminal)

        self.console.print(Text.assemble(*pieces), no_wrap=True, overflow="ellipsis", crop=True)


def _cells(text: str) -> int:
    from rich.cells import cell_len  # noqa: PLC0415 (lazy: only a terminal)

    return cell_len(text)


def _count(value: Any) -> str:
    return _number(value) if isinstance(value, int) else str(value)


def _every_decade(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Claims per decade with the decades between the first and the last that have none (a gap shows)."""
    years = [int(label[:-1]) for label in counts if re.fullmatch(r"-?\d+0s", label)]
    if len(years) != len(counts) or not years:
        return list(counts.items())
    return [(f"{year}s", counts.get(f"{year}s", 0)) for year in range(min(years), max(years) + 1, 10)]


def _source_ids(citations: list[dict[str, str]]) -> str:
    """The sources a claim cites, each once (a claim may quote one source twice)."""
    return "; ".join(dict.fromkeys(c["source"] for c in citations))


def _status_word(answer: Answer) -> str:
    return "ambiguous" if answer.ambiguous else ("found" if answer.matches else "not found")


def _number(value: int | float | None) -> str:
    if value is None:
        return ""
    return f"{value:,}" if isinstance(value, int) else f"{value:,g}"


_ENCODERS: dict[tuple[tuple[str, Any], ...], json.JSONEncoder] = {}


def _dumps(data: Any, **options: Any) -> str:
    """JSON with C1, DEL, bidi and zero-width characters escaped too (json escapes only C0).

    ``json.dumps`` with the same options, its encoder kept (dumps builds one per call unless the
    options are the defaults).
    """
    return _safe(_encoder(**options).encode(data))


def _encoder(**options: Any) -> json.JSONEncoder:
    key = tuple(options.items())
    encoder = _ENCODERS.get(key)
    if encoder is None:
        encoder = _ENCODERS[key] = json.JSONEncoder(**options)
    return encoder


def _safe(text: str) -> str:
    """JSON text with ``_dumps``' extra escapes applied.

    json escapes every C0 character in strings and writes nothing else below a space but an
    indent's newlines, so ASCII output can only need the escape for DEL: output without it is
    returned as it is, without the regular expression's pass.
    """
    if text.isascii() and "\x7f" not in text:
        return text
    return _UNSAFE.sub(_json_escape, text)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # JSON spells a character past the BMP as a surrogate pair
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _can_encode_unicode(stream: IO[str]) -> bool:
    encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("-", "")
    return encoding in ("utf8", "utf16", "utf32", "utf8sig")


def _encodable(text: str, stream: IO[str]) -> str:
    """Text the stream's encoding can carry; anything else becomes a backslash escape."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
        return text
    except (UnicodeEncodeError, LookupError):
        return text.encode(encoding, "backslashreplace").decode(encoding, "replace")


__all__ = ["FORMATS", "Environment", "Picture", "Renderer", "printable", "renderer_for", "spreadsheet_safe"]
