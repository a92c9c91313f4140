"""The schedule: periodic jobs run by `paperfeed schedule --loop`.

Jobs are listed here explicitly (no registration by import side effect). A job
that fails is logged and tried again after PAPERFEED_SCHEDULE_RETRY seconds;
it never stops the loop, and the loop never touches the web server.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from django.conf import settings
from django.db import close_old_connections

log = logging.getLogger("paperfeed.schedule")


def ingest_hf_recent() -> None:
    from paperfeed.ingest.services import hf_ingest

    today = datetime.now(timezone.utc).date()
    # Yesterday too: papers keep being added to a day's list after midnight UTC.
    # Both are tried even if one fails; the job fails if either did.
    errors = []
    for day in (today - timedelta(days=1), today):
        try:
            hf_ingest(date=day.isoformat())
        except Exception as exc:
            errors.append(f"{day}: {exc}")
    if errors:
        raise RuntimeError("; ".join(errors))


def ingest_arxiv_recent() -> None:
    from paperfeed.ingest.services import arxiv_ingest

    since = datetime.now(timezone.utc).date() - timedelta(days=settings.PAPERFEED_SCHEDULE_LOOKBACK_DAYS)
    arxiv_ingest(categories=settings.PAPERFEED_ARXIV_CATEGORIES, since=since)


def refresh_trending() -> None:
    from paperfeed.catalog.trending import trending_refresh

    changed = trending_refresh()
    log.info("trending scores refreshed: %d changed", changed)


def embed_new_papers() -> None:
    """Vectors for papers ingested (or changed) since the last run; after the ingest jobs."""
    from paperfeed.search.embedding_jobs import embed_pending
    from paperfeed.search.vectors import vector_index_ensure

    written = embed_pending()
    if written:
        vector_index_ensure()  # PostgreSQL: the HNSW index, if a first load just filled the table
    log.info("embedded %d papers", written)


def send_digests() -> None:
    """Mail the digests and alerts that are due (each at most once, see paperfeed.digests.sending)."""
    from paperfeed.digests.sending import digests_send

    report = digests_send()
    log.info("%s", report.summary())
    if report.unreachable:
        raise RuntimeError(f"mail server unreachable: {report.unreachable}")


@dataclass
class Job:
    name: str
    run: Callable[[], None]
    every: float  # seconds
    next_at: float = 0.0
    failures: int = field(default=0)


def default_jobs() -> list[Job]:
    interval = settings.PAPERFEED_SCHEDULE_INTERVAL
    return [
        Job("ingest Hugging Face daily papers", ingest_hf_recent, interval),
        Job("ingest arXiv categories", ingest_arxiv_recent, interval),
        # Listed after the ingest jobs, so it embeds what they just brought in.
        Job("embed new papers", embed_new_papers, interval),
        Job("refresh trending scores", refresh_trending, settings.PAPERFEED_TRENDING_REFRESH),
        # After the refresh, so trending digests rank by fresh scores; often, as mails fall due at one hour.
        Job("send email digests", send_digests, 300.0),
    ]


def run_due(jobs: list[Job], *, now: float) -> list[str]:
    """Run every job that is due; return the names of those that failed."""
    failed = []
    for job in jobs:
        if job.next_at > now:
            continue
        close_old_connections()
        try:
            log.info("running: %s", job.name)
            job.run()
        except Exception:
            job.failures += 1
            job.next_at = now + settings.PAPERFEED_SCHEDULE_RETRY
            log.exception("%s failed (%d in a row); retrying in %.0fs", job.name, job.failures, settings.PAPERFEED_SCHEDULE_RETRY)
            failed.append(job.name)
        else:
            job.failures = 0
            job.next_at = now + job.every
        finally:
            close_old_connections()
    return failed


def loop(jobs: list[Job], *, clock=time.monotonic, sleep=time.sleep, stop=lambda: False) -> None:
    while not stop():
        run_due(jobs, now=clock())
        wake = min(job.next_at for job in jobs)
        sleep(max(1.0, wake - clock()))
