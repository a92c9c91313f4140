from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from paperfeed.digests.models import Subscriber, Subscription
from paperfeed.digests.subscriptions import (
    SubscriptionError,
    confirmation_send,
    normalize_email,
    spec_clean,
    subscription_add,
    subscription_describe,
)


class Command(BaseCommand):
    help = (
        "Mail subscribers, for site operators: `subscribers add EMAIL [--trending daily|weekly] "
        "[--search QUERY] [--follow-category C] [--confirmed]` (without --confirmed the address gets a "
        "confirmation link first), `subscribers list`, `subscribers remove EMAIL`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="add a subscriber (or subscriptions to one)")
        add.add_argument("email")
        add.add_argument("--trending", choices=["daily", "weekly"], help="the trending digest")
        add.add_argument("--search", action="append", default=[], metavar="QUERY", help="a saved-search alert (repeatable)")
        add.add_argument("--follow-category", action="append", default=[], metavar="C",
                         help="new papers in an arXiv category (repeatable)")
        add.add_argument("--frequency", choices=["daily", "weekly"], default="daily",
                         help="of the searches and categories (default daily)")
        add.add_argument("--confirmed", action="store_true",
                         help="the address already opted in (e.g. an existing mailing list): no confirmation mail")
        sub.add_parser("list", help="list subscribers and their subscriptions")
        remove = sub.add_parser("remove", help="remove a subscriber and everything it follows")
        remove.add_argument("email")

    def handle(self, *args, **options):
        getattr(self, f"_{options['action']}")(options)

    def _specs(self, options) -> list[dict]:
        specs = []
        if options["trending"]:
            specs.append({"kind": Subscription.TRENDING, "frequency": options["trending"]})
        for query in options["search"]:
            specs.append({"kind": Subscription.SEARCH, "frequency": options["frequency"], "query": query})
        for code in options["follow_category"]:
            specs.append({"kind": Subscription.CATEGORY, "frequency": options["frequency"], "category": code})
        if not specs:
            specs.append({"kind": Subscription.TRENDING, "frequency": "daily"})
        try:
            return [spec_clean(spec) for spec in specs]
        except SubscriptionError as exc:
            raise CommandError(str(exc)) from None

    def _add(self, options) -> None:
        email = normalize_email(options["email"])
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{options['email']!r} is not an email address") from None
        specs = self._specs(options)
        if not options["confirmed"]:
            if not confirmation_send(email=email, specs=specs):
                raise CommandError(f"{email} had too many confirmation mails today; try tomorrow")
            self.stdout.write(f"{email}: confirmation link sent; mail starts once it is followed")
            return
        with transaction.atomic():
            subscriber, _created = Subscriber.objects.get_or_create(email=email)
            if subscriber.confirmed_at is None or subscriber.paused_at:
                subscriber.confirmed_at = subscriber.confirmed_at or timezone.now()
                subscriber.paused_at = None
                subscriber.save(update_fields=["confirmed_at", "paused_at"])
            added = sum(subscription_add(subscriber=subscriber, spec=spec)[1] for spec in specs)
        self.stdout.write(f"{email}: confirmed, {added} subscription{'s' if added != 1 else ''} added")

    def _list(self, options) -> None:
        subscribers = Subscriber.objects.prefetch_related("subscriptions__author", "subscriptions__organization")
        count = 0
        for subscriber in subscribers.order_by("email"):
            count += 1
            state = ("unconfirmed" if not subscriber.confirmed_at else "suspended" if subscriber.suspended_at
                     else "paused" if subscriber.paused_at else "active")
            account = f" (user {subscriber.user_id})" if subscriber.user_id else ""
            self.stdout.write(f"{subscriber.email}\t{state}{account}\tat most {subscriber.max_papers} papers")
            for subscription in subscriber.subscriptions.all():
                self.stdout.write(f"  - {subscription_describe(subscription)}")
        self.stdout.write(f"{count} subscriber{'s' if count != 1 else ''}")

    def _remove(self, options) -> None:
        email = normalize_email(options["email"])
        deleted = Subscriber.objects.filter(email=email).delete()[0]
        if not deleted:
            raise CommandError(f"no subscriber {email}")
        self.stdout.write(f"{email}: removed")
