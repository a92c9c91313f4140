from __future__ import annotations

import logging
import os
import time
from datetime import datetime, timezone

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date, parse_datetime

from paperfeed.digests.periods import cutoff_of
from paperfeed.digests.sending import BATCH_SIZE, digests_send

LOOP_EVERY = 300.0


def as_of_value(text: str) -> datetime:
    """2026-03-05T07:30, 2026-03-05 07:30+01:00 (no zone: UTC), or 2026-03-05 (that day's sending hour)."""
    text = text.strip()
    try:
        day = parse_date(text)
        moment = None if day else parse_datetime(text)
    except ValueError:
        day = moment = None
    if day is not None:
        return cutoff_of(day)
    if moment is None:
        raise CommandError(f"--as-of {text!r}: use a date (2026-03-05) or a date and time (2026-03-05T07:30)")
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class Command(BaseCommand):
    help = (
        "Email digests and alerts. `digests send` mails what is due now (each subscriber at most once a "
        "period, whatever runs at the same time or was killed before); --as-of sends what was due at that "
        "moment (to catch up a missed day); --loop keeps sending every 5 minutes."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        send = sub.add_parser("send", help="send the mails that are due")
        send.add_argument("--loop", action="store_true", help="keep running, every 5 minutes")
        send.add_argument("--as-of", dest="as_of", metavar="DATETIME",
                          help="send what was due at this moment: 2026-03-05T07:30 (UTC unless a zone is given), "
                               "or a date for that day's mails")
        send.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="mails claimed at a time (default 50)")

    def handle(self, *args, **options):
        if "PAPERFEED_LOG_LEVEL" not in os.environ:
            logging.getLogger("paperfeed").setLevel(logging.INFO)
        as_of = as_of_value(options["as_of"]) if options["as_of"] else None
        while True:
            report = digests_send(as_of=as_of, batch_size=max(1, options["batch_size"]))
            self.stdout.write(report.summary())
            if not options["loop"]:
                break
            try:
                time.sleep(LOOP_EVERY)
            except KeyboardInterrupt:
                return
        if report.unreachable:
            raise CommandError(f"the mail server could not be reached: {report.unreachable}")
