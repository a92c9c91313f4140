"""A paper as Markdown: /papers/<id>.md, or the paper page asked for with Accept: text/markdown.

Title, authors (with affiliations), links, dates, categories and the
abstract (LaTeX as written). Links are kept only when they are http(s).
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from paperfeed.catalog.models import Feature, Paper, PaperAuthor
from paperfeed.ingest.records import InvalidArxivId, split_arxiv_id

CONTENT_TYPE = "text/markdown; charset=utf-8"


def wants_markdown(request: HttpRequest) -> bool:
    return request.get_preferred_type(["text/html", "text/markdown"]) == "text/markdown"


def _url(value: str) -> str:
    value = (value or "").strip()
    ok = value.lower().startswith(("http://", "https://")) and not any(c in value for c in "<> \n\r\t")
    return value if ok else ""


def _line(text: str) -> str:
    return " ".join((text or "").split())


def paper_markdown(paper: Paper, *, page_url: str) -> str:
    """The Markdown text of one paper (authorships and features prefetched)."""
    lines = [f"# {_line(paper.title)}", ""]
    people = []
    for authorship in paper.authorships.all():
        name = _line(authorship.author.name)
        people.append(f"{name} ({_line(authorship.affiliation)})" if authorship.affiliation else name)
    if people:
        lines += [f"**Authors:** {', '.join(people)}", ""]
    links = [f"[arXiv:{paper.arxiv_id}]({paper.abs_url})", f"[PDF]({paper.pdf_url})"]
    for label, url in (("Code", paper.code_url), ("Project page", paper.project_url), ("DOI", paper.doi_url)):
        if _url(url):
            links.append(f"[{label}](<{_url(url)}>)")
    links.append(f"[{paper.arxiv_id} here]({page_url})")
    lines += [f"**Links:** {' · '.join(links)}", ""]
    facts = []
    if paper.published:
        facts.append(f"**Published:** {paper.published.date().isoformat()}")
    categories = [link.code for link in paper.category_links.all()]
    if categories:
        facts.append(f"**Categories:** {', '.join(categories)}")
    if paper.organization:
        facts.append(f"**Organization:** {_line(str(paper.organization))}")
    facts.append(f"**Upvotes:** {(paper.upvotes or 0) + (paper.upstream_upvotes or 0)}")
    features = list(paper.features.all())
    if features:
        facts.append(f"**Featured:** {', '.join(f.day.isoformat() for f in features)}")
    lines += [" · ".join(facts), ""]
    if paper.journal_ref:
        lines += [f"**Journal reference:** {_line(paper.journal_ref)}", ""]
    lines += ["## Abstract", "", (paper.abstract or "").strip() or "_No abstract._", ""]
    if paper.ai_summary:
        lines += ["## AI summary", "", paper.ai_summary.strip(), ""]
    if paper.comment:
        lines += [f"_Comment: {_line(paper.comment)}_", ""]
    return "\n".join(lines)


def paper_markdown_response(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    """The paper as Markdown, or a plain 404; never cached apart from the HTML page (Vary: Accept)."""
    try:
        bare, _version = split_arxiv_id(arxiv_id[:100])
    except InvalidArxivId:
        bare = ""
    paper = (
        Paper.objects.filter(arxiv_id=bare)
        .select_related("organization")
        .prefetch_related(
            Prefetch("authorships", queryset=PaperAuthor.objects.select_related("author").order_by("position")),
            "category_links",
            Prefetch("features", queryset=Feature.objects.order_by("-day")),
        )
        .first()
        if bare
        else None
    )
    if paper is None or (paper.is_hidden and not request.user.is_staff):
        response = HttpResponse(f"Paper not found: {arxiv_id[:100]}\n", status=404, content_type="text/plain; charset=utf-8")
    else:
        page_url = request.build_absolute_uri(paper.get_absolute_url())
        response = HttpResponse(paper_markdown(paper, page_url=page_url), content_type=CONTENT_TYPE)
    patch_vary_headers(response, ["Accept"])
    return response


@require_safe
def paper_md(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    """/papers/<id>.md; a version or another spelling redirects to the bare id's .md."""
    try:
        bare, _version = split_arxiv_id(arxiv_id[:100])
    except InvalidArxivId:
        bare = ""
    if bare and bare != arxiv_id:
        return HttpResponsePermanentRedirect(reverse("paper-markdown", args=[bare]))
    response = paper_markdown_response(request, arxiv_id)
    response["Access-Control-Allow-Origin"] = "*"
    return response
