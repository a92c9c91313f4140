"""Template helpers for the catalogue pages.

Source text is never marked safe here: every filter returns plain strings and
Django's autoescaping does the rest. URLs from sources pass `safe_url`, which
drops anything but http(s), so a `javascript:` link can never reach an href.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django import template

from paperfeed.catalog.taxonomy import category_name as _category_name
from paperfeed.lib.urls import fast_reverse

register = template.Library()


@register.filter
def safe_url(value: str) -> str:
    """The URL when it is an absolute http(s) URL, else ""."""
    text = (value or "").strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    if parts.scheme.lower() in ("http", "https") and parts.netloc and not any(c in text for c in "\r\n\t "):
        return text
    return ""


@register.filter
def compact(value) -> str:
    """1234 -> "1.2k", 15300 -> "15k", 2_500_000 -> "2.5M"."""
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        return ""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if abs(number) >= size:
            scaled = number / size
            text = f"{scaled:.1f}" if abs(scaled) < 10 else f"{scaled:.0f}"
            return text.removesuffix(".0") + suffix
    return str(number)


@register.filter
def category_name(code: str) -> str:
    """ "cs.CL" -> "Computation and Language" ("" when unknown)."""
    return _category_name(code)


@register.filter
def repo_label(url: str) -> str:
    """ "https://github.com/owner/repo" -> "owner/repo"; other hosts: the host name."""
    text = safe_url(url)
    if not text:
        return ""
    parts = urlsplit(text)
    host = parts.netloc.lower().removeprefix("www.")
    path = [p for p in parts.path.split("/") if p]
    if host in ("github.com", "gitlab.com", "huggingface.co", "codeberg.org") and len(path) >= 2:
        return f"{path[0]}/{path[1].removesuffix('.git')}"
    return host


@register.filter
def host(url: str) -> str:
    text = safe_url(url)
    return urlsplit(text).netloc.lower().removeprefix("www.") if text else ""


@register.filter
def more_authors(paper) -> int:
    """How many authors a card does not name."""
    shown = len(getattr(paper, "first_authorships", ()) or ())
    return max(0, (getattr(paper, "author_count", 0) or 0) - shown)


@register.filter
def initial(value) -> str:
    """First letter (of a name, or of an object's str()), for avatar placeholders."""
    text = str(value or "").strip()
    return text[:1].upper() if text else "?"


@register.filter
def keywords(values, limit: int = 4) -> list[str]:
    """A few distinct, non-empty AI keywords."""
    seen, out = set(), []
    for value in values or ():
        if not isinstance(value, str):
            continue
        text = value.strip()
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            out.append(text)
        if len(out) >= int(limit):
            break
    return out


# Query parameters left out of URLs when they hold their default value.
_DEFAULTS = {"sort": "trending", "list": "featured", "page": "1"}


@register.simple_tag(takes_context=True)
def here(context, **changes) -> str:
    """This page's path with the query changed as `query` does: a link that is
    never empty (an empty href would keep the current query string)."""
    request = context.get("request")
    return (request.path if request is not None else "") + query(context, **changes)


@register.simple_tag(takes_context=True)
def query(context, **changes) -> str:
    """The current query string with `changes` applied ("" when nothing is left).

    A change to None or "" removes the parameter; defaults are dropped, so
    links stay short: {% query page=None category="cs.CL" %} -> "?category=cs.CL".
    """
    request = context.get("request")
    params = request.GET.copy() if request is not None else None
    if params is None:
        from django.http import QueryDict

        params = QueryDict(mutable=True)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    for key, default in _DEFAULTS.items():
        if params.get(key) == default:
            params.pop(key, None)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else ""


@register.filter
def url_to(arg, name: str) -> str:
    """`{{ author_id|url_to:"author" }}`: `{% url "author" author_id %}`, fast (lib/urls)."""
    return fast_reverse(name, arg)


@register.filter
def clip(text: str, length: int = 420) -> str:
    """Cut `text` at a word boundary before `length` characters, with an ellipsis.

    truncatechars walks every character for combining marks; on a page of 50
    abstracts that was a tenth of the render time.
    """
    text = text or ""
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    space = cut.rfind(" ")
    if space > length // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + "…"
