"""ETag and Last-Modified for API answers and feeds, and 304s for conditional requests.

The ETag is a hash of the body. Last-Modified cannot be read off the rows an
answer is made of (a vote taken back, a paper leaving a list, a new trending
order leave no timestamp), so it is the moment this answer's ETag was first
seen: one small ResponseStamp row per path and query, shared by every worker,
rewritten only when the answer changes. An answer that flips back to an
older body gets a new moment, so If-Modified-Since never confirms a body the
client does not have.
"""

from __future__ import annotations

import functools
import hashlib
from datetime import timedelta

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import http_date

from .models import ResponseStamp

KEEP = timedelta(days=7)


def _key(request) -> str:
    return hashlib.sha256(request.get_full_path().encode("utf-8", "surrogatepass")).hexdigest()


def response_stamp(*, key: str, etag: str, now=None):
    """When the answer known by `key` first had `etag` (now, if it just changed)."""
    # Whole seconds, as HTTP dates have, and each change at least a second after the
    # last: two bodies never share a Last-Modified.
    now = (now or timezone.now()).replace(microsecond=0)
    row = ResponseStamp.objects.filter(key=key).values_list("etag", "since").first()
    if row is not None and row[0] == etag:
        return row[1]
    if row is not None:
        now = max(now, row[1] + timedelta(seconds=1))
    try:
        with transaction.atomic():
            if row is None:
                ResponseStamp.objects.filter(since__lt=now - KEEP).delete()
                ResponseStamp.objects.bulk_create([ResponseStamp(key=key, etag=etag, since=now)], ignore_conflicts=True)
            ResponseStamp.objects.filter(key=key).exclude(etag=etag).update(etag=etag, since=now)
    except DatabaseError:  # a read-only or locked database still serves the answer
        return now
    return now


def conditional_get(view):
    """Add ETag and Last-Modified to a successful GET/HEAD answer and turn it into a 304 when the
    client has it already (If-None-Match, else If-Modified-Since)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.streaming:
            return response
        set_response_etag(response)
        since = response_stamp(key=_key(request), etag=response["ETag"])
        response["Last-Modified"] = http_date(since.timestamp())
        return get_conditional_response(
            request, etag=response["ETag"], last_modified=int(since.timestamp()), response=response
        )

    return wrapped
