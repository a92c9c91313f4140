"""Sending the period's mails, each (subscriber, period) at most once, ever.

The state of one mail is its Delivery row, unique on (subscriber, period):

    pending --claim--> sending --commit "sent"--> sent
       ^                  |  \\--> empty (nothing new) | skipped (paused since) | failed (5xx, or retries used up)
       '---- 4xx / no server / crash (lease expired) --'

1. Plan: one pending row per subscriber with something due (INSERT, conflicts
   ignored: planning twice, or by two workers, changes nothing).
2. Claim a batch: a conditional UPDATE pending -> sending (or a `sending` row
   whose lease ran out: its worker died) with a token of this worker. Only rows
   the UPDATE changed are this worker's.
3. For each: build the digest from the period's shared data; hand the message
   to the server up to, not including, the end-of-data terminator
   (transport.py); then commit `sent` (conditional on still holding the claim)
   together with the DeliveredPaper rows (unique per subscriber and paper);
   only after that commit, send the terminator.

A crash or kill before the commit: the server holds an unterminated message
and drops it with the connection; the row is still `sending` and is taken over
when its lease ends. A second worker cannot commit a row it does not hold. A
commit that fails (lost claim, a paper another mail just took) drops the
connection instead of terminating. The one window left is between the commit
and the 5 bytes of the terminator: a crash exactly there loses that mail
(it is never sent twice). A 4xx/5xx reply after the terminator takes the row
back (to pending with backoff, or failed); the papers go back with it.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from .content import PeriodData, period_data_build, search_hits, sent_filter_subquery
from .digest import Spec, digest_build
from .mails import digest_message
from .models import DeliveredPaper, Delivery, Subscriber, Subscription
from .periods import MAX_WINDOW, cutoff_of, is_due, period_at
from .transport import ConnectionFailure, PermanentFailure, TemporaryFailure, transport_open

log = logging.getLogger("paperfeed.digests")

BATCH_SIZE = 50
MAX_ATTEMPTS = 12  # temporary failures; backoff doubles up to an hour: about 8 hours in all
MAX_BACKOFF = 3600.0
REMEMBER = timedelta(days=120)  # DeliveredPaper rows older than this are pruned


class LostClaim(Exception):
    """Another worker took the row over (this one was too slow): do not send."""


@dataclass
class SendReport:
    period: date
    planned: int = 0
    sent: int = 0
    empty: int = 0
    skipped: int = 0
    retrying: int = 0
    failed: int = 0
    unreachable: str = ""
    seconds: float = 0.0
    periods: set[date] = field(default_factory=set)

    def summary(self) -> str:
        text = (f"digests for {self.period}: {self.sent} sent, {self.empty} with nothing new, "
                f"{self.skipped} skipped, {self.retrying} to retry, {self.failed} failed in {self.seconds:.1f}s")
        return text + (f"; mail server unreachable: {self.unreachable}" if self.unreachable else "")


def worker_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(MAX_BACKOFF, settings.PAPERFEED_DIGEST_RETRY_BACKOFF * 2 ** max(0, attempts - 1)))


# --- planning and claiming ---------------------------------------------------------------


def deliveries_plan(*, period: date) -> int:
    """A pending Delivery for every subscriber receiving mail with something due in `period`."""
    rows = (
        Subscription.objects.filter(
            subscriber__confirmed_at__isnull=False, subscriber__paused_at__isnull=True,
            subscriber__suspended_at__isnull=True,
        )
        .values_list("subscriber_id", "frequency", "subscriber__weekends")
        .distinct()
    )
    due = {pk for pk, frequency, weekends in rows if is_due(frequency, period, weekends=weekends)}
    due -= set(Delivery.objects.filter(period=period).values_list("subscriber_id", flat=True))
    Delivery.objects.bulk_create(
        [Delivery(subscriber_id=pk, period=period) for pk in sorted(due)], batch_size=500, ignore_conflicts=True
    )
    return len(due)


def _claimable(now: datetime) -> Q:
    lease = timedelta(seconds=settings.PAPERFEED_DIGEST_LEASE)
    ready = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    return (Q(status=Delivery.PENDING) & ready) | Q(status=Delivery.SENDING, claimed_at__lt=now - lease)


def deliveries_claim(*, worker: str, limit: int) -> tuple[str, list[Delivery]]:
    """Claim up to `limit` deliveries for this worker: (claim token, the rows it got).

    An empty list means nothing is left to claim: when another worker took the
    rows just read, the next ones are tried instead."""
    token = f"{worker}:{uuid.uuid4().hex[:12]}"
    while True:
        now = timezone.now()
        ids = list(Delivery.objects.filter(_claimable(now)).order_by("period", "pk").values_list("pk", flat=True)[:limit])
        if not ids:
            return token, []
        # Conditional: a row another worker claimed meanwhile no longer matches.
        if Delivery.objects.filter(pk__in=ids).filter(_claimable(now)).update(
            status=Delivery.SENDING, claimed_by=token, claimed_at=now
        ):
            break
    claimed = list(
        Delivery.objects.filter(claimed_by=token, status=Delivery.SENDING).select_related("subscriber").order_by("pk")
    )
    return token, claimed


def _mark(delivery: Delivery, token: str, **fields) -> bool:
    """Change a row this worker holds; False when it no longer does."""
    return Delivery.objects.filter(pk=delivery.pk, status=Delivery.SENDING, claimed_by=token).update(**fields) == 1


def _release(token: str) -> int:
    return Delivery.objects.filter(claimed_by=token, status=Delivery.SENDING).update(
        status=Delivery.PENDING, claimed_by="", claimed_at=None
    )


# --- one batch ----------------------------------------------------------------------------


class _Run:
    """State of one `digests_send`: the periods' shared data, the transport, the tallies."""

    def __init__(self, report: SendReport):
        self.report = report
        self.data: dict[date, PeriodData] = {}
        self.transport = transport_open()
        self.ok_subscribers: set[int] = set()

    def period_data(self, period: date, specs: list[Spec]) -> PeriodData:
        data = self.data.get(period)
        if data is None:
            searches = set(
                Subscription.objects.filter(
                    kind=Subscription.SEARCH,
                    subscriber_id__in=Delivery.objects.filter(period=period).values("subscriber_id"),
                ).values_list("query", "category", "mode")
            )
            data = self.data[period] = period_data_build(period, searches=searches)
        for spec in specs:  # added since the period was read: run it now, once
            if spec.kind == Subscription.SEARCH and spec.search_key not in data.searches:
                data.searches[spec.search_key] = search_hits(spec.search_key, cutoff=data.cutoff)
        return data


