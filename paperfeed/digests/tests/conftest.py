"""Fixtures of the digest tests: the scenario's catalogue, and a real SMTP server."""

from __future__ import annotations

import pytest

from paperfeed.testing.smtp_server import SmtpSink

from .scenario import make_catalogue


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
