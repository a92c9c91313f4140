"""Helpers of the accounts tests (alice, bob and charlie come from paperfeed.testing).

Log in through the login view (`log_in`) or with `client.force_login`:
`client.login()` calls `authenticate()` without a request, which django-axes
(the first authentication backend) refuses with AxesBackendRequestParameterRequired.
Failed-login records are rows of axes' AccessAttempt table, so each test's
rollback resets the lockouts; nothing to clean up between tests.
"""

from __future__ import annotations

from django.urls import reverse

from paperfeed.testing.actors import PASSWORD


def log_in(client, username: str, password: str = PASSWORD, **extra):
    """POST the login form as a browser would; returns the response."""
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")
