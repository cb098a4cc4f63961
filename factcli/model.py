"""The typed model of a cited fact base, after Wikidata's statements adapted to news.

An ``Entity`` (person, organization, place, event or figure) holds ``Claim``s; every claim
carries one or more ``Citation``s, each a verbatim quote from a ``Source``. Nothing here
reads files or prints: see ``load`` and ``check``.

Entities, claims, citations, dates and periods are named tuples: a batch decodes tens of
thousands of them from the cache, and a tuple is built in one step where a slotted class sets
its fields one at a time (each class's ``SCHEMA`` and methods sit on a subclass). ``Source``
is a ``values.Frozen`` class: what ``@dataclass(frozen=True, slots=True)`` gives, without a
dataclass's cost at every start-up.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import ClassVar, NamedTuple

from .values import Frozen, set_field

ENTITY_KINDS: tuple[str, ...] = ("person", "organization", "place", "event", "figure")

RELATIONS: tuple[str, ...] = (
    "spouse", "parent-of", "child-of", "relative-of", "member-of", "leads", "works-for",
    "met-with", "participant-in", "has-participant", "located-in", "part-of",
    "organized-by", "addressed", "reported-by", "about", "seated-in",
)  # fmt: skip

QUALIFIERS: tuple[str, ...] = ("about", "some", "more than", "at least", "up to", "dozens")

MAX_NUMBER_DIGITS = 30
_NUMBER = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?", re.ASCII)  # not Arabic-Indic or fullwidth digits
_POINT = re.compile(r"(?P<decade>\d{3}0)s|(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?", re.ASCII)
_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_new = tuple.__new__  # a named tuple from all its fields at once (parsing a cold load's dates)


def _days_in_month(year: int, month: int) -> int:
    """``calendar.monthrange(year, month)[1]`` (proleptic Gregorian), without importing calendar."""
    if not 1 <= month <= 12:
        raise ValueError(f"bad month number {month}; must be 1-12")  # what calendar raises (IllegalMonthError)
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _MONTH_DAYS[month]


def parse_number(text: str) -> int | float:
    """``93,340`` -> 93340, ``2.5`` -> 2.5; no exponents, NaN or infinities."""
    if len(text) > MAX_NUMBER_DIGITS or not _NUMBER.fullmatch(text):
        raise ValueError(
            f"{text[:40]!r} is not a number (digits, optional , groups and . decimals,"
            f" at most {MAX_NUMBER_DIGITS} characters)"
        )
    plain = text.replace(",", "")
    return float(plain) if "." in plain else int(plain)


class _PartialDateFields(NamedTuple):
    year: int
    month: int | None = None
    day: int | None = None
    decade: bool = False
    approximate: bool = False


class PartialDate(_PartialDateFields):
    """A date known to a year, month or day, or only to a decade ("1960s")."""

    __slots__ = ()

    @property
    def precision(self) -> str:
        if self.decade:
            return "decade"
        return "day" if self.day else "month" if self.month else "year"

    def earliest(self) -> str:
        """The first day this date may mean, as an ISO string (sortable)."""
        return f"{self.year:04d}-{self.month or 1:02d}-{self.day or 1:02d}"

    def latest(self) -> str:
        """The last day this date may mean, as an ISO string."""
        year = self.year + 9 if self.decade else self.year
        month = self.month or 12
        day = self.day or _days_in_month(year, month)
        return f"{year:04d}-{month:02d}-{day:02d}"

    def __str__(self) -> str:
        if self.decade:
            text = f"{self.year}s"
        else:
            text = f"{self.year:04d}"
            if self.month:
                text += f"-{self.month:02d}"
            if self.day:
                text += f"-{self.day:02d}"
        return text + ("~" if self.approximate else "")

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse ``1978``, ``2019-02``, ``2019-02-27``, ``1960s``, each optionally ending in ``~``.

        Raises ValueError with a reader-facing message on anything else.
        """
        approximate = text.endswith("~")
        match = _POINT.fullmatch(text, 0, len(text) - 1 if approximate else len(text))  # without the ~
        if not match:
            raise ValueError(
                f"{text!r} is not a date (use YYYY, YYYY-MM, YYYY-MM-DD or a decade like 1960s, optionally ending in ~)"
            )
        decade, year_digits, month_digits, day_digits = match.groups()
        if decade:
            if int(decade) == 0:
                raise ValueError(f"{text!r} is an impossible date: there is no year 0")
            return _new(cls, (int(decade), None, None, True, approximate))  # all the fields, in order
        year = int(year_digits)
        month = int(month_digits) if month_digits else None
        day = int(day_digits) if day_digits else None
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"{text!r} is an impossible date: there is no month {month}")
        if day is not None and month is not None:
            last = _days_in_month(year, month)
            if not 1 <= day <= last:
                raise ValueError(f"{text!r} is an impossible date: {year}-{month:02d} has {last} days")
        if year == 0:
            raise ValueError(f"{text!r} is an impossible date: there is no year 0")
        return _new(cls, (year, month, day, False, approximate))


