"""The write API, for holders of an API token (Authorization: Bearer <token>):

    POST   /api/papers                 {"id": "2307.08691"}: put a paper on today's list
    POST   /api/papers/{id}/upvote     upvote (idempotent)
    DELETE /api/papers/{id}/upvote     take the upvote back (idempotent)

Each goes through the same services as the site's forms (`paper_submit`,
`vote_add`, `vote_remove`), with the token's user.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse

from paperfeed.catalog.models import Paper
from paperfeed.catalog.submissions import SubmissionError, paper_submit
from paperfeed.catalog.votes import vote_add, vote_remove
from paperfeed.ingest.records import InvalidArxivId, split_arxiv_id

from .http import json_answer, json_error, write_endpoint
from .queries import latest_feature, with_api_data
from .shapes import paper_json
from .views import paper_not_found, papers_list


def _submitted_id(request: HttpRequest) -> str | None:
    """The arXiv id of a submission: JSON {"id": ...} (or "arxiv_id"), or a form field."""
    if request.content_type == "application/json" or (request.body[:1] in (b"{", b"[")):
        try:
            body = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            return None
        value = body.get("id", body.get("arxiv_id")) if isinstance(body, dict) else None
        return value if isinstance(value, str) else None
    value = request.POST.get("id") or request.POST.get("arxiv_id")
    return value or None


@write_endpoint
def paper_submit_view(request: HttpRequest) -> HttpResponse:
    raw = _submitted_id(request)
    if not raw:
        return json_error('Send the arXiv id as JSON: {"id": "2307.08691"}', 400)
    try:
        paper, created = paper_submit(user=request.api_token.user, raw_id=raw[:300])
    except SubmissionError as exc:
        return json_error(str(exc), 400)
    paper = with_api_data(Paper.objects.filter(pk=paper.pk)).get()
    response = json_answer(paper_json(paper, paper.api_authors, latest_feature(paper)), status=201 if created else 200)
    response["Location"] = request.build_absolute_uri(paper.get_absolute_url())
    return response


def papers(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """/api/papers: GET lists the catalogue (anyone), POST submits a paper (a token)."""
    if request.method == "POST":
        return paper_submit_view(request)
    return papers_list(request)


papers.csrf_exempt = True  # only the token-authenticated POST changes anything


@write_endpoint(methods=("POST", "DELETE"))
def paper_upvote(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    try:
        bare, _version = split_arxiv_id(arxiv_id[:100])
    except InvalidArxivId:
        return paper_not_found()
    paper = Paper.objects.filter(arxiv_id=bare, is_hidden=False).first()
    if paper is None:
        return paper_not_found()
    change = vote_add if request.method == "POST" else vote_remove
    voted, count = change(user=request.api_token.user, paper=paper)
    upstream = paper.upstream_upvotes or 0
    return json_answer(
        {"id": paper.arxiv_id, "voted": voted, "upvotes": count, "upstream_upvotes": upstream, "total": count + upstream}
    )
