"""Results -> table / json / jsonl / csv / tsv, for every command, in one place.

The table is drawn with Rich on a terminal and as plain ``|``-separated lines otherwise
(no colour, nothing that wraps a fact over two lines, so ``grep`` works). Every piece of
fact-base text is handed to Rich as ``Text`` (never markup) after ``printable`` has
escaped control, bidi and zero-width characters; JSON escapes them by itself; CSV cells
that a spreadsheet would read as a formula get a leading apostrophe.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable, Sequence
from typing import IO, Any

from .model import Claim, Entity, Source
from .query import Answer, Catalog, Match, SearchHit, TimelineEntry

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


# -- JSON shapes (the contract documented in the README) -----------------------------------
def claim_json(claim: Claim, catalog: Catalog) -> dict[str, Any]:
    date, as_of = claim.date, claim.as_of
    if date is None:
        data: dict[str, Any] = {
            "text": claim.text,
            "subject": claim.subject,
            "date": None,
            "date_precision": None,
            "date_start": None,
            "date_end": None,
            "date_approximate": None,
        }
    else:
        text, precision, start, end, approximate = _period_json(date)
        data = {
            "text": claim.text,
            "subject": claim.subject,
            "date": text,
            "date_precision": precision,
            "date_start": start,
            "date_end": end,
            "date_approximate": approximate,
        }
    data["as_of"] = None if as_of is None else _period_json(as_of)[0]
    if claim.value is not None or claim.qualifier:
        data["value"] = claim.value
        data["unit"] = claim.unit
        data["qualifier"] = claim.qualifier
    related, attributed_to = claim.related, claim.attributed_to
    data["relation"] = claim.relation
    data["related"] = related
    data["related_name"] = None if related is None else catalog.name_of(related)
    data["attributed_to"] = attributed_to
    data["attributed_to_name"] = None if attributed_to is None else catalog.name_of(attributed_to)
    data["attribution"] = claim.attribution
    data["citations"] = [{"source": c.source, "quote": c.quote} for c in claim.citations]
    return data


_PERIODS: dict[int, tuple[Any, tuple[str, str, str, str, bool]]] = {}  # id -> (period, its JSON fields)


def _period_json(period: Any) -> tuple[str, str, str, str, bool]:
    """A period's text, precision, first and last day and approximateness (remembered: the cache shares
    one Period among the claims with the same date, so a batch meets the same few again and again)."""
    known = _PERIODS.get(id(period))
    if known is not None and known[0] is period:
        return known[1]
    fields = (str(period), period.precision, period.earliest(), period.latest(), period.approximate)
    if len(_PERIODS) >= 1 << 16:
        _PERIODS.clear()
    _PERIODS[id(period)] = (period, fields)  # the period is kept alive, so its id is not reused
    return fields


def entity_json(
    entity: Entity, catalog: Catalog, score: float | None, matched: str | None, claims: Iterable[Claim] | None = None
) -> dict[str, Any]:
    return {
        "id": entity.id,
        "kind": entity.kind,
        "name": entity.name,
        "aliases": list(entity.aliases),
        "score": score,
        "summary": entity.summary,
        "matched": matched,
        "date": str(entity.date) if entity.date else None,
        "claims": [claim_json(c, catalog) for c in (entity.claims if claims is None else claims)],
    }


class _EntityText:
    """``_dumps(entity_json(m.entity, catalog, m.score, m.matched), ensure_ascii=...)`` written directly.

    A batch prints ~3.5 entities with ~17 claims a query; decoding them into the model's
    objects, building their dicts and handing those to json's encoder cost more than matching.
    This writes the same text from the entity's cache record (``Match.record``; an entity
    not from the cache is turned into one), field by field, with json's own string encoder,
    numbers and ``null``/``true``/``false`` as json writes them, and json's default separators;
    ``_safe`` then applies ``_dumps``' extra escapes to the whole document. A record that does not
    have the shape ``cache.entity_record`` gives falls back to ``entity_json``
    (``tests/test_cache.py`` checks that both agree).
    """

    def __init__(self, catalog: Catalog, ascii_only: bool) -> None:
        from json.encoder import encode_basestring, encode_basestring_ascii

        from .cache import _period, entity_record

        self.catalog = catalog
        self.string = encode_basestring_ascii if ascii_only else encode_basestring
        self._encoder = _encoder(ensure_ascii=ascii_only)
        self._to_record = entity_record
        self._to_period = _period
        self._dates: dict[Any, str] = {}  # a date's record -> its five claim fields, written

    def value(self, value: Any) -> str:
        """Any JSON value, as the encoder writes it inside a document (``None`` -> ``null``)."""
        if value is None:
            return "null"
        kind = value.__class__
        if kind is str:
            return self.string(value)  # type: ignore[no-any-return]
        if kind is float and value - value == 0.0:  # finite (json writes float.__repr__; nan and infinities differ)
            return float.__repr__(value)
        if kind is int:
            return int.__repr__(value)
        return self._encoder.encode(value)

    def _date(self, record: Any) -> str:
        """A claim's five date fields, from the date's record (dates repeat: years, decades)."""
        fields = self._dates.get(record)
        if fields is None:
            text, precision, start, end, approximate = _period_json(self._to_period(record))
            value = self.value
            fields = (
                f'"date": {value(text)}, "date_precision": {value(precision)}, "date_start": {value(start)}, '
                f'"date_end": {value(end)}, "date_approximate": {value(approximate)}'
            )
            if len(self._dates) >= 1 << 16:
                self._dates.clear()
            self._dates[record] = fields
        return fields

    def __call__(self, match: Match) -> str:
        record = match.record()
        try:
            if record is None:  # not from the cache: its record, unless it holds what a record cannot
                entity = match.entity
                if any(claim.subject != entity.id for claim in entity.claims):
                    raise ValueError("a claim about another subject")
                record = self._to_record(entity)
            return self._entity(record, match.score, match.matched)
        except Exception:  # noqa: BLE001  # not the shape written by entity_record: the general path says what is wrong
            return self._encoder.encode(entity_json(match.entity, self.catalog, match.score, match.matched))

    def _entity(self, record: tuple, score: float | None, matched: str | None) -> str:  # type: ignore[type-arg]
        string, value, date_fields, name_of, period = (
            self.string,
            self.value,
            self._date,
            self.catalog.name_of,
            self._to_period,
        )
        entity_id, kind, name, summary, aliases, date, claim_records = record
        subject = string(entity_id)
        claims = []
        for (
            text,
            cites,
            relation,
            related,
            when,
            as_of,
            number,
            unit,
            qualifier,
            attributed_to,
            attribution,
        ) in claim_records:
            head = (
                f'{{"text": {string(text)}, "subject": {subject}, '
                + (_NO_DATE if when is None else date_fields(when))
                + (', "as_of": null' if as_of is None else f', "as_of": {value(str(period(as_of)))}')
            )
            if number is not None or qualifier:
                head += f', "value": {value(number)}, "unit": {value(unit)}, "qualifier": {value(qualifier)}'
            citations = ", ".join(
                [f'{{"source": {string(source)}, "quote": {string(quote)}}}' for source, quote in cites]
            )
            claims.append(
                f'{head}, "relation": {"null" if relation is None else value(relation)}, '
                + (
                    '"related": null, "related_name": null, '
                    if related is None
                    else f'"related": {value(related)}, "related_name": {value(name_of(related))}, '
                )
                + (
                    '"attributed_to": null, "attributed_to_name": null, '
                    if attributed_to is None
                    else f'"attributed_to": {value(attributed_to)}, "attributed_to_name": {value(name_of(attributed_to))}, '
                )
                + f'"attribution": {"null" if attribution is None else value(attribution)}, "citations": [{citations}]}}'
            )
        return (
            f'{{"id": {subject}, "kind": {string(kind)}, "name": {string(name)}, '
            f'"aliases": [{", ".join([string(alias) for alias in aliases])}], "score": {value(score)}, '
            f'"summary": {string(summary)}, "matched": {value(matched)}, '
            f'"date": {"null" if date is None else value(str(period(date)))}, "claims": [{", ".join(claims)}]}}'
        )


_NO_DATE = '"date": null, "date_precision": null, "date_start": null, "date_end": null, "date_approximate": null'


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


class Renderer:
    """Writes one command's results in the chosen format to ``out``."""

    def __init__(self, fmt: str | None, out: IO[str] | None = None) -> None:
        self.out = out or sys.stdout
        self.terminal = is_terminal(self.out)
        self.format = fmt or "table"
        self.color = self.terminal and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
        self._console: Any = None

    # -- low-level writers ----------------------------------------------------------------
    @property
    def console(self) -> Any:
        if self._console is None:
            from rich.console import Console

            self._console = Console(
                file=self.out,
                markup=False,
                emoji=False,
                highlight=False,
                no_color=not self.color,
                force_terminal=self.color or None,
                color_system="auto" if self.color else None,
                soft_wrap=False,
            )
        return self._console

    def _json(self, data: Any) -> None:
        self.out.write(
            _dumps(data, ensure_ascii=not _can_encode_unicode(self.out), indent=2 if self.terminal else None)
        )
        self.out.write("\n")

    def _jsonl(self, rows: Iterable[Any]) -> None:
        ascii_only = not _can_encode_unicode(self.out)
        for row in rows:
            self.out.write(_dumps(row, ensure_ascii=ascii_only) + "\n")

    def _delimited(self, rows: Iterable[dict[str, Any]], columns: tuple[str, ...]) -> None:
        import csv

        writer = csv.writer(self.out, delimiter="\t" if self.format == "tsv" else ",", lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            cells = []
            for column in columns:
                value = row.get(column)
                cell = "" if value is None else str(value)
                if self.format == "tsv":
                    cell = cell.replace("\t", " ").replace("\n", " ")
                cells.append(spreadsheet_safe(self._shown(cell)))
            writer.writerow(cells)

    def line(self, text: str = "") -> None:
        """One output line; a line break inside a fact shows as ``\\n`` so it cannot forge a line."""
        self.out.write(self._shown(text).replace("\n", "\\n") + "\n")

    def _shown(self, text: str) -> str:
        """Text as it may be shown: controls escaped, and only what the stream's encoding can carry."""
        return _encodable(printable(text), self.out)

    def _claim_rows(self, catalog: Catalog, entity: Entity, claims: Iterable[Claim]) -> Iterable[dict[str, Any]]:
        for claim in claims:
            yield {
                "entity": entity.id,
                "name": entity.name,
                "kind": entity.kind,
                "claim": claim.text,
                "date": claim.date,
                "as_of": claim.as_of,
                "value": claim.value,
                "unit": claim.unit,
                "qualifier": claim.qualifier,
                "relation": claim.relation,
                "related": catalog.name_of(claim.related),
                "attributed_to": catalog.name_of(claim.attributed_to) or claim.attribution,
                "sources": "; ".join(c.source for c in claim.citations),
                "quotes": " | ".join(c.quote for c in claim.citations),
            }

    # -- commands -------------------------------------------------------------------------
    def answer(self, catalog: Catalog, answer: Answer, *, claims_for: dict[str, list[Claim]] | None = None) -> None:
        """who / what / figure / show / said: an array of matches, best first."""
        matches = answer.matches

        def claims_of(entity: Entity) -> Iterable[Claim]:
            return claims_for.get(entity.id, []) if claims_for is not None else entity.claims

        if self.format in ("json", "jsonl"):
            rows = [entity_json(m.entity, catalog, m.score, m.matched, claims_of(m.entity)) for m in matches]
            self._json(rows) if self.format == "json" else self._jsonl(rows)
        elif self.format in ("csv", "tsv"):
            self._delimited(
                (row for m in matches for row in self._claim_rows(catalog, m.entity, claims_of(m.entity))), CSV_COLUMNS
            )
        elif answer.ambiguous:
            self._candidates(answer)
        else:
            for number, match in enumerate(matches[:1]):
                self._entity_table(catalog, match.entity, claims_of(match.entity))
            if len(matches) > 1:
                others = ", ".join(f"{m.entity.name} ({m.score:g})" for m in matches[1:])
                self.line(f"Other matches: {others}")

    def batch(self, catalog: Catalog, answers: list[Answer]) -> None:
        """``who -``: one answer per query, in the order asked.

        jsonl: one array of matches per line (``[]`` for a miss), so line N answers query N;
        json: one document, an array of ``{"query", "status", "matches"}``; csv/tsv: one
        header and a leading ``query`` column; table: one section per query.
        """
        if self.format == "jsonl":
            text = _EntityText(catalog, not _can_encode_unicode(self.out))
            write = self.out.write
            for answer in answers:
                write(_safe("[" + ", ".join([text(m) for m in answer.matches]) + "]") + "\n")
        elif self.format == "json" and not self.terminal:  # one line, as _json writes it off a terminal
            text = _EntityText(catalog, not _can_encode_unicode(self.out))
            self.out.write(
                _safe(
                    "["
                    + ", ".join(
                        [
                            f'{{"query": {text.value(a.query)}, "status": {text.value(_status_word(a))}, "matches": ['
                            + ", ".join([text(m) for m in a.matches])
                            + "]}"
                            for a in answers
                        ]
                    )
                    + "]"
                )
            )
            self.out.write("\n")
        elif self.format == "json":
            self._json(
                [
                    {
                        "query": a.query,
                        "status": _status_word(a),
                        "matches": [entity_json(m.entity, catalog, m.score, m.matched) for m in a.matches],
                    }
                    for a in answers
                ]
            )
        elif self.format in ("csv", "tsv"):
            rows = (
                {"query": a.query, **row}
                for a in answers
                for m in a.matches
                for row in self._claim_rows(catalog, m.entity, m.entity.claims)
            )
            self._delimited(rows, ("query",) + CSV_COLUMNS)
        else:
            for answer in answers:
                self.line(f"== {answer.query}")
                if not answer.matches:
                    self.line("(no match)")
                    continue
                self.answer(catalog, answer)

    def _candidates(self, answer: Answer) -> None:
        if not self.terminal:
            self.line(f"Several match {answer.query!r}:")
            for m in answer.matches:
                self.line(f"{m.entity.id} | {m.entity.kind} | {m.entity.name} | {m.score:g} | {m.entity.summary}")
            return
        table = self._table(self._shown(f"Several match “{answer.query}”"), ("id", "kind", "name", "score", "summary"))
        for m in answer.matches:
            table.add_row(*self._texts(m.entity.id, m.entity.kind, m.entity.name, f"{m.score:g}", m.entity.summary))
        self.console.print(table)

    def _entity_table(self, catalog: Catalog, entity: Entity, claims: Iterable[Claim]) -> None:
        claims = list(claims)
        related = []
        for claim in claims:
            for target in (claim.related, claim.attributed_to):
                name = catalog.name_of(target)
                if name and name not in related and target != entity.id:
                    related.append(name)
        header = [f"{entity.name}  [{entity.kind}]" + (f"  {entity.date}" if entity.date else ""), entity.summary]
        if entity.aliases:
            header.append("Also known as: " + ", ".join(entity.aliases))
        rows = [
            self._claim_cells(catalog, c, about=None if c.subject == entity.id else catalog.name_of(c.subject))
            for c in claims
        ]
        figure = entity.kind == "figure"
        values = {c.value for c in claims if c.value is not None}
        if not self.terminal:
            for text in header:
                self.line(text)
            for cells in rows:
                self.line(" | ".join(c for c in cells if c))
            if figure and len(values) > 1:
                self.line("Discrepancy: sources give " + " / ".join(_number(v) for v in sorted(values)))
            if related:
                self.line("Related: " + ", ".join(related))
            return
        from rich.text import Text

        console = self.console
        console.print(Text(self._shown(header[0]), style="bold"))
        for text in header[1:]:
            console.print(Text(self._shown(text)))
        columns = (
            ("date", "value", "claim", "related", "said by", "source: quote")
            if figure
            else ("date", "claim", "related", "said by", "source: quote")
        )
        table = self._table(None, columns)
        for cells in rows:
            table.add_row(*self._texts(*(cells if figure else (cells[0],) + tuple(cells[2:]))))
        console.print(table)
        if figure and len(values) > 1:
            console.print(
                Text("Discrepancy: sources give " + " / ".join(_number(v) for v in sorted(values)), style="bold yellow")
            )
        if related:
            console.print(Text(self._shown("Related: " + ", ".join(related))))

    def _claim_cells(self, catalog: Catalog, claim: Claim, about: str | None = None) -> tuple[str, ...]:
        """date, value, claim, related, said by, citations; ``about`` names another subject (``said``)."""
        date = str(claim.date) if claim.date else (f"as of {claim.as_of}" if claim.as_of else "")
        value = ""
        if claim.value is not None or claim.qualifier:
            value = " ".join(
                x for x in (claim.qualifier, _number(claim.value) if claim.value is not None else None, claim.unit) if x
            )
        related = ""
        if claim.related:
            related = (
                f"{claim.relation}: {catalog.name_of(claim.related)}"
                if claim.relation
                else str(catalog.name_of(claim.related))
            )
        said = catalog.name_of(claim.attributed_to) or claim.attribution or ""
        cites = "; ".join(f'{c.source}: "{c.quote}"' for c in claim.citations)
        text = f"{about}: {claim.text}" if about else claim.text
        return (date, value, text, related, said, cites)

    def search(self, hits: list[SearchHit], catalog: Catalog | None = None) -> None:
        rows = [
            {
                "id": h.entity.id,
                "kind": h.entity.kind,
                "name": h.entity.name,
                "score": h.score,
                "field": h.field,
                "text": h.text,
                "citations": [{"source": c.source, "quote": c.quote} for c in (h.claim.citations if h.claim else ())],
            }
            for h in hits
        ]
        if catalog is not None and self.format in ("json", "jsonl"):
            # the match contract of who/what/figure (claims: the one that matched, or all of them)
            rows = [
                {**entity_json(h.entity, catalog, h.score, h.text, [h.claim] if h.claim else None), **row}
                for h, row in zip(hits, rows)
            ]
        if self.format == "json":
            self._json(rows)
        elif self.format == "jsonl":
            self._jsonl(rows)
        elif self.format in ("csv", "tsv"):
            self._delimited(rows, ("id", "name", "kind", "score", "field", "text"))
        else:
            self._simple(
                ("score", "entity", "field", "text"), [(f"{h.score:g}", h.entity.name, h.field, h.text) for h in hits]
            )

    def timeline(self, catalog: Catalog, entries: list[TimelineEntry]) -> None:
        rows: list[dict[str, Any]] = []
        for e in entries:
            citations = e.claim.citations if e.claim else ()
            rows.append(
                {
                    "date": str(e.when),
                    "precision": e.when.precision,
                    "start": e.when.earliest(),
                    "end": e.when.latest(),
                    "approximate": e.when.approximate,
                    "id": e.entity.id,
                    "name": e.entity.name,
                    "kind": e.entity.kind,
                    "text": e.claim.text if e.claim else e.entity.summary,
                    "citations": [{"source": c.source, "quote": c.quote} for c in citations],
                }
            )
        if self.format == "json":
            self._json(rows)
        elif self.format == "jsonl":
            self._jsonl(rows)
        elif self.format in ("csv", "tsv"):
            self._delimited(
                ({**r, "sources": _source_ids(r["citations"])} for r in rows),
                ("date", "precision", "id", "name", "text", "sources"),
            )
        else:
            self._simple(
                ("date", "precision", "entity", "what", "source"),
                [(r["date"], r["precision"], r["name"], r["text"], _source_ids(r["citations"])) for r in rows],
            )

    def sources(self, sources: list[tuple[Source, int]]) -> None:
        rows = [source_json(s, n) for s, n in sources]
        if self.format == "json":
            self._json(rows)
        elif self.format == "jsonl":
            self._jsonl(rows)
        elif self.format in ("csv", "tsv"):
            self._delimited(rows, ("id", "title", "author", "publisher", "published", "file", "claims"))
        else:
            self._simple(
                ("id", "published", "title", "author / publisher", "file", "claims"),
                [
                    (
                        r["id"],
                        r["published"],
                        r["title"],
                        " / ".join(x for x in (r["author"], r["publisher"]) if x),
                        r["file"],
                        str(r["claims"]),
                    )
                    for r in rows
                ],
            )

    def stats(self, stats: dict[str, Any]) -> None:
        if self.format in ("json", "jsonl"):
            self.out.write(json.dumps(stats, indent=2 if self.format == "json" and self.terminal else None) + "\n")
            return
        if self.format in ("csv", "tsv"):
            flat = [{"metric": k, "value": v} for k, v in stats.items() if not isinstance(v, (dict, list))]
            flat += [
                {"metric": f"{k}.{sub}", "value": v}
                for k, d in stats.items()
                if isinstance(d, dict)
                for sub, v in d.items()
            ]
            self._delimited(flat, ("metric", "value"))
            return
        span = stats["date_span"]
        rows = [("entities", str(stats["entities"]), "")]
        rows += [(f"  {kind}", str(n), "") for kind, n in stats["by_kind"].items()]
        rows += [
            (key.replace("_", " "), str(stats[key]), "")
            for key in ("claims", "citations", "sources", "figures", "dated_claims", "dated_events")
        ]
        rows.append(("date span", f"{span[0]} .. {span[1]}" if span else "-", ""))
        rows.append(
            ("discrepancies", str(len(stats["discrepancies"])), ", ".join(d["name"] for d in stats["discrepancies"]))
        )
        for title, counts in (
            ("claims per source", stats["claims_per_source"]),
            ("claims per decade", stats["claims_per_decade"]),
        ):
            top = max(counts.values(), default=0) or 1
            bar = "█" if self.terminal and _can_encode_unicode(self.out) else "#"
            rows += [
                (f"{title}: {key}", str(n), bar * max(1, round(24 * n / top)) if n else "") for key, n in counts.items()
            ]
        self._simple(("metric", "count", ""), rows)

    # -- helpers --------------------------------------------------------------------------
    def _table(self, title: str | None, columns: Iterable[str]) -> Any:
        from rich import box
        from rich.table import Table

        table = Table(title=title, box=box.SIMPLE_HEAD if self.color else box.ASCII, show_lines=False, highlight=False)
        for column in columns:
            table.add_column(column, overflow="fold", justify="right" if column in _NUMERIC_COLUMNS else "left")
        return table

    def _texts(self, *cells: str) -> list[Any]:
        from rich.text import Text

        return [Text(self._shown(cell)) for cell in cells]

    def _simple(self, columns: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
        if not rows:  # nothing found: stdout stays empty, as grep's does
            return
        if not self.terminal:
            self.line(" | ".join(_trimmed(columns)))
            for row in rows:
                self.line(" | ".join(_trimmed(row)))
            return
        table = self._table(None, columns)
        for row in rows:
            table.add_row(*self._texts(*row))
        self.console.print(table)


def _source_ids(citations: list[dict[str, str]]) -> str:
    """The sources a claim cites, each once (a claim may quote one source twice)."""
    return "; ".join(dict.fromkeys(c["source"] for c in citations))


def _trimmed(cells: tuple[str, ...]) -> tuple[str, ...]:
    """Cells without the empty ones at the end, so a plain line does not end in ' | '."""
    end = len(cells)
    while end > 1 and not cells[end - 1]:
        end -= 1
    return cells[:end]


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


__all__ = ["FORMATS", "Renderer", "printable", "spreadsheet_safe"]