def _specs(subscriber_ids: list[int]) -> dict[int, list[Spec]]:
    specs: dict[int, list[Spec]] = {pk: [] for pk in subscriber_ids}
    for s in Subscription.objects.filter(subscriber_id__in=subscriber_ids).select_related("author", "organization"):
        label = s.author.name if s.author else (str(s.organization) if s.organization else "")
        specs[s.subscriber_id].append(Spec(
            id=s.pk, kind=s.kind, frequency=s.frequency, label=label, query=s.query, category=s.category,
            mode=s.mode, author_id=s.author_id, organization_id=s.organization_id,
        ))  # fmt: skip
    return specs


def _last_cutoffs(subscriber_ids: list[int], periods: set[date]) -> dict[tuple[int, date], datetime]:
    """(subscriber, period) -> cutoff of the subscriber's last sent mail before that period (within a week)."""
    rows = Delivery.objects.filter(
        subscriber_id__in=subscriber_ids, status=Delivery.SENT,
        period__gte=min(periods) - MAX_WINDOW, period__lt=max(periods),
    ).values_list("subscriber_id", "period")
    found: dict[tuple[int, date], datetime] = {}
    for subscriber_id, sent_period in rows:
        for period in periods:
            if sent_period < period:
                key = (subscriber_id, period)
                found[key] = max(found.get(key, cutoff_of(sent_period)), cutoff_of(sent_period))
    return found


