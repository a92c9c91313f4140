"""{% feed_links "trending" %}: the <link rel="alternate"> tags that let feed readers
find a page's RSS and Atom feeds (autodiscovery).

    {% feed_links "daily" %}  {% feed_links "trending" %}  {% feed_links "category" code %}
    {% feed_links "author" author.pk %}  {% feed_links "organization" org.name %}
    {% feed_links "search" %} (the page's own q, mode and category)
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html, format_html_join

register = template.Library()

NAMES = {
    "daily": ("feed-daily", "Daily papers"),
    "trending": ("feed-trending", "Trending papers"),
    "category": ("feed-category", "New in {arg}"),
    "author": ("feed-author", "Papers by this author"),
    "organization": ("feed-organization", "Papers from {arg}"),
    "search": ("feed-search", "This search"),
}


@register.simple_tag(takes_context=True)
def feed_links(context, kind: str, arg=None) -> str:
    request = context.get("request")
    name, label = NAMES[kind]
    args = [arg] if arg not in (None, "") else []
    query = ""
    if kind == "search" and request is not None:
        keep = {k: request.GET[k] for k in ("q", "mode", "category") if request.GET.get(k)}
        query = f"?{urlencode(keep)}" if keep else ""
    title = f"{label.format(arg=arg)} · {settings.PAPERFEED_SITE_NAME}"
    links = []
    for suffix, kind_type, kind_label in (("", "application/rss+xml", "RSS"), ("-atom", "application/atom+xml", "Atom")):
        url = reverse(name + suffix, args=args) + query
        if request is not None:
            url = request.build_absolute_uri(url)
        links.append((kind_type, f"{title} ({kind_label})", url))
    return format_html_join("\n  ", '<link rel="alternate" type="{}" title="{}" href="{}">', links)


@register.simple_tag(takes_context=True)
def markdown_link(context, paper) -> str:
    request = context.get("request")
    url = reverse("paper-markdown", args=[paper.arxiv_id])
    if request is not None:
        url = request.build_absolute_uri(url)
    return format_html('<link rel="alternate" type="text/markdown" title="{} (Markdown)" href="{}">', paper.arxiv_id, url)
