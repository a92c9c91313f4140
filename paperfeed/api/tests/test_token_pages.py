"""API tokens on the profile page: made with a form (CSRF-protected), shown once,
listed by name and prefix with their last use, revoked with a button."""

from __future__ import annotations

import pytest
from django.test import Client

from paperfeed.api.models import ApiToken

pytestmark = pytest.mark.django_db


def test_a_token_is_made_on_the_profile_page_and_its_secret_shown_only_once(client, alice):
    client.force_login(alice)
    profile = client.get("/accounts/profile/")
    assert b"API tokens" in profile.content and b"Make a token" in profile.content
    made = client.post("/accounts/tokens/new", {"name": "reading group bot"})
    assert made.status_code == 200 and "no-store" in made["Cache-Control"]
    token = ApiToken.objects.get(user=alice)
    secret = made.context["secret"]
    assert secret.startswith("pf_") and secret in made.content.decode()
    again = client.get("/accounts/profile/").content.decode()
    assert "reading group bot" in again and token.prefix in again and secret not in again


def test_making_a_token_needs_a_login_and_a_csrf_token(alice):
    browser = Client(enforce_csrf_checks=True)
    assert Client().post("/accounts/tokens/new", {"name": "x"}).status_code == 302  # to the login page
    browser.force_login(alice)
    assert browser.post("/accounts/tokens/new", {"name": "x"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_a_token_is_revoked_by_its_owner_only(client, alice, bob):
    from paperfeed.api.tokens import token_create

    token, _secret = token_create(user=alice, name="mine")
    client.force_login(bob)
    client.post(f"/accounts/tokens/{token.pk}/revoke")
    token.refresh_from_db()
    assert token.is_active
    client.force_login(alice)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke").status_code == 302
    token.refresh_from_db()
    assert not token.is_active
    assert "revoked" in client.get("/accounts/profile/").content.decode()
