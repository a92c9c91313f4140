"""Read side of the catalogue for the pages: querysets that render paper cards
in a fixed number of queries, whatever the number of papers or authors.

A card needs: the paper and its organisation (one query, with the author
count, the latest featured day, and whether the current user voted, all as
subqueries), its first three authors (one prefetch) and its categories (one
prefetch).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from .models import Feature, Paper, PaperAuthor, PaperCategory, Vote
from .periods import Period

CARD_AUTHORS = 3
TRENDING, NEW = "trending", "new"
SORTS = (TRENDING, NEW)
FEATURED, ARXIV = "featured", "arxiv"
LISTS = (FEATURED, ARXIV)


def visible_papers() -> QuerySet[Paper]:
    return Paper.objects.filter(is_hidden=False)


def _features(period: Period | None):
    features = Feature.objects.filter(paper=OuterRef("pk"))
    if period is not None:
        features = features.filter(day__gte=period.start, day__lt=period.end)
    return features


def with_card_data(papers: QuerySet[Paper], *, user=None, period: Period | None = None) -> QuerySet[Paper]:
    """Everything a paper card shows, for any list of papers.

    `period`: the featured day shown is the latest within it (else the latest
    ever). Adds `author_count`, `featured_day`, `votes_total` (local +
    upstream), `voted`, `first_authorships` and `category_codes_list`.
    """
    author_count = (
        PaperAuthor.objects.filter(paper=OuterRef("pk"))
        .order_by()
        .values("paper")
        .annotate(n=Count("pk"))
        .values("n")
    )
    featured_day = _features(period).order_by("-day").values("day")[:1]
    if user is not None and user.is_authenticated:
        voted = Exists(Vote.objects.filter(user_id=user.pk, paper=OuterRef("pk")))
    else:
        voted = Value(False, output_field=BooleanField())
    return (
        papers.select_related("organization")
        .annotate(
            author_count=Coalesce(Subquery(author_count, output_field=IntegerField()), 0),
            featured_day=Subquery(featured_day),
            votes_total=F("upvotes") + Coalesce("upstream_upvotes", 0),
            voted=voted,
        )
        .prefetch_related(
            Prefetch(
                "authorships",
                queryset=PaperAuthor.objects.filter(position__lt=CARD_AUTHORS)
                .select_related("author")
                .order_by("position"),
                to_attr="first_authorships",
            ),
            Prefetch(
                "category_links",
                queryset=PaperCategory.objects.order_by("position").only("paper_id", "code", "position"),
                to_attr="category_list",
            ),
        )
    )


def period_papers(period: Period, *, which: str = FEATURED, category: str = "") -> QuerySet[Paper]:
    """Visible papers of a period: featured on its days, or first published in it (`arxiv`)."""
    papers = visible_papers()
    if which == ARXIV:
        papers = papers.filter(published__gte=period.start_datetime, published__lt=period.end_datetime)
    else:
        # IN (subquery) lets SQLite start from the Feature day index.
        featured = Feature.objects.filter(day__gte=period.start, day__lt=period.end).values("paper_id")
        papers = papers.filter(pk__in=featured)
    if category:
        papers = papers.filter(pk__in=PaperCategory.objects.filter(code=category).values("paper_id"))
    return papers


def sorted_papers(papers: QuerySet[Paper], *, sort: str, which: str = FEATURED) -> QuerySet[Paper]:
    """`trending`: score, then votes (old lists all score 0), then newest; `new`: newest first."""
    if sort == NEW:
        if which == ARXIV:
            return papers.order_by(F("published").desc(nulls_last=True), "-pk")
        return papers.order_by(F("featured_day").desc(nulls_last=True), F("published").desc(nulls_last=True), "-pk")
    # An expression, not the bare column: given the indexed trending_score and a LIMIT,
    # PostgreSQL walks that index over the whole catalogue and probes each paper for the
    # period; lists older than the trending window all score 0, so it reads every row
    # (a month at 100,000 papers: 150 ms instead of 10; see bench/web.py). With the
    # expression it starts from the period's papers. SQLite's plan is the same either way.
    trending = Coalesce("trending_score", Value(0.0))
    return papers.order_by(trending.desc(), "-votes_total", F("published").desc(nulls_last=True), "-pk")


def category_counts(papers: QuerySet[Paper], *, limit: int = 15, include: str = "") -> list[tuple[str, int]]:
    """The most common categories among `papers`, as (code, count), most common first."""
    rows = list(
        PaperCategory.objects.filter(paper__in=papers.order_by().values("pk"))
        .values("code")
        .annotate(n=Count("paper_id"))
        .order_by("-n", "code")
        .values_list("code", "n")
    )
    top = rows[:limit]
    if include and include not in {code for code, _ in top}:
        top += [(code, n) for code, n in rows if code == include] or [(include, 0)]
    return top


def neighbour_days(period: Period, *, which: str = FEATURED) -> tuple[date | None, date | None]:
    """The nearest day before the period and the first after it that have papers; one query.

    Two index-ordered LIMIT 1 subqueries, selected together off any one row.
    """
    if which == ARXIV:
        base = visible_papers().order_by()
        before = base.filter(published__lt=period.start_datetime).order_by("-published").values("published")[:1]
        after = base.filter(published__gte=period.end_datetime).order_by("published").values("published")[:1]
    else:
        base = Feature.objects.order_by()
        before = base.filter(day__lt=period.start).order_by("-day").values("day")[:1]
        after = base.filter(day__gte=period.end).order_by("day").values("day")[:1]
    row = (
        Paper.objects.order_by()
        .annotate(before=Subquery(before), after=Subquery(after))
        .values_list("before", "after")[:1]
    )
    found = list(row)
    if not found:
        return None, None
    return tuple(_as_day(value) for value in found[0])  # type: ignore[return-value]


def latest_day(*, which: str = FEATURED, until: date) -> date | None:
    """The most recent day, up to `until`, with papers on the list `which`."""
    if which == ARXIV:
        limit = datetime.combine(until + timedelta(days=1), time.min, tzinfo=timezone.utc)
        value = (
            visible_papers()
            .filter(published__lt=limit)
            .order_by("-published")
            .values_list("published", flat=True)
            .first()
        )
    else:
        value = Feature.objects.filter(day__lte=until).order_by("-day").values_list("day", flat=True).first()
    return _as_day(value)


def _as_day(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):  # the arXiv list: the UTC day of the datetime
        return value.astimezone(timezone.utc).date() if value.tzinfo else value.date()
    return value
