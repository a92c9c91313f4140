from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from paperfeed.search.documents import search_documents_rebuild
from paperfeed.search.keyword import fulltext_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild every paper's search document and the full-text index from the catalogue, "
        "with a progress bar: after a bulk import that skipped them, or after a restore."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-progress", action="store_true", help="do not draw a progress bar")

    def handle(self, *args, **options) -> None:
        bar = tqdm(
            unit=" papers",
            desc="reindexing",
            disable=options["no_progress"] or None,  # None: only on a terminal
            file=self.stderr._out,
        )

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        try:
            written = search_documents_rebuild(progress=progress)
        finally:
            bar.close()
        fulltext_rebuild()
        self.stdout.write(f"reindexed {written} paper{'s' if written != 1 else ''}: search documents and full-text index")
