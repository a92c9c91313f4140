"""The named test actors, alice, bob and charlie: users with a known password.

The fixtures `alice`, `bob` and `charlie` (and a quick password hasher for
every test) come from the pytest plugin; `make_user` makes any other one.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

PASSWORD = "plum-orchard-ledger-42"


def make_user(username: str, email: str | None = None):
    return get_user_model().objects.create_user(username, email or f"{username}@example.org", PASSWORD)
