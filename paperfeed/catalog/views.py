"""The catalogue's pages: the daily feed, trending, paper, author and
organisation pages, submitting a paper, and upvoting.

Every list renders its cards through `queries.with_card_data`, in a fixed
number of queries whatever the number of papers or authors.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, Value, BooleanField
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from paperfeed.feeds.markdown import paper_markdown_response, wants_markdown
from paperfeed.ingest.records import CATEGORY, InvalidArxivId, split_arxiv_id

from . import queries
from .forms import SubmitForm
from .models import Author, Feature, Organization, Paper, PaperAuthor, Vote
from .periods import DAY, KINDS, InvalidPeriod, Period
from .queries import ARXIV, FEATURED, NEW, SORTS, TRENDING
from .related import related_paper_ids
from .submissions import SubmissionError, paper_submit
from .votes import vote_toggle

PAGE_SIZE = 50
# A paper page names this many authors, the rest behind "Show more".
AUTHORS_SHOWN = 30


class _NotFound(Exception):
    def __init__(self, title: str, message: str = "", **extra):
        super().__init__(title)
        self.title, self.message, self.extra = title, message, extra


def not_found(request: HttpRequest, title: str, message: str = "", **extra) -> HttpResponse:
    """The friendly 404 page, with a way back."""
    context = {"title": title, "message": message, **extra}
    return render(request, "catalog/not_found.html", context, status=404)


def _page(request: HttpRequest, queryset, *, per_page: int = PAGE_SIZE) -> tuple[Page, list]:
    paginator = Paginator(queryset, per_page)
    raw = request.GET.get("page") or "1"
    try:
        page = paginator.page(int(raw))
    except (ValueError, InvalidPage):
        raise _NotFound("No such page", f"This list has {paginator.num_pages} page{'s' if paginator.num_pages != 1 else ''}.")
    return page, list(page.object_list)


def _choice(request: HttpRequest, name: str, allowed: tuple[str, ...], default: str) -> str:
    value = request.GET.get(name, "")
    return value if value in allowed else default


# --- the feed ---------------------------------------------------------------------


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The most recent day with papers, up to today."""
    today = timezone.now().date()
    which = _choice(request, "list", queries.LISTS, FEATURED)
    day = queries.latest_day(which=which, until=today)
    if day is None and which == FEATURED and "list" not in request.GET:
        # No daily list at all (an instance that ingests arXiv only): show what is new there.
        arxiv_day = queries.latest_day(which=ARXIV, until=today)
        if arxiv_day is not None:
            day, which = arxiv_day, ARXIV
    return _feed(request, Period.of_day(day or today), which=which, is_home=True)


