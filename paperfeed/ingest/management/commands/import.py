from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from paperfeed.ingest import services
from paperfeed.ingest.jsonl import jsonl_import
from paperfeed.ingest.models import IngestRun


class Command(BaseCommand):
    help = "Import papers in bulk from a file."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="format", required=True, metavar="{arxiv-snapshot,jsonl}")
        snapshot = sub.add_parser(
            "arxiv-snapshot",
            help="the arXiv metadata snapshot (Kaggle arxiv-metadata-oai-snapshot.json, JSON lines)",
            description="Stream a JSON-lines arXiv metadata snapshot into the catalogue in batches, "
            "one transaction each, with a progress bar. Safe to re-run: unchanged papers are left alone.",
        )
        snapshot.add_argument("path", metavar="PATH", help="the .json/.jsonl file (- for stdin)")
        snapshot.add_argument("--batch-size", type=int, metavar="N", help="records per transaction (default PAPERFEED_INGEST_BATCH_SIZE)")
        snapshot.add_argument("--no-progress", action="store_true", help="do not draw a progress bar")
        exported = sub.add_parser(
            "jsonl",
            help="a catalogue exported with `paperfeed export` (JSON lines), e.g. a backup",
            description="Read a `paperfeed export --format jsonl` file back into the catalogue, losslessly "
            "(papers, authors, categories, versions, daily-list appearances, provenance), in batches, one "
            "transaction each. Safe to re-run. Local upvotes and accounts are not part of an export.",
        )
        exported.add_argument("path", metavar="PATH", help="the .jsonl file (- for stdin)")
        exported.add_argument("--batch-size", type=int, metavar="N", help="papers per transaction (default PAPERFEED_INGEST_BATCH_SIZE)")
        exported.add_argument("--no-progress", action="store_true", help="do not draw a progress bar")

    def handle(self, *args, format: str, **options) -> None:
        path = options["path"]
        if path != "-" and not os.path.isfile(path):
            raise CommandError(f"{format}: {path}: no such file")
        total = os.path.getsize(path) if path != "-" else None
        bar = tqdm(
            total=total,
            unit="B",
            unit_scale=True,
            desc="importing",
            disable=options["no_progress"] or None,  # None: only on a terminal
            file=self.stderr._out,
        )
        importer = jsonl_import if format == "jsonl" else services.snapshot_import
        try:
            run = importer(path=path, batch_size=options["batch_size"], progress=lambda n: bar.update(n - bar.n))
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc)) from None
        finally:
            bar.close()
        self.stdout.write(run.summary())
        if run.status == IngestRun.FAILED:
            raise CommandError(run.error)
