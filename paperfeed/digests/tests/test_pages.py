"""The pages: subscribe (anonymous, double opt-in), confirm, unsubscribe, the
subscriptions page, and the Follow and "Mail me new results" buttons."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from paperfeed.catalog.models import Author, Organization
from paperfeed.digests.mails import unsubscribe_token
from paperfeed.digests.models import Subscriber, Subscription

from .scenario import follow_author, make_subscriber, trending

pytestmark = pytest.mark.django_db


def confirm_link(message) -> str:
    return re.search(r"http://127\.0\.0\.1:8000(/subscribe/confirm/\S+)", message.body).group(1)


def subscribe(client, remote_addr="127.0.0.1", **data):
    return client.post(reverse("subscribe"), {"frequency": "daily", **data}, REMOTE_ADDR=remote_addr)


def test_an_anonymous_visitor_subscribes_with_double_opt_in(client, catalogue):
    response = subscribe(client, email="Dana@Example.org", kind="search", q="flash attention", frequency="weekly")
    assert response.status_code == 302 and response["Location"] == reverse("subscribe_sent")
    assert not Subscriber.objects.exists()  # nothing kept before the confirmation
    [message] = mail.outbox
    assert message.to == ["dana@example.org"] and "Confirm" in message.subject
    assert "New results for “flash attention”, weekly" in message.body
    assert message.alternatives and "max-width:600px" in message.alternatives[0][0]
    link = confirm_link(message)
    page = client.get(link)
    assert page.status_code == 200 and b"<form method=\"post\"" in page.content
    assert not Subscriber.objects.exists()  # a link scanner's GET confirms nothing
    done = client.post(link)
    assert done.status_code == 200 and b"You are subscribed" in done.content
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "dana@example.org" and subscriber.confirmed_at is not None
    assert list(subscriber.subscriptions.values_list("kind", "query", "frequency")) == [
        ("search", "flash attention", "weekly")]


def test_a_tampered_or_foreign_token_gets_a_friendly_400(client, catalogue):
    subscribe(client, email="dana@example.org", kind="trending")
    link = confirm_link(mail.outbox[0])
    assert client.post(link[:-3] + "abc").status_code == 400
    bob = make_subscriber("bob@example.org", trending())
    unsubscribe = reverse("unsubscribe", args=[unsubscribe_token(bob)])
    for bad in (unsubscribe[:-2] + "xx", unsubscribe.replace("/unsubscribe/", "/unsubscribe/x"),
                link.replace("/subscribe/confirm/", "/unsubscribe/")):
        response = client.post(bad)
        assert response.status_code == 400 and b"does not work" in response.content
    assert Subscriber.objects.get(pk=bob.pk).paused_at is None


def test_unsubscribing_asks_first_and_needs_no_csrf_token(catalogue):
    bob = make_subscriber("bob@example.org", trending())
    client = Client(enforce_csrf_checks=True)
    url = reverse("unsubscribe", args=[unsubscribe_token(bob)])
    page = client.get(url)
    assert page.status_code == 200 and b"Stop all mail" in page.content
    assert Subscriber.objects.get().paused_at is None
    assert client.post(url).status_code == 200
    assert Subscriber.objects.get().paused_at is not None
    assert client.post(url).status_code == 200  # again: still fine


def test_the_unsubscribe_link_still_works_after_the_account_is_deleted(client, alice):
    subscriber = make_subscriber("alice@example.org", trending(), user=alice)
    url = reverse("unsubscribe", args=[unsubscribe_token(subscriber)])
    alice.delete()
    assert not Subscriber.objects.exists()
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 200 and b"You are unsubscribed" in response.content


def test_anonymous_subscribe_requests_are_limited_per_address_and_per_ip(client, catalogue, settings):
    settings.PAPERFEED_SUBSCRIBE_PER_EMAIL_DAY, settings.PAPERFEED_SUBSCRIBE_PER_IP_HOUR = 2, 4
    answers = [subscribe(client, email="victim@example.org", kind="trending").status_code for _ in range(4)]
    assert answers == [302] * 4  # the same answer: nobody learns whether mail went out
    assert len(mail.outbox) == 2
    limited = subscribe(client, email="other@example.org", kind="trending")
    assert limited.status_code == 429 and b"Too many requests" in limited.content
    other_ip = subscribe(client, email="other@example.org", kind="trending", remote_addr="10.0.0.9")
    assert other_ip.status_code == 302 and len(mail.outbox) == 3


def test_the_follow_button_sends_anonymous_visitors_to_a_prefilled_subscribe_page(client, catalogue):
    author = Author.objects.get(name="Tri Dao")
    page = client.get(reverse("author", args=[author.pk]))
    assert b'action="/subscriptions/add"' in page.content and b"csrfmiddlewaretoken" in page.content
    response = client.post(reverse("subscription_add"), {"kind": "author", "author": author.pk, "frequency": "daily"})
    assert response.status_code == 302 and response["Location"].startswith("/subscribe?")
    prefilled = client.get(response["Location"])
    assert prefilled.status_code == 200 and "New papers by Tri Dao" in prefilled.content.decode()


def test_a_logged_in_user_follows_from_the_pages_and_confirms_the_address_once(client, catalogue, alice):
    client.force_login(alice)
    google = Organization.objects.get(name="google")
    for data in ({"kind": "organization", "organization": google.pk, "next": "/orgs/google"},
                 {"kind": "search", "q": "retrieval", "category": "cs.CL", "next": "/search?q=retrieval"},
                 {"kind": "category", "category": "cs.LG", "next": "/papers/trending"}):
        response = client.post(reverse("subscription_add"), data)
        assert response.status_code == 302 and response["Location"] == data["next"]
    subscriber = Subscriber.objects.get(user=alice)
    assert subscriber.confirmed_at is None
    assert sorted(subscriber.subscriptions.values_list("kind", flat=True)) == ["category", "organization", "search"]
    [message] = mail.outbox  # one confirmation, not one per button
    client.post(confirm_link(message))
    assert Subscriber.objects.get(user=alice).confirmed_at is not None


def test_an_address_subscribed_before_joins_the_account_only_through_its_mailbox(client, catalogue, alice):
    earlier = make_subscriber("alice@example.org", trending())
    client.force_login(alice)
    client.post(reverse("subscription_add"), {"kind": "category", "category": "cs.CL"})
    assert Subscriber.objects.get(pk=earlier.pk).user is None
    [message] = mail.outbox
    client.post(confirm_link(message))
    joined = Subscriber.objects.get(pk=earlier.pk)
    assert joined.user == alice and joined.subscriptions.count() == 2


def test_the_subscriptions_page_manages_everything(client, catalogue, alice):
    subscriber = make_subscriber("alice@example.org", trending(), follow_author("Tri Dao"), user=alice)
    client.force_login(alice)
    page = client.get(reverse("subscriptions"))
    body = page.content.decode()
    assert page.status_code == 200 and "New papers by Tri Dao" in body and "Trending papers" in body
    assert body.count('name="csrfmiddlewaretoken"') >= 6
    listing = body.split('<ul class="subs-list">', 1)[1].split("</ul>", 1)[0]
    assert listing.count("Trending papers") == 1  # said once, not again as its kind
    assert listing.count("Followed author") == 1
    url = reverse("subscriptions")
    trending_sub = subscriber.subscriptions.get(kind="trending")
    client.post(url, {"action": "frequency", "id": trending_sub.pk, "frequency": "weekly"})
    client.post(url, {"action": "remove", "id": subscriber.subscriptions.get(kind="author").pk})
    client.post(url, {"action": "settings", "max_papers": "5", "weekends": "on"})
    client.post(url, {"action": "add", "add-kind": "search", "add-q": "speculative decoding",
                      "add-frequency": "daily"})
    subscriber.refresh_from_db()
    assert subscriber.max_papers == 5 and subscriber.weekends
    assert sorted(subscriber.subscriptions.values_list("kind", "frequency")) == [
        ("search", "daily"), ("trending", "weekly")]
    client.post(url, {"action": "pause"})
    assert Subscriber.objects.get().paused_at is not None
    assert "All mail is paused" in client.get(url).content.decode()
    client.post(url, {"action": "resume"})
    assert Subscriber.objects.get().paused_at is None
    bad = client.post(url, {"action": "add", "add-kind": "category", "add-category": "not a category",
                            "add-frequency": "daily"})
    assert bad.status_code == 400 and "is not an arXiv category" in bad.content.decode()


def test_other_users_subscriptions_cannot_be_touched(client, catalogue, alice, bob):
    theirs = make_subscriber("bob@example.org", trending(), user=bob).subscriptions.get()
    make_subscriber("alice@example.org", trending(), user=alice)
    client.force_login(alice)
    client.post(reverse("subscriptions"), {"action": "remove", "id": theirs.pk})
    assert Subscription.objects.filter(pk=theirs.pk).exists()


def test_the_buttons_are_on_the_search_author_organisation_category_and_profile_pages(client, catalogue, alice):
    search = client.get(reverse("search"), {"q": "retrieval"}).content.decode()
    assert "Mail me new results" in search and 'name="q" value="retrieval"' in search
    assert "Follow: mail me new papers" in client.get(reverse("organization", args=["google"])).content.decode()
    day = client.get(reverse("day", args=["2026-03-09"]), {"category": "cs.LG"}).content.decode()
    assert "Follow cs.LG" in day
    client.force_login(alice)
    profile = client.get(reverse("profile")).content.decode()
    assert reverse("subscriptions") in profile


def test_the_subscriptions_page_needs_a_login(client):
    assert client.get(reverse("subscriptions")).status_code == 302
