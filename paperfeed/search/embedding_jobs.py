"""Keeping every paper's embedding current: `embed_pending`.

Run by `paperfeed embed` and by the schedule after each ingestion (never
inline in an ingest: the model embeds ~20 abstracts a second). A paper is
pending when it has no vector under the current model, or when its title or
abstract changed since (a newer version): its `modified_at` is later than its
vector's and the text's hash differs. Hidden papers are embedded too (search
leaves them out at query time), so unhiding one needs no re-embedding.

Work goes in batches, each read, encoded outside any transaction, then
written in one short transaction; killing a run loses at most one batch, and
running it again continues where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from paperfeed.catalog.models import Paper

from .embeddings import dimension, document_text, encode, model_name, text_hash
from .models import Embedding
from .vectors import vector_literal

DEFAULT_BATCH = 512


def pending_ids(*, rebuild: bool = False) -> list[int]:
    """Papers whose vector is missing, under another model, or older than their text; newest first."""
    if rebuild:
        return list(Paper.objects.order_by("-pk").values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.id FROM catalog_paper p LEFT JOIN search_embedding e ON e.paper_id = p.id "
            "WHERE e.paper_id IS NULL OR e.model <> %s OR e.updated_at < p.modified_at "
            "ORDER BY p.id DESC",
            [model_name()],
        )
        return [row[0] for row in cursor.fetchall()]


def pending_count() -> int:
    return len(pending_ids())


def _texts(ids: list[int]) -> dict[int, str]:
    rows = Paper.objects.filter(pk__in=ids).values_list("pk", "title", "abstract")
    return {pk: document_text(title, abstract) for pk, title, abstract in rows}


def _write(model: str, texts: dict[int, str], vectors: dict[int, np.ndarray]) -> int:
    """Store the vectors whose paper still has the text they were computed from."""
    with transaction.atomic():
        now_texts = _texts(list(vectors))
        keep = [i for i in vectors if now_texts.get(i) == texts[i]]
        Embedding.objects.filter(paper_id__in=keep).delete()
        rows = [
            Embedding(
                paper_id=i,
                model=model,
                dim=len(vectors[i]),
                vector=np.asarray(vectors[i], dtype="<f4").tobytes(),
                text_hash=text_hash(texts[i]),
            )
            for i in keep
        ]
        Embedding.objects.bulk_create(rows, batch_size=500)
        if connection.vendor == "postgresql" and keep:
            with connection.cursor() as cursor:
                cursor.executemany(
                    "UPDATE search_embedding SET vec = %s::vector WHERE paper_id = %s",
                    [(vector_literal(vectors[i]), i) for i in keep],
                )
    return len(keep)


def _batch(ids: list[int], model: str, force: bool) -> int:
    texts = _texts(ids)
    current = dict(Embedding.objects.filter(paper_id__in=list(texts), model=model).values_list("paper_id", "text_hash"))
    # Text unchanged (the paper changed elsewhere): mark the vector current, do not re-encode.
    same = [] if force else [i for i, text in texts.items() if current.get(i) == text_hash(text)]
    if same:
        Embedding.objects.filter(paper_id__in=same).update(updated_at=timezone.now())
    skip = set(same)
    todo = [i for i in texts if i not in skip]
    if not todo:
        return 0
    vectors = encode([texts[i] for i in todo], kind="document")
    return _write(model, texts, dict(zip(todo, vectors)))


def embed_pending(
    *,
    batch_size: int | None = None,
    limit: int | None = None,
    rebuild: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Embed every pending paper (at most `limit`); returns how many vectors were written.

    `batch_size` papers are encoded and written per transaction (default 512);
    `progress(done, total)` is called after each batch. Idempotent: a second
    run finds nothing to do. `rebuild` re-encodes every paper.
    """
    batch_size = batch_size or DEFAULT_BATCH
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    model = model_name()
    dimension()  # load the model before the first batch: fail early, not mid-run
    ids = pending_ids(rebuild=rebuild)
    if limit is not None:
        ids = ids[: max(0, limit)]
    written = 0
    for start in range(0, len(ids), batch_size):
        written += _batch(ids[start : start + batch_size], model, rebuild)
        if progress:
            progress(min(start + batch_size, len(ids)), len(ids))
    return written