class _PeriodFields(NamedTuple):
    start: PartialDate
    end: PartialDate | None = None


class Period(_PeriodFields):
    """A point in time (``end is None``) or a span from ``start`` to ``end``."""

    __slots__ = ()

    @property
    def precision(self) -> str:
        return self.start.precision

    @property
    def approximate(self) -> bool:
        return self.start.approximate or bool(self.end and self.end.approximate)

    def earliest(self) -> str:
        return self.start.earliest()

    def latest(self) -> str:
        return (self.end or self.start).latest()

    def __str__(self) -> str:
        return f"{self.start}/{self.end}" if self.end else str(self.start)

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse a date or two joined by ``/``; the end may not precede the start."""
        if "/" not in text:
            return _new(cls, (PartialDate.parse(text), None))
        first, _, second = text.partition("/")
        start, end = PartialDate.parse(first), PartialDate.parse(second)
        # end.latest() < start.earliest(), as numbers: the ISO strings are fixed-width (4-digit years)
        year, month = (end.year + 9 if end.decade else end.year), end.month or 12
        if (year, month, end.day or _days_in_month(year, month)) < (start.year, start.month or 1, start.day or 1):
            raise ValueError(f"{text!r} is an impossible period: it ends before it starts")
        return _new(cls, (start, end))


class _CitationFields(NamedTuple):
    source: str
    quote: str


class Citation(_CitationFields):
    """Where a claim comes from: a source id and a short verbatim quote from it."""

    __slots__ = ()
    SCHEMA: ClassVar[dict[str, str]] = {"source": "source!", "quote": "quote!"}


class _ClaimFields(NamedTuple):
    text: str
    citations: tuple[Citation, ...]
    relation: str | None = None
    related: str | None = None
    date: Period | None = None
    as_of: Period | None = None
    value: int | float | None = None
    unit: str | None = None
    qualifier: str | None = None
    attributed_to: str | None = None  # an entity id: who says so
    attribution: str | None = None  # free text for an unnamed speaker
    review_note: str | None = None  # why a hedge in the source needs no hedge here (``check --review``)
    draft: str | None = None  # a draft's note: the text is still the source's sentence (``factcli draft``)
    subject: str = ""  # id of the entity the claim belongs to
    subject_name: str | None = None
    related_name: str | None = None
    attributed_to_name: str | None = None


class Claim(_ClaimFields):
    """One statement about an entity, in the project's own words, with its citations.

    The fields in ``SCHEMA`` are what a fact file says (and what the cache keeps); the last
    four are filled in when the claim is read from a fact base: the id and name of the entity
    it belongs to, and the names of the entities ``related`` and ``attributed_to`` point to,
    so that whoever shows a claim needs nothing but the claim.
    """

    __slots__ = ()
    # field -> how the fact file writes it (see ``check``); ``!`` marks a required field
    SCHEMA: ClassVar[dict[str, str]] = {
        "text": "text!", "citations": "citations!", "relation": "relation", "related": "entity",
        "date": "date", "as_of": "date", "value": "number", "unit": "text", "qualifier": "qualifier",
        "attributed_to": "entity", "attribution": "text", "review_note": "text",
        "draft": "text",
    }  # fmt: skip


class _EntityFields(NamedTuple):
    id: str
    kind: str
    name: str
    summary: str
    aliases: tuple[str, ...] = ()
    date: Period | None = None
    claims: tuple[Claim, ...] = ()
    outside_aliases: tuple[str, ...] = ()  # names a reader would type that the articles do not use
    former_ids: tuple[str, ...] = ()  # ids it had before (a merged or retired entity): `show` still finds them


class Entity(_EntityFields):
    """A person, organization, place, event or figure with its claims.

    ``aliases`` are other names the cited articles use; ``outside_aliases`` are names a reader
    would type that none of them uses (``UNHRC``, a family-name-first or macron spelling), kept
    apart so that a reader can tell which is which (``check --sources`` holds the line).
    """

    __slots__ = ()
    SCHEMA: ClassVar[dict[str, str]] = {
        "id": "slug!", "kind": "kind!", "name": "text!", "summary": "text!", "aliases": "aliases",
        "outside_aliases": "aliases", "former_ids": "aliases", "date": "date", "claims": "claims",
    }  # fmt: skip

    @property
    def all_aliases(self) -> tuple[str, ...]:
        """Every other name the entity goes by: the articles' aliases, then the outside ones."""
        return self.aliases + self.outside_aliases if self.outside_aliases else self.aliases


