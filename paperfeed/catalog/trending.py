"""Trending: a time-decayed score of community votes.

    score = (upvotes + upstream_weight * upstream_upvotes) / (age_hours + 2) ** gravity

`upvotes` are local, `upstream_upvotes` counted on Hugging Face, and the age is
counted from the paper's latest appearance on a daily list (its `featured_at`,
or the day at 00:00 UTC). Papers featured longer ago than
PAPERFEED_TRENDING_WINDOW_DAYS score 0.

Scores are stored in `Paper.trending_score`: `trending_refresh` recomputes
every paper featured within the window in a few queries (run by the schedule
every PAPERFEED_TRENDING_REFRESH seconds), and `paper_trending_refresh`
recomputes one paper right after a vote. Nothing computes scores per request.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone

from django.conf import settings
from django.db import transaction
from django.utils import timezone as dj_timezone

from .models import Feature, Paper

# Keeps IN (...) lists well below SQLite's bound-parameter limit.
CHUNK = 900


def trending_score(
    *, upvotes: int, upstream_upvotes: int | None, age_hours: float, gravity: float, upstream_weight: float
) -> float:
    """The score of one paper; pure. Negative ages (clock skew) count as 0."""
    votes = upvotes + upstream_weight * (upstream_upvotes or 0)
    if votes <= 0:
        return 0.0
    return votes / (max(0.0, age_hours) + 2.0) ** gravity


def featured_moment(day: date, featured_at: datetime | None) -> datetime:
    """When a Feature put its paper on a list: its time, else its day at 00:00 UTC."""
    return featured_at or datetime.combine(day, time.min, tzinfo=timezone.utc)


def _score(upvotes: int, upstream: int | None, featured: datetime | None, now: datetime) -> float:
    if featured is None:
        return 0.0
    age_hours = (now - featured).total_seconds() / 3600.0
    if age_hours > settings.PAPERFEED_TRENDING_WINDOW_DAYS * 24:
        return 0.0
    return trending_score(
        upvotes=upvotes,
        upstream_upvotes=upstream,
        age_hours=age_hours,
        gravity=settings.PAPERFEED_TRENDING_GRAVITY,
        upstream_weight=settings.PAPERFEED_TRENDING_UPSTREAM_WEIGHT,
    )


def _latest_features(paper_ids: Iterable[int] | None, since_day: date | None) -> dict[int, datetime]:
    """paper id -> the moment of its latest Feature (latest day; within a day, latest time)."""
    rows = Feature.objects.order_by()
    if since_day is not None:
        rows = rows.filter(day__gte=since_day)
    if paper_ids is not None:
        rows = rows.filter(paper_id__in=list(paper_ids))
    latest: dict[int, tuple[date, datetime]] = {}
    for paper_id, day, featured_at in rows.values_list("paper_id", "day", "featured_at"):
        moment = featured_moment(day, featured_at)
        if paper_id not in latest or (day, moment) > latest[paper_id]:
            latest[paper_id] = (day, moment)
    return {paper_id: moment for paper_id, (_day, moment) in latest.items()}


def trending_refresh(*, now: datetime | None = None) -> int:
    """Recompute the score of every paper featured within the window; zero the rest.

    One transaction, a handful of queries whatever the catalogue's size (the
    window's papers in chunks). The window's papers are locked while their
    scores are computed, so a vote landing meanwhile is never overwritten by a
    stale score. Returns the number of papers whose stored score changed.
    """
    now = now or dj_timezone.now()
    window = timedelta(days=settings.PAPERFEED_TRENDING_WINDOW_DAYS)
    # A day earlier than the window: a Feature's time may fall after its day.
    since_day = (now - window).date() - timedelta(days=1)
    changed = 0
    with transaction.atomic():
        latest = _latest_features(None, since_day)
        ids = sorted(latest)
        updates: list[Paper] = []
        for start in range(0, len(ids), CHUNK):
            rows = (
                Paper.objects.select_for_update()
                .filter(pk__in=ids[start : start + CHUNK])
                .order_by("pk")
                .values_list("pk", "upvotes", "upstream_upvotes", "trending_score")
            )
            for pk, upvotes, upstream, old in rows:
                score = _score(upvotes, upstream, latest[pk], now)
                if score != old:
                    updates.append(Paper(pk=pk, trending_score=score))
        Paper.objects.bulk_update(updates, ["trending_score"], batch_size=500)
        changed += len(updates)
        # Papers whose latest Feature left the window (or that lost it).
        changed += (
            Paper.objects.filter(trending_score__gt=0)
            .exclude(pk__in=Feature.objects.filter(day__gte=since_day).values("paper_id"))
            .update(trending_score=0.0)
        )
    return changed


def paper_trending_refresh(*, paper_id: int, now: datetime | None = None) -> float:
    """Recompute one paper's score (after a vote or a submission); returns it.

    Call inside the transaction that changed the votes, so the count read here
    is the one just written.
    """
    now = now or dj_timezone.now()
    upvotes, upstream = Paper.objects.values_list("upvotes", "upstream_upvotes").get(pk=paper_id)
    score = _score(upvotes, upstream, _latest_features([paper_id], None).get(paper_id), now)
    Paper.objects.filter(pk=paper_id).update(trending_score=score)
    return score
