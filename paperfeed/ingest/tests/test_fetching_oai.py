"""The OAI-PMH harvest, arXiv's rate gate and `--file -`, with the real fetch code.

Like test_fetching.py, every source URL points at a local ReplayServer that
serves the real recorded responses.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from paperfeed.catalog.models import Feature
from paperfeed.ingest.models import HarvestCheckpoint, IngestRun
from paperfeed.ingest.services import arxiv_ingest, oai_harvest
from paperfeed.lib import http
from paperfeed.lib.http import FetchError, RateGate
from paperfeed.testing import shared_fixture
from paperfeed.testing.replay_server import ReplayServer, Response

from .test_fetching import HF_DAY, catalogue_ids, serve_query_pages, server  # noqa: F401 (server is a fixture)

pytestmark = pytest.mark.django_db

FIRST_PAGE = "arxiv-oai/atomiklabs/listrecords_oai_dc_set-cs_from-2024-01-25_with_resumptionToken.xml"
LAST_PAGE = "arxiv-oai/hepcrawl/arxiv-physics-hep-ex.xml"  # ListRecords without a resumptionToken
TOKEN = "6960524|1001"  # the token in FIRST_PAGE
OAI_ID = re.compile(r"<identifier>oai:arXiv\.org:([^<]+)</identifier>")
HARVEST = dict(set_spec="cs", since=date(2024, 1, 25), metadata_prefix="oai_dc")


def oai_ids(path: Path) -> set[str]:
    return set(OAI_ID.findall(path.read_text()))


def serve_first_page(server: ReplayServer) -> Path:
    page = shared_fixture(FIRST_PAGE)
    assert f">{TOKEN}</resumptionToken>" in page.read_text()
    server.add_file("/oai", page, query={"verb": "ListRecords", "set": "cs"})
    return page


def serve_last_page(server: ReplayServer) -> Path:
    page = shared_fixture(LAST_PAGE)
    assert "resumptionToken" not in page.read_text()
    server.add_file("/oai", page, query={"resumptionToken": TOKEN})
    return page


def checkpoint() -> HarvestCheckpoint:
    return HarvestCheckpoint.objects.get()


# --- OAI-PMH -------------------------------------------------------------------------


def test_a_harvest_asks_for_the_window_then_follows_the_resumption_token_alone(server):
    first, last = serve_first_page(server), serve_last_page(server)

    run = oai_harvest(**HARVEST)

    opening, following = server.requests
    assert opening.path == following.path == "/oai"
    assert opening.query == {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "cs", "from": "2024-01-25"}
    assert following.query == {"verb": "ListRecords", "resumptionToken": TOKEN}  # an exclusive argument
    expected = oai_ids(first) | oai_ids(last)
    assert len(expected) == 8
    assert catalogue_ids() == expected
    assert run.status == IngestRun.OK and run.new == 8
    assert checkpoint().finished and checkpoint().resumption_token == "" and checkpoint().pages_done == 2


def test_it_resumes_an_interrupted_harvest_from_its_checkpoint(server):
    first = serve_first_page(server)
    server.add_sequence("/oai", [Response(status=503)], query={"resumptionToken": TOKEN})

    with pytest.raises(FetchError):
        oai_harvest(**HARVEST)

    interrupted = IngestRun.objects.get()
    assert interrupted.status == IngestRun.FAILED and "HTTP 503" in interrupted.error
    assert catalogue_ids() == oai_ids(first)  # the first page was its own transaction
    assert checkpoint().resumption_token == TOKEN
    assert checkpoint().pages_done == 1 and not checkpoint().finished

    last = serve_last_page(server)  # the server has recovered
    asked_before = len(server.requests)
    resumed = oai_harvest(**HARVEST)

    [request] = server.requests[asked_before:]  # the first page is not fetched again
    assert request.query == {"verb": "ListRecords", "resumptionToken": TOKEN}
    assert resumed.status == IngestRun.OK and resumed.new == len(oai_ids(last))
    assert catalogue_ids() == oai_ids(first) | oai_ids(last)
    assert checkpoint().finished and checkpoint().pages_done == 2


def test_a_finished_harvest_of_the_same_window_starts_over_from_the_first_page(server):
    serve_first_page(server)
    serve_last_page(server)
    oai_harvest(**HARVEST)
    asked_before = len(server.requests)

    again = oai_harvest(**HARVEST)

    assert [r.query.get("resumptionToken") for r in server.requests[asked_before:]] == [None, TOKEN]
    assert again.status == IngestRun.OK and again.new == 0
    assert checkpoint().finished


def test_max_pages_stops_after_one_page_and_keeps_the_checkpoint(server):
    first = serve_first_page(server)
    serve_last_page(server)

    run = oai_harvest(**HARVEST, max_pages=1)

    assert len(server.requests) == 1
    assert run.status == IngestRun.OK
    assert catalogue_ids() == oai_ids(first)
    assert checkpoint().resumption_token == TOKEN and not checkpoint().finished


# --- arXiv's rate gate, in fake time ------------------------------------------------------


class FakeTime:
    """A clock that only moves when the fake sleep is called."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class RecordingGate(RateGate):
    """Notes the (fake) time each request was let through."""

    def __init__(self, *args, **kw) -> None:
        super().__init__(*args, **kw)
        self.passed: list[float] = []

    def wait(self) -> None:
        super().wait()
        self.passed.append(self._clock())


