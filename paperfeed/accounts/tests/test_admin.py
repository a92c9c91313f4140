import pytest
from django.contrib.auth import get_user_model

from paperfeed.catalog.models import Paper, Vote
from paperfeed.catalog.votes import vote_add

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_deleting_a_user_in_the_admin_takes_their_votes_off_the_count(client):
    staff = User.objects.create_superuser("charlie", "charlie@example.org", "a-long-passphrase-1")
    alice = User.objects.create_user("alice", "alice@example.org", "a-long-passphrase-2")
    bob = User.objects.create_user("bob", "bob@example.org", "a-long-passphrase-3")
    paper = Paper.objects.create(arxiv_id="2307.08691", title="FlashAttention-2")
    vote_add(user=alice, paper=paper)
    vote_add(user=bob, paper=paper)
    client.force_login(staff)

    response = client.post(f"/admin/auth/user/{alice.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    paper.refresh_from_db()
    assert paper.upvotes == 1 == Vote.objects.count()


def test_bulk_deleting_users_in_the_admin_keeps_counts_exact(client):
    staff = User.objects.create_superuser("charlie", "charlie@example.org", "a-long-passphrase-1")
    alice = User.objects.create_user("alice", "alice@example.org", "a-long-passphrase-2")
    bob = User.objects.create_user("bob", "bob@example.org", "a-long-passphrase-3")
    paper = Paper.objects.create(arxiv_id="2307.08691", title="FlashAttention-2")
    vote_add(user=alice, paper=paper)
    vote_add(user=bob, paper=paper)
    client.force_login(staff)

    response = client.post(
        "/admin/auth/user/",
        {"action": "delete_selected", "_selected_action": [alice.pk, bob.pk], "post": "yes"},
    )

    assert response.status_code == 302
    paper.refresh_from_db()
    assert paper.upvotes == 0 == Vote.objects.count()
