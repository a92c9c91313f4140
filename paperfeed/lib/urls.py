"""reverse() for the URLs a list page names hundreds of times.

A feed page of 50 cards reverses about 300 URLs; Django's reverse() costs
~30 µs each. Each URL pattern used here is reversed once per process with a
marker argument, and later URLs are that template with the argument quoted
the way reverse() quotes it. The URLconf stays the only source of truth.
"""

from __future__ import annotations

import functools
from urllib.parse import quote

from django.urls import NoReverseMatch, reverse

# One marker per kind of path converter: str/path/slug take the first, int the second.
_MARKERS = ("ARGUMENT-MARKER", "9081726354")
# What reverse() leaves unquoted in a path (django.urls.resolvers).
_SAFE = "!$&'()*+,;=/~:@"


@functools.cache
def _template(name: str) -> tuple[str, str]:
    for marker in _MARKERS:
        try:
            url = reverse(name, args=[marker])
        except NoReverseMatch:
            continue
        before, found, after = url.partition(marker)
        if found:
            return before, after
    raise ValueError(f"URL {name!r} does not take one argument in its path")


def fast_reverse(name: str, arg) -> str:
    before, after = _template(name)
    return f"{before}{quote(str(arg), safe=_SAFE)}{after}"
