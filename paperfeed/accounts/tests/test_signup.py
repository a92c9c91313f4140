from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from .conftest import PASSWORD, logged_in_user_id
from .html import form_controls, labels_for

User = get_user_model()
pytestmark = pytest.mark.django_db


def signup_data(**overrides):
    data = {
        "username": "charlie",
        "email": "charlie@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "website": "",
    }
    data.update(overrides)
    return data


def test_a_visitor_signs_up_is_logged_in_and_welcomed(client):
    response = client.post(reverse("signup"), signup_data())

    assert response.status_code == 302
    assert response.url == reverse("home")
    charlie = User.objects.get(username="charlie")
    assert charlie.email == "charlie@example.org"
    assert charlie.check_password(PASSWORD)
    assert logged_in_user_id(client) == str(charlie.pk)
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Welcome to paperfeed, charlie!"]


def test_the_welcome_message_shows_on_the_next_page(client):
    response = client.post(reverse("signup"), signup_data(next=reverse("profile")), follow=True)

    assert response.redirect_chain == [(reverse("profile"), 302)]
    assert "Welcome to paperfeed, charlie!" in response.content.decode()


def test_a_username_taken_in_another_case_is_refused(client, alice):
    response = client.post(reverse("signup"), signup_data(username="Alice"))

    assert response.status_code == 200
    assert "A user with that username already exists." in response.context["form"].errors["username"]
    assert not User.objects.filter(username="Alice").exists()
    assert logged_in_user_id(client) is None


def test_an_email_taken_in_another_case_is_refused(client, alice):
    response = client.post(reverse("signup"), signup_data(email="ALICE@Example.org"))

    assert response.status_code == 200
    assert response.context["form"].has_error("email", code="duplicate_email")
    assert not User.objects.filter(username="charlie").exists()


def test_the_email_is_required(client):
    response = client.post(reverse("signup"), signup_data(email=""))

    assert response.context["form"].has_error("email", code="required")
    assert not User.objects.filter(username="charlie").exists()


@pytest.mark.parametrize(
    "password",
    ["12345678", "password", "charlie-x", "short"],
    ids=["numeric", "common", "too-like-the-username", "too-short"],
)
def test_a_weak_password_is_refused(client, password):
    response = client.post(reverse("signup"), signup_data(password1=password, password2=password))

    assert response.status_code == 200
    assert response.context["form"].errors["password2"]
    assert not User.objects.filter(username="charlie").exists()


def test_mismatched_passwords_are_refused(client):
    response = client.post(reverse("signup"), signup_data(password2=PASSWORD + "x"))

    assert response.context["form"].has_error("password2", code="password_mismatch")
    assert not User.objects.filter(username="charlie").exists()


def test_sign_up_without_a_csrf_token_is_refused():
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(reverse("signup"), signup_data())

    assert response.status_code == 403
    assert not User.objects.filter(username="charlie").exists()


def test_sign_up_with_the_form_s_csrf_token_is_accepted():
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(reverse("signup")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    response = browser.post(reverse("signup"), signup_data(csrfmiddlewaretoken=token))

    assert response.status_code == 302
    assert User.objects.filter(username="charlie").exists()


def test_sign_up_goes_to_next_on_this_site(client):
    response = client.post(reverse("signup"), signup_data(next="/paper/2401.00001/?from=signup"))

    assert response.url == "/paper/2401.00001/?from=signup"


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/path", "http://testserver.evil.example/", "javascript:alert(1)"],
)
def test_sign_up_ignores_a_next_off_this_site(client, next_url):
    response = client.post(reverse("signup"), signup_data(next=next_url))

    assert response.status_code == 302
    assert response.url == reverse("home")


def test_the_sign_up_page_keeps_next_in_the_form(client):
    response = client.get(reverse("signup"), {"next": "/trending/"})

    assert '<input type="hidden" name="next" value="/trending/">' in response.content.decode()


def test_the_sign_up_page_drops_an_off_site_next(client):
    response = client.get(reverse("signup"), {"next": "https://evil.example/"})

    assert response.context["next"] == ""
    assert not [c for c in form_controls(response.content.decode()) if c.get("name") == "next"]


def test_a_filled_in_honeypot_refuses_the_sign_up(client):
    response = client.post(reverse("signup"), signup_data(website="https://cheap-pills.example"))

    assert response.status_code == 200
    assert response.context["form"].has_error("__all__", code="honeypot")
    assert not User.objects.filter(username="charlie").exists()


def test_a_logged_in_user_is_sent_on_from_sign_up(client, alice):
    client.force_login(alice)

    response = client.get(reverse("signup"), {"next": reverse("profile")})

    assert response.status_code == 302
    assert response.url == reverse("profile")


def test_every_sign_up_input_has_a_label_and_autocomplete(client):
    page = client.get(reverse("signup")).content.decode()

    controls = {c["name"]: c for c in form_controls(page)}
    labels = labels_for(page)
    for name in ("username", "email", "password1", "password2", "website"):
        assert controls[name]["id"] in labels, name
    assert controls["username"]["autocomplete"] == "username"
    assert controls["email"]["autocomplete"] == "email"
    assert controls["password1"]["autocomplete"] == "new-password"
    assert controls["password2"]["autocomplete"] == "new-password"
    assert controls["website"]["autocomplete"] == "off"
    assert controls["website"]["tabindex"] == "-1"


def test_sign_up_errors_are_tied_to_their_fields(client, alice):
    page = client.post(reverse("signup"), signup_data(email="alice@example.org")).content.decode()

    email = {c["name"]: c for c in form_controls(page)}["email"]
    assert email["aria-invalid"] == "true"
    assert "id_email_error" in email["aria-describedby"].split()
    assert '<ul class="errorlist field-error" id="id_email_error">' in page

