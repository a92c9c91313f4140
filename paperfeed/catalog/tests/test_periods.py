from datetime import date

import pytest

from paperfeed.catalog.periods import InvalidPeriod, Period


def test_a_day_is_one_day_long():
    period = Period.parse("day", "2026-07-08")
    assert (period.start, period.end) == (date(2026, 7, 8), date(2026, 7, 9))
    assert period.slug == "2026-07-08"
    assert period.label == "Wednesday, 8 July 2026"


def test_a_week_runs_monday_to_sunday():
    period = Period.parse("week", "2026-W28")
    assert (period.start, period.end) == (date(2026, 7, 6), date(2026, 7, 13))
    assert period.slug == "2026-W28"
    assert period.range_label == "6–12 July 2026"


def test_a_month_covers_the_calendar_month():
    period = Period.parse("month", "2026-12")
    assert (period.start, period.end) == (date(2026, 12, 1), date(2027, 1, 1))
    assert period.label == "December 2026"


def test_the_iso_week_of_a_new_year_may_start_in_december():
    period = Period.parse("week", "2026-W01")
    assert period.start == date(2025, 12, 29)
    assert period.range_label == "29 December 2025 – 4 January 2026"


@pytest.mark.parametrize(
    "kind, text",
    [
        ("day", "2026-02-30"),
        ("day", "2026-13-01"),
        ("day", "20260708"),
        ("day", "yesterday"),
        ("week", "2026-W54"),
        ("week", "2026-W00"),
        ("week", "2026-28"),
        ("month", "2026-13"),
        ("month", "2026-7"),
        ("day", "0001-01-01"),
        ("decade", "2020"),
    ],
)
def test_it_refuses_what_is_not_a_period(kind, text):
    with pytest.raises(InvalidPeriod):
        Period.parse(kind, text)


def test_neighbours_follow_the_calendar():
    day = Period.parse("day", "2026-03-01")
    assert day.previous().slug == "2026-02-28"
    assert day.next().slug == "2026-03-02"
    assert Period.parse("week", "2026-W01").previous().slug == "2025-W52"
    assert Period.parse("month", "2026-01").previous().slug == "2025-12"


def test_a_period_can_be_seen_as_another_kind():
    day = Period.parse("day", "2026-07-08")
    assert day.as_kind("week").slug == "2026-W28"
    assert day.as_kind("month").slug == "2026-07"
    assert date(2026, 7, 12) in day.as_kind("week")
    assert date(2026, 7, 13) not in day.as_kind("week")
