"""A fixed-window rate limit kept in the database, exact across processes.

    rate_limit_hit(*, key, limit, window, now=None) -> RateDecision

Each key has one RateCounter row. A hit is one conditional UPDATE that either
counts the request in the current window (while under the limit) or starts a
new window at 1; when it changes no row, the key is over its limit (or has no
row yet, which is then created and the UPDATE tried again). The database
serialises concurrent UPDATEs of a row (PostgreSQL's row lock, SQLite's
write lock), so N workers never let more than `limit` requests through a
window: no per-process memory is involved.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.db.models import Case, F, Q, Value, When

from .models import RateCounter


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int  # seconds until the window ends (0 when allowed)


def rate_limit_hit(*, key: str, limit: int, window: int, now: float | None = None) -> RateDecision:
    """Count one request of `key`; `limit` per `window` seconds. A limit of 0 or less: no limit."""
    if limit <= 0:
        return RateDecision(True, 0, 0, 0)
    now = time.time() if now is None else now
    window = max(1, int(window))
    start = int(now) - int(now) % window
    retry_after = max(1, math.ceil(start + window - now))
    for _attempt in range(2):
        counted = (
            RateCounter.objects.filter(key=key)
            .filter(Q(window_start=start, count__lt=limit) | Q(window_start__lt=start))
            .update(
                count=Case(When(window_start=start, then=F("count") + 1), default=Value(1)),
                window_start=start,
            )
        )
        if counted:
            used = RateCounter.objects.filter(key=key).values_list("count", flat=True).first() or limit
            return RateDecision(True, limit, max(0, limit - used), 0)
        if RateCounter.objects.filter(key=key).exists():
            return RateDecision(False, limit, 0, retry_after)
        # First request of this key: make its row (a concurrent first request may win), then count.
        RateCounter.objects.bulk_create([RateCounter(key=key, window_start=start, count=0)], ignore_conflicts=True)
    return RateDecision(False, limit, 0, retry_after)
