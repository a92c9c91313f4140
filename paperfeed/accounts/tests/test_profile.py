from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from paperfeed.accounts.views import PROFILE_PAGE_SIZE
from paperfeed.catalog.models import Feature, Paper, Vote

pytestmark = pytest.mark.django_db


def paper(n: int, **fields) -> Paper:
    return Paper.objects.create(arxiv_id=f"2401.{n:05d}", title=f"Paper number {n}", **fields)


def upvote(user, paper: Paper, minutes_ago: int = 0) -> Vote:
    vote = Vote.objects.create(user=user, paper=paper)
    Vote.objects.filter(pk=vote.pk).update(created_at=timezone.now() - dt.timedelta(minutes=minutes_ago))
    return vote


def test_the_profile_requires_login(client):
    response = client.get(reverse("profile"))

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('profile')}"


def test_the_profile_shows_alice_s_account(client, alice):
    client.force_login(alice)

    page = client.get(reverse("profile")).content.decode()

    assert '<h1 class="page-title">alice</h1>' in page
    assert "alice@example.org" in page
    assert reverse("password_change") in page


def test_the_profile_lists_alice_s_upvotes_newest_first_and_not_bob_s(client, alice, bob):
    older, newer, bobs = paper(1), paper(2), paper(3)
    upvote(alice, older, minutes_ago=60)
    upvote(alice, newer, minutes_ago=5)
    upvote(bob, bobs)
    client.force_login(alice)

    response = client.get(reverse("profile"))

    assert [v.paper.arxiv_id for v in response.context["votes_page"]] == ["2401.00002", "2401.00001"]
    page = response.content.decode()
    assert page.index("Paper number 2") < page.index("Paper number 1")
    assert "Paper number 3" not in page
    assert f'href="{newer.get_absolute_url()}"' in page


def test_hidden_papers_are_left_out_of_the_profile(client, alice):
    upvote(alice, paper(1, is_hidden=True))
    client.force_login(alice)

    response = client.get(reverse("profile"))

    assert list(response.context["votes_page"]) == []
    assert "Paper number 1" not in response.content.decode()


def test_the_profile_lists_the_papers_alice_submitted(client, alice, bob):
    day = dt.date(2024, 1, 2)
    Feature.objects.create(paper=paper(1), day=day, source="submission", submitted_by=alice)
    Feature.objects.create(paper=paper(2), day=day, source="submission", submitted_by=bob)
    Feature.objects.create(paper=paper(3), day=day, source="hf")
    client.force_login(alice)

    response = client.get(reverse("profile"))

    assert [f.paper.arxiv_id for f in response.context["submissions_page"]] == ["2401.00001"]
    page = response.content.decode()
    assert "Paper number 1" in page and "Paper number 2" not in page


def test_an_empty_profile_says_so(client, charlie):
    client.force_login(charlie)

    page = client.get(reverse("profile")).content.decode()

    assert "You have not upvoted any papers yet." in page
    assert "You have not submitted any papers yet." in page


def test_the_upvotes_are_paged(client, alice):
    for n in range(PROFILE_PAGE_SIZE + 3):
        upvote(alice, paper(n), minutes_ago=n)
    client.force_login(alice)

    first = client.get(reverse("profile"))
    second = client.get(reverse("profile"), {"page": 2})

    assert len(first.context["votes_page"]) == PROFILE_PAGE_SIZE
    assert [v.paper.arxiv_id for v in second.context["votes_page"]] == [
        f"2401.{n:05d}" for n in range(PROFILE_PAGE_SIZE, PROFILE_PAGE_SIZE + 3)
    ]
    assert 'href="?page=2"' in first.content.decode()


def test_the_profile_s_query_count_does_not_grow_with_the_votes(client, alice, django_assert_max_num_queries):
    upvote(alice, paper(0))
    Feature.objects.create(paper=paper(1000), day=dt.date(2024, 1, 2), source="submission", submitted_by=alice)
    client.force_login(alice)
    with CaptureQueriesContext(connection) as one_vote:
        client.get(reverse("profile"))
    for n in range(1, PROFILE_PAGE_SIZE + 5):
        upvote(alice, paper(n))
        Feature.objects.create(
            paper=paper(2000 + n), day=dt.date(2024, 1, 2) + dt.timedelta(days=n),
            source="submission", submitted_by=alice,
        )

    with django_assert_max_num_queries(len(one_vote)):
        response = client.get(reverse("profile"))

    assert len(response.context["votes_page"]) == PROFILE_PAGE_SIZE
