"""API tokens, their rate-limit counters, and when each API answer last changed.

A token is shown once, when it is made; only its SHA-256 is stored (a token
is 256 random bits, so a plain hash is enough: there is nothing to guess).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    # sha256 hex of the whole token; the token itself is never stored.
    key_hash = models.CharField(max_length=64, unique=True)
    # The first characters of the token, to tell tokens apart on the profile page.
    prefix = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name}) of {self.user}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class RateCounter(models.Model):
    """One fixed window of one key (an API token, a client address, an email address): requests counted so far.

    Counted by one conditional UPDATE (`ratelimit.rate_limit_hit`), so the
    count is exact across processes: the database serialises the writers.
    """

    key = models.CharField(max_length=300, unique=True)
    window_start = models.BigIntegerField()  # Unix seconds
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.count} since {self.window_start}"


class ResponseStamp(models.Model):
    """The ETag an API answer or feed last had, and since when: its Last-Modified.

    Keyed by a hash of the request's path and query. Rows older than a week
    are pruned (a missing row only makes Last-Modified "now").
    """

    key = models.CharField(max_length=64, unique=True)
    etag = models.CharField(max_length=100)
    since = models.DateTimeField(db_index=True)
