"""Loaded with ``-p`` before pytest-django imports the settings."""

import os
import tempfile

# Production-like settings under test: DEBUG off, a throwaway key, and a data
# dir of the test run's own so nothing touches a user's ./data.
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("PAPERFEED_DATA_DIR", tempfile.mkdtemp(prefix="paperfeed-test-data-"))
# Never hit the real network from tests, and do not wait 3 s between replayed requests.
os.environ.setdefault("PAPERFEED_HF_API_URL", "http://127.0.0.1:9/api")
os.environ.setdefault("PAPERFEED_ARXIV_API_URL", "http://127.0.0.1:9/api/query")
os.environ.setdefault("PAPERFEED_ARXIV_OAI_URL", "http://127.0.0.1:9/oai")
# Fast failure paths: tests that check politeness use fake clocks or set these.
os.environ.setdefault("PAPERFEED_ARXIV_MIN_INTERVAL", "0")
os.environ.setdefault("PAPERFEED_HTTP_BACKOFF", "0.01")
os.environ.setdefault("PAPERFEED_HTTP_RETRIES", "2")
os.environ.setdefault("PAPERFEED_HTTP_READ_TIMEOUT", "2")
# The hashed bag-of-words encoder: instant and deterministic. The few tests of
# the real model ask for it by name.
os.environ.setdefault("PAPERFEED_EMBEDDING_MODEL", "fake")
# A live server's request threads keep their connection while a client keeps the
# HTTP connection alive; without reuse it is closed after each request, so none
# is left open when the test database is dropped.
os.environ.setdefault("PAPERFEED_DB_CONN_MAX_AGE", "0")


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def quick_password_hasher(settings):
    # The real hasher takes a good fraction of a second per password, by design.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice(db):
    from paperfeed.testing.actors import make_user

    return make_user("alice")


@pytest.fixture
def bob(db):
    from paperfeed.testing.actors import make_user

    return make_user("bob")


@pytest.fixture
def charlie(db):
    from paperfeed.testing.actors import make_user

    return make_user("charlie")


@pytest.fixture(scope="session", autouse=True)
def collected_static_files():
    """Pages name hashed static files (DEBUG is off under test, as in production),
    which needs the manifest that collectstatic writes: collect once per run,
    into the run's own data dir. This also proves post-processing succeeds (every
    file a stylesheet refers to exists)."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
