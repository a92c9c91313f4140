"""The schedule: run_due, loop, and `paperfeed schedule` against replayed sources.

run_due calls close_old_connections(), which would close a connection held
inside a test's wrapping transaction (PostgreSQL); hence transaction=True.
"""

from __future__ import annotations

import json
import logging
import re
import socket
from datetime import datetime, timedelta, timezone

import pytest
from django.core.management import CommandError, call_command

from paperfeed.catalog.models import Feature, Paper
from paperfeed.ingest.models import IngestRun
from paperfeed.ops.schedule import Job, default_jobs, loop, run_due
from paperfeed.testing import shared_fixture
from paperfeed.testing.replay_server import ReplayServer

pytestmark = pytest.mark.django_db(transaction=True)

HF_DAY = "hf-daily-papers/daily_papers_date-2025-10-03.json"
API_BODIES = "arxiv-api/arxiv.py-golden-2026/bodies"
ABS_ID = re.compile(r"<id>https?://arxiv\.org/abs/([^<]+?)(?:v\d+)?</id>")


class Calls:
    """A job body that counts its runs and fails while told to."""

    def __init__(self, *, failing: bool = False) -> None:
        self.count = 0
        self.failing = failing

    def __call__(self) -> None:
        self.count += 1
        if self.failing:
            raise RuntimeError("the source is down")


@pytest.fixture
def retry_after_600(settings):
    settings.PAPERFEED_SCHEDULE_RETRY = 600


# --- run_due ---------------------------------------------------------------------------


def test_a_failing_job_is_logged_and_does_not_stop_the_jobs_after_it(retry_after_600, caplog):
    broken, healthy = Calls(failing=True), Calls()
    jobs = [Job("broken job", broken, every=3600), Job("healthy job", healthy, every=3600)]

    with caplog.at_level(logging.INFO, logger="paperfeed.schedule"):
        failed = run_due(jobs, now=0.0)

    assert failed == ["broken job"]
    assert broken.count == 1 and healthy.count == 1
    [error] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert error.name == "paperfeed.schedule"
    assert "broken job failed (1 in a row); retrying in 600s" in error.getMessage()
    assert error.exc_info and "the source is down" in str(error.exc_info[1])


def test_a_failed_job_is_tried_again_after_the_retry_delay_not_before(retry_after_600):
    broken = Calls(failing=True)
    jobs = [Job("broken job", broken, every=3600)]

    run_due(jobs, now=0.0)
    assert run_due(jobs, now=599.0) == [] and broken.count == 1
    assert run_due(jobs, now=600.0) == ["broken job"] and broken.count == 2
    assert jobs[0].failures == 2 and jobs[0].next_at == 1200.0

    broken.failing = False  # the source is back
    assert run_due(jobs, now=1200.0) == []
    assert broken.count == 3
    assert jobs[0].failures == 0 and jobs[0].next_at == 1200.0 + 3600


def test_a_succeeding_job_is_next_due_one_interval_later(retry_after_600):
    healthy = Calls()
    jobs = [Job("healthy job", healthy, every=3600)]

    run_due(jobs, now=100.0)
    assert jobs[0].next_at == 3700.0
    run_due(jobs, now=3699.0)
    assert healthy.count == 1
    run_due(jobs, now=3700.0)
    assert healthy.count == 2


def test_the_ingest_jobs_follow_the_interval_setting_and_are_all_due_at_start(settings):
    settings.PAPERFEED_SCHEDULE_INTERVAL = 1800
    jobs = {job.name: job for job in default_jobs()}
    assert jobs["ingest Hugging Face daily papers"].every == 1800
    assert jobs["ingest arXiv categories"].every == 1800
    assert all(job.next_at == 0 for job in jobs.values())


