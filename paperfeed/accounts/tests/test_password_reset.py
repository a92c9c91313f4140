"""Password reset by email, end to end, with Django's locmem outbox (`mailoutbox`)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from .conftest import PASSWORD, log_in, logged_in_user_id
from .html import visible_controls_without_label

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "quiet-lantern-harbour-77"
LINK = re.compile(r"https?://[^\s\"<>]+/accounts/password-reset/[^\s\"<>]+/")


def request_reset(client, email):
    return client.post(reverse("password_reset"), {"email": email})


def test_alice_resets_her_password_by_email(client, alice, mailoutbox):
    response = request_reset(client, "alice@example.org")
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["alice@example.org"]
    assert mail.subject == "Reset your paperfeed password"
    link = LINK.search(mail.body).group(0)
    assert link.startswith("http://testserver/accounts/password-reset/")
    (html, mimetype), = mail.alternatives
    assert mimetype == "text/html"
    assert f'href="{link}"' in html
    assert "Hello alice" in mail.body and "expires in 3 days" in mail.body

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    set_password_url = form_page.redirect_chain[-1][0]

    done = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done.url == reverse("password_reset_complete")
    assert "Your password is set" in client.get(done.url).content.decode()

    assert log_in(client, "alice", NEW_PASSWORD).status_code == 302
    assert logged_in_user_id(client) == str(alice.pk)


def test_the_old_password_no_longer_works_after_a_reset(client, alice, mailoutbox):
    request_reset(client, "alice@example.org")
    set_password_url = client.get(LINK.search(mailoutbox[0].body).group(0)).url
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert log_in(client, "alice", PASSWORD).status_code == 200
    assert logged_in_user_id(client) is None


def test_a_reset_link_works_only_once(client, alice, mailoutbox):
    request_reset(client, "alice@example.org")
    link = LINK.search(mailoutbox[0].body).group(0)
    set_password_url = client.get(link).url
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = client.get(link, follow=True)

    assert again.context["validlink"] is False
    assert "This link no longer works" in again.content.decode()


def test_a_weak_new_password_is_refused(client, alice, mailoutbox):
    request_reset(client, "alice@example.org")
    set_password_url = client.get(LINK.search(mailoutbox[0].body).group(0)).url

    response = client.post(set_password_url, {"new_password1": "12345678", "new_password2": "12345678"})

    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]


def test_an_unknown_email_gets_the_same_answer_and_no_mail(client, alice, mailoutbox):
    known = request_reset(client, "alice@example.org")
    unknown = request_reset(client, "nobody@example.org")

    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    assert len(mailoutbox) == 1
    assert client.get(unknown.url).content == client.get(known.url).content


def test_the_email_address_matches_in_any_case(client, alice, mailoutbox):
    request_reset(client, "ALICE@Example.ORG")

    assert [m.to for m in mailoutbox] == [["alice@example.org"]]


def test_a_password_reset_lifts_a_login_lockout(client, alice, mailoutbox, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    for _ in range(2):
        log_in(client, "alice", "wrong-password")
    assert log_in(client, "alice").status_code == 429

    request_reset(client, "alice@example.org")
    set_password_url = client.get(LINK.search(mailoutbox[0].body).group(0)).url
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert log_in(client, "alice", NEW_PASSWORD).status_code == 302


def test_the_reset_pages_are_ours_and_labelled(client):
    response = client.get(reverse("password_reset"))

    assert [t.name for t in response.templates][0] == "accounts/password_reset_form.html"
    assert visible_controls_without_label(response.content.decode()) == []


def test_alice_changes_her_password(client, alice):
    client.force_login(alice)
    page = client.get(reverse("password_change")).content.decode()
    assert visible_controls_without_label(page) == []

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.url == reverse("password_change_done")
    assert logged_in_user_id(client) == str(alice.pk)
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)


def test_changing_the_password_requires_login(client):
    response = client.get(reverse("password_change"))

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('password_change')}"
