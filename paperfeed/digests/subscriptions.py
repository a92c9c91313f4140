"""Subscribers and their subscriptions, as services (views, commands and tests call these).

Double opt-in: an address receives nothing but a confirmation until its owner
follows the signed link in it. What an anonymous visitor asked for travels in
that link (`specs`), so an unconfirmed request leaves nothing in the database
but a rate-limit count; a logged-in user's subscriptions are kept at once and
mailed once the address is confirmed.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from paperfeed.catalog.models import Author, Organization
from paperfeed.lib.signing import token_make, token_read
from paperfeed.search.query import is_category, parse
from paperfeed.search.services import MODES

from .mails import CONFIRM, CONFIRM_MAX_AGE, UNSUBSCRIBE, confirm_message
from .models import DAILY, MAX_PAPERS_LIMIT, WEEKLY, Subscriber, Subscription
from paperfeed.api.ratelimit import rate_limit_hit

MAX_SUBSCRIPTIONS = 50
MAX_QUERY_CHARS = 500


class SubscriptionError(ValueError):
    """A subscription that cannot be made; the message says why, for the page."""


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


# --- what a subscription is ---------------------------------------------------------------


def spec_clean(spec: dict) -> dict:
    """A subscription request ({"kind", "frequency", "query", "category", "mode", "author",
    "organization"}) checked and reduced to what it needs; raises SubscriptionError."""
    kind = spec.get("kind") or ""
    frequency = spec.get("frequency") or DAILY
    if frequency not in (DAILY, WEEKLY):
        raise SubscriptionError("Choose daily or weekly.")
    clean = {"kind": kind, "frequency": frequency}
    if kind == Subscription.TRENDING:
        return clean
    if kind == Subscription.SEARCH:
        query = " ".join(str(spec.get("query") or "").split())[:MAX_QUERY_CHARS]
        category = str(spec.get("category") or "").strip()
        mode = spec.get("mode") or "hybrid"
        if category and not is_category(category):
            raise SubscriptionError(f"“{category[:40]}” is not an arXiv category such as cs.CL.")
        if mode not in MODES:
            mode = "hybrid"
        if parse(query).is_empty and not category:
            raise SubscriptionError("A saved search needs some words or a category.")
        return {**clean, "query": query, "category": category, "mode": mode}
    if kind == Subscription.CATEGORY:
        category = str(spec.get("category") or "").strip()
        if not is_category(category):
            raise SubscriptionError(f"“{category[:40]}” is not an arXiv category such as cs.CL.")
        return {**clean, "category": category}
    if kind in (Subscription.AUTHOR, Subscription.ORGANIZATION):
        try:
            pk = int(spec.get(kind) or 0)
        except (TypeError, ValueError):
            pk = 0
        model = Author if kind == Subscription.AUTHOR else Organization
        if not model.objects.filter(pk=pk).exists():
            raise SubscriptionError(f"There is no such {'author' if kind == Subscription.AUTHOR else 'organisation'}.")
        return {**clean, kind: pk}
    raise SubscriptionError("Choose what to subscribe to.")


def spec_key(spec: dict) -> str:
    kind = spec["kind"]
    if kind == Subscription.TRENDING:
        return kind
    if kind == Subscription.SEARCH:
        identity = "\x1f".join([spec["query"], spec["category"], spec["mode"]])
        return "search:" + hashlib.sha256(identity.encode()).hexdigest()[:40]
    if kind == Subscription.CATEGORY:
        return f"category:{spec['category']}"
    return f"{kind}:{spec[kind]}"


def spec_describe(spec: dict) -> str:
    """"Trending papers, daily", "New results for “flash attention”, weekly", ..."""
    kind, often = spec["kind"], spec["frequency"]
    if kind == Subscription.TRENDING:
        text = "Trending papers"
    elif kind == Subscription.SEARCH:
        text = f"New results for “{spec['query']}”" + (f" in {spec['category']}" if spec.get("category") else "")
    elif kind == Subscription.CATEGORY:
        text = f"New papers in {spec['category']}"
    elif kind == Subscription.AUTHOR:
        name = Author.objects.filter(pk=spec[kind]).values_list("name", flat=True).first() or "an author"
        text = f"New papers by {name}"
    else:
        org = Organization.objects.filter(pk=spec[kind]).first()
        text = f"New papers from {org or 'an organisation'}"
    return f"{text}, {often}"


def subscription_describe(subscription: Subscription) -> str:
    spec = {"kind": subscription.kind, "frequency": subscription.frequency, "query": subscription.query,
            "category": subscription.category, Subscription.AUTHOR: subscription.author_id,
            Subscription.ORGANIZATION: subscription.organization_id}
    return spec_describe(spec)


# --- subscriptions ------------------------------------------------------------------------------


def subscription_add(*, subscriber: Subscriber, spec: dict) -> tuple[Subscription, bool]:
    """Add (or, if already there, change the frequency of) one subscription."""
    clean = spec_clean(spec)
    key = spec_key(clean)
    existing = Subscription.objects.filter(subscriber=subscriber, key=key).first()
    if existing is not None:
        if existing.frequency != clean["frequency"]:
            existing.frequency = clean["frequency"]
            existing.save(update_fields=["frequency"])
        return existing, False
    if Subscription.objects.filter(subscriber=subscriber).count() >= MAX_SUBSCRIPTIONS:
        raise SubscriptionError(f"You can have at most {MAX_SUBSCRIPTIONS} subscriptions.")
    try:
        with transaction.atomic():
            created = Subscription.objects.create(
                subscriber=subscriber, kind=clean["kind"], frequency=clean["frequency"], key=key,
                query=clean.get("query", ""), category=clean.get("category", ""), mode=clean.get("mode", ""),
                author_id=clean.get(Subscription.AUTHOR), organization_id=clean.get(Subscription.ORGANIZATION),
            )
    except IntegrityError:  # the same request twice at once
        return Subscription.objects.get(subscriber=subscriber, key=key), False
    return created, True


def subscription_remove(*, subscriber: Subscriber, subscription_id: int) -> bool:
    return Subscription.objects.filter(subscriber=subscriber, pk=subscription_id).delete()[0] > 0


def subscription_set_frequency(*, subscriber: Subscriber, subscription_id: int, frequency: str) -> bool:
    if frequency not in (DAILY, WEEKLY):
        raise SubscriptionError("Choose daily or weekly.")
    return Subscription.objects.filter(subscriber=subscriber, pk=subscription_id).update(frequency=frequency) > 0


# --- subscribers ------------------------------------------------------------------------------------


def subscriber_for_user(*, user, create: bool = False) -> Subscriber | None:
    """The user's subscriber; with `create`, made (unconfirmed) for the account's address.

    An address already subscribed without an account is not taken over here: it
    joins the account when its owner follows a confirmation link (subscriber_confirm).
    """
    subscriber = Subscriber.objects.filter(user=user).first()
    email = normalize_email(user.email)
    if subscriber is not None:
        if email and subscriber.email != email and not Subscriber.objects.filter(email=email).exists():
            # The account's address changed: confirm the new one before mailing it.
            subscriber.email, subscriber.confirmed_at = email, None
            subscriber.save(update_fields=["email", "confirmed_at"])
        return subscriber
    if not create or not email or Subscriber.objects.filter(email=email).exists():
        return None
    try:
        with transaction.atomic():
            return Subscriber.objects.create(user=user, email=email)
    except IntegrityError:
        return Subscriber.objects.filter(user=user).first()


def subscriber_settings(*, subscriber: Subscriber, max_papers: int, weekends: bool) -> None:
    subscriber.max_papers = max(1, min(MAX_PAPERS_LIMIT, int(max_papers)))
    subscriber.weekends = bool(weekends)
    subscriber.save(update_fields=["max_papers", "weekends"])


def subscriber_pause(*, subscriber: Subscriber) -> None:
    Subscriber.objects.filter(pk=subscriber.pk, paused_at__isnull=True).update(paused_at=timezone.now())


def subscriber_resume(*, subscriber: Subscriber) -> None:
    """Mail again: after a pause, an unsubscribe link, or a suspension for failures."""
    Subscriber.objects.filter(pk=subscriber.pk).update(paused_at=None, suspended_at=None, failures=0)


def subscriber_unsubscribe(*, token: str) -> Subscriber | None:
    """Stop all mail to the address in an unsubscribe token (raises BadToken).

    Works with no login, any number of times, and after the account (and with it
    the subscriber) was deleted: then there is nothing left to stop, and None.
    """
    subscriber_id, email = token_read(purpose=UNSUBSCRIBE, token=token)
    subscriber = Subscriber.objects.filter(pk=subscriber_id, email=email).first()
    if subscriber is not None:
        subscriber_pause(subscriber=subscriber)
    return subscriber


def confirmation_send(*, email: str, specs: list[dict] = (), user=None) -> bool:
    """Mail a confirmation link for `email` (carrying `specs`, and the user to attach).

    False, and nothing sent, when the address had its PAPERFEED_SUBSCRIBE_PER_EMAIL_DAY
    confirmations today.
    """
    email = normalize_email(email)
    clean = [spec_clean(spec) for spec in specs]
    if not rate_limit_hit(key=f"confirm:{email}", limit=settings.PAPERFEED_SUBSCRIBE_PER_EMAIL_DAY,
                          window=24 * 3600).allowed:
        return False
    token = token_make(purpose=CONFIRM, value={"e": email, "s": clean, "u": user.pk if user else None})
    what = [spec_describe(spec) for spec in clean]
    confirm_message(email=email, token=token, what=what).send()
    return True


def subscriber_confirm(*, token: str) -> tuple[Subscriber, int]:
    """Follow a confirmation link: the address is confirmed (and mail resumed), the
    subscriptions it carried are added. Returns (subscriber, subscriptions added).
    Raises BadToken for a link altered or older than a week."""
    value = token_read(purpose=CONFIRM, token=token, max_age=CONFIRM_MAX_AGE)
    email = normalize_email(value["e"])
    with transaction.atomic():
        subscriber, _created = Subscriber.objects.get_or_create(email=email)
        user = get_user_model().objects.filter(pk=value.get("u")).first() if value.get("u") else None
        if user is not None and normalize_email(user.email) == email and subscriber.user_id in (None, user.pk):
            if not Subscriber.objects.filter(user=user).exclude(pk=subscriber.pk).exists():
                subscriber.user = user
        subscriber.confirmed_at = subscriber.confirmed_at or timezone.now()
        subscriber.paused_at = None
        subscriber.save(update_fields=["user", "confirmed_at", "paused_at"])
    added = 0
    for spec in value.get("s") or []:
        try:
            _subscription, created = subscription_add(subscriber=subscriber, spec=spec)
            added += created
        except SubscriptionError:
            continue  # the author or organisation went away meanwhile
    return subscriber, added