# --- loop ----------------------------------------------------------------------------------


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_the_loop_runs_each_job_again_and_again_and_keeps_retrying_a_failing_one(settings):
    settings.PAPERFEED_SCHEDULE_RETRY = 30
    fake = FakeTime()
    often, seldom, broken = Calls(), Calls(), Calls(failing=True)
    jobs = [Job("often", often, every=10), Job("seldom", seldom, every=25), Job("broken", broken, every=10)]

    loop(jobs, clock=fake.clock, sleep=fake.sleep, stop=lambda: fake.now >= 100)

    assert often.count == 10  # at 0, 10, ..., 90
    assert seldom.count == 4  # at 0, 25, 50, 75
    assert broken.count == 4  # at 0, 30, 60, 90: every retry, never the interval
    assert all(seconds >= 1 for seconds in fake.sleeps)


def test_the_loop_sleeps_at_least_a_second_between_rounds(settings):
    fake = FakeTime()
    busy = Calls()
    loop([Job("busy", busy, every=0.01)], clock=fake.clock, sleep=fake.sleep, stop=lambda: busy.count >= 3)
    assert fake.sleeps == [1.0, 1.0, 1.0]


# --- `paperfeed schedule` (once) ---------------------------------------------------------


@pytest.fixture
def quiet_schedule_log(monkeypatch):
    # The command turns the "paperfeed" logger up to INFO unless this is set; in
    # this process that would outlive the test.
    monkeypatch.setenv("PAPERFEED_LOG_LEVEL", "WARNING")


def test_the_schedule_once_lands_hugging_face_and_arxiv_papers(settings, quiet_schedule_log):
    hf_day = shared_fixture(HF_DAY)
    [api_page] = shared_fixture(API_BODIES).glob("q_testing_s0_m100_*.xml")
    [empty_page] = shared_fixture(API_BODIES).glob("id_0000.0000_s0_m100_*.xml")
    with ReplayServer() as server:
        settings.PAPERFEED_HF_API_URL = server.url + "/api"
        settings.PAPERFEED_ARXIV_API_URL = server.url + "/api/query"
        settings.PAPERFEED_ARXIV_PAGE_SIZE = 100
        server.add_file("/api/daily_papers", hf_day)
        server.add_file("/api/query", api_page, query={"start": 0})
        server.add_file("/api/query", empty_page, query={"start": 100})

        call_command("schedule")  # returns: exit status 0

        requests = server.requests
    today = datetime.now(timezone.utc).date()
    days = [r.query["date"] for r in requests if r.path == "/api/daily_papers"]
    assert days == [(today - timedelta(days=1)).isoformat(), today.isoformat()]
    arxiv = [r for r in requests if r.path == "/api/query"]
    assert [r.query["start"] for r in arxiv] == ["0", "100"]
    since = today - timedelta(days=settings.PAPERFEED_SCHEDULE_LOOKBACK_DAYS)
    for category in settings.PAPERFEED_ARXIV_CATEGORIES:
        assert f"cat:{category}" in arxiv[0].query["search_query"]
    assert f"submittedDate:[{since:%Y%m%d}0000 TO " in arxiv[0].query["search_query"]

    hf_ids = {item["paper"]["id"] for item in json.loads(hf_day.read_text())}
    api_ids = set(ABS_ID.findall(api_page.read_text()))
    assert set(Paper.objects.values_list("arxiv_id", flat=True)) == hf_ids | api_ids
    assert Feature.objects.count() == 2 * len(hf_ids)  # listed yesterday and today, as asked
    assert [run.status for run in IngestRun.objects.all()] == [IngestRun.OK] * 3


def free_port() -> int:
    """A port that was free a moment ago and is closed now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_with_the_sources_down_the_schedule_fails_naming_the_jobs_and_records_failed_runs(
    settings, quiet_schedule_log
):
    closed = f"http://127.0.0.1:{free_port()}"
    settings.PAPERFEED_HF_API_URL = closed + "/api"
    settings.PAPERFEED_ARXIV_API_URL = closed + "/api/query"

    with pytest.raises(CommandError) as caught:
        call_command("schedule")

    assert str(caught.value) == "failed: ingest Hugging Face daily papers; ingest arXiv categories"
    runs = list(IngestRun.objects.order_by("pk"))
    assert [run.source for run in runs] == ["hf", "hf", "arxiv"]  # both HF days are tried
    for run in runs:
        assert run.status == IngestRun.FAILED
        assert f"GET {closed}/" in run.error and "could not connect" in run.error
    assert Paper.objects.count() == 0

