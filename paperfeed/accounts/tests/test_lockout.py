"""Login rate limit: django-axes locks a username from one address after AXES_FAILURE_LIMIT failures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from .conftest import log_in, logged_in_user_id

pytestmark = pytest.mark.django_db

LIMIT = 3


@pytest.fixture(autouse=True)
def low_failure_limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def fail(client, username="alice", times=LIMIT, **extra):
    return [log_in(client, username, "wrong-password", **extra).status_code for _ in range(times)]


def test_the_failure_that_reaches_the_limit_gets_the_locked_out_page(client, alice):
    statuses = fail(client)

    assert statuses == [200] * (LIMIT - 1) + [429]


def test_while_locked_out_the_right_password_is_refused(client, alice):
    fail(client)

    response = log_in(client, "alice")

    assert response.status_code == 429
    assert logged_in_user_id(client) is None
    page = response.content.decode()
    assert "Too many failed log-ins" in page
    assert "<strong>alice</strong>" in page
    assert f"after {LIMIT} failed attempts" in page
    assert "try again in 15 minutes" in page
    assert "accounts/locked_out.html" in [t.name for t in response.templates]


def test_the_lockout_is_for_that_username_from_that_address_only(client, alice, bob):
    fail(client, "alice")

    assert log_in(client, "bob").status_code == 302
    client.post(reverse("logout"))
    assert log_in(client, "alice", REMOTE_ADDR="192.0.2.7").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, alice):
    fail(client)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    response = log_in(client, "alice")

    assert response.status_code == 302
    assert logged_in_user_id(client) == str(alice.pk)


def test_a_successful_login_clears_the_earlier_failures(client, alice):
    fail(client, times=LIMIT - 1)
    assert log_in(client, "alice").status_code == 302
    client.post(reverse("logout"))

    assert fail(client, times=LIMIT - 1) == [200] * (LIMIT - 1)
    assert log_in(client, "alice").status_code == 302


def test_unknown_usernames_are_locked_out_alike(client):
    assert fail(client, "nobody")[-1] == 429


def test_the_limit_comes_from_the_setting(client, alice, settings):
    settings.AXES_FAILURE_LIMIT = 5

    assert fail(client, times=5) == [200, 200, 200, 200, 429]
