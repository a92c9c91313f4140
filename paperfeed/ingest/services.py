"""Ingestion services: one function per source, called alike by the commands,
the schedule, the web submission form and the tests.

Each one opens an IngestRun, walks its source page by page (or file by file),
and hands every page to `papers_upsert` as one transaction.
"""

from __future__ import annotations

import logging
import sys
from contextlib import contextmanager
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timezone
from pathlib import Path

from django.conf import settings
from django.db import transaction

from paperfeed.lib.http import FetchError, arxiv_client, hf_client

from . import records as sources
from .models import HarvestCheckpoint, IngestRun
from .records import PaperRecord, ParseResult
from .runs import RunRecorder, ingest_run
from .sources import arxiv_api, arxiv_oai, arxiv_snapshot, hf_daily
from .upsert import papers_upsert

log = logging.getLogger("paperfeed.ingest")



class IngestFailed(Exception):
    """Some input could not be used at all; what could be used has landed."""


def _land_files(recorder: RunRecorder, paths: list[str], parse: Callable[[str], ParseResult]) -> None:
    """Land each file in turn; a file that is unusable whole is reported, not fatal to the others."""
    failures = []
    for path in paths:
        try:
            parsed = parse(path)
        except (sources.SourceFormatError, OSError) as exc:
            log.info("%s", exc)  # the command reports it
            failures.append(str(exc))
            continue
        _land(recorder, parsed)
    if failures:
        more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
        raise IngestFailed(f"{failures[0]}{more}")


def _land(recorder: RunRecorder, parsed: ParseResult) -> None:
    recorder.problems(parsed.problems)
    result = papers_upsert(records=parsed.records)
    recorder.add(result)
    recorder.checkpoint()


@contextmanager
def _own(client, factory):
    """The caller's HTTP client, or a new one closed when the run ends."""
    if client is not None:
        yield client
        return
    with factory() as made:
        yield made


def read_input(path: str) -> bytes:
    """`-` is standard input; anything else a file path."""
    if path == "-":
        return sys.stdin.buffer.read()
    return Path(path).read_bytes()


# --- Hugging Face daily papers --------------------------------------------------


def hf_ingest(
    *,
    date: str | None = None,
    week: str | None = None,
    month: str | None = None,
    files: Iterable[str] = (),
    client=None,
) -> IngestRun:
    files = list(files)
    params = {"date": date, "week": week, "month": month, "files": files}
    with ingest_run(source=sources.HF_DAILY, params=params) as recorder, _own(client, hf_client) as client:
        if files:

            def parse(path: str) -> ParseResult:
                day = hf_daily.listing_day_from_filename(Path(path).name) if path != "-" else None
                if day is None and date:
                    day = _parse_day(date)
                return hf_daily.parse_daily_papers(read_input(path), origin=path, listing_day=day)

            _land_files(recorder, files, parse)
        else:
            if not (date or week or month):
                date = datetime.now(timezone.utc).date().isoformat()
                recorder.run.params = {**params, "date": date}
            listing_day = _parse_day(date) if date else None
            pages = hf_daily.fetch_daily_papers(
                client, base_url=settings.PAPERFEED_HF_API_URL, date=date, week=week, month=month
            )
            fetched_at = datetime.now(timezone.utc)
            for number, page in enumerate(pages):
                origin = f"{settings.PAPERFEED_HF_API_URL}/daily_papers page {number}"
                parsed = hf_daily.parse_daily_papers(page, origin=origin, listing_day=listing_day)
                # A live fetch is the newest view of upvotes, summaries and links.
                parsed.records = [r.replace(observed_at=fetched_at) for r in parsed.records]
                _land(recorder, parsed)
    return recorder.run


def _parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None


# --- arXiv query API -----------------------------------------------------------


def arxiv_ingest(
    *,
    categories: Iterable[str] = (),
    since: date | None = None,
    until: date | None = None,
    ids: Iterable[str] = (),
    files: Iterable[str] = (),
    client=None,
    page_size: int | None = None,
) -> IngestRun:
    files, ids, categories = list(files), list(ids), list(categories)
    if not (files or ids or categories):
        categories = list(settings.PAPERFEED_ARXIV_CATEGORIES)
    params = {"categories": categories, "since": since, "until": until, "ids": ids, "files": files}
    with ingest_run(source=sources.ARXIV_API, params=params) as recorder, _own(client, arxiv_client) as client:
        if files:

            def parse(path: str) -> ParseResult:
                body = read_input(path)
                if path.endswith(".json"):
                    _status, body = arxiv_api.unwrap_envelope(body)
                return arxiv_api.parse_feed(body, origin=path)

            _land_files(recorder, files, parse)
            return recorder.run
        page_size = page_size or settings.PAPERFEED_ARXIV_PAGE_SIZE
        if ids:
            query = {"id_list": ids}
        else:
            query = {"search_query": arxiv_api.build_search_query(categories=categories, since=since, until=until)}
        start = 0
        while True:
            body = arxiv_api.fetch_query_page(
                client, base_url=settings.PAPERFEED_ARXIV_API_URL, start=start, max_results=page_size, **query
            )
            parsed = arxiv_api.parse_feed(body, origin=f"arXiv API start={start}")
            _land(recorder, parsed)
            start += page_size
            exhausted = not parsed.records and not parsed.problems
            if ids or exhausted or start >= (parsed.total_results or 0):
                break
    return recorder.run


