"""The read API: Hugging Face's paths, parameters and shapes, plus search options,
related papers and paging through the whole catalogue.

    GET /api/daily_papers?date|week|month=&submitter=&sort=&p=&limit=
    GET /api/papers?cursor=&limit=              everything, oldest entry first
    GET /api/papers/search?q=&limit=&p=&mode=&category=&since=&until=
    GET /api/papers/{id}
    GET /api/papers/{id}/related?limit=
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from paperfeed.catalog.queries import visible_papers
from paperfeed.catalog.related import related_paper_ids
from paperfeed.ingest.records import CATEGORY, InvalidArxivId, split_arxiv_id
from paperfeed.search import services as search_services
from paperfeed.search.query import MAX_QUERY_CHARS

from .http import json_answer, json_error, read_endpoint
from .queries import (
    MAX_PAGE_NUMBER,
    PUBLISHED_AT,
    SORTS,
    BadParameter,
    cursor_decode,
    cursor_encode,
    daily_features,
    day_param,
    int_param,
    latest_feature,
    papers_in_order,
    period_param,
    with_api_data,
)
from .shapes import item_json, paper_json

DAILY_LIMIT, MAX_LIMIT = 50, 100
SEARCH_LIMIT = 20
RELATED_LIMIT, MAX_RELATED = 5, 20
MAX_SEARCH_PAGE = 50


def _bad(exc: BadParameter) -> HttpResponse:
    return json_error(str(exc), 400)


@read_endpoint
def daily_papers(request: HttpRequest) -> HttpResponse:
    params = request.GET
    try:
        period = period_param(params)
        sort = params.get("sort") or PUBLISHED_AT
        if sort not in SORTS:
            raise BadParameter(f"sort must be one of {', '.join(SORTS)}")
        page = int_param(params, "p", default=0, low=0, high=MAX_PAGE_NUMBER)
        limit = int_param(params, "limit", default=DAILY_LIMIT, low=1, high=MAX_LIMIT)
    except BadParameter as exc:
        return _bad(exc)
    submitter = params.get("submitter", "")[:100]
    features = daily_features(period=period, submitter=submitter, sort=sort)[page * limit : (page + 1) * limit]
    return json_answer([item_json(f.paper, f.paper.api_authors, f) for f in features])


def _find(raw_id: str):
    try:
        bare, _version = split_arxiv_id(raw_id[:100])
    except InvalidArxivId:
        return None
    return with_api_data(visible_papers().filter(arxiv_id=bare)).first()


def paper_not_found() -> HttpResponse:
    return json_error("Paper not found", 404)


@csrf_exempt  # it changes nothing; a POST to a wrong address is a 404 too, not a CSRF 403
def api_not_found(request: HttpRequest) -> HttpResponse:
    return json_error("Not found", 404)


@read_endpoint
def paper_detail(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    paper = _find(arxiv_id)
    if paper is None:
        return paper_not_found()
    return json_answer(paper_json(paper, paper.api_authors, latest_feature(paper)))


@read_endpoint
def paper_related(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    try:
        limit = int_param(request.GET, "limit", default=RELATED_LIMIT, low=1, high=MAX_RELATED)
    except BadParameter as exc:
        return _bad(exc)
    paper = _find(arxiv_id)
    if paper is None:
        return paper_not_found()
    related = papers_in_order(related_paper_ids(paper, limit=limit))
    return json_answer([paper_json(p, p.api_authors, latest_feature(p)) for p in related])


@read_endpoint
def papers_search(request: HttpRequest) -> HttpResponse:
    params = request.GET
    try:
        limit = int_param(params, "limit", default=SEARCH_LIMIT, low=1, high=MAX_LIMIT)
        page = int_param(params, "p", default=0, low=0, high=MAX_SEARCH_PAGE)
        mode = params.get("mode") or search_services.HYBRID
        if mode not in search_services.MODES:
            raise BadParameter(f"mode must be one of {', '.join(search_services.MODES)}")
        category = params.get("category", "").strip()
        if category and (len(category) > 32 or not CATEGORY.match(category)):
            raise BadParameter("category must be an arXiv category such as cs.CL")
        since, until = day_param(params, "since"), day_param(params, "until")
    except BadParameter as exc:
        return _bad(exc)
    q = params.get("q", "")[:MAX_QUERY_CHARS]
    results = search_services.search(
        q=q, mode=mode, category=category or None, since=since, until=until, limit=limit, offset=page * limit
    )
    papers = papers_in_order(results.paper_ids)
    return json_answer([item_json(p, p.api_authors, latest_feature(p)) for p in papers])


@read_endpoint(allow=("GET", "HEAD", "OPTIONS", "POST"))
def papers_list(request: HttpRequest) -> HttpResponse:
    try:
        limit = int_param(request.GET, "limit", default=DAILY_LIMIT, low=1, high=MAX_LIMIT)
        after = cursor_decode(request.GET["cursor"]) if request.GET.get("cursor") else 0
    except BadParameter as exc:
        return _bad(exc)
    papers = list(with_api_data(visible_papers().filter(pk__gt=after).order_by("pk"))[: limit + 1])
    more = len(papers) > limit
    papers = papers[:limit]
    response = json_answer([paper_json(p, p.api_authors, latest_feature(p)) for p in papers])
    if more:
        query = urlencode({"cursor": cursor_encode(papers[-1].pk), "limit": limit})
        response["Link"] = f'<{request.build_absolute_uri(reverse("api-papers"))}?{query}>; rel="next"'
    return response
