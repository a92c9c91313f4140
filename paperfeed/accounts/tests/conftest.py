"""Fixtures of the accounts tests: alice, bob and charlie, and a quick password hasher.

Log in through the login view (`log_in`) or with `client.force_login`:
`client.login()` calls `authenticate()` without a request, which django-axes
(the first authentication backend) refuses with AxesBackendRequestParameterRequired.
Failed-login records are rows of axes' AccessAttempt table, so each test's
rollback resets the lockouts; nothing to clean up between tests.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

PASSWORD = "plum-orchard-ledger-42"


@pytest.fixture(autouse=True)
def quick_password_hasher(settings):
    # The real hasher takes a good fraction of a second per password by design.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(username: str):
    return get_user_model().objects.create_user(username, f"{username}@example.org", PASSWORD)


@pytest.fixture
def alice(db):
    return make_user("alice")


@pytest.fixture
def bob(db):
    return make_user("bob")


@pytest.fixture
def charlie(db):
    return make_user("charlie")


def log_in(client, username: str, password: str = PASSWORD, **extra):
    """POST the login form as a browser would; returns the response."""
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")
