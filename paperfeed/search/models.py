"""What search reads: one text document and one embedding per paper.

Both are derived from the catalogue and rebuilt by explicit calls from the
ingestion service and `paperfeed embed` (never by signals). The full-text
index over SearchDocument is an SQLite FTS5 table or a PostgreSQL tsvector
column, kept in step with it by the database itself (see migrations).
"""

from __future__ import annotations

from django.db import models

from paperfeed.catalog.models import Paper


class SearchDocument(models.Model):
    paper = models.OneToOneField(Paper, primary_key=True, on_delete=models.CASCADE, related_name="search_document")
    title = models.TextField()
    abstract = models.TextField(blank=True)
    # Author names, one per line, in order.
    authors = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.title


class Embedding(models.Model):
    """A paper's vector under one model; `text_hash` tells when it is stale."""

    paper = models.OneToOneField(Paper, primary_key=True, on_delete=models.CASCADE, related_name="embedding")
    model = models.CharField(max_length=200, db_index=True)
    dim = models.PositiveSmallIntegerField()
    # float32, little-endian, L2-normalised. On PostgreSQL the same vector is
    # also in the pgvector column `vec` (added by migration 0002), for kNN there.
    vector = models.BinaryField()
    text_hash = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.paper_id} under {self.model}"
