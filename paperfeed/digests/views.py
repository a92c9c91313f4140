"""The subscriptions page (logged in) and the Follow / "Mail me new results" buttons."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from .forms import SettingsForm, SpecForm
from .models import Subscriber, Subscription
from .subscriptions import (
    SubscriptionError,
    confirmation_send,
    spec_describe,
    subscriber_for_user,
    subscriber_pause,
    subscriber_resume,
    subscriber_settings,
    subscription_add,
    subscription_describe,
    subscription_remove,
    subscription_set_frequency,
)

PREFILL = ("kind", "frequency", "q", "category", "mode", "author", "organization")


def _back(request: HttpRequest) -> str:
    url = request.POST.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return reverse("subscriptions")


def _add_for_user(request: HttpRequest, spec: dict) -> None:
    """Add a checked subscription for the logged-in user, confirming the address first if needed."""
    user = request.user
    subscriber = subscriber_for_user(user=user, create=True)
    if subscriber is None:
        if not user.email:
            messages.error(request, "Your account has no email address to send mail to.")
        elif confirmation_send(email=user.email, specs=[spec], user=user):
            messages.info(request, f"{user.email} already has subscriptions here. We sent it a link: follow it to "
                                   "confirm the address and add this one to your account.")
        else:
            messages.error(request, "Too many confirmation mails to this address today; try again tomorrow.")
        return
    is_new = subscriber.confirmed_at is None and not subscriber.subscriptions.exists()
    _subscription, created = subscription_add(subscriber=subscriber, spec=spec)
    what = spec_describe(spec)
    messages.success(request, f"Subscribed: {what}." if created else f"Already subscribed: {what}.")
    if is_new:
        _send_confirmation(request, subscriber)


def _send_confirmation(request: HttpRequest, subscriber: Subscriber) -> None:
    if confirmation_send(email=subscriber.email, user=request.user):
        messages.info(request, f"We sent a link to {subscriber.email}: follow it to confirm the address, and "
                               "mail starts.")
    else:
        messages.error(request, "Too many confirmation mails to this address today; try again tomorrow.")


@require_POST
def subscription_add_view(request: HttpRequest) -> HttpResponse:
    """The Follow and "Mail me new results" buttons: add at once, or (anonymous) go to /subscribe prefilled."""
    if not request.user.is_authenticated:
        prefill = {name: request.POST[name] for name in PREFILL if request.POST.get(name)}
        return redirect(f"{reverse('subscribe')}?{urlencode(prefill)}")
    form = SpecForm(request.POST)
    if form.is_valid():
        try:
            _add_for_user(request, form.spec)
        except SubscriptionError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(_back(request))


@login_required
@require_http_methods(["GET", "POST"])
def subscriptions(request: HttpRequest) -> HttpResponse:
    subscriber = subscriber_for_user(user=request.user)
    add_form = SpecForm(prefix="add")
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "add":
            add_form = SpecForm(request.POST, prefix="add")
            if add_form.is_valid():
                try:
                    _add_for_user(request, add_form.spec)
                    return redirect("subscriptions")
                except SubscriptionError as exc:
                    add_form.add_error(None, str(exc))
        elif subscriber is not None:
            _act(request, subscriber, action)
            return redirect("subscriptions")
    context = {
        "subscriber": subscriber,
        "rows": _rows(subscriber),
        "add_form": add_form,
        "settings_form": SettingsForm(initial={"max_papers": subscriber.max_papers, "weekends": subscriber.weekends})
        if subscriber else SettingsForm(),
        "frequencies": [("daily", "Daily"), ("weekly", "Weekly")],
    }
    return render(request, "digests/subscriptions.html", context, status=400 if add_form.errors else 200)


def _rows(subscriber: Subscriber | None) -> list[dict]:
    if subscriber is None:
        return []
    rows = []
    for subscription in subscriber.subscriptions.select_related("author", "organization").order_by("created_at", "pk"):
        link = ""
        if subscription.kind == Subscription.AUTHOR:
            link = reverse("author", args=[subscription.author_id])
        elif subscription.kind == Subscription.ORGANIZATION:
            link = reverse("organization", args=[subscription.organization.name])
        elif subscription.kind == Subscription.SEARCH:
            link = f"{reverse('search')}?{urlencode({'q': subscription.query, 'category': subscription.category})}"
        elif subscription.kind == Subscription.TRENDING:
            link = reverse("trending")
        description = subscription_describe(subscription).rsplit(",", 1)[0]
        rows.append({"subscription": subscription, "description": description, "link": link})
    return rows


def _act(request: HttpRequest, subscriber: Subscriber, action: str) -> None:
    try:
        pk = int(request.POST.get("id") or 0)
    except ValueError:
        pk = 0
    if action == "remove":
        if subscription_remove(subscriber=subscriber, subscription_id=pk):
            messages.success(request, "Subscription removed.")
    elif action == "frequency":
        try:
            if subscription_set_frequency(subscriber=subscriber, subscription_id=pk,
                                          frequency=request.POST.get("frequency", "")):
                messages.success(request, "Frequency changed.")
        except SubscriptionError as exc:
            messages.error(request, str(exc))
    elif action == "settings":
        form = SettingsForm(request.POST)
        if form.is_valid():
            subscriber_settings(subscriber=subscriber, **form.cleaned_data)
            messages.success(request, "Mail settings saved.")
        else:
            messages.error(request, "Papers per mail must be a number from 1 to 100.")
    elif action == "pause":
        subscriber_pause(subscriber=subscriber)
        messages.success(request, "All mail is paused. Nothing will be sent until you resume it.")
    elif action == "resume":
        subscriber_resume(subscriber=subscriber)
        messages.success(request, "Mail resumed.")
    elif action == "confirm" and subscriber.confirmed_at is None:
        _send_confirmation(request, subscriber)
