"""What a period's mails are made of, read once per period for every recipient.

`period_data_build(period, searches=...)` reads, in a fixed number of queries
whatever the number of recipients:

- the papers new in the catalogue in the week before the cutoff (arrived then,
  `created_at`, and published at most three weeks before: a bulk import of old
  papers is not news), with their categories, authors and organisation;
- the papers featured on a daily list in that week (for the trending digests),
  with their trending score;
- each distinct saved search of the period's recipients, run once, with the
  relevance floor applied (`search_hits`).

Each recipient's digest is then cut from this in memory (digest.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Q

from paperfeed.catalog.models import Feature, Paper, PaperAuthor, PaperCategory
from paperfeed.search import services as search_services

from .periods import MAX_WINDOW, cutoff_of

# A paper published longer than this before the cutoff is not new, whenever it arrived.
FRESH = timedelta(days=21)
# Saved searches rank new papers against the papers published in these last days.
SEARCH_POOL = timedelta(days=28)
# A search of filters only (no words) lists up to this many new papers.
FILTER_ONLY_LIMIT = 500
SUMMARY_CHARS = 280
CARD_AUTHORS = 3

SearchKey = tuple[str, str, str]  # (query, category, mode)


@dataclass
class PaperInfo:
    id: int
    arxiv_id: str
    title: str
    summary: str
    created_at: datetime
    published: datetime | None
    is_new: bool
    trending_score: float
    votes: int
    organization_id: int | None
    organization: str
    authors: list[str] = field(default_factory=list)  # the first CARD_AUTHORS names
    author_count: int = 0
    author_ids: set[int] = field(default_factory=set)
    categories: list[str] = field(default_factory=list)
    featured_days: set[date] = field(default_factory=set)

    @property
    def path(self) -> str:
        return f"/papers/{self.arxiv_id}"


@dataclass
class PeriodData:
    period: date
    cutoff: datetime
    papers: dict[int, PaperInfo]
    new_ids: list[int]  # newest first
    trending_ids: list[int]  # featured in the week, by trending score
    searches: dict[SearchKey, list[tuple[int, float]]]  # qualified hits, best first
    # paper id -> its block in a mail (text, HTML): rendered once per period, not once per mail
    fragments: dict[int, tuple[str, str]] = field(default_factory=dict)


def summary_of(ai_summary: str, abstract: str) -> str:
    text = " ".join((ai_summary or abstract or "").split())
    if len(text) <= SUMMARY_CHARS:
        return text
    cut = text[:SUMMARY_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + " …"


def _candidates(cutoff: datetime):
    """Visible papers new in the week before the cutoff, or featured in it."""
    start = cutoff - MAX_WINDOW
    featured = Feature.objects.filter(day__gte=start.date(), day__lt=cutoff.date()).values("paper_id")
    fresh = Q(published__isnull=True) | Q(published__gte=cutoff - MAX_WINDOW - FRESH)
    new = Q(created_at__gte=start, created_at__lt=cutoff) & fresh
    return Paper.objects.filter(is_hidden=False).filter(new | Q(pk__in=featured))


def period_data_build(period: date, *, searches: set[SearchKey] = frozenset()) -> PeriodData:
    cutoff = cutoff_of(period)
    start, fresh_limit = cutoff - MAX_WINDOW, cutoff - MAX_WINDOW - FRESH
    candidates = _candidates(cutoff)
    papers: dict[int, PaperInfo] = {}
    rows = candidates.order_by().values_list(
        "pk", "arxiv_id", "title", "ai_summary", "abstract", "created_at", "published", "trending_score",
        "upvotes", "upstream_upvotes", "organization_id", "organization__name", "organization__full_name",
    )
    for (pk, arxiv_id, title, ai_summary, abstract, created, published, score, upvotes, upstream, org_id,
         org_name, org_full) in rows:
        is_new = start <= created < cutoff and (published is None or published >= fresh_limit)
        papers[pk] = PaperInfo(
            id=pk, arxiv_id=arxiv_id, title=" ".join(title.split()), summary=summary_of(ai_summary, abstract),
            created_at=created, published=published, is_new=is_new, trending_score=score or 0.0,
            votes=upvotes + (upstream or 0), organization_id=org_id, organization=org_full or org_name or "",
        )
    subquery = candidates.values("pk")
    for paper_id, day in Feature.objects.filter(
        paper_id__in=subquery, day__gte=start.date(), day__lt=cutoff.date()
    ).values_list("paper_id", "day"):
        if paper_id in papers:
            papers[paper_id].featured_days.add(day)
    for paper_id, code in PaperCategory.objects.filter(paper_id__in=subquery).order_by(
        "paper_id", "position"
    ).values_list("paper_id", "code"):
        if paper_id in papers:
            papers[paper_id].categories.append(code)
    for paper_id, author_id, name in PaperAuthor.objects.filter(paper_id__in=subquery).order_by(
        "paper_id", "position"
    ).values_list("paper_id", "author_id", "author__name"):
        info = papers.get(paper_id)
        if info is not None:
            info.author_ids.add(author_id)
            info.author_count += 1
            if len(info.authors) < CARD_AUTHORS:
                info.authors.append(name)

    def newest(pk: int):
        info = papers[pk]
        return (info.published or info.created_at, pk)

    new_ids = sorted((pk for pk, info in papers.items() if info.is_new), key=newest, reverse=True)
    trending_ids = sorted(
        (pk for pk, info in papers.items() if info.featured_days),
        key=lambda pk: (papers[pk].trending_score, papers[pk].votes, newest(pk)),
        reverse=True,
    )
    found = {key: search_hits(key, cutoff=cutoff) for key in sorted(searches)}
    return PeriodData(period, cutoff, papers, new_ids, trending_ids, found)


def search_hits(key: SearchKey, *, cutoff: datetime) -> list[tuple[int, float]]:
    """A saved search's hits that pass the relevance floor, best first.

    The floor: a paper must rank within the search's best PAPERFEED_DIGEST_SEARCH_DEPTH
    results among the papers published in the four weeks before the cutoff, and (in
    hybrid and keyword mode) contain the query's words: the keyword side must match,
    and for a query of 2 to 4 words all of them must appear (the search's own
    first tiers). A specific query thus mails every new paper that matches it; a
    vague one only the few new papers among its best results.
    """
    query, category, mode = key
    mode = mode if mode in search_services.MODES else search_services.HYBRID
    since, until = (cutoff - SEARCH_POOL).date(), cutoff.date()
    common = {"q": query, "category": category or None, "until": until}
    ranked = search_services.search(mode=mode, since=since, limit=settings.PAPERFEED_DIGEST_SEARCH_DEPTH, **common)
    if not ranked.query.has_text:  # filters only: every new paper that passes them
        listed = search_services.search(mode=search_services.KEYWORD, since=(cutoff - MAX_WINDOW - FRESH).date(),
                                        limit=FILTER_ONLY_LIMIT, **common)
        return [(hit.paper_id, hit.score) for hit in listed.hits]
    if mode == search_services.SEMANTIC:
        return [(hit.paper_id, hit.score) for hit in ranked.hits]
    if ranked.mode == search_services.KEYWORD:
        keyword = {hit.paper_id: hit.score for hit in ranked.hits}
    else:
        keyword_results = search_services.search(
            mode=search_services.KEYWORD, since=since, limit=settings.PAPERFEED_SEARCH_CANDIDATES, **common
        )
        keyword = {hit.paper_id: hit.score for hit in keyword_results.hits}
    needs_all_words = bool(ranked.query.short_terms)
    return [
        (hit.paper_id, hit.score)
        for hit in ranked.hits
        if hit.paper_id in keyword and (not needs_all_words or keyword[hit.paper_id] >= 1.0)
    ]


def sent_filter_subquery(period: date):
    """The candidate papers of a period, as a subquery (to read only the relevant sent ids)."""
    return _candidates(cutoff_of(period)).values("pk")


def group_by(pairs) -> dict[int, set[int]]:
    grouped: dict[int, set[int]] = defaultdict(set)
    for key, value in pairs:
        grouped[key].add(value)
    return grouped
