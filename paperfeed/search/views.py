"""The search page: /search?q=… (and ?like=<arXiv id> for a paper's neighbours).

Results render as the catalogue's paper cards (`queries.with_card_data`), with
the query's words marked in the title and an abstract snippet, in a fixed
number of queries whatever the number of results.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from paperfeed.catalog import queries
from paperfeed.catalog.models import Paper
from paperfeed.catalog.taxonomy import NAMES as CATEGORY_NAMES
from paperfeed.catalog.views import not_found
from paperfeed.ingest.records import CATEGORY, InvalidArxivId, split_arxiv_id

from . import services
from .query import MAX_QUERY_CHARS, SHORT_QUERY_TERMS

PAGE_SIZE = 20
# Deeper than this is not a page anybody reads; it would only cost.
MAX_PAGE = 50
MODE_CHOICES = [(services.HYBRID, "Hybrid"), (services.KEYWORD, "Keyword"), (services.SEMANTIC, "Semantic")]


@dataclass
class ResultsPage:
    """What catalog/_pagination.html reads off a Django Page, for search results."""

    number: int
    total: int
    per_page: int

    @property
    def paginator(self) -> "ResultsPage":
        return self

    @property
    def num_pages(self) -> int:
        return max(1, min(MAX_PAGE, math.ceil(self.total / self.per_page)))

    @property
    def count(self) -> int:
        return self.total

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def has_other_pages(self) -> bool:
        return self.has_previous() or self.has_next()

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1

    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1


def _day(request: HttpRequest, name: str, problems: list[str]) -> date | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(f"“{raw[:40]}” is not a date such as 2024-01-31")
        return None


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:MAX_QUERY_CHARS]
    mode = request.GET.get("mode", "")
    mode = mode if mode in services.MODES else services.HYBRID
    problems: list[str] = []
    category = request.GET.get("category", "").strip()
    if category and not CATEGORY.match(category):
        problems.append(f"“{category[:40]}” is not an arXiv category such as cs.CL")
        category = ""
    since, until = _day(request, "since", problems), _day(request, "until", problems)
    try:
        number = int(request.GET.get("page") or 1)
    except ValueError:
        number = 0
    if not 1 <= number <= MAX_PAGE:
        return not_found(request, "No such page", "Search results have pages 1 to 50 at most.")
    offset = (number - 1) * PAGE_SIZE

    like = None
    if request.GET.get("like"):
        like = _paper(request.GET["like"])
        if like is None:
            return not_found(request, "No such paper", "“More like this” needs a paper in the catalogue.")
        results = services.similar(paper=like, limit=PAGE_SIZE, offset=offset)
    else:
        results = services.search(q=q, mode=mode, category=category or None, since=since, until=until,
                                  limit=PAGE_SIZE, offset=offset)
        problems = [*results.query.problems, *problems]
    if not results.hits and offset and results.total:
        return not_found(request, "No such page", "There are fewer results than that.")
    cards = _cards(request, results)
    context = {
        "q": q,
        "mode": mode,
        "mode_ran": results.mode,
        "category": category,
        "since": since,
        "until": until,
        "like": like,
        "results": results,
        "papers": cards,
        "shown_end": offset + len(cards),
        "page": ResultsPage(number, results.total, PAGE_SIZE),
        "problems": problems,
        "searched": like is not None or not results.query.is_empty or bool(category or since or until),
        "mode_choices": MODE_CHOICES,
        "category_choices": sorted(CATEGORY_NAMES.items()),
        "short_query_terms": SHORT_QUERY_TERMS,
    }
    return render(request, "search/search.html", context)


def _paper(raw: str) -> Paper | None:
    try:
        bare, _version = split_arxiv_id(raw[:100])
    except InvalidArxivId:
        return None
    return queries.visible_papers().filter(arxiv_id=bare).only("pk", "arxiv_id", "title").first()


def _cards(request: HttpRequest, results: services.SearchResults) -> list[Paper]:
    """The result papers as cards, in result order, with their marked title and snippet."""
    hits = {hit.paper_id: hit for hit in results.hits}
    if not hits:
        return []
    papers = queries.with_card_data(queries.visible_papers().filter(pk__in=list(hits)), user=request.user)
    order = {pk: i for i, pk in enumerate(hits)}
    cards = sorted(papers, key=lambda p: order[p.pk])
    for paper in cards:
        hit = hits[paper.pk]
        paper.search_title, paper.search_snippet, paper.search_score = hit.title_html, hit.snippet_html, hit.score
    return cards
