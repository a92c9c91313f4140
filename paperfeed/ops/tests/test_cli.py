"""The real `paperfeed` console script, run in subprocesses.

Each test has its own PAPERFEED_DATA_DIR and its own SQLite file in
DATABASE_URL, so these tests are the same in the SQLite and the PostgreSQL
run of the suite. `paperfeed up` is in test_cli_up.py.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from paperfeed.testing import shared_fixture

HF_DAY = "hf-daily-papers/daily_papers_date-2025-10-03.json"
HF_BULK = "hf-daily-papers/bulk-2026-07-08"
SNAPSHOT = "arxiv-metadata-sample/kaggle-arxiv-metadata-oai-snapshot.head200.jsonl"
SCRIPT = Path(sys.executable).parent / "paperfeed"
PAPERFEED = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "paperfeed"]
SUMMARY = r"^{source} run #\d+ ok: {new} new, 0 updated, 0 unchanged, 0 skipped in \d+\.\ds$"


class Install:
    """A paperfeed installation of its own: a data dir and a SQLite database."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.db = root / "paperfeed.sqlite3"
        self.env = {
            **os.environ,
            "PAPERFEED_DATA_DIR": str(root / "data"),
            "DATABASE_URL": f"sqlite:///{self.db}",
        }

    def run(self, *args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*PAPERFEED, *args], env={**self.env, **env}, capture_output=True, text=True, timeout=timeout
        )

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen([*PAPERFEED, *args], env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def query(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.db) as db:
            return db.execute(sql).fetchall()


@pytest.fixture(scope="module")
def migrated_db(tmp_path_factory) -> Path:
    """One `paperfeed migrate` per module; each test gets a copy of the result."""
    install = Install(tmp_path_factory.mktemp("migrated"))
    result = install.run("migrate")
    assert result.returncode == 0, result.stderr
    return install.db


@pytest.fixture
def install(tmp_path) -> Install:
    return Install(tmp_path)


@pytest.fixture
def migrated(install, migrated_db) -> Install:
    shutil.copy(migrated_db, install.db)
    return install


def no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stderr


# --- help and pass-through --------------------------------------------------------------


def test_help_lists_paperfeeds_own_commands(install):
    result = install.run("--help")
    assert result.returncode == 0
    for command in ("up", "serve", "schedule", "ingest", "import"):
        assert f"\n  {command} " in result.stdout, command


def test_each_commands_help_shows_its_options(install):
    ingest = install.run("ingest", "--help")
    assert ingest.returncode == 0 and "{hf,arxiv,oai}" in ingest.stdout
    expected = {
        "hf": ["--date", "--week", "--month", "--file"],
        "arxiv": ["--category", "--since", "--until", "--id", "--file"],
        "oai": ["--set", "--since", "--until", "--format", "--max-pages", "--file"],
    }
    for source, options in expected.items():
        result = install.run("ingest", source, "--help")
        assert result.returncode == 0, result.stderr
        for option in options:
            assert option in result.stdout, (source, option)
    snapshot = install.run("import", "arxiv-snapshot", "--help")
    assert snapshot.returncode == 0 and "--batch-size" in snapshot.stdout


def test_other_django_commands_pass_through(install):
    result = install.run("check")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


# --- configuration errors ------------------------------------------------------------------


def test_without_a_secret_key_and_debug_off_it_refuses_to_start_naming_secret_key(install):
    del install.env["SECRET_KEY"]
    result = install.run("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    no_traceback(result)


def test_a_mysql_database_url_is_refused_with_a_clear_message(install):
    result = install.run("check", DATABASE_URL="mysql://paperfeed:secret@127.0.0.1/paperfeed")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr and "sqlite:// and postgres:// only" in result.stderr
    no_traceback(result)


def test_check_deploy_is_clean_with_production_settings(install):
    result = install.run(
        "check", "--deploy", SECRET_KEY=secrets.token_urlsafe(50), PAPERFEED_HTTPS="true", DEBUG="false"
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output and "System check identified no issues" in output, output


# --- ingest and import ------------------------------------------------------------------------


def test_ingest_hf_from_a_file_prints_one_summary_line(migrated):
    result = migrated.run("ingest", "hf", "--file", str(shared_fixture(HF_DAY)))
    assert result.returncode == 0, result.stderr
    [line] = result.stdout.splitlines()
    assert re.match(SUMMARY.format(source="hf", new=39), line), line
    assert migrated.query("SELECT COUNT(*) FROM catalog_paper") == [(39,)]


def test_a_malformed_file_fails_with_one_error_line_naming_it(migrated, tmp_path):
    broken = tmp_path / "daily_papers_date-2025-10-03.json"
    broken.write_text('[{"paper": {"id": "2510.00001", "title": "cut off')
    result = migrated.run("ingest", "hf", "--file", str(broken))
    assert result.returncode != 0
    [error] = [line for line in result.stderr.splitlines() if line.startswith("CommandError:")]
    assert str(broken) in error and "not valid JSON" in error
    assert " failed: " in result.stdout  # the run's summary line
    no_traceback(result)


def test_a_missing_file_fails_naming_it(migrated, tmp_path):
    missing = tmp_path / "nowhere.json"
    result = migrated.run("ingest", "hf", "--file", str(missing))
    assert result.returncode != 0
    [error] = [line for line in result.stderr.splitlines() if line.startswith("CommandError:")]
    assert str(missing) in error
    no_traceback(result)


def test_import_arxiv_snapshot_lands_the_sample(migrated):
    sample = shared_fixture(SNAPSHOT)
    expected = {json.loads(line)["id"] for line in sample.open()}
    result = migrated.run("import", "arxiv-snapshot", str(sample))
    assert result.returncode == 0, result.stderr
    [line] = result.stdout.splitlines()
    assert re.match(SUMMARY.format(source="arxiv-snapshot", new=len(expected)), line), line
    assert {row[0] for row in migrated.query("SELECT arxiv_id FROM catalog_paper")} == expected


def test_import_of_a_missing_path_fails_naming_it(migrated, tmp_path):
    missing = tmp_path / "snapshot.jsonl"
    result = migrated.run("import", "arxiv-snapshot", str(missing))
    assert result.returncode != 0
    assert f"CommandError: arxiv-snapshot: {missing}: no such file" in result.stderr
    no_traceback(result)


def test_two_concurrent_writers_on_one_sqlite_file_both_succeed(migrated):
    files = sorted(shared_fixture(HF_BULK).glob("*.json"))
    assert len(files) == 38
    # Overlapping halves, the second one backwards, so both write the same papers.
    first, second = files[:25], files[13:][::-1]
    expected = {item["paper"]["id"] for path in files for item in json.loads(path.read_text())}

    def args(group: list[Path]) -> list[str]:
        return ["ingest", "hf", *[f"--file={path}" for path in group]]

    writers = [migrated.start(*args(first)), migrated.start(*args(second))]
    outputs = [writer.communicate(timeout=300) for writer in writers]

    for writer, (out, err) in zip(writers, outputs):
        assert writer.returncode == 0, err
        assert "database is locked" not in out + err
        assert " ok: " in out, out  # ok, not partial: no record was rejected
    assert {row[0] for row in migrated.query("SELECT arxiv_id FROM catalog_paper")} == expected
    assert len(expected) == 753


def test_the_schedule_with_the_sources_down_exits_non_zero_naming_the_failed_jobs(migrated):
    with socket.socket() as probe:  # a port that was free a moment ago and is closed now
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    result = migrated.run(
        "schedule", PAPERFEED_HF_API_URL=closed + "/api", PAPERFEED_ARXIV_API_URL=closed + "/api/query"
    )
    assert result.returncode == 1
    assert "CommandError: failed: ingest Hugging Face daily papers; ingest arXiv categories" in result.stderr
    runs = migrated.query("SELECT source, status FROM ingest_ingestrun ORDER BY id")
    assert runs == [("hf", "failed"), ("hf", "failed"), ("arxiv", "failed")]
