"""Each (recipient, period) mailed exactly once: `paperfeed digests send` run as real
processes against a real SMTP server (aiosmtpd on 127.0.0.1), two at once, or
killed with SIGKILL in the middle of a batch and started again.

The database is the suite's backend: a SQLite file of the test's own in the
SQLite run, a database of the test's own on the PostgreSQL server in the
PostgreSQL run (created from a migrated template). Where a worker is killed
is decided by the SMTP server, which holds its reply to one recipient
(reader005, in the second batch of four) at a chosen stage:

- rcpt: before anything of that message was sent;
- body: the whole message sent but its end-of-data line not (the test holds
  the database, so the worker waits to commit "sent" with the terminator
  unsent): the server must drop the unfinished message;
- data: after the end-of-data line, which the worker sends only once "sent"
  is committed: the server has kept the message.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from paperfeed.testing.smtp_server import SmtpSink

pytestmark = [pytest.mark.slow]

SCRIPT = Path(sys.executable).parent / "paperfeed"
PAPERFEED = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "paperfeed"]
AS_OF = "2026-03-10T07:00:00Z"
SETUP = "import django; django.setup(); from paperfeed.digests.tests.scenario import build; build({count})"
POSTGRES = connection.vendor == "postgresql"


class Install:
    """An installation of its own (data dir and database) for `paperfeed` subprocesses."""

    def __init__(self, root: Path, database_url: str):
        self.root = root
        self.env = {
            **os.environ,
            "PAPERFEED_DATA_DIR": str(root / "data"),
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "paperfeed.settings",
            "PAPERFEED_LOG_LEVEL": "WARNING",
        }

    def python(self, code: str) -> None:
        done = subprocess.run([sys.executable, "-c", code], env=self.env, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr[-3000:]

    def start(self, *args: str, **env: str) -> subprocess.Popen:
        return subprocess.Popen([*PAPERFEED, *args], env={**self.env, **env}, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)


class SQLiteDatabases:
    def __init__(self, root: Path):
        self.root = root
        self.template = root / "template.sqlite3"
        self.count = 0
        done = subprocess.run([*PAPERFEED, "migrate", "-v", "0"], capture_output=True, text=True, timeout=300,
                              env={**os.environ, "DATABASE_URL": f"sqlite:///{self.template}",
                                   "PAPERFEED_DATA_DIR": str(root / "data")})
        assert done.returncode == 0, done.stderr

    def fresh(self) -> str:
        self.count += 1
        path = self.root / f"db{self.count}.sqlite3"
        shutil.copy(self.template, path)
        return f"sqlite:///{path}"

    def lock(self, url: str):
        """Hold the write lock: a writer now waits (busy timeout) until `unlock`."""
        db = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        db.execute("BEGIN IMMEDIATE")
        return db

    def unlock(self, handle) -> None:
        handle.execute("ROLLBACK")
        handle.close()

    def statuses(self, url: str) -> Counter:
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            return Counter(dict(db.execute("SELECT status, COUNT(*) FROM digests_delivery GROUP BY status").fetchall()))

    def workers(self, url: str) -> set[str]:
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            rows = db.execute("SELECT DISTINCT claimed_by FROM digests_delivery WHERE status = 'sent'").fetchall()
        return {row[0].rsplit(":", 1)[0] for row in rows}

    def close(self) -> None:
        pass


class PostgresDatabases:
    def __init__(self, root: Path):
        import psycopg

        self.psycopg = psycopg
        self.base = os.environ["DATABASE_URL"]
        self.admin = re.sub(r"/[^/]*$", "/postgres", self.base)
        self.prefix = f"digests_{os.getpid()}"
        self.template = f"{self.prefix}_template"
        self.names: list[str] = []
        self._admin(f'CREATE DATABASE "{self.template}"')
        done = subprocess.run([*PAPERFEED, "migrate", "-v", "0"], capture_output=True, text=True, timeout=300,
                              env={**os.environ, "DATABASE_URL": self._url(self.template),
                                   "PAPERFEED_DATA_DIR": str(root / "data"), "PAPERFEED_DB_CONN_MAX_AGE": "0"})
        assert done.returncode == 0, done.stderr

    def _url(self, name: str) -> str:
        return re.sub(r"/[^/]*$", f"/{name}", self.base)

    def _admin(self, sql: str) -> None:
        with self.psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(sql)

    def fresh(self) -> str:
        name = f"{self.prefix}_{len(self.names) + 1}"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        self.names.append(name)
        return self._url(name)

    def lock(self, url: str):
        conn = self.psycopg.connect(url)
        conn.execute("LOCK TABLE digests_delivery IN SHARE MODE")  # UPDATEs wait; the transaction stays open
        return conn

    def unlock(self, handle) -> None:
        handle.rollback()
        handle.close()

    def statuses(self, url: str) -> Counter:
        with self.psycopg.connect(url) as conn:
            return Counter(dict(conn.execute("SELECT status, COUNT(*) FROM digests_delivery GROUP BY status").fetchall()))

    def workers(self, url: str) -> set[str]:
        with self.psycopg.connect(url) as conn:
            rows = conn.execute("SELECT DISTINCT claimed_by FROM digests_delivery WHERE status = 'sent'").fetchall()
        return {row[0].rsplit(":", 1)[0] for row in rows}

    def close(self) -> None:
        for name in [*self.names, self.template]:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def databases(tmp_path_factory):
    root = tmp_path_factory.mktemp("digests-exactly-once")
    provider = PostgresDatabases(root) if POSTGRES else SQLiteDatabases(root)
    yield provider
    provider.close()


def install_with(databases, tmp_path, count: int) -> tuple[Install, str]:
    url = databases.fresh()
    install = Install(tmp_path, url)
    install.python(SETUP.format(count=count))
    return install, url


def finish(process: subprocess.Popen, timeout: float = 180) -> str:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err[-3000:]
    assert "Traceback" not in out + err, err[-3000:]
    return out


def expected(count: int) -> Counter:
    return Counter({f"reader{n:03d}@example.org": 1 for n in range(count)})


def test_two_workers_started_together_mail_everyone_exactly_once(databases, tmp_path):
    count = 60
    install, url = install_with(databases, tmp_path, count)
    with SmtpSink(delay=0.01) as sink:
        smtp = {"EMAIL_HOST": sink.host, "EMAIL_PORT": str(sink.port)}
        # Whichever worker reaches reader000 first is held there until the other has
        # mailed someone, so both take part however the processes are scheduled.
        sink.stall("reader000@example.org", "rcpt")
        workers = [install.start("digests", "send", "--as-of", AS_OF, "--batch-size", "3", **smtp) for _ in range(2)]
        assert sink.reached.wait(120), "no worker reached reader000"
        held_at = len(sink.recipients())
        deadline = time.monotonic() + 120
        while len(sink.recipients()) == held_at and time.monotonic() < deadline:
            time.sleep(0.05)
        sink.release()
        outputs = [finish(worker) for worker in workers]
    assert Counter(sink.recipients()) == expected(count)
    assert databases.statuses(url) == Counter({"sent": count})
    assert len(databases.workers(url)) == 2, outputs  # both took part
    sent = sorted(int(re.search(r"(\d+) sent", out).group(1)) for out in outputs)
    assert sum(sent) == count and sent[0] > 0


@pytest.mark.parametrize("stage", ["rcpt", "body", "data"])
def test_a_worker_killed_mid_batch_then_restarted_mails_everyone_exactly_once(databases, tmp_path, stage):
    count, victim = 12, "reader005@example.org"
    install, url = install_with(databases, tmp_path, count)
    with SmtpSink() as sink:
        env = {"EMAIL_HOST": sink.host, "EMAIL_PORT": str(sink.port), "PAPERFEED_DIGEST_LEASE": "2"}
        sink.stall(victim, "data" if stage == "data" else "rcpt")
        first = install.start("digests", "send", "--as-of", AS_OF, "--batch-size", "4", **env)
        assert sink.reached.wait(120), first.communicate(timeout=10)[1][-3000:] if first.poll() is not None else "no stall"
        lock = None
        if stage == "body":
            lock = databases.lock(url)
            sink.stall(victim, "body")  # the held RCPT goes on; the message follows, then the commit waits
            sink.release_held()
            assert sink.reached.wait(60), "the body never arrived"
        before = Counter(sink.recipients())
        first.send_signal(signal.SIGKILL)
        first.wait(30)
        if lock is not None:
            databases.unlock(lock)
        sink.release()
        # Mid-batch: the first batch and reader004 are out; the victim is (data) or is not (rcpt, body).
        assert set(before) >= {f"reader{n:03d}@example.org" for n in range(5)}
        assert (victim in before) == (stage == "data")
        assert not set(before) & {f"reader{n:03d}@example.org" for n in range(6, count)}
        time.sleep(2.5)  # the dead worker's lease runs out
        finish(install.start("digests", "send", "--as-of", AS_OF, "--batch-size", "4", **env))
    assert Counter(sink.recipients()) == expected(count)
    assert databases.statuses(url) == Counter({"sent": count})
