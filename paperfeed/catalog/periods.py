"""Periods of the feed: a day, an ISO week or a month, as they appear in URLs.

Pure: parsing, labels, neighbours and containment, no database. Each period
is a half-open range of days ``[start, end)``.

    Period.parse("day", "2026-07-08")   /papers/date/2026-07-08
    Period.parse("week", "2026-W28")    /papers/week/2026-W28
    Period.parse("month", "2026-07")    /papers/month/2026-07
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

DAY, WEEK, MONTH = "day", "week", "month"
KINDS = (DAY, WEEK, MONTH)
# Far enough for any paper (arXiv began in 1991) and away from date.max.
MIN_YEAR, MAX_YEAR = 1900, 9998

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_PATTERNS = {DAY: _DAY, WEEK: _WEEK, MONTH: _MONTH}


class InvalidPeriod(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # exclusive

    # --- construction ------------------------------------------------------

    @classmethod
    def parse(cls, kind: str, text: str) -> Period:
        """The period a URL names; InvalidPeriod for anything else (2026-02-30, 2026-W54)."""
        pattern = _PATTERNS.get(kind)
        if pattern is None:
            raise InvalidPeriod(f"unknown kind of period {kind!r}")
        match = pattern.match(text or "")
        try:
            if match is None:
                raise ValueError
            year, number = int(match[1]), int(match[2])
            if kind == DAY:
                return cls.of_day(date(year, number, int(match[3])))
            if kind == WEEK:
                return cls.of_week(date.fromisocalendar(year, number, 1))
            return cls.of_month(date(year, number, 1))
        except ValueError:  # InvalidPeriod included
            raise InvalidPeriod(f"{text!r} is not a {kind} ({_EXAMPLES[kind]})") from None

    @classmethod
    def of_day(cls, day: date) -> Period:
        _check_year(day)
        return cls(DAY, day, day + timedelta(days=1))

    @classmethod
    def of_week(cls, day: date) -> Period:
        _check_year(day)
        monday = day - timedelta(days=day.weekday())
        return cls(WEEK, monday, monday + timedelta(days=7))

    @classmethod
    def of_month(cls, day: date) -> Period:
        _check_year(day)
        first = day.replace(day=1)
        return cls(MONTH, first, _next_month(first))

    @classmethod
    def of(cls, kind: str, day: date) -> Period:
        return {DAY: cls.of_day, WEEK: cls.of_week, MONTH: cls.of_month}[kind](day)

    # --- what it is ----------------------------------------------------------

    @property
    def slug(self) -> str:
        """The URL spelling: 2026-07-08, 2026-W28, 2026-07."""
        if self.kind == DAY:
            return self.start.isoformat()
        if self.kind == WEEK:
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return f"{self.start.year}-{self.start.month:02d}"

    @property
    def url_name(self) -> str:
        return self.kind

    @property
    def label(self) -> str:
        """Human title: "Wednesday, 8 July 2026", "Week 28, 2026", "July 2026"."""
        if self.kind == DAY:
            return f"{self.start:%A}, {self.start.day} {self.start:%B %Y}"
        if self.kind == WEEK:
            year, week, _ = self.start.isocalendar()
            return f"Week {week}, {year}"
        return f"{self.start:%B %Y}"

    @property
    def short_label(self) -> str:
        """Compact form for buttons: "8 Jul 2026", "W28 2026", "Jul 2026"."""
        if self.kind == DAY:
            return f"{self.start.day} {self.start:%b %Y}"
        if self.kind == WEEK:
            year, week, _ = self.start.isocalendar()
            return f"W{week} {year}"
        return f"{self.start:%b %Y}"

    @property
    def range_label(self) -> str:
        """The days a week or month covers: "6–12 July 2026"; a day's own label otherwise."""
        last = self.end - timedelta(days=1)
        if self.kind == DAY:
            return self.label
        if self.start.month == last.month:
            return f"{self.start.day}–{last.day} {last:%B %Y}"
        if self.start.year == last.year:
            return f"{self.start.day} {self.start:%B} – {last.day} {last:%B %Y}"
        return f"{self.start.day} {self.start:%B %Y} – {last.day} {last:%B %Y}"

    @property
    def start_datetime(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=timezone.utc)

    @property
    def end_datetime(self) -> datetime:
        return datetime.combine(self.end, time.min, tzinfo=timezone.utc)

    def __contains__(self, day: date) -> bool:
        return self.start <= day < self.end

    # --- neighbours --------------------------------------------------------

    def previous(self) -> Period | None:
        """The calendar period just before, or None at the edge of the calendar."""
        try:
            return Period.of(self.kind, self.start - timedelta(days=1))
        except InvalidPeriod:
            return None

    def next(self) -> Period | None:
        try:
            return Period.of(self.kind, self.end)
        except InvalidPeriod:
            return None

    def as_kind(self, kind: str) -> Period:
        """The period of another kind that contains this one's first day."""
        return Period.of(kind, self.start)


_EXAMPLES = {DAY: "YYYY-MM-DD, e.g. 2026-07-08", WEEK: "YYYY-Www, e.g. 2026-W28", MONTH: "YYYY-MM, e.g. 2026-07"}


def _check_year(day: date) -> None:
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise InvalidPeriod(f"{day.isoformat()} is outside the years {MIN_YEAR}–{MAX_YEAR}")


def _next_month(first: date) -> date:
    return date(first.year + 1, 1, 1) if first.month == 12 else date(first.year, first.month + 1, 1)