@pytest.fixture
def fake_gate(settings, monkeypatch):
    settings.PAPERFEED_ARXIV_MIN_INTERVAL = 3
    fake = FakeTime()
    gate = RecordingGate(3, clock=fake.clock, sleep=fake.sleep)
    monkeypatch.setattr(http, "_arxiv_gate", gate)
    return gate, fake


def gaps(times: list[float]) -> list[float]:
    return [later - earlier for earlier, later in zip(times, times[1:])]


def test_an_arxiv_walk_waits_the_minimum_interval_between_requests(server, fake_gate):
    gate, fake = fake_gate
    serve_query_pages(server, [0, 10], empty_at=20)

    arxiv_ingest(categories=["cs.LG"], since=date(2024, 1, 1), page_size=10)

    assert len(server.requests) == len(gate.passed) == 3
    assert all(gap >= 3 for gap in gaps(gate.passed)), gate.passed
    assert fake.sleeps == [3, 3]


def test_oai_requests_wait_on_the_same_gate_as_the_query_api(server, fake_gate):
    gate, fake = fake_gate
    serve_query_pages(server, [0], empty_at=10)
    server.add_file("/oai", shared_fixture(LAST_PAGE))

    arxiv_ingest(categories=["cs.LG"], since=date(2024, 1, 1), page_size=10)
    oai_harvest(set_spec="physics:hep-ex", since=date(2017, 12, 14))
    arxiv_ingest(categories=["cs.LG"], since=date(2024, 1, 1), page_size=10)

    paths = [r.path for r in server.requests]
    assert paths == ["/api/query", "/api/query", "/oai", "/api/query", "/api/query"]
    assert len(gate.passed) == 5
    assert all(gap >= 3 for gap in gaps(gate.passed)), gate.passed
    assert fake.sleeps == [3, 3, 3, 3]


# --- `--file -` reads standard input ------------------------------------------------------


def stdin_holding(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_file_dash_reads_a_hugging_face_day_from_standard_input(monkeypatch):
    body = shared_fixture(HF_DAY).read_bytes()
    stdin_holding(monkeypatch, body)
    out = io.StringIO()

    call_command("ingest", "hf", "--file", "-", "--date", "2025-10-03", stdout=out)

    assert catalogue_ids() == {item["paper"]["id"] for item in json.loads(body)}
    assert Feature.objects.filter(day=date(2025, 10, 3)).count() == 39
    assert " ok: 39 new" in out.getvalue()


def test_file_dash_reads_an_oai_page_from_standard_input(monkeypatch):
    page = shared_fixture(FIRST_PAGE)
    stdin_holding(monkeypatch, page.read_bytes())

    call_command("ingest", "oai", "--file", "-", stdout=io.StringIO())

    assert catalogue_ids() == oai_ids(page)
    assert not HarvestCheckpoint.objects.exists()  # a file is not a harvest
