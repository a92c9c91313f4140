"""What each feed lists, as plain data: a title, a page, and entries (a paper with
the moment it stands for and a GUID that never changes).

The daily list has one entry per appearance of a paper on it (GUID: a tag URI
of the site, the day and the arXiv id); every other feed has one entry per
paper (GUID: a tag URI of the site and the arXiv id), so a reader never shows
one twice.
Each feed reads its papers in a fixed number of queries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import F, Prefetch
from django.urls import reverse

from paperfeed.catalog.models import Feature, Paper, PaperAuthor, PaperCategory
from paperfeed.catalog.queries import visible_papers
from paperfeed.catalog.trending import featured_moment

ITEMS = 50
AUTHORS_NAMED = 5
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """Text without the characters XML 1.0 cannot carry (a query may contain anything)."""
    return _NOT_XML.sub("", value or "")


@dataclass
class Entry:
    paper: Paper
    moment: datetime
    guid: str = ""
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)


@dataclass
class FeedSource:
    title: str
    link: str
    description: str
    entries: list[Entry]


def _authors_and_categories(paper_qs):
    return paper_qs.prefetch_related(
        Prefetch("authorships", queryset=PaperAuthor.objects.select_related("author").order_by("position"),
                 to_attr="feed_authors"),
        Prefetch("category_links", queryset=PaperCategory.objects.order_by("position"), to_attr="feed_categories"),
    )


def _entry(paper: Paper, moment: datetime | None, guid: str = "") -> Entry:
    return Entry(
        paper=paper,
        moment=moment or paper.published or paper.created_at,
        guid=guid,
        authors=[a.author.name for a in paper.feed_authors],
        categories=[c.code for c in paper.feed_categories],
    )


def _host(request) -> str:
    """The authority of the GUIDs' tag URIs: the site's configured address (PAPERFEED_BASE_URL),
    so they stay the same whichever name a reader used; else the request's host."""
    base = getattr(settings, "PAPERFEED_BASE_URL", "")
    return urlsplit(base).hostname or request.get_host().rsplit(":", 1)[0]


def paper_guid(request, paper: Paper) -> str:
    return f"tag:{_host(request)},2024:paper/{paper.arxiv_id}"


def daily_source(request) -> FeedSource:
    features = list(
        Feature.objects.filter(paper__is_hidden=False)
        .select_related("paper")
        .prefetch_related(
            Prefetch("paper__authorships", queryset=PaperAuthor.objects.select_related("author").order_by("position"),
                     to_attr="feed_authors"),
            Prefetch("paper__category_links", queryset=PaperCategory.objects.order_by("position"),
                     to_attr="feed_categories"),
        )
        .order_by("-day", F("featured_at").desc(nulls_last=True), "-pk")[:ITEMS]
    )
    host = _host(request)
    entries = [
        _entry(f.paper, featured_moment(f.day, f.featured_at), f"tag:{host},{f.day.isoformat()}:daily/{f.paper.arxiv_id}")
        for f in features
    ]
    return FeedSource("Daily papers", reverse("home"), "Papers on the daily list, newest first.", entries)


def _newest(papers) -> list[Paper]:
    return list(_authors_and_categories(papers).order_by(F("published").desc(nulls_last=True), "-pk")[:ITEMS])


def trending_source(request) -> FeedSource:
    papers = _authors_and_categories(visible_papers().filter(trending_score__gt=0)).order_by("-trending_score", "-pk")
    return FeedSource("Trending papers", reverse("trending"), "The papers with the most upvotes lately.",
                      [_entry(p, p.published, paper_guid(request, p)) for p in papers[:ITEMS]])


def category_source(request, code: str) -> FeedSource:
    papers = visible_papers().filter(pk__in=PaperCategory.objects.filter(code=code).values("paper_id"))
    return FeedSource(f"New papers in {code}", f"{reverse('search')}?category={code}",
                      f"The newest papers in the arXiv category {code}.", [_entry(p, p.published, paper_guid(request, p)) for p in _newest(papers)])


def author_source(request, author) -> FeedSource:
    papers = visible_papers().filter(pk__in=PaperAuthor.objects.filter(author=author).values("paper_id"))
    return FeedSource(f"Papers by {author.name}", reverse("author", args=[author.pk]),
                      f"The newest papers by {author.name}.", [_entry(p, p.published, paper_guid(request, p)) for p in _newest(papers)])


def organization_source(request, org) -> FeedSource:
    papers = visible_papers().filter(organization=org)
    return FeedSource(f"Papers from {org}", reverse("organization", args=[org.name]),
                      f"The newest papers from {org}.", [_entry(p, p.published, paper_guid(request, p)) for p in _newest(papers)])


def search_source(request, *, q: str, mode: str, category: str | None) -> FeedSource:
    from paperfeed.search import services

    results = services.search(q=q, mode=mode, category=category, limit=ITEMS)
    by_pk = {p.pk: p for p in _authors_and_categories(visible_papers().filter(pk__in=results.paper_ids))}
    papers = [by_pk[pk] for pk in results.paper_ids if pk in by_pk]
    query = request.GET.urlencode()
    return FeedSource(f"Search: {q}" if q else "Search", f"{reverse('search')}?{query}",
                      f"Papers matching “{q}”, best first.", [_entry(p, p.published, paper_guid(request, p)) for p in papers])
