"""Reading the catalogue for the API in a fixed number of queries per answer,
and checking the query parameters (a bad one is a 400, never a 500)."""

from __future__ import annotations

import base64
import binascii
from datetime import date

from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from paperfeed.catalog.models import Feature, Paper, PaperAuthor
from paperfeed.catalog.periods import InvalidPeriod, Period
from paperfeed.catalog.queries import visible_papers

MAX_PAGE_NUMBER = 100_000
PUBLISHED_AT, TRENDING = "publishedAt", "trending"
SORTS = (PUBLISHED_AT, TRENDING)


class BadParameter(ValueError):
    """A query parameter the API cannot use; the message is for the caller."""


def int_param(params, name: str, *, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(f"{name} must be an integer between {low} and {high}") from None
    if not low <= value <= high:
        raise BadParameter(f"{name} must be an integer between {low} and {high}")
    return value


def day_param(params, name: str) -> date | None:
    raw = params.get(name, "")
    if not raw:
        return None
    try:
        return Period.parse("day", raw).start
    except InvalidPeriod:
        raise BadParameter(f"{name} must be a date such as 2025-03-17") from None


def period_param(params) -> Period | None:
    """At most one of date (YYYY-MM-DD), week (YYYY-Www) and month (YYYY-MM)."""
    given = [(kind, params[key]) for key, kind in (("date", "day"), ("week", "week"), ("month", "month"))
             if params.get(key)]
    if len(given) > 1:
        raise BadParameter("give at most one of date, week and month")
    if not given:
        return None
    kind, raw = given[0]
    try:
        return Period.parse(kind, raw)
    except InvalidPeriod as exc:
        raise BadParameter(str(exc)) from None


# --- cursors: opaque to clients, the last paper's primary key inside -------------


def cursor_encode(pk: int) -> str:
    return base64.urlsafe_b64encode(f"p{pk}".encode()).decode().rstrip("=")


def cursor_decode(raw: str) -> int:
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
        if not text.startswith("p") or not text[1:].isdigit() or len(text) > 20:
            raise ValueError
        return int(text[1:])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadParameter("cursor is not one this API gave out") from None


# --- loading -------------------------------------------------------------------------


def with_api_data(papers: QuerySet[Paper]) -> QuerySet[Paper]:
    """Papers with their organisation, authors (`api_authors`) and appearances on daily
    lists, latest first (`api_features`): three queries whatever their number."""
    return papers.select_related("organization").prefetch_related(
        Prefetch("authorships", queryset=PaperAuthor.objects.select_related("author").order_by("position"),
                 to_attr="api_authors"),
        Prefetch("features", queryset=Feature.objects.order_by("-day", F("featured_at").desc(nulls_last=True)),
                 to_attr="api_features"),
    )


def latest_feature(paper: Paper) -> Feature | None:
    features = getattr(paper, "api_features", None) or []
    return features[0] if features else None


def papers_in_order(ids: list[int]) -> list[Paper]:
    """The visible papers with these ids, in that order, with their API data."""
    if not ids:
        return []
    found = {p.pk: p for p in with_api_data(visible_papers().filter(pk__in=ids))}
    return [found[pk] for pk in ids if pk in found]


def daily_features(*, period: Period | None, submitter: str = "", sort: str = PUBLISHED_AT) -> QuerySet[Feature]:
    """Appearances on the daily list in `period` (everything when None), one per paper
    (its latest in the period), of visible papers, in the order asked for.

    Each Feature comes with its paper, the paper's organisation and authors
    (`paper.api_authors`): two queries for a page.
    """
    features = Feature.objects.filter(paper__is_hidden=False)
    if period is not None:
        features = features.filter(day__gte=period.start, day__lt=period.end)
    if submitter:
        features = features.filter(submitter_handle=submitter)
    if period is None or period.kind != "day":  # one paper may be listed on several days
        latest = Feature.objects.filter(paper=OuterRef("paper"))
        if period is not None:
            latest = latest.filter(day__gte=period.start, day__lt=period.end)
        if submitter:
            latest = latest.filter(submitter_handle=submitter)
        features = features.filter(pk=Subquery(latest.order_by("-day", "-pk").values("pk")[:1]))
    features = features.select_related("paper__organization").prefetch_related(
        Prefetch("paper__authorships", queryset=PaperAuthor.objects.select_related("author").order_by("position"),
                 to_attr="api_authors")
    )
    newest = ("-day", F("featured_at").desc(nulls_last=True), "-paper_id")
    if sort == TRENDING:
        return features.annotate(
            votes=F("paper__upvotes") + Coalesce("paper__upstream_upvotes", Value(0)),
            score=Coalesce("paper__trending_score", Value(0.0)),
        ).order_by("-score", "-votes", *newest)
    return features.order_by(*newest)
