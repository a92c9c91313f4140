from __future__ import annotations

import os
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from paperfeed.ingest.jsonl import FORMATS, catalogue_export


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--since {value!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = (
        "Stream the catalogue to standard output or a file: JSON lines (lossless; `paperfeed import jsonl` "
        "reads it back) or CSV (one flat row per paper, for analysis). See docs/api.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=FORMATS, default="jsonl", help="jsonl (default) or csv")
        parser.add_argument("--since", metavar="YYYY-MM-DD", help="only papers published or featured on or after this day")
        parser.add_argument("--output", "-o", metavar="PATH", help="write here instead of standard output")

    def handle(self, *args, format: str, since: str | None, output: str | None, **options) -> None:
        since_day = _day(since) if since else None
        if output and output != "-":
            try:
                with open(output, "w", encoding="utf-8", newline="") as out:
                    count = catalogue_export(out=out, format=format, since=since_day)
            except OSError as exc:
                raise CommandError(f"--output {output}: {exc.strerror or exc}") from None
            self.stderr.write(f"exported {count} papers to {output}")
            return
        try:
            count = catalogue_export(out=sys.stdout, format=format, since=since_day)
            sys.stdout.flush()
        except BrokenPipeError:  # `paperfeed export | head`: the reader has had enough
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        self.stderr.write(f"exported {count} papers")
