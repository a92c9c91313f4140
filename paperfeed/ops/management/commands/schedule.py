from __future__ import annotations

import logging
import os

from django.core.management.base import BaseCommand, CommandError

from paperfeed.ops.schedule import default_jobs, loop, run_due


class Command(BaseCommand):
    help = (
        "Run the periodic jobs (ingest Hugging Face daily papers and arXiv categories, "
        "embed new papers, refresh trending scores). "
        "Once by default; with --loop forever, retrying failed jobs later."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep running, every PAPERFEED_SCHEDULE_INTERVAL seconds")

    def handle(self, *args, **options):
        if "PAPERFEED_LOG_LEVEL" not in os.environ:
            # The schedule runs unattended: its log is the record of what it did.
            logging.getLogger("paperfeed").setLevel(logging.INFO)
        jobs = default_jobs()
        if options["loop"]:
            self.stdout.write(f"schedule: {len(jobs)} jobs: " + "; ".join(j.name for j in jobs))
            try:
                loop(jobs)
            except KeyboardInterrupt:
                return
        failed = run_due(jobs, now=0.0)
        if failed:
            raise CommandError("failed: " + "; ".join(failed))
