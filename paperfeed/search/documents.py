"""Keeping SearchDocument rows in step with the catalogue.

Called explicitly by the ingestion service with the ids of papers whose
searchable text changed, and by `paperfeed reindex` for everything.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db import transaction

from paperfeed.catalog.models import Paper, PaperAuthor

from .models import SearchDocument

CHUNK = 500


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def search_documents_update(*, paper_ids: Iterable[int]) -> int:
    """Rewrite the search documents of these papers; returns how many were written."""
    written = 0
    for chunk in _chunks(sorted(set(paper_ids))):
        with transaction.atomic():
            papers = list(Paper.objects.filter(pk__in=chunk).only("pk", "title", "abstract"))
            names: dict[int, list[str]] = defaultdict(list)
            rows = (
                PaperAuthor.objects.filter(paper_id__in=chunk)
                .order_by("paper_id", "position")
                .values_list("paper_id", "author__name")
            )
            for paper_id, name in rows:
                names[paper_id].append(name)
            documents = [
                SearchDocument(paper_id=p.pk, title=p.title, abstract=p.abstract, authors="\n".join(names[p.pk]))
                for p in papers
            ]
            # Delete then insert (not upsert): the FTS triggers see plain
            # inserts and deletes, which every SQLite version handles alike.
            SearchDocument.objects.filter(paper_id__in=chunk).delete()
            SearchDocument.objects.bulk_create(documents, batch_size=CHUNK)
            written += len(documents)
    return written


def search_documents_rebuild(*, progress=None) -> int:
    """Every paper's document, from scratch (after an import that skipped it)."""
    ids = list(Paper.objects.order_by("pk").values_list("pk", flat=True))
    written = 0
    for chunk in _chunks(ids):
        written += search_documents_update(paper_ids=chunk)
        if progress:
            progress(written, len(ids))
    return written
