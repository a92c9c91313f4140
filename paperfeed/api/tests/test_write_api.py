"""Submitting and upvoting with an API token: Bearer tokens only (a session is not
enough, and no CSRF token is needed), JSON errors, a rate limit with 429 and
Retry-After, and no CORS on writes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from paperfeed.api.models import ApiToken
from paperfeed.api.tokens import secret_hash, token_create, token_revoke
from paperfeed.catalog.models import Feature, Paper, Vote

from .conftest import auth

pytestmark = pytest.mark.django_db


def test_writes_need_a_valid_unrevoked_token(client, papers, alice, token):
    assert client.post("/api/papers/2307.08691/upvote").status_code == 401
    response = client.post("/api/papers/2307.08691/upvote", **auth("pf_wrong"))
    assert response.status_code == 401 and "error" in response.json() and "Bearer" in response["WWW-Authenticate"]
    token_revoke(user=alice, token_id=ApiToken.objects.get().pk)
    assert client.post("/api/papers/2307.08691/upvote", **auth(token)).status_code == 401


def test_a_logged_in_session_without_a_token_cannot_write(papers, alice):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    assert browser.post("/api/papers/2307.08691/upvote").status_code == 401
    assert browser.post("/api/papers", {"id": "2307.08691"}).status_code == 401
    assert not Vote.objects.exists()


def test_upvote_and_unvote_are_idempotent_and_report_the_counts(client, papers, alice, token):
    for _ in range(2):
        response = client.post("/api/papers/2307.08691/upvote", **auth(token))
        assert response.status_code == 200
        assert response.json() == {"id": "2307.08691", "voted": True, "upvotes": 1, "upstream_upvotes": 30, "total": 31}
    assert "Access-Control-Allow-Origin" not in response
    assert Vote.objects.get().user == alice
    response = client.delete("/api/papers/hep-th/9901001/upvote", **auth(token))
    assert response.json()["voted"] is False
    response = client.delete("/api/papers/2307.08691/upvote", **auth(token))
    assert response.json()["upvotes"] == 0 and not Vote.objects.exists()
    assert client.post("/api/papers/2401.00001/upvote", **auth(token)).status_code == 404  # hidden
    assert client.get("/api/papers/2307.08691/upvote", **auth(token)).status_code == 405


def test_submitting_puts_a_paper_on_todays_list_once(client, papers, alice, token):
    response = client.post("/api/papers", {"id": "https://arxiv.org/abs/hep-th/9901001v2"},
                           content_type="application/json", **auth(token))
    assert response.status_code == 201 and response.json()["id"] == "hep-th/9901001"
    feature = Feature.objects.get(day=timezone.now().date())
    assert feature.submitted_by == alice and feature.source == "submission"
    again = client.post("/api/papers", {"id": "hep-th/9901001"}, content_type="application/json", **auth(token))
    assert again.status_code == 200


@pytest.mark.parametrize("body", ['{"id": "not an id"}', "{}", "not json", '["2307.08691"]', '{"id": 5}'])
def test_a_bad_submission_is_a_400_with_a_message(client, papers, token, body):
    response = client.post("/api/papers", body, content_type="application/json", **auth(token))
    assert response.status_code == 400 and response.json()["error"]


def test_a_paper_arxiv_cannot_be_asked_about_is_refused_without_saving_anything(client, db, token):
    response = client.post("/api/papers", {"id": "2501.99999"}, content_type="application/json", **auth(token))
    assert response.status_code == 400 and "arXiv" in response.json()["error"]
    assert not Paper.objects.exists()


def test_the_rate_limit_answers_429_with_retry_after_per_token(client, papers, alice, bob, token, settings):
    settings.PAPERFEED_API_RATE_LIMIT = 3
    settings.PAPERFEED_API_RATE_WINDOW = 3600
    for _ in range(3):
        ok = client.post("/api/papers/2307.08691/upvote", **auth(token))
        assert ok.status_code == 200
    assert ok["X-RateLimit-Remaining"] == "0"
    refused = client.post("/api/papers/2307.08691/upvote", **auth(token))
    assert refused.status_code == 429 and "Rate limit" in refused.json()["error"]
    assert 0 < int(refused["Retry-After"]) <= 3600
    _made, other = token_create(user=bob, name="bob's")
    assert client.post("/api/papers/2307.08691/upvote", **auth(other)).status_code == 200


def test_tokens_are_stored_hashed_and_note_when_they_were_last_used(client, papers, alice, token):
    stored = ApiToken.objects.get()
    assert stored.key_hash == secret_hash(token) and token not in (stored.key_hash, stored.prefix)
    assert stored.last_used_at is None
    client.post("/api/papers/2307.08691/upvote", **auth(token))
    stored.refresh_from_db()
    assert timezone.now() - stored.last_used_at < timedelta(seconds=5)
