"""When the mail server says no, or is not there, or a worker is too slow: nothing is lost,
nothing is sent twice."""

from __future__ import annotations

import socket
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from paperfeed.catalog.models import Feature
from paperfeed.digests.models import DeliveredPaper, Delivery, Subscriber
from paperfeed.digests.sending import SendReport, _Run, _send_batch, deliveries_claim, deliveries_plan, digests_send

from .scenario import AS_OF, PERIOD, make_subscriber, trending

pytestmark = pytest.mark.django_db


def retry_now() -> None:
    Delivery.objects.filter(status=Delivery.PENDING).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_a_temporary_refusal_is_retried_after_a_backoff_and_then_sent_once(catalogue, smtp):
    make_subscriber("bob@example.org", trending())
    smtp.rcpt_replies["bob@example.org"] = "451 Try again later"
    report = digests_send(as_of=AS_OF)
    delivery = Delivery.objects.get()
    assert report.retrying == 1 and delivery.status == Delivery.PENDING and delivery.attempts == 1
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=250)
    assert "451" in delivery.last_error
    assert digests_send(as_of=AS_OF).sent == 0  # not before the backoff
    del smtp.rcpt_replies["bob@example.org"]
    retry_now()
    assert digests_send(as_of=AS_OF).sent == 1
    assert len(smtp.to("bob@example.org")) == 1


def test_a_permanent_refusal_is_recorded_and_suspends_the_address_after_three(catalogue, smtp, settings):
    settings.PAPERFEED_DIGEST_SUSPEND_AFTER = 3
    make_subscriber("gone@example.org", trending(), weekends=True)
    make_subscriber("bob@example.org", trending(), weekends=True)
    smtp.rcpt_replies["gone@example.org"] = "550 No such user"
    for paper in catalogue.values():  # something trending every day
        for day in (1, 2, 3):
            Feature.objects.create(paper=paper, day=PERIOD + timedelta(days=day - 1), source="hf")
    for day in range(3):
        digests_send(as_of=AS_OF + timedelta(days=day))
    gone = Subscriber.objects.get(email="gone@example.org")
    assert gone.failures == 3 and gone.suspended_at is not None
    assert list(gone.deliveries.values_list("status", flat=True)) == [Delivery.FAILED] * 3
    assert "550 No such user" in gone.deliveries.first().last_error
    digests_send(as_of=AS_OF + timedelta(days=3))
    assert gone.deliveries.count() == 3  # suspended: nothing more planned
    assert len(smtp.to("bob@example.org")) >= 1


def test_a_refusal_after_the_end_of_data_takes_the_papers_back(catalogue, smtp):
    make_subscriber("bob@example.org", trending())
    smtp.data_replies["bob@example.org"] = "452 Mailbox full"
    assert digests_send(as_of=AS_OF).retrying == 1
    assert Delivery.objects.get().status == Delivery.PENDING and not DeliveredPaper.objects.exists()
    smtp.data_replies["bob@example.org"] = "554 Rejected"
    retry_now()
    assert digests_send(as_of=AS_OF).failed == 1
    assert Delivery.objects.get().status == Delivery.FAILED and not DeliveredPaper.objects.exists()
    assert Subscriber.objects.get().failures == 1


def test_no_mail_server_loses_nothing(catalogue, settings, smtp):
    for name in ("alice", "bob", "charlie"):
        make_subscriber(f"{name}@example.org", trending())
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = sock.getsockname()[1]
    report = digests_send(as_of=AS_OF)
    assert report.sent == 0 and "cannot reach" in report.unreachable
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.PENDING}
    settings.EMAIL_PORT = smtp.port
    retry_now()
    assert digests_send(as_of=AS_OF).sent == 3
    assert sorted(smtp.recipients()) == ["alice@example.org", "bob@example.org", "charlie@example.org"]


def test_a_worker_whose_claim_was_taken_over_does_not_send(catalogue, smtp, settings):
    make_subscriber("bob@example.org", trending())
    deliveries_plan(period=PERIOD)
    slow_token, [slow] = deliveries_claim(worker="slow", limit=10)
    settings.PAPERFEED_DIGEST_LEASE = 0.01
    time.sleep(0.05)
    fast_token, [fast] = deliveries_claim(worker="fast", limit=10)
    settings.PAPERFEED_DIGEST_LEASE = 600
    assert fast.pk == slow.pk

    slow_run = _Run(SendReport(PERIOD))
    _send_batch(slow_run, slow_token, [slow])  # sends the body, cannot commit, drops the connection
    assert slow_run.report.sent == 0 and smtp.messages == []
    fast_run = _Run(SendReport(PERIOD))
    _send_batch(fast_run, fast_token, [fast])
    fast_run.transport.close()
    assert fast_run.report.sent == 1 and len(smtp.to("bob@example.org")) == 1
    assert Delivery.objects.get().claimed_by == fast_token


def test_a_worker_that_loses_the_race_for_a_batch_claims_the_next_rows(catalogue, monkeypatch):
    from paperfeed.digests import sending

    for name in ("alice", "bob", "charlie", "dana"):
        make_subscriber(f"{name}@example.org", trending())
    deliveries_plan(period=PERIOD)
    first_two = list(Delivery.objects.order_by("pk").values_list("pk", flat=True)[:2])
    real, calls = sending._claimable, []

    def rival_claims_between_the_read_and_the_update(now):
        calls.append(now)
        if len(calls) == 2:  # the first UPDATE: a rival took the rows just read
            Delivery.objects.filter(pk__in=first_two).update(status=Delivery.SENDING, claimed_by="rival", claimed_at=now)
        return real(now)

    monkeypatch.setattr(sending, "_claimable", rival_claims_between_the_read_and_the_update)
    _token, batch = deliveries_claim(worker="late", limit=2)
    assert len(batch) == 2 and not {d.pk for d in batch} & set(first_two)


def test_a_subscriber_who_paused_after_planning_is_skipped(catalogue, smtp):
    bob = make_subscriber("bob@example.org", trending())
    deliveries_plan(period=PERIOD)
    Subscriber.objects.filter(pk=bob.pk).update(paused_at=timezone.now())
    assert digests_send(as_of=AS_OF).skipped == 1
    assert smtp.messages == [] and Delivery.objects.get().status == Delivery.SKIPPED
