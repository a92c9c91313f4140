"""RSS 2.0 and Atom feeds (django.contrib.syndication) of the daily list, trending,
a category, an author, an organisation and any search.

Each feed is a `PaperFeed` whose `source` says what it lists (sources.py);
`views` pairs every one with its Atom twin and wraps both as read endpoints:
any origin may read them, and they carry ETag and Last-Modified and answer
conditional requests with 304.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.exceptions import ObjectDoesNotExist
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from paperfeed.catalog.models import Author, Organization
from paperfeed.ingest.records import CATEGORY
from paperfeed.search import services as search_services
from paperfeed.search.query import MAX_QUERY_CHARS

from . import sources
from .sources import AUTHORS_NAMED, Entry, FeedSource, xml_text


class PaperFeed(Feed):
    feed_type = Rss201rev2Feed

    def source(self, request, **kwargs) -> FeedSource:
        raise NotImplementedError

    def get_object(self, request, **kwargs) -> FeedSource:
        return self.source(request, **kwargs)

    def title(self, obj: FeedSource) -> str:
        return xml_text(f"{obj.title} · {settings.PAPERFEED_SITE_NAME}")

    def link(self, obj: FeedSource) -> str:
        return obj.link

    def description(self, obj: FeedSource) -> str:
        return xml_text(obj.description)

    subtitle = description

    def items(self, obj: FeedSource) -> list[Entry]:
        return obj.entries

    def item_title(self, item: Entry) -> str:
        return xml_text(item.paper.title)

    def item_description(self, item: Entry) -> str:
        return xml_text(item.paper.abstract)

    def item_link(self, item: Entry) -> str:
        return item.paper.get_absolute_url()

    def item_guid(self, item: Entry) -> str:
        return item.guid

    def item_guid_is_permalink(self, item: Entry) -> bool:
        return False

    def item_author_name(self, item: Entry) -> str:
        names = item.authors[:AUTHORS_NAMED]
        more = " et al." if len(item.authors) > AUTHORS_NAMED else ""
        return xml_text(", ".join(names) + more)

    def item_pubdate(self, item: Entry):
        return item.moment

    def item_updateddate(self, item: Entry):
        return item.moment

    def item_categories(self, item: Entry) -> list[str]:
        return [xml_text(code) for code in item.categories]


class AtomMixin:
    feed_type = Atom1Feed


class DailyFeed(PaperFeed):
    def source(self, request, **kwargs):
        return sources.daily_source(request)


class TrendingFeed(PaperFeed):
    def source(self, request, **kwargs):
        return sources.trending_source(request)


class CategoryFeed(PaperFeed):
    def source(self, request, *, code: str, **kwargs):
        if len(code) > 32 or not CATEGORY.match(code):
            raise ObjectDoesNotExist(code)
        return sources.category_source(request, code)


class AuthorFeed(PaperFeed):
    def source(self, request, *, pk: int, **kwargs):
        return sources.author_source(request, Author.objects.get(pk=pk))


class OrganizationFeed(PaperFeed):
    def source(self, request, *, name: str, **kwargs):
        return sources.organization_source(request, Organization.objects.get(name=name))


class SearchFeed(PaperFeed):
    def source(self, request, **kwargs):
        q = request.GET.get("q", "")[:MAX_QUERY_CHARS]
        mode = request.GET.get("mode", "")
        category = request.GET.get("category", "").strip()
        return sources.search_source(
            request,
            q=q,
            mode=mode if mode in search_services.MODES else search_services.HYBRID,
            category=category if category and len(category) <= 32 and CATEGORY.match(category) else None,
        )


FEEDS = {
    "daily": DailyFeed,
    "trending": TrendingFeed,
    "category": CategoryFeed,
    "author": AuthorFeed,
    "organization": OrganizationFeed,
    "search": SearchFeed,
}


def feed_pair(kind: str) -> tuple[Feed, Feed]:
    """The RSS and the Atom feed of one kind."""
    rss = FEEDS[kind]
    atom = type(f"{rss.__name__}Atom", (AtomMixin, rss), {})
    return rss(), atom()
