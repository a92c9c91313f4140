"""Sending through a real SMTP server (aiosmtpd on 127.0.0.1): what arrives, once."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from paperfeed.digests.models import DeliveredPaper, Delivery, Subscriber
from paperfeed.digests.sending import digests_send

from .scenario import AS_OF, PERIOD, follow_author, follow_category, make_many, make_subscriber, saved_search, trending

pytestmark = pytest.mark.django_db


def links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", text)


def test_each_subscriber_gets_one_mail_combining_all_their_subscriptions(catalogue, smtp, alice):
    make_subscriber("alice@example.org", trending(), follow_author("Tri Dao"), saved_search("retrieval"), user=alice)

    report = digests_send(as_of=AS_OF)

    assert report.sent == 1 and report.period == PERIOD
    [received] = smtp.to("alice@example.org")
    message = received.message
    assert message["To"] == "alice@example.org"
    assert message["From"] == "paperfeed <paperfeed@localhost>"
    # (long headers are folded after the colon; unfolding leaves the fold's space)
    assert message["Subject"].strip().startswith("7 new papers: New from Tri Dao")
    assert message["Message-ID"].startswith("<digest.") and message["Date"]
    unsubscribe = message["List-Unsubscribe"].strip()
    assert unsubscribe.startswith("<http://127.0.0.1:8000/unsubscribe/") and unsubscribe.endswith(">")
    assert not re.search(r"\s", unsubscribe)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    # Tri Dao's two new papers under his name; the rest of the trending list after them; each once.
    assert text.index("NEW FROM TRI DAO") < text.index("FlashAttention-4") < text.index("NEW RESULTS FOR")
    assert text.count("FlashAttention-4") == 1 and html.count(">FlashAttention-4") == 1
    assert "Tokenizers matter" in text  # by Tri Dao, not featured
    assert "http://127.0.0.1:8000/papers/2603.00001" in text and 'href="http://127.0.0.1:8000/papers/2603.00001"' in html
    assert "<img" not in html  # no tracking pixels, no images at all
    assert 'max-width:600px' in html
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.SENT and delivery.papers_shown == 7 == delivery.papers_total
    assert DeliveredPaper.objects.filter(delivery=delivery).count() == 7


def test_a_second_run_sends_nothing_more(catalogue, smtp):
    make_many(6)
    first = digests_send(as_of=AS_OF)
    second = digests_send(as_of=AS_OF + timedelta(hours=3))
    assert first.sent == 6 and second.sent == 0
    assert sorted(smtp.recipients()) == [f"reader{n:03d}@example.org" for n in range(6)]


def test_a_paper_is_never_in_a_later_mail(catalogue, smtp):
    make_subscriber("bob@example.org", trending("daily"), follow_category("cs.LG", "weekly"))
    digests_send(as_of=AS_OF)  # Tuesday: the trending papers
    monday = AS_OF + timedelta(days=6)  # the weekly category mail: cs.LG papers of the week, less those sent
    digests_send(as_of=monday)
    tuesday, next_monday = smtp.to("bob@example.org")
    sent_first = set(re.findall(r"/papers/(\d{4}\.\d{5})", tuesday.message.get_body(("plain",)).get_content()))
    sent_second = set(re.findall(r"/papers/(\d{4}\.\d{5})", next_monday.message.get_body(("plain",)).get_content()))
    assert sent_first and sent_second
    assert not sent_first & sent_second
    assert sent_second == {"2603.00006"}  # the only cs.LG paper not trending on Tuesday


def test_a_day_with_nothing_new_sends_no_mail(catalogue, smtp):
    make_subscriber("bob@example.org", follow_category("math.AG"))
    report = digests_send(as_of=AS_OF)
    assert report.empty == 1 and report.sent == 0 and smtp.messages == []
    assert Delivery.objects.get().status == Delivery.EMPTY


def test_weekends_are_skipped_unless_wanted_and_monday_catches_up(catalogue, smtp):
    make_subscriber("bob@example.org", trending())
    make_subscriber("charlie@example.org", trending(), weekends=True)
    saturday = AS_OF + timedelta(days=4)
    assert saturday.weekday() == 5
    digests_send(as_of=saturday)
    assert Delivery.objects.filter(subscriber__email="bob@example.org").count() == 0
    assert Delivery.objects.filter(subscriber__email="charlie@example.org").count() == 1


def test_unconfirmed_paused_and_suspended_addresses_get_nothing(catalogue, smtp):
    make_subscriber("bob@example.org", trending(), confirmed=False)
    make_subscriber("charlie@example.org", trending(), paused_at=timezone.now())
    make_subscriber("dan@example.org", trending(), suspended_at=timezone.now())
    assert digests_send(as_of=AS_OF).sent == 0
    assert smtp.messages == []


def test_the_mail_is_capped_with_a_link_to_all_papers(catalogue, smtp, client):
    make_subscriber("bob@example.org", follow_category("cs.LG"), trending(), max_papers=2)
    digests_send(as_of=AS_OF)
    [received] = smtp.to("bob@example.org")
    text = received.message.get_body(("plain",)).get_content()
    assert "This mail shows 2 of 7 papers" in text
    see_all = next(url for url in links(text) if "/digests/" in url)
    page = client.get(see_all.replace("http://127.0.0.1:8000", ""))
    assert page.status_code == 200
    assert page.content.decode().count('class="paper-card"') == 7
    assert DeliveredPaper.objects.count() == 2  # only what the mail showed counts as sent


def test_the_queries_do_not_grow_with_the_number_of_recipients(catalogue, smtp):
    def catalogue_queries(count: int, domain: str) -> tuple[int, int]:
        make_many(count, domain=domain)
        with CaptureQueriesContext(connection) as captured:
            report = digests_send(as_of=AS_OF)
        assert report.sent == count
        reads = [q["sql"] for q in captured.captured_queries
                 if re.search(r"catalog_|search_", q["sql"]) and "digests_" not in q["sql"]]
        Delivery.objects.all().delete()
        Subscriber.objects.all().delete()
        return len(reads), len(captured)

    few_reads, few_total = catalogue_queries(4, "few.example.org")
    many_reads, many_total = catalogue_queries(16, "many.example.org")
    assert few_reads == many_reads  # the shared part: read once per period
    # Per recipient only its own rows are written: the same few queries each.
    assert (many_total - few_total) % 12 == 0 and (many_total - few_total) // 12 <= 6


def test_without_email_host_mails_are_files_in_the_data_dir(catalogue, settings, tmp_path):
    settings.EMAIL_HOST = ""
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    make_subscriber("bob@example.org", trending())
    assert digests_send(as_of=AS_OF).sent == 1
    [written] = list((tmp_path / "mail").glob("*.eml"))
    assert b"To: bob@example.org" in written.read_bytes()
    assert not list((tmp_path / "mail").glob(".*.partial"))
