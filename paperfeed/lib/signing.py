"""Signed tokens for links in mails (confirm, unsubscribe, "see all"): small JSON
values signed with SECRET_KEY by Django's signing, one salt per purpose, so a
token made for one purpose never works for another.

    token = token_make(purpose="unsubscribe", value=[42, "alice@example.org"])
    token_read(purpose="unsubscribe", token=token)             # -> [42, "alice@example.org"]
    token_read(purpose="confirm", token=token, max_age=86400)  # raises BadToken (expired, altered, other purpose)

Tokens are URL-safe (letters, digits, `-`, `_`, `:`). They are not encrypted:
put nothing secret in a value.
"""

from __future__ import annotations

from typing import Any

from django.core import signing

SALT_PREFIX = "paperfeed.token."


class BadToken(Exception):
    """The token was altered, expired, made for another purpose, or is not a token."""


def token_make(*, purpose: str, value: Any) -> str:
    return signing.dumps(value, salt=SALT_PREFIX + purpose, compress=True)


def token_read(*, purpose: str, token: str, max_age: float | None = None) -> Any:
    if not isinstance(token, str) or not token or len(token) > 4000:
        raise BadToken("no token")
    try:
        return signing.loads(token, salt=SALT_PREFIX + purpose, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise BadToken("expired") from exc
    except (signing.BadSignature, ValueError, UnicodeError) as exc:
        raise BadToken("invalid") from exc
