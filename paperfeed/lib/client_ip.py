"""The address a request came from, for rate limits and login lockouts."""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str:
    """REMOTE_ADDR, or behind our own reverse proxy the address it saw.

    Only the last X-Forwarded-For entry is trusted: it is the one our proxy
    appended; anything before it came from the client and can be forged.
    """
    if settings.PAPERFEED_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "")
