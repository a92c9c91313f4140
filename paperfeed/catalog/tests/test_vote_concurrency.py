"""Fifty users upvote one paper at the same moment, over real HTTP: no vote is
lost, none fails, and `Paper.upvotes` equals the number of Vote rows.

Two servers, because the test database differs by backend:

- `live_server` (Django's threaded test server) against PostgreSQL: real
  concurrent connections. On SQLite the test database lives in memory and the
  live server hands every thread the *same* connection, so it could not show
  anything about concurrent writers; that variant is skipped there.
- `paperfeed serve` (gunicorn, several worker processes) on a temporary SQLite
  file, exactly as `bin/up` runs: concurrent writers in separate processes,
  queued by IMMEDIATE transactions and the busy timeout.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from django.db import connection

VOTERS = 50


def vote_all_at_once(base_url: str, path: str, cookies_per_user: list[dict[str, str]]) -> list[requests.Response]:
    """One requests.Session per user: fetch the paper page (CSRF cookie), then all POST together."""
    sessions = []
    for cookies in cookies_per_user:
        session = requests.Session()
        session.cookies.update(cookies)
        page = session.get(base_url + path, timeout=30)
        assert page.status_code == 200, page.status_code
        sessions.append(session)
    barrier = threading.Barrier(len(sessions))
    responses: list[requests.Response | BaseException | None] = [None] * len(sessions)

    def vote(index: int, session: requests.Session) -> None:
        try:
            barrier.wait(timeout=30)
            responses[index] = session.post(
                base_url + path + "/upvote",
                headers={"Accept": "application/json", "X-CSRFToken": session.cookies["csrftoken"]},
                timeout=60,
            )
        except BaseException as exc:  # reported below, with the others
            responses[index] = exc

    threads = [threading.Thread(target=vote, args=(i, s)) for i, s in enumerate(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for session in sessions:
        session.close()
    failures = [r for r in responses if not isinstance(r, requests.Response)]
    assert not failures, failures[:3]
    return responses  # type: ignore[return-value]


def assert_every_vote_counted(responses: list[requests.Response]) -> None:
    assert [r.status_code for r in responses] == [200] * VOTERS, [r.text[:200] for r in responses if r.status_code != 200][:3]
    assert all(r.json()["voted"] is True for r in responses)
    assert max(r.json()["upvotes"] for r in responses) == VOTERS


# --- Django's live server, on PostgreSQL --------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="the in-memory SQLite test database shares one connection across threads"
)
def test_fifty_simultaneous_votes_on_the_live_server_are_all_counted(live_server):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from paperfeed.catalog.models import Paper, Vote

    from .conftest import make_paper

    paper = make_paper("2307.08691", upstream_upvotes=3)
    cookies = []
    for n in range(VOTERS):
        client = Client()
        client.force_login(get_user_model().objects.create_user(f"voter{n:02d}"))
        cookies.append({"sessionid": client.cookies["sessionid"].value})

    responses = vote_all_at_once(live_server.url, paper.get_absolute_url(), cookies)

    assert_every_vote_counted(responses)
    assert Vote.objects.filter(paper=paper).count() == VOTERS
    assert Paper.objects.get(pk=paper.pk).upvotes == VOTERS


# --- paperfeed serve (gunicorn) on a SQLite file -------------------------------------------

SETUP = """
import json, django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
from paperfeed.catalog.models import Paper
Paper.objects.create(arxiv_id="2307.08691", title="FlashAttention-2", upstream_upvotes=3)
cookies = []
for n in range({voters}):
    client = Client()
    client.force_login(get_user_model().objects.create_user(f"voter{{n:02d}}"))
    cookies.append({{"sessionid": client.cookies["sessionid"].value}})
print(json.dumps(cookies))
"""

COUNT = """
import django
django.setup()
from paperfeed.catalog.models import Paper, Vote
paper = Paper.objects.get(arxiv_id="2307.08691")
print(Vote.objects.filter(paper=paper).count(), paper.upvotes)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"paperfeed serve exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"paperfeed serve did not listen on {port} within {timeout:.0f} s")


@pytest.mark.slow
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite variant; PostgreSQL is covered by the live server")
def test_fifty_simultaneous_votes_on_paperfeed_serve_with_a_sqlite_file_are_all_counted(tmp_path: Path):
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},  # the default: SQLite in the data dir
        "PAPERFEED_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "concurrency-test-key",
        "DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "paperfeed.settings",
        "PAPERFEED_WEB_WORKERS": "8",
    }
    python = [sys.executable]

    def run(code: str) -> str:
        done = subprocess.run([*python, "-c", code], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    subprocess.run([*python, "-m", "paperfeed", "migrate", "-v0"], env=env, check=True, timeout=120)
    cookies = json.loads(run(SETUP.format(voters=VOTERS)).strip().splitlines()[-1])
    assert (tmp_path / "paperfeed.sqlite3").is_file()

    server = subprocess.Popen(
        [*python, "-m", "paperfeed", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(port, server)
        responses = vote_all_at_once(f"http://127.0.0.1:{port}", "/papers/2307.08691", cookies)
    finally:
        server.terminate()
        try:
            _, errors = server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            _, errors = server.communicate()

    assert "database is locked" not in errors
    assert_every_vote_counted(responses)
    votes, upvotes = map(int, run(COUNT).split())
    assert votes == upvotes == VOTERS
