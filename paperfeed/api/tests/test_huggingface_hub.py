"""The official huggingface_hub client, pointed at a paperfeed server, works unchanged:
HfApi(endpoint=...) for daily lists, paper info, search and Markdown, and the
`hf papers` command line with HF_ENDPOINT set."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timezone

import pytest

from .conftest import ingest_hf_days

pytestmark = pytest.mark.django_db(transaction=True)

huggingface_hub = pytest.importorskip("huggingface_hub")


@pytest.fixture
def api(live_server):
    ingest_hf_days()
    return huggingface_hub.HfApi(endpoint=live_server.url, token=False)


def test_list_daily_papers_reads_a_day_with_its_dates_authors_and_submitters(api):
    papers = list(api.list_daily_papers(date="2025-10-03", limit=100))
    assert len(papers) == 39
    first = papers[0]
    assert first.submitted_at.date().isoformat() == "2025-10-03"
    assert first.published_at < first.submitted_at
    assert first.authors and first.authors[0].name and first.title and first.summary
    with_org = [p for p in papers if p.organization]
    assert len(with_org) == 16 and all(p.organization.name and p.organization.fullname for p in with_org)
    assert all(p.submitted_by is not None and p.submitted_by.fullname for p in papers)


def test_list_daily_papers_pages_with_p_and_limit_and_sorts_by_trending(api):
    pages = [list(api.list_daily_papers(date="2025-10-03", p=p, limit=10)) for p in range(5)]
    assert [len(page) for page in pages] == [10, 10, 10, 9, 0]
    ids = [paper.id for page in pages for paper in page]
    assert len(set(ids)) == 39
    trending = list(api.list_daily_papers(week="2025-W40", sort="trending", limit=5))
    votes = [p.upvotes or 0 for p in trending]
    assert votes == sorted(votes, reverse=True) and votes[0] > 0
    month = list(api.list_daily_papers(month="2026-08", limit=100))
    assert len(month) == 17


def test_list_daily_papers_filters_by_submitter(api):
    taesiri = list(api.list_daily_papers(date="2026-08-21", submitter="taesiri"))
    assert taesiri and all(p.submitted_by.fullname == "taesiri" for p in taesiri)


def test_paper_info_reads_one_paper_and_raises_404_for_an_unknown_one(api):
    info = api.paper_info("2608.19880")
    assert info.id == "2608.19880" and info.title.startswith("EnvHarness")
    assert info.published_at == datetime(2026, 8, 20, tzinfo=timezone.utc)
    assert info.github_repo == "https://github.com/google-research/envharness"
    assert info.upvotes == 163 and info.organization.name == "google"
    with pytest.raises(huggingface_hub.errors.HfHubHTTPError) as raised:
        api.paper_info("9999.99999")
    assert raised.value.response.status_code == 404


def test_list_papers_searches_and_read_paper_gives_markdown(api):
    found = list(api.list_papers(query="video generation", limit=5))
    assert 0 < len(found) <= 5 and all(p.id and p.title for p in found)
    text = api.read_paper("2608.19880")
    assert text.startswith("# EnvHarness") and "## Abstract" in text


def _hf_command() -> str | None:
    return shutil.which("hf", path=os.path.dirname(sys.executable))


def test_the_hf_papers_command_line_lists_searches_and_shows_papers(live_server, tmp_path):
    command = _hf_command()
    if command is None:
        pytest.skip("this huggingface_hub has no `hf` command")
    ingest_hf_days(["2025-10-03"])
    env = {**os.environ, "HF_ENDPOINT": live_server.url, "HF_HOME": str(tmp_path), "HF_HUB_DISABLE_TELEMETRY": "1",
           "NO_COLOR": "1", "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1"}

    def hf(*args: str):
        done = subprocess.run([command, "papers", *args], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    listed = json.loads(hf("ls", "--date", "2025-10-03", "--limit", "5", "--format", "json"))
    assert len(listed) == 5 and all(row["id"] for row in listed)
    trending = json.loads(hf("ls", "--week", "2025-W40", "--sort", "trending", "--limit", "3", "--format", "json"))
    assert trending[0]["id"] == "2510.02283"  # the most upvoted paper of that week
    searched = json.loads(hf("search", "video", "--limit", "3", "--format", "json"))
    assert searched and len(searched) <= 3
    assert "2510.02283" in hf("info", "2510.02283")
    assert hf("read", "2510.02283").startswith("# Self-Forcing++")
    missing = subprocess.run([command, "papers", "info", "9999.99999"], env=env, capture_output=True, text=True, timeout=120)
    assert missing.returncode != 0 and "not found" in (missing.stdout + missing.stderr)
