"""`paperfeed up`: the real command, in its own process group, with the sources down."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from .test_cli import PAPERFEED, Install

STARTUP_LIMIT = 90  # seconds; only a bound on how long to wait before giving up, never asserted on


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def status_of(url: str) -> int | None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
    try:
        with opener.open(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes in a process group, from /proc."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        state, group = fields[0], int(fields[2])
        if group == pgid and state != "Z":
            members.append(int(stat.parent.name))
    return members


def wait_until(condition: Callable[[], bool], what: str, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + STARTUP_LIMIT
    while not condition():
        if process is not None and process.poll() is not None:
            pytest.fail(f"paperfeed up exited with {process.returncode} while waiting for {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.2)


@pytest.mark.slow
def test_up_serves_the_site_while_the_failing_schedule_keeps_going_and_stops_on_sigterm(tmp_path):
    install = Install(tmp_path)
    del install.env["SECRET_KEY"]  # a fresh install: `up` makes its own
    install.env.pop("PAPERFEED_LOG_LEVEL", None)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    install.env.update(
        PAPERFEED_HF_API_URL=closed + "/api",
        PAPERFEED_ARXIV_API_URL=closed + "/api/query",
        PAPERFEED_ARXIV_OAI_URL=closed + "/oai",
        PAPERFEED_WEB_WORKERS="1",
    )
    port = free_port()
    site = f"http://127.0.0.1:{port}/"
    log = tmp_path / "up.log"

    with log.open("wb") as out:
        up = subprocess.Popen(
            [*PAPERFEED, "up", "--port", str(port)],
            env=install.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        wait_until(lambda: status_of(site + "admin/login/") == 200, "the admin login page", up)
        wait_until(lambda: "failed (1 in a row)" in log.read_text(), "the schedule's first failure", up)

        assert status_of(site + "admin/login/") == 200  # the failed job did not take the site down
        output = log.read_text()
        assert f"paperfeed is up: {site}" in output
        assert "ingest Hugging Face daily papers failed" in output
        key = tmp_path / "data" / "secret_key"
        assert key.exists() and key.stat().st_mode & 0o777 == 0o600

        up.send_signal(signal.SIGTERM)
        assert up.wait(timeout=60) is not None
        wait_until(lambda: not group_members(up.pid), "the web server and the schedule to exit")
        assert status_of(site + "admin/login/") is None
    finally:
        try:
            os.killpg(up.pid, signal.SIGKILL)  # nothing may outlive the test, whatever happened
        except ProcessLookupError:
            pass
        up.wait()
