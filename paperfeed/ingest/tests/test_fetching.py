"""The real fetch code (services + HttpClient) against a ReplayServer replaying recorded responses.

Nothing here reaches the network: every source URL points at a local
ReplayServer, which answers with the real recorded bodies from
../shared/fixtures (and scripts the failures: 429, 503, delays, truncation).
Expected counts are taken from the raw files with plain json/regular
expressions, not from the parsers under test.

The OAI-PMH harvest, the arXiv rate gate and `--file -` are in test_fetching_oai.py.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from paperfeed.catalog.models import Feature, Paper
from paperfeed.ingest.models import IngestRun
from paperfeed.ingest.records import SourceFormatError
from paperfeed.ingest.services import arxiv_ingest, hf_ingest
from paperfeed.lib.http import FetchError
from paperfeed.testing import shared_fixture
from paperfeed.testing.replay_server import ReplayServer, Response

pytestmark = pytest.mark.django_db

HF_DAY = "hf-daily-papers/daily_papers_date-2025-10-03.json"
HF_BULK = "hf-daily-papers/bulk-2026-07-08"
API_BODIES = "arxiv-api/arxiv.py-golden-2026/bodies"
ABS_ID = re.compile(r"<id>https?://arxiv\.org/abs/([^<]+?)(?:v\d+)?</id>")


# --- helpers -------------------------------------------------------------------


@pytest.fixture
def server(settings):
    """A ReplayServer standing in for Hugging Face, the arXiv API and OAI-PMH."""
    with ReplayServer() as running:
        settings.PAPERFEED_HF_API_URL = running.url + "/api"
        settings.PAPERFEED_ARXIV_API_URL = running.url + "/api/query"
        settings.PAPERFEED_ARXIV_OAI_URL = running.url + "/oai"
        settings.PAPERFEED_HTTP_RETRIES = 2
        settings.PAPERFEED_HTTP_BACKOFF = 0.01
        yield running


def api_body(prefix: str) -> Path:
    """The one recorded arXiv API body (plain Atom XML) whose name starts with `prefix`."""
    [path] = shared_fixture(API_BODIES).glob(f"{prefix}_*.xml")
    return path


def hf_ids(body: bytes) -> set[str]:
    return {item["paper"]["id"] for item in json.loads(body)}


def atom_ids(*paths: Path) -> set[str]:
    return {found for path in paths for found in ABS_ID.findall(path.read_text())}


def catalogue_ids() -> set[str]:
    return set(Paper.objects.values_list("arxiv_id", flat=True))


def serve_query_pages(server: ReplayServer, starts: list[int], *, empty_at: int) -> list[Path]:
    """Serve the recorded `q_testing` pages (10 per page) by `start`, then an empty page."""
    pages = [api_body(f"q_testing_s{start}_m10") for start in starts]
    for start, page in zip(starts, pages):
        server.add_file("/api/query", page, query={"start": start})
    server.add_file("/api/query", api_body("id_0000.0000_s0_m100"), query={"start": empty_at})  # 0 entries
    return pages


# --- Hugging Face daily papers ----------------------------------------------------


def test_it_fetches_a_days_hugging_face_list_and_features_every_paper_on_that_day(server, settings):
    day = shared_fixture(HF_DAY)
    server.add_file("/api/daily_papers", day, query={"date": "2025-10-03"})

    run = hf_ingest(date="2025-10-03")

    [request] = server.requests
    assert request.path == "/api/daily_papers"
    assert request.query == {"date": "2025-10-03", "p": "0", "limit": "100"}
    assert request.headers["User-Agent"] == settings.PAPERFEED_USER_AGENT
    assert request.headers["User-Agent"].startswith("paperfeed/")
    expected = hf_ids(day.read_bytes())
    assert len(expected) == 39
    assert run.status == IngestRun.OK and run.new == 39
    assert catalogue_ids() == expected
    assert Feature.objects.filter(day=date(2025, 10, 3)).count() == 39
    assert not Feature.objects.exclude(day=date(2025, 10, 3)).exists()


def test_a_full_page_makes_it_ask_for_the_next_one_and_a_short_page_ends_the_list(server):
    # Page 0 holds exactly `limit` (100) real items from the bulk folder; page 1 is a real 39-item day.
    items, seen = [], set()
    for path in sorted(shared_fixture(HF_BULK).glob("*.json")):
        for item in json.loads(path.read_text()):
            if item["paper"]["id"] not in seen and len(items) < 100:
                seen.add(item["paper"]["id"])
                items.append(item)
    full_page = json.dumps(items).encode()
    short_page = shared_fixture(HF_DAY).read_bytes()
    server.add("/api/daily_papers", full_page, query={"p": 0})
    server.add("/api/daily_papers", short_page, query={"p": 1})

    run = hf_ingest(date="2026-07-01")

    assert [(r.query["p"], r.query["limit"]) for r in server.requests] == [("0", "100"), ("1", "100")]
    expected = hf_ids(full_page) | hf_ids(short_page)
    assert catalogue_ids() == expected
    assert run.status == IngestRun.OK and run.new == len(expected) == 139


@pytest.mark.parametrize("period", [{"week": "2025-W40"}, {"month": "2025-10"}])
def test_a_week_or_a_month_is_passed_through_as_the_query_parameter(server, period):
    server.add_file("/api/daily_papers", shared_fixture(HF_DAY), query=period)

    run = hf_ingest(**period)

    [request] = server.requests
    assert request.query == {**period, "p": "0", "limit": "100"}
    assert run.status == IngestRun.OK and run.new == 39
    # No day was asked for: each paper's day is when it was put on the list (all on 2025-10-03 here).
    assert Feature.objects.filter(day=date(2025, 10, 3)).count() == 39


# --- arXiv query API -----------------------------------------------------------------


def test_it_walks_the_arxiv_query_api_page_by_page_until_a_page_comes_back_empty(server):
    pages = serve_query_pages(server, [0, 10, 20, 30, 40, 50], empty_at=60)

    run = arxiv_ingest(categories=["cs.LG"], since=date(2024, 1, 1), page_size=10)

    requests = server.requests
    assert [r.query["start"] for r in requests] == ["0", "10", "20", "30", "40", "50", "60"]
    for request in requests:
        assert request.path == "/api/query"
        assert request.query["max_results"] == "10"
        assert "cat:cs.LG" in request.query["search_query"]
        assert "submittedDate:[202401010000 TO " in request.query["search_query"]
        assert (request.query["sortBy"], request.query["sortOrder"]) == ("submittedDate", "descending")
    expected = atom_ids(*pages)
    assert catalogue_ids() == expected
    assert run.status == IngestRun.OK and run.new == len(expected)


def test_an_arxiv_id_of_the_wrong_shape_is_refused_before_anything_is_asked(server):
    with pytest.raises(ValueError, match="not an arXiv identifier: 'abc'"):
        arxiv_ingest(ids=["abc"])
    assert server.requests == []
    run = IngestRun.objects.get()
    assert run.status == IngestRun.FAILED and "'abc'" in run.error


def test_arxivs_http_400_error_feed_fails_the_run_with_arxivs_own_message(server):
    # arXiv's real answer to id_list=abc, served for a well-formed id (ours is refused before sending).
    error_feed = api_body("id_abc_s0_m100").read_bytes()
    server.add("/api/query", error_feed, status=400, headers={"Content-Type": "application/atom+xml"})

    with pytest.raises(SourceFormatError, match="incorrect id format for abc"):
        arxiv_ingest(ids=["2401.00001"])

    assert len(server.requests) == 1  # a 400 is an answer, not a reason to retry
    run = IngestRun.objects.get()
    assert run.status == IngestRun.FAILED
    assert "incorrect id format for abc" in run.error
    assert Paper.objects.count() == 0


# --- transient failures: retried, then given up on ------------------------------------


def test_a_429_with_retry_after_is_waited_out_and_the_page_lands(server):
    page = api_body("id_1707.08567_s0_m100")
    server.add_sequence(
        "/api/query", [Response(status=429, headers={"Retry-After": "1"}), Response(body=page.read_bytes())]
    )

    run = arxiv_ingest(ids=["1707.08567"])

    assert len(server.requests) == 2
    assert run.status == IngestRun.OK
    assert catalogue_ids() == atom_ids(page) == {"1707.08567"}


def test_a_503_followed_by_the_real_page_succeeds(server):
    body = shared_fixture(HF_DAY).read_bytes()
    server.add_sequence("/api/daily_papers", [Response(status=503), Response(body=body)])

    run = hf_ingest(date="2025-10-03")

    assert len(server.requests) == 2
    assert run.status == IngestRun.OK and run.new == 39


def test_a_503_that_never_ends_fails_the_run_naming_the_url_and_writes_nothing(server):
    server.add("/api/query", b"Service Unavailable", status=503)

    with pytest.raises(FetchError) as caught:
        arxiv_ingest(categories=["cs.LG"], since=date(2024, 1, 1), page_size=10)

    assert len(server.requests) == 3  # one attempt and two retries (PAPERFEED_HTTP_RETRIES)
    assert caught.value.status == 503
    run = IngestRun.objects.get()
    assert run.status == IngestRun.FAILED
    assert f"GET {server.url}/api/query?" in run.error
    assert "HTTP 503" in run.error
    assert run.new == 0 and Paper.objects.count() == 0


def test_pages_before_a_failing_one_stay_landed_and_nothing_of_the_failing_one_is_written(server):
    [first] = serve_query_pages(server, [0], empty_at=20)
    server.add("/api/query", b"Service Unavailable", status=503, query={"start": 10})

    with pytest.raises(FetchError):
        arxiv_ingest(categories=["cs.LG"], since=date(2024, 1, 1), page_size=10)

    run = IngestRun.objects.get()
    assert run.status == IngestRun.FAILED
    assert catalogue_ids() == atom_ids(first)
    assert run.new == len(atom_ids(first))


def test_a_response_slower_than_the_read_timeout_fails_the_run_saying_so(server, settings):
    settings.PAPERFEED_HTTP_READ_TIMEOUT = 0.3
    server.add_sequence("/api/daily_papers", [Response(body=b"[]", delay=30)])  # cut short when the server closes

    with pytest.raises(FetchError):
        hf_ingest(date="2025-10-03")

    assert len(server.requests) == 3
    run = IngestRun.objects.get()
    assert run.status == IngestRun.FAILED
    assert "read timed out after 0.3 s" in run.error


def test_a_body_that_is_always_cut_short_fails_the_run_saying_truncated(server):
    body = shared_fixture(HF_DAY).read_bytes()
    server.add_sequence("/api/daily_papers", [Response(body=body, truncate_at=len(body) // 2)])

    with pytest.raises(FetchError):
        hf_ingest(date="2025-10-03")

    assert len(server.requests) == 3
    run = IngestRun.objects.get()
    assert run.status == IngestRun.FAILED
    assert "truncated" in run.error
    assert Paper.objects.count() == 0


def test_a_body_cut_short_once_is_fetched_again_and_lands(server):
    body = shared_fixture(HF_DAY).read_bytes()
    server.add_sequence("/api/daily_papers", [Response(body=body, truncate_at=1000), Response(body=body)])

    run = hf_ingest(date="2025-10-03")

    assert len(server.requests) == 2
    assert run.status == IngestRun.OK and run.new == 39


# --- through the ingest command ---------------------------------------------------


def test_the_ingest_command_prints_one_summary_line_for_a_fetched_day(server):
    server.add_file("/api/daily_papers", shared_fixture(HF_DAY))
    out = io.StringIO()

    call_command("ingest", "hf", "--date", "2025-10-03", stdout=out)

    [line] = out.getvalue().splitlines()
    run = IngestRun.objects.get()
    assert line == run.summary()
    assert line.startswith(f"hf run #{run.pk} ok: 39 new, 0 updated, 0 unchanged, 0 skipped")


def test_the_ingest_command_fails_with_a_command_error_and_still_prints_the_summary(server):
    server.add("/api/query", b"Service Unavailable", status=503)
    out = io.StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("ingest", "arxiv", "--category", "cs.LG", "--since", "2024-01-01", stdout=out)

    assert "HTTP 503" in str(caught.value) and f"{server.url}/api/query?" in str(caught.value)
    [line] = out.getvalue().splitlines()
    run = IngestRun.objects.get()
    assert line == run.summary()
    assert f"arxiv run #{run.pk} failed: 0 new" in line and "HTTP 503" in line
