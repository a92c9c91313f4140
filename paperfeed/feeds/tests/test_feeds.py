"""RSS 2.0 and Atom feeds: valid for feedparser (no bozo), stable GUIDs, absolute
links, advertised in the pages' <head>, conditional GETs, and any search query
(control characters included) still makes a well-formed feed."""

from __future__ import annotations

import re
from datetime import date

import feedparser
import pytest

from paperfeed.catalog.models import Author, Paper
from paperfeed.catalog.tests.conftest import make_paper

pytestmark = pytest.mark.django_db

KINDS = ["/feeds/daily", "/feeds/trending", "/feeds/categories/cs.LG", "/feeds/authors/{author}",
         "/feeds/orgs/stanford", "/search/feed?q=attention"]


@pytest.fixture
def catalogue(db):
    from paperfeed.search.documents import search_documents_update

    papers = [
        make_paper("2307.08691", title="FlashAttention-2: <faster> attention & more", featured=[date(2023, 7, 18), date(2023, 7, 19)],
                   upstream_upvotes=30, organization="stanford", authors=["Tri Dao", "José García"]),
        make_paper("hep-th/9901001", title="Old attention \x07 paper", featured=date(2023, 7, 19)),
        make_paper("2401.00001", title="Hidden attention paper", featured=date(2023, 7, 19), is_hidden=True),
    ]
    Paper.objects.filter(arxiv_id="2307.08691").update(trending_score=2.0)
    search_documents_update(paper_ids=[p.pk for p in papers])
    return papers


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, (url, feed.get("bozo_exception"))
    return response, feed


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("atom", [False, True])
def test_every_feed_is_valid_rss_and_atom_with_absolute_links_and_no_hidden_paper(client, catalogue, kind, atom):
    url = kind.format(author=Author.objects.get(name="Tri Dao").pk)
    if atom:
        url = url.replace("/feed?", "/feed.atom?") if "?" in url else url + ".atom"
    response, feed = parse(client, url)
    assert feed.version == ("atom10" if atom else "rss20")
    assert response["Content-Type"].startswith("application/atom+xml" if atom else "application/rss+xml")
    assert feed.entries, url
    for entry in feed.entries:
        assert entry.link.startswith("http://testserver/papers/") and entry.id.startswith("tag:")
        assert "Hidden" not in entry.title and entry.get("published_parsed") or entry.get("updated_parsed")
    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_daily_feed_has_one_entry_per_appearance_with_guids_that_never_change(client, catalogue, settings):
    _response, feed = parse(client, "/feeds/daily")
    ids = [e.id for e in feed.entries]
    assert len(ids) == len(set(ids)) == 3  # 2307.08691 on two days, hep-th/9901001 once
    assert "tag:127.0.0.1,2023-07-19:daily/hep-th/9901001" in ids
    make_paper("2307.00002", featured=date(2023, 7, 20))
    _response, later = parse(client, "/feeds/daily")
    assert set(ids) < {e.id for e in later.entries}
    settings.PAPERFEED_BASE_URL = "https://papers.example.org"
    _response, renamed = parse(client, "/feeds/daily")
    assert all(e.id.startswith("tag:papers.example.org,") for e in renamed.entries)


def test_a_paper_is_one_entry_of_the_same_guid_in_every_other_feed(client, catalogue):
    guids = set()
    for url in ("/feeds/trending", "/feeds/orgs/stanford", "/search/feed?q=flashattention"):
        _response, feed = parse(client, url)
        guids |= {e.id for e in feed.entries if "2307.08691" in e.link}
    assert guids == {"tag:127.0.0.1,2024:paper/2307.08691"}


def test_entries_carry_the_title_abstract_authors_and_categories_escaped(client, catalogue):
    response, feed = parse(client, "/feeds/orgs/stanford")
    entry = feed.entries[0]
    assert entry.title == "FlashAttention-2: <faster> attention & more"
    assert b"&lt;faster&gt;" in response.content
    assert entry.author == "Tri Dao, José García" and [t.term for t in entry.tags] == ["cs.LG", "cs.AI"]
    assert "O(N^2)" in entry.summary


@pytest.mark.parametrize("q", ["\x00\x1f\ufffe", "<script>", "author:\"", "a" * 20000, ""])
def test_any_search_query_makes_a_well_formed_feed(client, catalogue, q):
    for url in ("/search/feed", "/search/feed.atom"):
        parse(client, url + "?" + __import__("urllib.parse").parse.urlencode({"q": q}))


def test_unknown_authors_organisations_and_categories_are_404(client, db):
    for url in ("/feeds/authors/999", "/feeds/orgs/nobody", "/feeds/categories/not..valid", "/feeds/orgs/nobody.atom"):
        assert client.get(url).status_code == 404


def test_feeds_answer_conditional_requests(client, catalogue):
    first = client.get("/feeds/trending")
    assert client.get("/feeds/trending", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get("/feeds/trending", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    Paper.objects.filter(arxiv_id="hep-th/9901001").update(trending_score=5.0)  # a new entry, no timestamp
    assert client.get("/feeds/trending", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 200


ALTERNATE = re.compile(r'<link rel="alternate" type="(application/(?:rss|atom)\+xml|text/markdown)" title="[^"]*" href="([^"]+)">')


@pytest.mark.parametrize(
    "page, feed",
    [("/", "/feeds/daily"), ("/papers/date/2023-07-19", "/feeds/daily"), ("/papers/trending", "/feeds/trending"),
     ("/papers/date/2023-07-19?category=cs.LG", "/feeds/categories/cs.LG"), ("/authors/{author}", "/feeds/authors/{author}"),
     ("/orgs/stanford", "/feeds/orgs/stanford"), ("/search?q=flash+attention", "/search/feed?q=flash+attention"),
     ("/papers/2307.08691", "/feeds/categories/cs.LG")],
)
def test_pages_with_a_feed_advertise_it_for_autodiscovery(client, catalogue, page, feed):
    author = Author.objects.get(name="Tri Dao").pk
    html = client.get(page.format(author=author)).content.decode()
    head = html[: html.index("</head>")]
    links = dict((href, kind) for kind, href in ALTERNATE.findall(head))
    expected = "http://testserver" + feed.format(author=author)
    assert links.get(expected) == "application/rss+xml", links
    atom = expected.replace("/feed?", "/feed.atom?") if "?" in expected else expected + ".atom"
    assert links.get(atom) == "application/atom+xml"
    for href in links:
        assert client.get(href.removeprefix("http://testserver")).status_code == 200
