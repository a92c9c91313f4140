"""The digest calendar: which day's mails are due, and what each one covers.

A period is a UTC day D. Its mails are due from D at PAPERFEED_DIGEST_HOUR
(the *cutoff*) and cover what arrived in the catalogue before the cutoff:

- a daily subscription: since the cutoff of the subscriber's last mail (a day,
  or more after a skipped day or weekend), at most a week; a day's mail for a
  first mail;
- a weekly subscription (mailed on Mondays): the seven days before the cutoff.

Daily subscriptions are not due on Saturdays and Sundays unless the
subscriber wants weekend mail; what arrived meanwhile goes in Monday's mail.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from django.conf import settings

from .models import DAILY, WEEKLY

WEEKLY_DAY = 0  # Monday
MAX_WINDOW = timedelta(days=7)


def cutoff_of(period: date) -> datetime:
    return datetime.combine(period, time(settings.PAPERFEED_DIGEST_HOUR), tzinfo=timezone.utc)


def period_at(moment: datetime) -> date:
    """The latest period whose mails are due at `moment`."""
    moment = moment.astimezone(timezone.utc)
    day = moment.date()
    return day if moment >= cutoff_of(day) else day - timedelta(days=1)


def is_due(frequency: str, period: date, *, weekends: bool) -> bool:
    if frequency == WEEKLY:
        return period.weekday() == WEEKLY_DAY
    return weekends or period.weekday() < 5


def window_of(frequency: str, period: date, *, last_cutoff: datetime | None) -> tuple[datetime, datetime]:
    """[start, end) of what a subscription of this frequency covers in the period's mail."""
    end = cutoff_of(period)
    if frequency == DAILY:
        start = max(last_cutoff, end - MAX_WINDOW) if last_cutoff else end - timedelta(days=1)
        return min(start, end), end
    return end - MAX_WINDOW, end
