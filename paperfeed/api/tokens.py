"""Per-user API tokens: made on the profile page, shown once, stored hashed.

    token_create(*, user, name) -> (ApiToken, secret)
    token_revoke(*, user, token_id) -> bool
    token_authenticate(*, secret) -> ApiToken | None

A secret is ``pf_`` + 43 URL-safe characters (256 random bits). The database
holds its SHA-256; a lookup finds the row by that hash (indexed) and compares
in constant time before trusting it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from .models import ApiToken

PREFIX = "pf_"
SHOWN_PREFIX = 10
MAX_SECRET = 200
# last_used_at is written at most this often per token (it is a hint, not a log).
LAST_USED_GRANULARITY = timedelta(seconds=60)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new active token for `user`; the secret is returned once and never stored."""
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=(name or "").strip()[:100] or "API token",
        key_hash=secret_hash(secret),
        prefix=secret[:SHOWN_PREFIX],
    )
    return token, secret


def token_revoke(*, user, token_id: int) -> bool:
    """Revoke one of `user`'s tokens; False when it is not theirs or already revoked."""
    return bool(
        ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    )


def token_authenticate(*, secret: str, now=None) -> ApiToken | None:
    """The active token with this secret (its user loaded), or None. Notes the time of use."""
    if not secret or len(secret) > MAX_SECRET or not secret.startswith(PREFIX):
        return None
    digest = secret_hash(secret)
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=digest, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.key_hash, digest):
        return None
    now = now or timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_GRANULARITY)
        ).update(last_used_at=now)
        token.last_used_at = now
    return token