PLACEHOLDER = "TODO:"  # how a placeholder a curator must replace begins (``factcli draft``'s stubs)


def is_placeholder(text: str) -> bool:
    """Whether a field still holds a placeholder (``TODO: describe``) rather than our own words."""
    return text.lstrip().startswith(PLACEHOLDER)


class Source(Frozen):
    """One article the fact base cites."""

    __slots__ = ("id", "title", "published", "file", "author", "publisher", "published_note", "url", "sha256")  # noqa: RUF023
    # ``file``: a bare name is looked up in ``check --sources DIR``; a path with a ``/`` is relative
    # to the fact file's own directory (where ``sources add`` copies a text). ``sha256``: of its bytes.
    SCHEMA: ClassVar[dict[str, str]] = {
        "id": "slug!", "title": "text!", "published": "date!", "file": "text!", "author": "text",
        "publisher": "text", "published_note": "text", "url": "url", "sha256": "sha256",
    }  # fmt: skip

    id: str
    title: str
    published: Period
    file: str
    author: str | None
    publisher: str | None
    published_note: str | None
    url: str | None
    sha256: str | None

    def __init__(
        self,
        id: str,
        title: str,
        published: Period,
        file: str,
        author: str | None = None,  # noqa: A002
        publisher: str | None = None,
        published_note: str | None = None,
        url: str | None = None,
        sha256: str | None = None,
    ) -> None:
        set_field(self, "id", id)
        set_field(self, "title", title)
        set_field(self, "published", published)
        set_field(self, "file", file)
        set_field(self, "author", author)
        set_field(self, "publisher", publisher)
        set_field(self, "published_note", published_note)
        set_field(self, "url", url)
        set_field(self, "sha256", sha256)


class FactBase:
    """A validated fact base: sources and entities by id, in file order (mutable, compared by value)."""

    __slots__ = ("sources", "entities", "path", "digest", "_cited")  # noqa: RUF023  # field order
    __hash__ = None  # type: ignore[assignment]
    __match_args__ = ("sources", "entities", "path", "digest", "_cited")

    def __init__(
        self,
        sources: Mapping[str, Source],
        entities: Mapping[str, Entity],
        path: str = "",
        digest: str = "",
        _cited: dict[str, int] | None = None,
    ) -> None:
        self.sources = sources
        self.entities = entities
        self.path = path
        self.digest = digest  # sha256 of the file's bytes; the cache key
        self._cited = _cited

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FactBase) and other.__class__ is self.__class__:
            return (self.sources, self.entities, self.path, self.digest, self._cited) == (
                other.sources,
                other.entities,
                other.path,
                other.digest,
                other._cited,
            )
        return NotImplemented

    def __repr__(self) -> str:  # _cited is left out, as field(repr=False) left it
        return (
            f"{type(self).__qualname__}(sources={self.sources!r}, entities={self.entities!r}, "
            f"path={self.path!r}, digest={self.digest!r})"
        )

    def claims(self) -> Iterator[Claim]:
        for entity in self.entities.values():
            yield from entity.claims

    def citation_counts(self) -> dict[str, int]:
        """How many claims cite each source."""
        if self._cited is None:
            counts = dict.fromkeys(self.sources, 0)
            for claim in self.claims():
                for source in {c.source for c in claim.citations}:
                    counts[source] = counts.get(source, 0) + 1
            self._cited = counts
        return self._cited