def arxiv_fetch_papers(*, ids: list[str], client=None) -> IngestRun:
    """Fetch specific papers by id (a user's submission)."""
    return arxiv_ingest(ids=ids, client=client)


# --- arXiv OAI-PMH ------------------------------------------------------------------


def _checkpoint_key(metadata_prefix: str, set_spec: str | None, since: date | None, until: date | None) -> str:
    return f"oai:{metadata_prefix}:{set_spec or '*'}:{since or '-'}:{until or '-'}"


def oai_harvest(
    *,
    set_spec: str | None = None,
    since: date | None = None,
    until: date | None = None,
    metadata_prefix: str = "arXiv",
    files: Iterable[str] = (),
    client=None,
    max_pages: int | None = None,
) -> IngestRun:
    """Harvest ListRecords; an interrupted harvest resumes from its checkpoint.

    `max_pages` stops early (leaving the checkpoint in place), for tests and
    for spreading a long harvest over several scheduled runs.
    """
    files = list(files)
    params = {"set": set_spec, "since": since, "until": until, "metadata_prefix": metadata_prefix, "files": files}
    with ingest_run(source=sources.ARXIV_OAI, params=params) as recorder, _own(client, arxiv_client) as client:
        if files:
            _land_files(recorder, files, lambda path: arxiv_oai.parse_oai(read_input(path), origin=path))
            return recorder.run
        key = _checkpoint_key(metadata_prefix, set_spec, since, until)
        checkpoint, _ = HarvestCheckpoint.objects.get_or_create(key=key, defaults={"params": recorder.run.params})
        if checkpoint.finished:
            # A finished harvest of the same window starts over: records may have changed.
            checkpoint.finished, checkpoint.resumption_token, checkpoint.pages_done = False, "", 0
            checkpoint.records_done = 0
            checkpoint.save()
        elif checkpoint.resumption_token:
            log.info("resuming %s after page %d", key, checkpoint.pages_done)
        pages = 0
        while max_pages is None or pages < max_pages:
            body = arxiv_oai.fetch_list_records(
                client,
                base_url=settings.PAPERFEED_ARXIV_OAI_URL,
                metadata_prefix=metadata_prefix,
                set_spec=set_spec,
                from_date=since,
                until_date=until,
                resumption_token=checkpoint.resumption_token or None,
            )
            parsed = arxiv_oai.parse_oai(body, origin=f"OAI-PMH page {checkpoint.pages_done + 1}")
            with transaction.atomic():
                _land(recorder, parsed)
                checkpoint.resumption_token = parsed.resumption_token or ""
                checkpoint.pages_done += 1
                checkpoint.records_done += len(parsed.records)
                checkpoint.complete_list_size = parsed.complete_list_size or checkpoint.complete_list_size
                checkpoint.finished = not parsed.resumption_token
                checkpoint.save()
            pages += 1
            if checkpoint.finished:
                break
    return recorder.run


# --- arXiv metadata snapshot (JSON lines) ------------------------------------


def snapshot_import(
    *, path: str, batch_size: int | None = None, progress: Callable[[int], None] | None = None
) -> IngestRun:
    """Stream a snapshot file into the catalogue in batches of `batch_size`.

    `progress` is called with the number of bytes read after each batch.
    """
    batch_size = batch_size or settings.PAPERFEED_INGEST_BATCH_SIZE
    with ingest_run(source=sources.ARXIV_SNAPSHOT, params={"path": path}) as recorder:
        stream = sys.stdin.buffer if path == "-" else open(path, "rb")
        try:
            counted = _CountingLines(stream)
            batch: list[PaperRecord] = []
            for item in arxiv_snapshot.iter_snapshot(counted, origin=path):
                if isinstance(item, PaperRecord):
                    batch.append(item)
                else:
                    recorder.problems([item])
                if len(batch) >= batch_size:
                    _land(recorder, ParseResult(records=batch))
                    batch = []
                    if progress:
                        progress(counted.bytes_read)
            if batch:
                _land(recorder, ParseResult(records=batch))
            if progress:
                progress(counted.bytes_read)
        finally:
            if stream is not sys.stdin.buffer:
                stream.close()
    return recorder.run


class _CountingLines:
    """Iterate a binary stream by line, counting bytes for the progress bar."""

    def __init__(self, stream):
        self.stream = stream
        self.bytes_read = 0

    def __iter__(self) -> Iterator[bytes]:
        for line in self.stream:
            self.bytes_read += len(line)
            yield line


__all__ = [
    "FetchError",
    "IngestFailed",
    "arxiv_fetch_papers",
    "arxiv_ingest",
    "hf_ingest",
    "oai_harvest",
    "snapshot_import",
]
