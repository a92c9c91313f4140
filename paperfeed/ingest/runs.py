"""Recording ingest runs: every run leaves an IngestRun row, even a failed one."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from collections.abc import Iterator

from django.utils import timezone

from .models import IngestRun
from .records import ParseProblem
from .upsert import UpsertResult

log = logging.getLogger("paperfeed.ingest")

MAX_PROBLEM_LINES = 200


class RunRecorder:
    def __init__(self, run: IngestRun):
        self.run = run
        self._problem_lines: list[str] = []

    def add(self, result: UpsertResult) -> None:
        self.run.new += result.new
        self.run.updated += result.updated
        self.run.unchanged += result.unchanged
        self.problems(result.problems)

    def problems(self, problems: list[ParseProblem]) -> None:
        for problem in problems:
            self.run.skipped += 1
            log.warning("skipped %s", problem)
            if len(self._problem_lines) < MAX_PROBLEM_LINES:
                self._problem_lines.append(str(problem))

    def checkpoint(self) -> None:
        """Save progress so far, so the admin shows a long run moving."""
        self.run.problems = "\n".join(self._problem_lines)
        self.run.save()


@contextmanager
def ingest_run(*, source: str, params: dict) -> Iterator[RunRecorder]:
    """Open an IngestRun, hand out a recorder, and close the run however it ends."""
    run = IngestRun.objects.create(source=source, params=_jsonable(params))
    recorder = RunRecorder(run)
    try:
        yield recorder
    except BaseException as exc:
        run.status = IngestRun.FAILED
        run.error = str(exc) or exc.__class__.__name__
        if isinstance(exc, KeyboardInterrupt):
            run.error = "interrupted"
        raise
    else:
        run.status = IngestRun.PARTIAL if run.skipped else IngestRun.OK
    finally:
        run.finished_at = timezone.now()
        recorder.checkpoint()
        log.info("%s", run.summary())


def _jsonable(params: dict) -> dict:
    return {k: (v if isinstance(v, (int, float, bool, type(None), list)) else str(v)) for k, v in params.items()}