@require_safe
def feed(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    try:
        period = Period.parse(kind, slug)
    except InvalidPeriod as exc:
        return not_found(
            request,
            f"There is no {kind} “{slug}”",
            f"{str(exc).split('(', 1)[-1].rstrip(')').capitalize()}.",
            show_today=True,
        )
    return _feed(request, period, which=_choice(request, "list", queries.LISTS, FEATURED))


def _feed(request: HttpRequest, period: Period, *, which: str, is_home: bool = False) -> HttpResponse:
    sort = _choice(request, "sort", SORTS, TRENDING)
    category = request.GET.get("category", "").strip()
    if category and not CATEGORY.match(category):
        category = ""
    base = queries.period_papers(period, which=which)
    papers = queries.period_papers(period, which=which, category=category) if category else base
    cards = queries.sorted_papers(
        queries.with_card_data(papers, user=request.user, period=period if which == FEATURED else None),
        sort=sort,
        which=which,
    )
    try:
        page, page_papers = _page(request, cards)
    except _NotFound as exc:
        return not_found(request, exc.title, exc.message)
    before, after = queries.neighbour_days(period, which=which)
    today = timezone.now().date()
    context = {
        "period": period,
        "which": which,
        "sort": sort,
        "category": category,
        "categories": queries.category_counts(base, include=category),
        "page": page,
        "papers": page_papers,
        "is_home": is_home,
        "is_today": period.kind == DAY and period.start == today,
        "previous_period": _period_of(period.kind, before),
        "next_period": _period_of(period.kind, after),
        "nearest_before": before,
        "nearest_after": after,
        "kinds": [(kind, period.as_kind(kind)) for kind in KINDS],
        "list_choices": [(FEATURED, "Featured"), (ARXIV, "All new on arXiv")],
        "sort_choices": [(TRENDING, "Trending"), (NEW, "Newest")],
    }
    return render(request, "catalog/feed.html", context)


def _period_of(kind: str, day) -> Period | None:
    try:
        return Period.of(kind, day) if day else None
    except InvalidPeriod:  # a date outside the calendar the URLs accept
        return None


@require_safe
def trending(request: HttpRequest) -> HttpResponse:
    papers = queries.visible_papers().filter(trending_score__gt=0)
    cards = queries.with_card_data(papers, user=request.user).order_by("-trending_score", "-votes_total", "-pk")
    try:
        page, page_papers = _page(request, cards)
    except _NotFound as exc:
        return not_found(request, exc.title, exc.message)
    context = {
        "page": page,
        "papers": page_papers,
        "window_days": settings.PAPERFEED_TRENDING_WINDOW_DAYS,
    }
    return render(request, "catalog/trending.html", context)


# --- a paper ------------------------------------------------------------------------


@require_safe
@vary_on_headers("Accept")
def paper(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    if wants_markdown(request):  # Accept: text/markdown (paperfeed.feeds.markdown)
        return paper_markdown_response(request, arxiv_id)
    try:
        bare, _version = split_arxiv_id(arxiv_id)
    except InvalidArxivId:
        return not_found(
            request,
            "That is not an arXiv identifier",
            f"“{arxiv_id}” does not look like an arXiv id such as 2307.08691 or hep-th/9901001.",
        )
    if bare != arxiv_id:  # a version (2307.08691v2) or another spelling (arXiv:2307.08691)
        return HttpResponsePermanentRedirect(reverse("paper", args=[bare]))
    user = request.user
    if user.is_authenticated:
        voted = Exists(Vote.objects.filter(user_id=user.pk, paper=OuterRef("pk")))
    else:
        voted = Value(False, output_field=BooleanField())
    found = (
        Paper.objects.filter(arxiv_id=bare)
        .select_related("organization")
        .annotate(votes_total=F("upvotes") + Coalesce("upstream_upvotes", 0), voted=voted)
        .prefetch_related(
            Prefetch("authorships", queryset=PaperAuthor.objects.select_related("author").order_by("position")),
            "category_links",
            Prefetch("features", queryset=Feature.objects.select_related("submitted_by").order_by("-day")),
        )
        .first()
    )
    if found is None or (found.is_hidden and not user.is_staff):
        return not_found(
            request,
            f"{bare} is not in the catalogue yet",
            "It may be brand new, or outside the categories this site follows.",
            submit_id=bare,
            arxiv_url=f"https://arxiv.org/abs/{bare}",
        )
    related_ids = related_paper_ids(found)
    related = []
    if related_ids:
        order = {pk: i for i, pk in enumerate(related_ids)}
        related = sorted(
            queries.with_card_data(queries.visible_papers().filter(pk__in=related_ids), user=user),
            key=lambda p: order[p.pk],
        )
    authorships = list(found.authorships.all())
    context = {
        "paper": found,
        "authors_shown": authorships[:AUTHORS_SHOWN],
        "authors_more": authorships[AUTHORS_SHOWN:],
        "categories": [link.code for link in found.category_links.all()],
        "features": list(found.features.all()),
        "related_papers": related,
        "versions": _versions(found),
        "keywords": found.ai_keywords if isinstance(found.ai_keywords, list) else [],
    }
    return render(request, "catalog/paper.html", context)


def _versions(paper: Paper) -> list[dict]:
    from django.utils.dateparse import parse_datetime

    out = []
    for item in paper.versions or []:
        if not isinstance(item, dict) or "v" not in item:
            continue
        submitted = parse_datetime(item["submitted"]) if item.get("submitted") else None
        out.append({"number": item["v"], "submitted": submitted, "url": f"{paper.abs_url}v{item['v']}"})
    return out


# --- people and organisations -----------------------------------------------------------


def _newest_first(papers):
    return papers.order_by(F("published").desc(nulls_last=True), "-pk")


@require_safe
def author(request: HttpRequest, pk: int) -> HttpResponse:
    person = Author.objects.filter(pk=pk).first()
    if person is None:
        return not_found(request, "No such author", "Author pages are made from the papers in the catalogue.")
    papers = queries.visible_papers().filter(pk__in=PaperAuthor.objects.filter(author=person).values("paper_id"))
    try:
        page, page_papers = _page(request, _newest_first(queries.with_card_data(papers, user=request.user)))
    except _NotFound as exc:
        return not_found(request, exc.title, exc.message)
    affiliations = (
        PaperAuthor.objects.filter(author=person)
        .exclude(affiliation="")
        .order_by("-paper__published")
        .values_list("affiliation", flat=True)[:20]
    )
    context = {
        "author": person,
        "affiliations": list(dict.fromkeys(affiliations))[:5],
        "page": page,
        "papers": page_papers,
    }
    return render(request, "catalog/author.html", context)


@require_safe
def organization(request: HttpRequest, name: str) -> HttpResponse:
    org = Organization.objects.filter(name=name).first()
    if org is None:
        return not_found(request, "No such organisation", f"No paper in the catalogue comes from “{name}”.")
    papers = queries.visible_papers().filter(organization=org)
    try:
        page, page_papers = _page(request, _newest_first(queries.with_card_data(papers, user=request.user)))
    except _NotFound as exc:
        return not_found(request, exc.title, exc.message)
    return render(request, "catalog/organization.html", {"org": org, "page": page, "papers": page_papers})


# --- submitting and voting ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = SubmitForm(request.POST)
        if form.is_valid():
            try:
                found, created = paper_submit(user=request.user, raw_id=form.cleaned_data["arxiv_id"])
            except SubmissionError as exc:
                form.add_error("arxiv_id", str(exc))
            else:
                if created:
                    messages.success(request, "Thank you! The paper is on today's list.")
                else:
                    messages.info(request, "This paper is already on today's list.")
                return redirect(found.get_absolute_url())
    else:
        form = SubmitForm(initial={"arxiv_id": request.GET.get("id", "")[:300]})
    return render(request, "catalog/submit.html", {"form": form})


def _wants_json(request: HttpRequest) -> bool:
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def _safe_back(request: HttpRequest, candidate: str | None) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


@require_POST
def upvote(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    """Toggle the user's upvote. JSON for fetch() (Accept: application/json), else a redirect back."""
    back = _safe_back(request, request.POST.get("next")) or _safe_back(request, request.headers.get("Referer"))
    if not request.user.is_authenticated:
        login_url = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': back or '/'})}"
        if _wants_json(request):
            return JsonResponse({"error": "Log in to upvote papers.", "login_url": login_url}, status=401)
        return redirect(login_url)
    try:
        bare, _version = split_arxiv_id(arxiv_id)
    except InvalidArxivId:
        bare = ""
    found = Paper.objects.filter(arxiv_id=bare, is_hidden=False).first() if bare else None
    if found is None:
        if _wants_json(request):
            return JsonResponse({"error": f"No paper {arxiv_id} here."}, status=404)
        return not_found(request, "No such paper", f"There is no paper {arxiv_id} to upvote.")
    voted, count = vote_toggle(user=request.user, paper=found)
    upstream = found.upstream_upvotes or 0
    if _wants_json(request):
        return JsonResponse({"voted": voted, "upvotes": count, "upstream_upvotes": upstream, "total": count + upstream})
    target = back or found.get_absolute_url()
    if "#" not in target:
        target += f"#paper-{found.pk}"
    return redirect(target)
