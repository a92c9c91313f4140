from __future__ import annotations

from django.db import models
from django.utils import timezone


class IngestRun(models.Model):
    """One run of one source: what was asked, what happened, and the counts."""

    RUNNING = "running"
    OK = "ok"
    PARTIAL = "partial"  # finished, but some records were skipped
    FAILED = "failed"
    STATUSES = [(RUNNING, "running"), (OK, "ok"), (PARTIAL, "partial"), (FAILED, "failed")]

    source = models.CharField(max_length=32, db_index=True)
    params = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=STATUSES, default=RUNNING, db_index=True)
    new = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    # First problems met (one line each); the count of all is in `skipped`.
    problems = models.TextField(blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return self.summary()

    @property
    def seen(self) -> int:
        return self.new + self.updated + self.unchanged

    def summary(self) -> str:
        line = (
            f"{self.source} run #{self.pk} {self.status}: {self.new} new, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.skipped} skipped"
        )
        if self.finished_at and self.started_at:
            line += f" in {(self.finished_at - self.started_at).total_seconds():.1f}s"
        if self.error:
            line += f" — error: {self.error.splitlines()[0]}"
        return line


class HarvestCheckpoint(models.Model):
    """Where an OAI-PMH harvest stands, so an interrupted one resumes.

    Saved in the same transaction as the page it follows: after a crash the
    token always matches what is in the catalogue.
    """

    key = models.CharField(max_length=255, unique=True)
    params = models.JSONField(default=dict)
    resumption_token = models.TextField(blank=True)
    pages_done = models.PositiveIntegerField(default=0)
    records_done = models.PositiveIntegerField(default=0)
    complete_list_size = models.PositiveIntegerField(null=True, blank=True)
    finished = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        state = "finished" if self.finished else f"at page {self.pages_done}"
        return f"{self.key} ({state})"