def _sent_papers(subscriber_ids: list[int], period: date) -> dict[int, set[int]]:
    sent: dict[int, set[int]] = {pk: set() for pk in subscriber_ids}
    rows = DeliveredPaper.objects.filter(
        subscriber_id__in=subscriber_ids, paper_id__in=sent_filter_subquery(period)
    ).values_list("subscriber_id", "paper_id")
    for subscriber_id, paper_id in rows:
        sent[subscriber_id].add(paper_id)
    return sent


def _send_batch(run: _Run, token: str, batch: list[Delivery]) -> None:
    started = time.monotonic()
    subscriber_ids = sorted({d.subscriber_id for d in batch})
    specs = _specs(subscriber_ids)
    periods = {d.period for d in batch}
    last = _last_cutoffs(subscriber_ids, periods)
    sent = {period: _sent_papers([d.subscriber_id for d in batch if d.period == period], period) for period in periods}
    for delivery in batch:
        if time.monotonic() - started > settings.PAPERFEED_DIGEST_LEASE / 2:
            break  # the rest is released below, before its lease could run out
        subscriber = delivery.subscriber
        if not subscriber.receives_mail:
            if _mark(delivery, token, status=Delivery.SKIPPED):
                run.report.skipped += 1
            continue
        try:
            data = run.period_data(delivery.period, specs[subscriber.pk])
            digest = digest_build(
                data=data, subscriptions=specs[subscriber.pk], sent=sent[delivery.period][subscriber.pk],
                last_cutoff=last.get((subscriber.pk, delivery.period)), weekends=subscriber.weekends,
                cap=subscriber.max_papers,
            )
            if digest.is_empty:
                if _mark(delivery, token, status=Delivery.EMPTY, papers_total=0):
                    run.report.empty += 1
                continue
            _deliver(run, token, delivery, subscriber, digest, data)
        except ConnectionFailure:
            raise
        except Exception as exc:  # a bug or a database hiccup: retry later, keep going
            log.exception("digest for %s (%s) failed", subscriber.email, delivery.period)
            _retry(run, token, delivery, f"{type(exc).__name__}: {exc}")


def _retry(run: _Run, token: str, delivery: Delivery, error: str, *, status: str = Delivery.SENDING) -> None:
    attempts = delivery.attempts + 1
    final = attempts >= MAX_ATTEMPTS
    fields = {
        "status": Delivery.FAILED if final else Delivery.PENDING, "attempts": attempts, "last_error": error[:2000],
        "next_attempt_at": None if final else timezone.now() + backoff(attempts), "claimed_by": "",
    }
    if status == Delivery.SENDING:
        changed = _mark(delivery, token, **fields)
    else:  # taking back a row this worker committed as sent
        changed = Delivery.objects.filter(pk=delivery.pk, status=status).update(**fields) == 1
    if changed:
        if final:
            run.report.failed += 1
        else:
            run.report.retrying += 1


def _permanent(run: _Run, token: str, delivery: Delivery, subscriber: Subscriber, error: str, *, status: str) -> None:
    fields = {"status": Delivery.FAILED, "attempts": delivery.attempts + 1, "last_error": error[:2000], "claimed_by": ""}
    if status == Delivery.SENDING:
        changed = _mark(delivery, token, **fields)
    else:
        changed = Delivery.objects.filter(pk=delivery.pk, status=status).update(**fields) == 1
    if changed:
        run.report.failed += 1
        Subscriber.objects.filter(pk=subscriber.pk).update(failures=F("failures") + 1)
        Subscriber.objects.filter(
            pk=subscriber.pk, failures__gte=settings.PAPERFEED_DIGEST_SUSPEND_AFTER, suspended_at__isnull=True
        ).update(suspended_at=timezone.now())


