"""`paperfeed subscribers add|list|remove` and `paperfeed digests send`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from paperfeed.cli import main as paperfeed_main
from paperfeed.digests.management.commands.digests import as_of_value
from paperfeed.digests.models import Subscriber

from .scenario import AS_OF, PERIOD

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_an_operator_adds_a_confirmed_subscriber_from_a_mailing_list_lists_and_removes_it():
    output = run("subscribers", "add", "Carol@Example.org", "--trending", "weekly", "--search", "flash attention",
                 "--follow-category", "cs.CL", "--confirmed")
    assert output.strip() == "carol@example.org: confirmed, 3 subscriptions added"
    subscriber = Subscriber.objects.get()
    assert subscriber.confirmed_at and sorted(subscriber.subscriptions.values_list("kind", "frequency")) == [
        ("category", "daily"), ("search", "daily"), ("trending", "weekly")]
    listing = run("subscribers", "list")
    assert "carol@example.org\tactive" in listing and "New results for “flash attention”, daily" in listing
    assert listing.strip().endswith("1 subscriber")
    assert run("subscribers", "remove", "carol@example.org").strip() == "carol@example.org: removed"
    assert not Subscriber.objects.exists()
    with pytest.raises(CommandError, match="no subscriber"):
        run("subscribers", "remove", "carol@example.org")


def test_without_confirmed_the_address_first_gets_a_confirmation_link():
    output = run("subscribers", "add", "dana@example.org", "--follow-category", "cs.LG")
    assert "confirmation link sent" in output and not Subscriber.objects.exists()
    assert mail.outbox[0].to == ["dana@example.org"] and "New papers in cs.LG, daily" in mail.outbox[0].body


def test_bad_input_is_refused_with_a_reason():
    with pytest.raises(CommandError, match="not an email address"):
        run("subscribers", "add", "nobody", "--confirmed")
    with pytest.raises(CommandError, match="not an arXiv category"):
        run("subscribers", "add", "dana@example.org", "--follow-category", "Computer Science", "--confirmed")


def test_digests_send_as_of_sends_what_was_due_then(catalogue, smtp):
    run("subscribers", "add", "carol@example.org", "--trending", "daily", "--confirmed")
    output = run("digests", "send", "--as-of", "2026-03-10T07:00")
    assert output.strip().startswith(f"digests for {PERIOD}: 1 sent")
    assert smtp.recipients() == ["carol@example.org"]
    assert as_of_value("2026-03-10T07:00") == AS_OF
    assert as_of_value("2026-03-10").isoformat() == "2026-03-10T06:00:00+00:00"
    with pytest.raises(CommandError, match="use a date"):
        as_of_value("yesterday")


def test_the_commands_are_listed_in_paperfeed_help(capsys):
    paperfeed_main(["--help"])
    text = capsys.readouterr().out
    assert "digests send [--loop] [--as-of DATETIME]" in text and "subscribers add EMAIL" in text
