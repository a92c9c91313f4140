from datetime import date, datetime, timedelta, timezone

import pytest

from paperfeed.catalog.models import Paper
from paperfeed.catalog.trending import paper_trending_refresh, trending_refresh, trending_score
from paperfeed.ops.schedule import default_jobs, run_due

from .conftest import make_paper

NOW = datetime(2026, 7, 8, 12, 0, tzinfo=timezone.utc)


def score(**kw):
    args = {"upvotes": 0, "upstream_upvotes": 0, "age_hours": 0.0, "gravity": 1.5, "upstream_weight": 1.0}
    return trending_score(**{**args, **kw})


# --- the pure function -----------------------------------------------------------


def test_the_score_follows_the_formula():
    assert score(upvotes=10, upstream_upvotes=20, age_hours=7, gravity=1.5, upstream_weight=0.5) == pytest.approx(
        (10 + 0.5 * 20) / 9**1.5
    )


def test_no_votes_scores_zero():
    assert score(upvotes=0, upstream_upvotes=None, age_hours=3) == 0.0


def test_older_papers_score_less_for_the_same_votes():
    assert score(upvotes=5, age_hours=1) > score(upvotes=5, age_hours=10) > score(upvotes=5, age_hours=100)


def test_more_gravity_favours_newer_papers():
    fresh_vs_old = lambda g: score(upvotes=5, age_hours=1, gravity=g) / score(upvotes=5, age_hours=48, gravity=g)
    assert fresh_vs_old(2.0) > fresh_vs_old(1.0)


def test_upstream_votes_count_by_their_weight():
    assert score(upstream_upvotes=10, upstream_weight=0) == 0.0
    assert score(upstream_upvotes=10, upstream_weight=2) == pytest.approx(score(upvotes=20))


def test_a_negative_age_counts_as_zero():
    assert score(upvotes=4, age_hours=-5) == score(upvotes=4, age_hours=0)


# --- refreshing the stored scores ------------------------------------------------------


@pytest.mark.django_db
def test_refresh_scores_papers_featured_within_the_window(settings):
    settings.PAPERFEED_TRENDING_WINDOW_DAYS = 7
    fresh = make_paper("2607.00001", featured=date(2026, 7, 8), featured_at=NOW - timedelta(hours=10), upstream_upvotes=30)
    old = make_paper("2606.00001", featured=date(2026, 6, 20), upstream_upvotes=500, trending_score=3.0)

    changed = trending_refresh(now=NOW)

    fresh.refresh_from_db(), old.refresh_from_db()
    assert fresh.trending_score == pytest.approx(30 / 12**1.5)
    assert old.trending_score == 0.0
    assert changed == 2


@pytest.mark.django_db
def test_the_age_counts_from_the_latest_feature_at_midnight_when_it_has_no_time(settings):
    paper = make_paper("2607.00002", featured=[date(2026, 7, 1), date(2026, 7, 8)], upvotes=4)
    paper.features.update(featured_at=None)

    trending_refresh(now=NOW)

    paper.refresh_from_db()
    assert paper.trending_score == pytest.approx(4 / (12 + 2) ** settings.PAPERFEED_TRENDING_GRAVITY)


@pytest.mark.django_db
def test_a_paper_past_the_window_scores_zero_even_with_a_recent_feature_day_row(settings):
    settings.PAPERFEED_TRENDING_WINDOW_DAYS = 1
    paper = make_paper("2607.00003", featured=date(2026, 7, 7), featured_at=NOW - timedelta(hours=30), upvotes=9)

    trending_refresh(now=NOW)

    paper.refresh_from_db()
    assert paper.trending_score == 0.0


@pytest.mark.django_db
def test_refresh_takes_a_fixed_number_of_queries(django_assert_max_num_queries):
    for n in range(60):
        make_paper(f"2607.{n:05d}", authors=0, categories=(), featured=date(2026, 7, 8), upstream_upvotes=n)
    make_paper("2601.00001", authors=0, categories=(), featured=date(2026, 1, 8), trending_score=1.0)
    with django_assert_max_num_queries(6):
        trending_refresh(now=NOW)
    assert Paper.objects.filter(trending_score__gt=0).count() == 59


@pytest.mark.django_db
def test_a_second_refresh_changes_nothing():
    make_paper("2607.00004", featured=date(2026, 7, 8), upstream_upvotes=3)
    trending_refresh(now=NOW)
    assert trending_refresh(now=NOW) == 0


@pytest.mark.django_db
def test_one_paper_can_be_refreshed_alone():
    paper = make_paper("2607.00005", featured=date(2026, 7, 8), featured_at=NOW, upvotes=2)
    assert paper_trending_refresh(paper_id=paper.pk, now=NOW) == pytest.approx(2 / 2**1.5)
    paper.refresh_from_db()
    assert paper.trending_score == pytest.approx(2 / 2**1.5)


@pytest.mark.django_db
def test_a_paper_never_featured_scores_zero():
    paper = make_paper("2607.00006", upvotes=50)
    assert paper_trending_refresh(paper_id=paper.pk, now=NOW) == 0.0


# --- the schedule -----------------------------------------------------------------


def test_the_schedule_refreshes_trending_every_configured_interval(settings):
    settings.PAPERFEED_TRENDING_REFRESH = 123.0
    job = next(j for j in default_jobs() if "trending" in j.name)
    assert job.every == 123.0


@pytest.mark.django_db(transaction=True)  # run_due closes connections, as between real runs
def test_the_scheduled_job_recomputes_the_scores():
    paper = make_paper("2607.00007", featured=datetime.now(timezone.utc).date(), featured_at=datetime.now(timezone.utc), upstream_upvotes=8)
    job = next(j for j in default_jobs() if "trending" in j.name)

    assert run_due([job], now=0.0) == []

    paper.refresh_from_db()
    assert paper.trending_score > 0
    assert job.next_at == job.every
