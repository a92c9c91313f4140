from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from paperfeed.search.embedding_jobs import DEFAULT_BATCH, embed_pending
from paperfeed.search.embeddings import model_name
from paperfeed.search.vectors import vector_index_ensure


class Command(BaseCommand):
    help = (
        "Compute the vectors semantic search needs: for papers that have none under the "
        "configured model (PAPERFEED_EMBEDDING_MODEL) or whose title or abstract changed since. "
        "Each batch is one transaction: stop it any time and run it again to continue. "
        "On PostgreSQL it then creates the HNSW index if missing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, metavar="N", default=DEFAULT_BATCH,
                            help=f"papers per transaction (default {DEFAULT_BATCH})")
        parser.add_argument("--limit", type=int, metavar="N", help="embed at most N papers, then stop")
        parser.add_argument("--rebuild", action="store_true", help="re-embed every paper, even those up to date")
        parser.add_argument("--no-progress", action="store_true", help="do not draw a progress bar")

    def handle(self, *args, **options) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        if options["limit"] is not None and options["limit"] < 0:
            raise CommandError("--limit must not be negative")
        bar = tqdm(
            unit=" papers",
            desc="embedding",
            disable=options["no_progress"] or None,  # None: only on a terminal
            file=self.stderr._out,
        )

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        started = time.monotonic()
        try:
            written = embed_pending(
                batch_size=options["batch_size"], limit=options["limit"], rebuild=options["rebuild"], progress=progress
            )
            indexed = vector_index_ensure() if written else False
        except (RuntimeError, OSError, ImportError, ValueError) as exc:
            raise CommandError(f"embed: {exc}") from None
        finally:
            bar.close()
        seconds = time.monotonic() - started
        rate = f", {written / seconds:.1f}/s" if written and seconds > 0 else ""
        index = "; HNSW index in place" if indexed else ""
        self.stdout.write(
            f"embedded {written} paper{'s' if written != 1 else ''} with {model_name()} in {seconds:.1f}s{rate}{index}"
        )
