"""Claims as references ready to paste: ``--cite text|md|apa|chicago`` and ``factcli cite ID``.

One block per claim, a blank line between blocks, plain text even on a terminal (no Rich):
the claim, then for each of its citations the verbatim quote and the source's reference.

Styles (the README's "Citing what you find" shows one of each):

- ``text``: ``Source: Title. Author, Publisher. 2004-05 (date inferred: ...). URL``; dates as
  the fact base writes them (ISO), the quote in double quotes.
- ``md``: Markdown; the quote and its reference form a ``> `` block under the claim, the title
  in italics, the url in ``<...>``; Markdown's special characters in fact-base text are
  backslash-escaped, except in the quote, which stays verbatim.
- ``apa``: APA 7's newspaper article, ``Author. (2019, May 16). Title. Publisher. URL``; with
  no author the title comes first; italics are lost in plain text.
- ``chicago``: Chicago's bibliography entry, ``Author. "Title." Publisher, May 16, 2019. URL.``

An inferred date (``2004-05~``, a source's ``published_note`` says why) is never given as
certain: ``text`` and ``md`` write ``2004-05 (date inferred: <the note's first clause>)``,
``apa`` ``(n.d.; date inferred: May 2004)`` and ``chicago`` ``n.d. [date inferred: May 2004]``
(both styles' wording for a work that carries no date, with the inference said after it).
Authors are written as the source gives them: the fact base does not say which part of a
name is the family name (Japanese names come family name first), so none is inverted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from .model import Claim, PartialDate, Period, Source
from .query import Answer, SearchHit, TimelineEntry
from .render import Environment, Renderer

STYLES = ("text", "md", "apa", "chicago")
INFERRED = "date inferred"  # the words every style gives an inferred date
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")  # fmt: skip
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_MD_LINE_START = re.compile(r"^(\s*)([#+=~-]|\d+[.)])")


def _spelled(date: PartialDate, *, day_first: bool) -> str:
    """``May 16, 2019`` (``day_first=False``, Chicago) or ``2019, May 16`` (APA); ``May 2019``, ``2019``, ``1960s``."""
    if date.decade:
        return f"{date.year}s"
    if date.month is None:
        return str(date.year)
    month = _MONTHS[date.month - 1]
    if day_first:
        return f"{date.year}, {month}" + (f" {date.day}" if date.day else "")
    return f"{month} {date.day}, {date.year}" if date.day else f"{month} {date.year}"


def _period(period: Period, spell: Callable[[PartialDate], str]) -> str:
    return spell(period.start) + (f" to {spell(period.end)}" if period.end else "")


def _iso(period: Period) -> str:
    """The date as the fact base writes it, without the ``~`` that the wording replaces."""
    return str(period).replace("~", "")


def inference(source: Source) -> str:
    """Why the date is inferred, in a few words: the first clause of ``published_note``."""
    note = (source.published_note or "").strip()
    first = re.split(r"(?<=[^A-Z.])[.;:](?:\s|$)", note, maxsplit=1)[0].strip().rstrip(".")
    if not first:
        return "not stated in the source"
    if len(first) > 1 and first[0].isupper() and first[1].islower():
        first = first[0].lower() + first[1:]
    return first


def _md(text: str) -> str:
    """Fact-base text as Markdown shows it: its special characters escaped."""
    return _MD_LINE_START.sub(r"\1\\\2", _MD_SPECIAL.sub(r"\\\1", text))


def _sentence(text: str) -> str:
    """``text`` ending in a full stop (unless it ends in one, or in ? or !)."""
    return text if text.endswith((".", "?", "!")) else text + "."


def reference(source: Source, style: str) -> str:
    """The source as ``style`` writes it in a reference list."""
    if style == "apa":
        return _apa(source)
    if style == "chicago":
        return _chicago(source)
    date = _iso(source.published)
    if source.published.approximate:
        date += f" ({INFERRED}: {inference(source)})"
    if style == "md":
        who = ", ".join(_md(x) for x in (source.author, source.publisher) if x)
        parts = [f"*{_md(source.title)}*", *([who] if who else []), date]
        return ", ".join(parts) + "." + (f" <{source.url}>" if source.url else "")
    who = ", ".join(x for x in (source.author, source.publisher) if x)
    parts = [_sentence(source.title), *([_sentence(who)] if who else []), _sentence(date)]
    return "Source: " + " ".join(parts) + (f" {source.url}" if source.url else "")


def _apa(source: Source) -> str:
    published = source.published
    date = _period(published, lambda d: _spelled(d, day_first=True))
    when = f"(n.d.; {INFERRED}: {_period(published, _apa_inferred)})" if published.approximate else f"({date})"
    title = _sentence(source.title)
    parts = [_sentence(source.author), when + ".", title] if source.author else [title, when + "."]
    if source.publisher and source.publisher != source.author:
        parts.append(_sentence(source.publisher))
    if source.url:
        parts.append(source.url)
    return " ".join(parts)


def _chicago(source: Source) -> str:
    date = _period(source.published, lambda d: _spelled(d, day_first=False))
    if source.published.approximate:
        date = f"n.d. [{INFERRED}: {date}]"
    title = f'"{_sentence(source.title)}"'
    head = [_sentence(source.author)] if source.author else []
    tail = f"{source.publisher}, {date}" if source.publisher else date
    entry = " ".join([*head, title, _sentence(tail)])
    return entry + (f" {_sentence(source.url)}" if source.url else "")


def _apa_inferred(date: PartialDate) -> str:
    """An inferred date after ``n.d.``: ``May 2004``, ``May 16, 2019`` (read as words, not as APA's order)."""
    return _spelled(date, day_first=False)


def block(claim: Claim, style: str, sources: Mapping[str, Source], about: str | None = None) -> list[str]:
    """One claim's lines: the claim, then each citation's quote and reference."""
    text = f"{about}: {claim.text}" if about else claim.text
    lines = [_md(text) if style == "md" else text]
    for number, citation in enumerate(claim.citations):
        source = sources.get(citation.source)
        cited = reference(source, style) if source is not None else f"Source: {citation.source}"
        if style == "md":
            lines += [">"] if number else []
            lines += [f"> {citation.quote}", ">", f"> — {cited}"]
        else:
            lines += [f'"{citation.quote}"', cited]
    return lines


class CiteRenderer(Renderer):
    """The lookup commands' answers as citation blocks (``--cite STYLE``), on any stream."""

    def __init__(self, env: Environment, style: str) -> None:
        if style not in STYLES:
            raise ValueError(f"unknown citation style {style!r}; use one of {', '.join(STYLES)}")
        super().__init__(env)
        self.style = style
        self.known_sources: Mapping[str, Source] = {}  # search and timeline: set by the caller
        self._blocks = 0

    def _block(self, lines: Iterable[str]) -> None:
        if self._blocks:
            self.line()
        self._blocks += 1
        for text in lines:
            self.line(text)

    def _claims(self, claims: Iterable[Claim], sources: Mapping[str, Source], entity_id: str) -> None:
        for claim in claims:
            about = None if claim.subject == entity_id else claim.subject_name
            self._block(block(claim, self.style, sources, about))

    def answer(self, answer: Answer) -> None:
        if answer.ambiguous:  # the candidates, so the reader can ask again; nothing is cited
            self._block(
                [f"Several match {answer.query!r}:"] + [f"{m.entity.id}: {m.entity.name}" for m in answer.matches]
            )
            return
        if answer.matches:
            match = answer.matches[0]
            self._claims(match.claims, answer.sources, match.entity.id)

    def batch(self, answers: list[Answer]) -> None:
        for answer in answers:
            self.answer(answer)

    def search(self, hits: list[SearchHit]) -> None:
        """The claim each hit is in; for a hit on a name or summary, its entity's claims (each claim once)."""
        seen: set[tuple[str, str]] = set()
        for hit in hits:
            claims = [hit.claim] if hit.claim is not None else list(hit.entity.claims)
            fresh = [c for c in claims if (c.subject, c.text) not in seen]
            seen.update((c.subject, c.text) for c in fresh)
            self._claims(fresh, self.known_sources, hit.entity.id)

    def timeline(self, entries: list[TimelineEntry]) -> None:
        """The rows that are claims (an event's own date row cites nothing)."""
        for entry in entries:
            if entry.claim is not None:
                self._claims([entry.claim], self.known_sources, entry.entity.id)


__all__ = ["INFERRED", "STYLES", "CiteRenderer", "block", "inference", "reference"]