def _deliver(run: _Run, token: str, delivery: Delivery, subscriber: Subscriber, digest, data: PeriodData) -> None:
    message = digest_message(delivery=delivery, subscriber=subscriber, digest=digest, data=data)
    raw = message.message().as_bytes(linesep="\r\n")
    transport = run.transport
    try:
        transport.begin(sender=message.from_email, recipient=subscriber.email, message=raw,
                        name=f"{delivery.period:%Y-%m-%d}-{delivery.pk}")
    except ConnectionFailure as exc:
        _retry(run, token, delivery, str(exc))
        raise
    except TemporaryFailure as exc:
        return _retry(run, token, delivery, str(exc))
    except PermanentFailure as exc:
        return _permanent(run, token, delivery, subscriber, str(exc), status=Delivery.SENDING)
    reasons = digest.reasons()
    try:
        with transaction.atomic():
            if not _mark(
                delivery, token, status=Delivery.SENT, sent_at=timezone.now(), message_id=message.extra_headers["Message-ID"],
                papers_shown=digest.shown_count, papers_total=digest.total, attempts=delivery.attempts + 1,
                contents=[[s.title, s.paper_ids] for s in digest.sections], last_error="", next_attempt_at=None,
            ):  # fmt: skip
                raise LostClaim(delivery.pk)
            DeliveredPaper.objects.bulk_create([
                DeliveredPaper(delivery_id=delivery.pk, subscriber_id=subscriber.pk, paper_id=pk, reason=reason)
                for pk, reason in reasons.items()
            ])  # fmt: skip
    except LostClaim:
        transport.abort()  # the server drops the unterminated message
        log.warning("delivery %s was taken over by another worker; not sent from here", delivery.pk)
        return
    except (IntegrityError, DatabaseError) as exc:
        transport.abort()
        # Typically a paper another mail of this subscriber just took: rebuild it later.
        return _retry(run, token, delivery, f"not recorded, not sent: {exc}")
    try:
        code, reply = transport.finish()
    except Exception as exc:  # reply lost: the server may have the mail; never send it twice
        log.warning("no reply after the mail to %s (%s): counted as sent: %s", subscriber.email, delivery.period, exc)
        Delivery.objects.filter(pk=delivery.pk).update(last_error=f"reply lost after the terminator: {exc}"[:2000])
        run.report.sent += 1
        return
    if code == 250:
        run.report.sent += 1
        run.ok_subscribers.add(subscriber.pk)
        return
    error = f"{code} {reply}"
    with transaction.atomic():  # refused after all: take it back, papers and all
        DeliveredPaper.objects.filter(delivery_id=delivery.pk).delete()
        if 400 <= code < 500:
            _retry(run, token, delivery, error, status=Delivery.SENT)
        else:
            _permanent(run, token, delivery, subscriber, error, status=Delivery.SENT)


# --- the run ------------------------------------------------------------------------------


def digests_send(*, as_of: datetime | None = None, worker: str | None = None,
                 batch_size: int = BATCH_SIZE) -> SendReport:
    """Plan the period due at `as_of` (default now), then send every claimable mail."""
    started = time.monotonic()
    period = period_at(as_of or timezone.now())
    report = SendReport(period=period)
    report.planned = deliveries_plan(period=period)
    worker = worker or worker_name()
    run = _Run(report)
    token = ""
    try:
        while True:
            token, batch = deliveries_claim(worker=worker, limit=batch_size)
            if not batch:
                break
            try:
                _send_batch(run, token, batch)
            except ConnectionFailure as exc:
                report.unreachable = str(exc)
                _release_later(token)
                break
            finally:
                _release(token)
                if run.ok_subscribers:
                    Subscriber.objects.filter(pk__in=run.ok_subscribers, failures__gt=0).update(failures=0)
                    run.ok_subscribers.clear()
    finally:
        run.transport.close()
        if token:
            _release(token)
    _prune(period)
    report.seconds = time.monotonic() - started
    return report


def _release_later(token: str) -> None:
    """The mail server is down: put the rest of the batch back, to try after the backoff."""
    Delivery.objects.filter(claimed_by=token, status=Delivery.SENDING).update(
        status=Delivery.PENDING, claimed_by="", claimed_at=None, next_attempt_at=timezone.now() + backoff(1)
    )


def _prune(period: date) -> None:
    DeliveredPaper.objects.filter(delivery__period__lt=period - REMEMBER).delete()
