"""The database rate limit: exact within a window, a fresh window after it, and
exact under concurrent requests from separate connections (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from paperfeed.api.models import RateCounter
from paperfeed.api.ratelimit import rate_limit_hit


@pytest.mark.django_db
def test_a_window_lets_exactly_the_limit_through_then_a_new_window_starts_afresh():
    decisions = [rate_limit_hit(key="k", limit=5, window=60, now=1200.5) for _ in range(8)]
    assert [d.allowed for d in decisions] == [True] * 5 + [False] * 3
    assert [d.remaining for d in decisions[:5]] == [4, 3, 2, 1, 0]
    assert decisions[-1].retry_after == 60  # 1200.5 is in the window [1200, 1260)
    assert rate_limit_hit(key="k", limit=5, window=60, now=1259.9).allowed is False
    assert rate_limit_hit(key="k", limit=5, window=60, now=1260.0).allowed is True
    assert rate_limit_hit(key="other", limit=5, window=60, now=1260.0).remaining == 4
    assert RateCounter.objects.count() == 2
    assert rate_limit_hit(key="k", limit=0, window=60).allowed is True  # 0: no limit


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_from_many_connections_never_pass_the_limit():
    if connection.vendor != "postgresql":
        pytest.skip("the SQLite test database is one shared in-memory connection; PostgreSQL has real ones")
    allowed: list[bool] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        from django.db import connections

        try:
            barrier.wait(timeout=30)
            for _ in range(10):
                allowed.append(rate_limit_hit(key="shared", limit=25, window=3600, now=7200.0).allowed)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 80 and sum(allowed) == 25
    assert RateCounter.objects.get(key="shared").count == 25
