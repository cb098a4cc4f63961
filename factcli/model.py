"""The typed model of a cited fact base, after Wikidata's statements adapted to news.

An ``Entity`` (person, organization, place, event or figure) holds ``Claim``s; every claim
carries one or more ``Citation``s, each a verbatim quote from a ``Source``. Nothing here
reads files or prints: see ``load`` and ``check``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from typing import Iterator, Literal

EntityKind = Literal["person", "organization", "place", "event", "figure"]
ENTITY_KINDS: tuple[str, ...] = ("person", "organization", "place", "event", "figure")

RELATIONS: tuple[str, ...] = (
    "spouse", "parent-of", "child-of", "relative-of", "member-of", "leads", "works-for",
    "met-with", "participant-in", "has-participant", "located-in", "part-of",
    "organized-by", "addressed", "reported-by", "about",
)  # fmt: skip

QUALIFIERS: tuple[str, ...] = ("about", "some", "more than", "at least", "up to", "dozens")

_POINT = re.compile(r"(?P<decade>\d{3}0)s|(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?")


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to a year, month or day, or only to a decade ("1960s")."""

    year: int
    month: int | None = None
    day: int | None = None
    decade: bool = False
    approximate: bool = False

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
        day = self.day or calendar.monthrange(year, month)[1]
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
        body = text[:-1] if approximate else text
        match = _POINT.fullmatch(body)
        if not match:
            raise ValueError(
                f"{text!r} is not a date (use YYYY, YYYY-MM, YYYY-MM-DD or a decade like 1960s,"
                " optionally ending in ~)"
            )
        if match["decade"]:
            return cls(int(match["decade"]), decade=True, approximate=approximate)
        year = int(match["year"])
        month = int(match["month"]) if match["month"] else None
        day = int(match["day"]) if match["day"] else None
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"{text!r} is an impossible date: there is no month {month}")
        if day is not None and month is not None:
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise ValueError(f"{text!r} is an impossible date: {year}-{month:02d} has {last} days")
        if year == 0:
            raise ValueError(f"{text!r} is an impossible date: there is no year 0")
        return cls(year, month, day, approximate=approximate)


@dataclass(frozen=True, slots=True)
class Period:
    """A point in time (``end is None``) or a span from ``start`` to ``end``."""

    start: PartialDate
    end: PartialDate | None = None

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
            return cls(PartialDate.parse(text))
        first, _, second = text.partition("/")
        start, end = PartialDate.parse(first), PartialDate.parse(second)
        if end.latest() < start.earliest():
            raise ValueError(f"{text!r} is an impossible period: it ends before it starts")
        return cls(start, end)


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a claim comes from: a source id and a short verbatim quote from it."""

    source: str
    quote: str


@dataclass(frozen=True, slots=True)
class Claim:
    """One statement about an entity, in the project's own words, with its citations."""

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
    subject: str = ""  # id of the entity the claim belongs to


@dataclass(frozen=True, slots=True)
class Entity:
    """A person, organization, place, event or figure with its claims."""

    id: str
    kind: str
    name: str
    summary: str
    aliases: tuple[str, ...] = ()
    date: Period | None = None
    claims: tuple[Claim, ...] = ()


@dataclass(frozen=True, slots=True)
class Source:
    """One article the fact base cites."""

    id: str
    title: str
    published: Period
    file: str
    author: str | None = None
    publisher: str | None = None
    published_note: str | None = None
    url: str | None = None


@dataclass(slots=True)
class FactBase:
    """A validated fact base: sources and entities by id, in file order."""

    sources: dict[str, Source]
    entities: dict[str, Entity]
    path: str = ""
    digest: str = ""  # sha256 of the file's bytes; the cache key
    _cited: dict[str, int] | None = field(default=None, repr=False)

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

    def name_of(self, entity_id: str | None) -> str | None:
        if entity_id is None:
            return None
        entity = self.entities.get(entity_id)
        return entity.name if entity else entity_id
