"""digest_build and the digest calendar: pure functions, no database."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from paperfeed.digests.content import PaperInfo, PeriodData, summary_of
from paperfeed.digests.digest import Spec, digest_build
from paperfeed.digests.periods import cutoff_of, is_due, period_at, window_of

TUESDAY = date(2026, 3, 10)
CUTOFF = datetime(2026, 3, 10, 6, tzinfo=timezone.utc)
YESTERDAY = CUTOFF - timedelta(hours=18)


def paper(pk: int, *, authors=(), org=None, categories=("cs.LG",), arrived=YESTERDAY, featured=None, score=0.0,
          new=True) -> PaperInfo:
    return PaperInfo(
        id=pk, arxiv_id=f"2603.{pk:05d}", title=f"Paper {pk}", summary="", created_at=arrived, published=arrived,
        is_new=new, trending_score=score, votes=0, organization_id=org, organization="", author_ids=set(authors),
        categories=list(categories), featured_days={featured} if featured else set(),
    )


def data(*papers: PaperInfo, searches=None) -> PeriodData:
    by_id = {p.id: p for p in papers}
    new = sorted((p.id for p in papers if p.is_new), reverse=True)
    trending = sorted((p.id for p in papers if p.featured_days), key=lambda pk: -by_id[pk].trending_score)
    return PeriodData(TUESDAY, CUTOFF, by_id, new, trending, searches or {})


def build(period_data, *specs, sent=(), cap=20, last_cutoff=None, weekends=False, top=10):
    return digest_build(data=period_data, subscriptions=list(specs), sent=set(sent), last_cutoff=last_cutoff,
                        weekends=weekends, cap=cap, trending_top=top)


AUTHOR = Spec(1, "author", "daily", label="Tri Dao", author_id=7)
SEARCH = Spec(2, "search", "daily", query="attention", mode="hybrid")
CATEGORY = Spec(3, "category", "daily", category="cs.LG")
TRENDING = Spec(4, "trending", "daily")
ORG = Spec(5, "organization", "daily", label="Google", organization_id=3)


def test_a_paper_appears_once_under_its_most_specific_reason():
    day = TUESDAY - timedelta(days=1)
    period_data = data(paper(1, authors=[7], featured=day, score=5), paper(2, org=3, featured=day, score=4),
                       paper(3, featured=day, score=3), paper(4), searches={("attention", "", "hybrid"): [(3, 0.9), (1, 0.8)]})
    digest = build(period_data, TRENDING, CATEGORY, SEARCH, ORG, AUTHOR)
    assert [(s.kind, s.paper_ids) for s in digest.sections] == [
        ("author", [1]), ("organization", [2]), ("search", [3]), ("category", [4]),
    ]
    assert digest.total == 4 and digest.sections[0].title == "New from Tri Dao"


def test_papers_already_sent_are_left_out():
    digest = build(data(paper(1), paper(2)), CATEGORY, sent={1})
    assert digest.sections[0].paper_ids == [2]


def test_nothing_new_is_an_empty_digest():
    assert build(data(paper(1, categories=["math.AG"])), CATEGORY).is_empty


def test_the_cap_keeps_the_most_specific_papers_and_counts_them_all():
    period_data = data(*(paper(n, authors=[7] if n < 3 else []) for n in range(1, 11)))
    digest = build(period_data, CATEGORY, AUTHOR, cap=3)
    assert digest.total == 10 and digest.shown_count == 3
    assert [s.kind for s in digest.shown] == ["author", "category"]
    assert digest.shown[0].paper_ids == [2, 1]


def test_trending_lists_the_top_n_of_the_period_by_score_skipping_papers_already_sent():
    day = TUESDAY - timedelta(days=1)
    period_data = data(*(paper(n, featured=day, score=n, new=False) for n in range(1, 8)))
    digest = build(period_data, TRENDING, sent={7}, top=3)
    assert digest.sections[0].paper_ids == [6, 5, 4]


def test_daily_trending_covers_the_days_since_the_last_mail_and_weekly_the_week():
    period_data = data(paper(1, featured=TUESDAY - timedelta(days=1), score=1, new=False),
                       paper(2, featured=TUESDAY - timedelta(days=4), score=2, new=False))
    assert build(period_data, TRENDING).sections[0].paper_ids == [1]
    friday_cutoff = cutoff_of(TUESDAY - timedelta(days=4))
    assert build(period_data, TRENDING, last_cutoff=friday_cutoff).sections[0].paper_ids == [2, 1]
    monday = data(*period_data.papers.values())
    monday.period = TUESDAY - timedelta(days=1)
    assert build(monday, Spec(9, "trending", "weekly"), weekends=True).sections[0].title == "Trending this week"


def test_weekly_subscriptions_come_on_mondays_and_daily_ones_on_weekdays_unless_weekends_are_wanted():
    monday, saturday = date(2026, 3, 9), date(2026, 3, 14)
    assert is_due("weekly", monday, weekends=False) and not is_due("weekly", TUESDAY, weekends=True)
    assert is_due("daily", TUESDAY, weekends=False)
    assert not is_due("daily", saturday, weekends=False) and is_due("daily", saturday, weekends=True)


def test_the_period_changes_at_the_sending_hour(settings):
    settings.PAPERFEED_DIGEST_HOUR = 6
    assert period_at(datetime(2026, 3, 10, 5, 59, tzinfo=timezone.utc)) == date(2026, 3, 9)
    assert period_at(datetime(2026, 3, 10, 6, 0, tzinfo=timezone.utc)) == TUESDAY


@pytest.mark.parametrize("last, days", [(None, 1), (3, 3), (30, 7)])
def test_a_daily_window_runs_from_the_last_mail_for_at_most_a_week(last, days):
    last_cutoff = CUTOFF - timedelta(days=last) if last else None
    start, end = window_of("daily", TUESDAY, last_cutoff=last_cutoff)
    assert end == CUTOFF and end - start == timedelta(days=days)


def test_a_summary_is_cut_at_a_word():
    text = "word " * 100
    summary = summary_of("", text)
    assert len(summary) <= 282 and summary.endswith(" …") and "wor …" not in summary
