from __future__ import annotations

import pytest
from django.urls import reverse

from .conftest import PASSWORD, log_in, logged_in_user_id
from .html import form_controls, visible_controls_without_label

pytestmark = pytest.mark.django_db


def test_alice_logs_in_with_her_password_and_goes_home(client, alice):
    response = log_in(client, "alice")

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert logged_in_user_id(client) == str(alice.pk)


def test_alice_logs_in_and_goes_to_next(client, alice):
    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD, "next": reverse("profile")}
    )

    assert response.url == reverse("profile")


def test_login_ignores_a_next_off_this_site(client, alice):
    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD, "next": "https://evil.example/"}
    )

    assert response.url == reverse("home")


def test_the_login_page_keeps_next_in_the_form(client):
    page = client.get(reverse("login"), {"next": reverse("profile")}).content.decode()

    assert '<input type="hidden" name="next" value="/accounts/profile/">' in page


def test_a_wrong_password_shows_an_error_and_logs_nobody_in(client, alice):
    response = log_in(client, "alice", "not-her-password")

    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()
    assert logged_in_user_id(client) is None


def test_the_login_page_shows_the_site_s_name_not_the_host(client, settings):
    settings.PAPERFEED_SITE_NAME = "Reading group papers"

    page = client.get(reverse("login")).content.decode()

    assert "<title>Log in · Reading group papers</title>" in page


def test_the_login_form_is_labelled_with_autocomplete(client):
    page = client.get(reverse("login")).content.decode()

    assert visible_controls_without_label(page) == []
    controls = {c["name"]: c for c in form_controls(page)}
    assert controls["username"]["autocomplete"] == "username"
    assert controls["password"]["autocomplete"] == "current-password"


def test_a_logged_in_user_visiting_login_is_sent_on(client, alice):
    client.force_login(alice)

    response = client.get(reverse("login"))

    assert response.status_code == 302
    assert response.url == reverse("home")


def test_logging_out_by_get_is_refused(client, alice):
    client.force_login(alice)

    response = client.get(reverse("logout"))

    assert response.status_code == 405
    assert logged_in_user_id(client) == str(alice.pk)


def test_logging_out_by_post_logs_out_and_goes_home(client, alice):
    client.force_login(alice)

    response = client.post(reverse("logout"), follow=True)

    assert response.redirect_chain == [(reverse("home"), 302)]
    assert logged_in_user_id(client) is None


def test_logging_out_needs_a_csrf_token(alice):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)

    response = browser.post(reverse("logout"))

    assert response.status_code == 403
    assert logged_in_user_id(browser) == str(alice.pk)


def test_the_nav_logout_form_logs_out(client, alice):
    client.force_login(alice)
    page = client.get(reverse("profile")).content.decode()
    assert f'action="{reverse("logout")}"' in page

    client.post(reverse("logout"))

    assert client.get(reverse("profile")).status_code == 302
