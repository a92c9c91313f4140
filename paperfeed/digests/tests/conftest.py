"""Fixtures of the digest tests: alice, bob and charlie, the scenario's catalogue, and a real SMTP server."""

from __future__ import annotations

import pytest

from paperfeed.testing.smtp_server import SmtpSink

from .scenario import make_catalogue, make_user


@pytest.fixture(autouse=True)
def quick_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice(db):
    return make_user("alice")


@pytest.fixture
def bob(db):
    return make_user("bob")


@pytest.fixture
def charlie(db):
    return make_user("charlie")


@pytest.fixture
def catalogue(db):
    return make_catalogue()


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1 that the site sends to."""
    with SmtpSink() as sink:
        settings.EMAIL_HOST, settings.EMAIL_PORT = sink.host, sink.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = ""
        yield sink
