"""Feeds (RSS and, with .atom, Atom) and Markdown pages, included at the site's root
before the catalogue: `papers/<id>.md` must win over the paper page's `papers/<id>`."""

from django.urls import path

from paperfeed.api.http import read_endpoint

from . import markdown
from .feeds import feed_pair


def _routes(kind: str, route: str, name: str) -> list:
    rss, atom = feed_pair(kind)
    # The Atom route first: `orgs/<str:name>` would otherwise take "x.atom" as a name.
    return [
        path(f"{route}.atom", read_endpoint(atom), name=f"{name}-atom"),
        path(route, read_endpoint(rss), name=name),
    ]


urlpatterns = [
    path("papers/<path:arxiv_id>.md", markdown.paper_md, name="paper-markdown"),
    *_routes("daily", "feeds/daily", "feed-daily"),
    *_routes("trending", "feeds/trending", "feed-trending"),
    *_routes("category", "feeds/categories/<str:code>", "feed-category"),
    *_routes("author", "feeds/authors/<int:pk>", "feed-author"),
    *_routes("organization", "feeds/orgs/<str:name>", "feed-organization"),
    *_routes("search", "search/feed", "feed-search"),
]
