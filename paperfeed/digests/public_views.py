"""Pages that need no login: subscribe, confirm, unsubscribe, and a sent digest in full.

The links in mails carry signed tokens; a token that was altered (or is too
old, for a confirmation) gets a friendly 400 page, never an error.
"""

from __future__ import annotations


from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from paperfeed.catalog import queries
from paperfeed.lib.client_ip import client_ip
from paperfeed.lib.signing import BadToken, token_read

from .forms import SubscribeForm
from .mails import DIGEST
from .models import Delivery
from paperfeed.api.ratelimit import rate_limit_hit
from .subscriptions import (
    SubscriptionError,
    confirmation_send,
    spec_clean,
    spec_describe,
    subscriber_confirm,
    subscriber_unsubscribe,
)

DIGEST_PAGE_MAX_AGE = 90 * 24 * 3600


def _bad_link(request: HttpRequest, what: str) -> HttpResponse:
    return render(request, "digests/bad_link.html", {"what": what}, status=400)


@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        if not rate_limit_hit(key=f"subscribe-ip:{client_ip(request)}", limit=settings.PAPERFEED_SUBSCRIBE_PER_IP_HOUR,
                              window=3600).allowed:
            context = {"form": form, "limited": True, "prefilled": _prefilled(form)}
            return render(request, "digests/subscribe.html", context, status=429)
        if form.is_valid():
            # The same answer whether or not the address had too many mails today: no probing.
            confirmation_send(email=form.cleaned_data["email"], specs=[form.spec])
            return redirect("subscribe_sent")
    else:
        form = SubscribeForm(initial={k: v for k, v in request.GET.items() if k in SubscribeForm.base_fields})
    return render(request, "digests/subscribe.html", {"form": form, "prefilled": _prefilled(form)},
                  status=400 if form.is_bound else 200)


def _prefilled(form: SubscribeForm) -> str:
    """What a Follow or "Mail me new results" button asked for, in words ("" for a free choice)."""
    source = form.data if form.is_bound else form.initial
    if source.get("kind") not in ("author", "organization", "search", "category"):
        return ""
    raw = {"kind": source.get("kind"), "frequency": "daily", "query": source.get("q") or "",
           "category": source.get("category") or "", "mode": source.get("mode") or "",
           "author": source.get("author"), "organization": source.get("organization")}
    try:
        return spec_describe(spec_clean(raw)).rsplit(",", 1)[0]
    except SubscriptionError:
        return ""


@require_safe
def subscribe_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "digests/subscribe_sent.html")


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners fetch links; only a person presses it); POST confirms."""
    if request.method == "GET":
        try:
            value = token_read(purpose="confirm", token=token, max_age=7 * 24 * 3600)
        except BadToken:
            return _bad_link(request, "confirmation")
        return render(request, "digests/confirm.html", {"email": value["e"], "what": [
            spec_describe(spec) for spec in value.get("s") or [] if _describable(spec)]})
    try:
        subscriber, added = subscriber_confirm(token=token)
    except BadToken:
        return _bad_link(request, "confirmation")
    return render(request, "digests/confirmed.html", {"subscriber": subscriber, "added": added})


def _describable(spec) -> bool:
    try:
        spec_describe(spec)
        return True
    except (KeyError, TypeError):
        return False


@csrf_exempt  # the one-click POST of RFC 8058 comes from a mail client, without a CSRF token; the token authenticates
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "GET":
            subscriber_id, email = token_read(purpose="unsubscribe", token=token)
            return render(request, "digests/unsubscribe.html", {"email": email, "token": token})
        subscriber = subscriber_unsubscribe(token=token)
    except (BadToken, ValueError, TypeError):
        return _bad_link(request, "unsubscribe")
    return render(request, "digests/unsubscribed.html", {"subscriber": subscriber})


@require_safe
def digest_page(request: HttpRequest, token: str) -> HttpResponse:
    """Every paper of one sent digest ("see all N on the site")."""
    try:
        delivery_id = int(token_read(purpose=DIGEST, token=token, max_age=DIGEST_PAGE_MAX_AGE))
    except (BadToken, ValueError, TypeError):
        return _bad_link(request, "digest")
    delivery = Delivery.objects.filter(pk=delivery_id, status=Delivery.SENT).first()
    if delivery is None:
        return _bad_link(request, "digest")
    ids = [pk for _title, section in delivery.contents for pk in section]
    cards = {p.pk: p for p in queries.with_card_data(queries.visible_papers().filter(pk__in=ids), user=request.user)}
    sections = [
        {"title": title, "papers": [cards[pk] for pk in section if pk in cards]} for title, section in delivery.contents
    ]
    context = {"delivery": delivery, "sections": [s for s in sections if s["papers"]], "total": len(cards)}
    return render(request, "digests/digest_page.html", context)
