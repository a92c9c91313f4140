from datetime import datetime, timezone

import pytest
from django.contrib.admin.sites import site as admin_site
from django.test import RequestFactory

from paperfeed.catalog.admin import VoteAdmin
from paperfeed.catalog.models import Paper, Vote
from paperfeed.catalog.votes import (
    upvotes_recount,
    vote_add,
    vote_remove,
    vote_toggle,
    votes_delete,
    votes_forget_user,
)

from .conftest import make_paper

pytestmark = pytest.mark.django_db


def stored(paper):
    return Paper.objects.values_list("upvotes", flat=True).get(pk=paper.pk)


def test_a_toggle_adds_the_vote_then_takes_it_back(alice, paper):
    assert vote_toggle(user=alice, paper=paper) == (True, 1)
    assert Vote.objects.filter(user=alice, paper=paper).exists()
    assert vote_toggle(user=alice, paper=paper) == (False, 0)
    assert not Vote.objects.exists()
    assert stored(paper) == 0


def test_the_count_is_the_number_of_votes(alice, bob, charlie, paper):
    for user in (alice, bob, charlie):
        vote_toggle(user=user, paper=paper)
    vote_toggle(user=bob, paper=paper)
    assert stored(paper) == Vote.objects.filter(paper=paper).count() == 2


def test_adding_twice_counts_once(alice, paper):
    assert vote_add(user=alice, paper=paper) == (True, 1)
    assert vote_add(user=alice, paper=paper) == (True, 1)
    assert Vote.objects.count() == 1


def test_removing_a_vote_that_is_not_there_changes_nothing(alice, bob, paper):
    vote_add(user=bob, paper=paper)
    assert vote_remove(user=alice, paper=paper) == (False, 1)
    assert stored(paper) == 1


def test_a_vote_refreshes_the_papers_trending_score(alice, settings):
    paper = make_paper("2607.00001", featured=datetime.now(timezone.utc).date(), featured_at=datetime.now(timezone.utc))
    vote_toggle(user=alice, paper=paper)
    paper.refresh_from_db()
    assert paper.trending_score > 0


def test_a_vote_does_not_touch_the_papers_modification_time(alice, paper):
    before = Paper.objects.get(pk=paper.pk).modified_at
    vote_toggle(user=alice, paper=paper)
    assert Paper.objects.get(pk=paper.pk).modified_at == before


def test_deleting_votes_in_bulk_keeps_counts_exact(alice, bob, charlie, paper):
    other = make_paper("2307.00002")
    for user in (alice, bob, charlie):
        vote_add(user=user, paper=paper)
        vote_add(user=user, paper=other)
    assert votes_delete(votes=Vote.objects.filter(user__in=[alice, bob])) == 4
    assert (stored(paper), stored(other)) == (1, 1)


def test_forgetting_a_user_removes_their_votes_and_counts(alice, bob, paper):
    vote_add(user=alice, paper=paper)
    vote_add(user=bob, paper=paper)
    votes_forget_user(user=alice)
    assert stored(paper) == 1


def test_a_recount_repairs_a_wrong_count(alice, paper):
    vote_add(user=alice, paper=paper)
    Paper.objects.filter(pk=paper.pk).update(upvotes=7)
    assert upvotes_recount() == 1
    assert stored(paper) == 1


# --- moderation in the admin --------------------------------------------------


def admin_request(user):
    request = RequestFactory().post("/admin/")
    request.user = user
    return request


def test_the_vote_admin_deletes_one_vote_through_the_service(alice, bob, paper, admin_user):
    vote_add(user=alice, paper=paper)
    vote_add(user=bob, paper=paper)
    model_admin = VoteAdmin(Vote, admin_site)
    model_admin.delete_model(admin_request(admin_user), Vote.objects.get(user=alice))
    assert stored(paper) == Vote.objects.count() == 1


def test_the_vote_admin_bulk_delete_keeps_counts_exact(alice, bob, charlie, paper, admin_user):
    for user in (alice, bob, charlie):
        vote_add(user=user, paper=paper)
    model_admin = VoteAdmin(Vote, admin_site)
    model_admin.delete_queryset(admin_request(admin_user), Vote.objects.filter(user__in=[alice, charlie]))
    assert stored(paper) == Vote.objects.count() == 1


def test_the_vote_admin_offers_no_way_to_add_or_edit_votes(admin_user):
    model_admin = VoteAdmin(Vote, admin_site)
    request = admin_request(admin_user)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert model_admin.has_delete_permission(request)


def test_the_admin_changelist_deletes_votes_with_exact_counts(admin_client, alice, bob, paper):
    vote_add(user=alice, paper=paper)
    vote_add(user=bob, paper=paper)
    ids = list(Vote.objects.values_list("pk", flat=True))
    response = admin_client.post(
        "/admin/catalog/vote/", {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )
    assert response.status_code == 302
    assert stored(paper) == Vote.objects.count() == 0


def test_the_paper_admin_keeps_vote_counts_read_only(admin_client, paper):
    response = admin_client.get(f"/admin/catalog/paper/{paper.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="code_url"' in html and 'name="project_url"' in html
    assert 'name="upvotes"' not in html
