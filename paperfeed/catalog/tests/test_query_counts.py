"""Pages render in a fixed number of queries: the count must not grow with
the number of papers, authors or categories on the page."""

from datetime import date, datetime, timezone

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from paperfeed.catalog.models import Author, Feature, Paper, PaperAuthor, PaperCategory, Vote

pytestmark = pytest.mark.django_db

DAY = date(2026, 7, 8)


def make_day(papers: int, authors: int, *, day=DAY, voter=None) -> None:
    """`papers` featured papers with `authors` authors and 3 categories each, in a few bulk queries."""
    created = Paper.objects.bulk_create(
        [
            Paper(
                arxiv_id=f"2607.{day.day:02d}{n:03d}",
                title=f"Paper {n}",
                abstract="About $x^2$.",
                published=datetime(2026, 7, 7, tzinfo=timezone.utc),
                upstream_upvotes=n,
                ai_keywords=["a", "b"],
                code_url="https://github.com/o/r",
                github_stars=5,
            )
            for n in range(papers)
        ]
    )
    people = Author.objects.bulk_create(
        [Author(name=f"Person {day.day} {n}", name_key=f"person {day.day} {n}") for n in range(authors)]
    )
    PaperAuthor.objects.bulk_create(
        [PaperAuthor(paper=p, author=a, position=i) for p in created for i, a in enumerate(people)]
    )
    PaperCategory.objects.bulk_create(
        [PaperCategory(paper=p, code=c, position=i) for p in created for i, c in enumerate(["cs.CL", "cs.LG", "cs.AI"])]
    )
    Feature.objects.bulk_create([Feature(paper=p, day=day, source="hf") for p in created])
    if voter is not None:
        Vote.objects.bulk_create([Vote(user=voter, paper=p) for p in created[::2]])


def queries_for(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("logged_in", [False, True])
def test_a_day_of_fifty_papers_takes_as_many_queries_as_a_day_of_five(client, alice, logged_in):
    if logged_in:
        client.force_login(alice)
    make_day(5, 2, day=date(2026, 7, 6), voter=alice)
    make_day(50, 12, day=DAY, voter=alice)
    small = queries_for(client, reverse("day", args=["2026-07-06"]))
    large = queries_for(client, reverse("day", args=["2026-07-08"]))
    assert small == large
    # count, papers, first authors, categories, category chips, neighbouring days
    # (+ session and user when logged in)
    assert large == (8 if logged_in else 6)


def test_a_fifty_paper_day_renders_in_at_most_eight_queries(client, alice, django_assert_max_num_queries):
    make_day(50, 30, voter=alice)
    client.force_login(alice)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("day", args=["2026-07-08"]), {"category": "cs.CL", "sort": "new"})
    assert response.content.decode().count('aria-pressed="true"') == 25


def test_the_arxiv_tab_a_week_and_a_month_take_a_fixed_number_of_queries(client, django_assert_num_queries):
    make_day(50, 5)
    for name, slug in [("day", "2026-07-07"), ("week", "2026-W28"), ("month", "2026-07")]:
        with django_assert_num_queries(6):
            response = client.get(reverse(name, args=[slug]), {"list": "arxiv"})
        assert response.content.decode().count("class=\"paper-card\"") == 50


def test_home_needs_one_more_query_to_find_its_day(client, django_assert_num_queries):
    make_day(50, 5)
    with django_assert_num_queries(7):
        client.get(reverse("home"))


def test_trending_takes_a_fixed_number_of_queries(client, alice, django_assert_num_queries):
    make_day(50, 10, voter=alice)
    Paper.objects.update(trending_score=1.0)
    client.force_login(alice)
    # session, user, count, papers, first authors, categories
    with django_assert_num_queries(6):
        client.get(reverse("trending"))


def test_a_paper_page_takes_a_fixed_number_of_queries(client, alice, django_assert_num_queries):
    make_day(1, 200, voter=alice)
    client.force_login(alice)
    # session, user, paper (+ vote), authors, categories, features, then related papers:
    # the paper's vector (none here), papers sharing its title's words (none); with related
    # papers, their cards take three more (paperfeed/search/tests/test_related.py)
    with django_assert_num_queries(8):
        client.get(reverse("paper", args=["2607.08000"]))


def test_author_and_organisation_pages_take_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    make_day(50, 10)
    author = Author.objects.first()
    with django_assert_max_num_queries(6):
        client.get(reverse("author", args=[author.pk]))
