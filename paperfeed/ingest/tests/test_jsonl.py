"""Export and import: JSON lines round-trip losslessly (export, import into an empty
catalogue, export again: the same bytes), CSV is one flat row per paper, and the
export streams in chunks."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timezone

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from paperfeed.catalog.models import Author, Feature, Paper, PaperAuthor, PaperSource
from paperfeed.catalog.submissions import paper_submit
from paperfeed.testing.actors import make_user
from paperfeed.ingest.jsonl import CSV_COLUMNS, catalogue_export, jsonl_import
from paperfeed.ingest.records import ARXIV_API, AuthorRecord, PaperRecord, VersionRecord
from paperfeed.ingest.services import hf_ingest
from paperfeed.ingest.upsert import papers_upsert
from paperfeed.testing import shared_fixture

pytestmark = pytest.mark.django_db

DAYS = ["2024-05-29", "2025-03-17", "2025-10-03", "2026-08-21"]


def build_catalogue() -> None:
    """Every kind of field: HF days (organisations, submitters, AI fields, media), an arXiv record
    with versions, affiliations and categories, a local submission, a hidden paper."""
    hf_ingest(files=[str(shared_fixture(f"hf-daily-papers/daily_papers_date-{d}.json")) for d in DAYS])
    papers_upsert(records=[PaperRecord(
        arxiv_id="2510.02283", source=ARXIV_API, version=2,
        versions=(VersionRecord(1, datetime(2025, 10, 2, 13, 55, 42, tzinfo=timezone.utc)),
                  VersionRecord(2, datetime(2025, 10, 9, 8, 0, 1, 250000, tzinfo=timezone.utc))),
        title="Self-Forcing++: Towards Minute-Scale High-Quality Video Generation",
        authors=(AuthorRecord("Justin Cui", "UCLA"), AuthorRecord("Jie Wu", "ByteDance Seed")),
        categories=("cs.CV", "cs.AI"), primary_category="cs.CV", doi="10.1000/xyz", journal_ref="J. Vid. 1 (2025)",
        comment="20 pages", license="http://creativecommons.org/licenses/by/4.0/",
        published=datetime(2025, 10, 2, 13, 55, 42, tzinfo=timezone.utc),
        updated=datetime(2025, 10, 9, 8, 0, 1, 250000, tzinfo=timezone.utc),
    )])
    paper_submit(user=make_user("alice"), raw_id="2510.02283", today=date(2025, 10, 10))
    Paper.objects.filter(arxiv_id="2405.18407").update(is_hidden=True)


def export(**options) -> str:
    out = io.StringIO()
    catalogue_export(out=out, **options)
    return out.getvalue()


def empty_the_catalogue() -> None:
    from django.contrib.auth import get_user_model

    Paper.objects.all().delete()
    Author.objects.all().delete()
    get_user_model().objects.all().delete()
    assert not PaperSource.objects.exists()


def test_export_then_import_into_an_empty_catalogue_gives_back_the_same_bytes(tmp_path):
    build_catalogue()
    first = export()
    rows = [json.loads(line) for line in first.splitlines()]
    forced = next(r for r in rows if r["arxiv_id"] == "2510.02283")
    assert forced["authors"][0]["affiliation"] == "UCLA" and forced["categories"] == ["cs.CV", "cs.AI"]
    assert [v["v"] for v in forced["versions"]] == [1, 2] and forced["organization"]["name"] == "ByteDance-Seed"
    assert [f["source"] for f in forced["features"]] == ["hf", "submission"]
    assert forced["features"][1]["submitter"]["handle"] == "alice"
    assert {s["source"] for s in forced["sources"]} == {"arxiv", "hf"}
    assert next(r for r in rows if r["arxiv_id"] == "2405.18407")["hidden"] is True

    path = tmp_path / "catalogue.jsonl"
    path.write_text(first, encoding="utf-8")
    empty_the_catalogue()
    run = jsonl_import(path=str(path), batch_size=7)
    assert run.status == "ok" and Paper.objects.count() == len(rows)
    assert export() == first
    again = jsonl_import(path=str(path))  # idempotent
    assert again.new == 0 and export() == first


def test_the_command_writes_a_file_and_the_import_command_reads_it_back(tmp_path, capsys):
    build_catalogue()
    target = tmp_path / "backup.jsonl"
    call_command("export", "--output", str(target))
    before = target.read_bytes()
    empty_the_catalogue()
    call_command("import", "jsonl", str(target), "--no-progress")
    assert "jsonl run" in capsys.readouterr().out
    call_command("export", "--format", "jsonl")
    assert capsys.readouterr().out.encode() == before


def test_a_broken_line_is_reported_and_the_rest_lands(tmp_path):
    build_catalogue()
    lines = export().splitlines()
    path = tmp_path / "broken.jsonl"
    path.write_text("\n".join([lines[0], "{not json", '{"arxiv_id": 5}', *lines[1:3]]) + "\n")
    empty_the_catalogue()
    run = jsonl_import(path=str(path))
    assert run.status == "partial" and run.skipped == 2 and Paper.objects.count() == 3


def test_csv_is_one_flat_row_per_paper_with_the_documented_columns():
    build_catalogue()
    rows = list(csv.DictReader(io.StringIO(export(format="csv"))))
    assert list(rows[0]) == CSV_COLUMNS and len(rows) == Paper.objects.count()
    forced = next(r for r in rows if r["arxiv_id"] == "2510.02283")
    assert forced["authors"] == "Justin Cui; Jie Wu" and forced["affiliations"] == "UCLA; ByteDance Seed"
    assert forced["categories"] == "cs.CV cs.AI" and forced["times_featured"] == "2"
    assert forced["last_featured"] == "2025-10-10" and forced["sources"] == "arxiv hf"


def test_since_keeps_papers_published_or_featured_from_that_day():
    build_catalogue()
    ids = {json.loads(line)["arxiv_id"] for line in export(since=date(2025, 10, 5)).splitlines()}
    assert "2510.02283" in ids  # published earlier, submitted on 2025-10-10
    assert all(Feature.objects.filter(paper__arxiv_id=i, day__gte=date(2025, 10, 5)).exists()
               or Paper.objects.get(arxiv_id=i).published >= datetime(2025, 10, 5, tzinfo=timezone.utc) for i in ids)
    assert "2405.17976" not in ids


def test_the_export_streams_in_chunks_instead_of_loading_everything():
    build_catalogue()
    count = Paper.objects.count()
    with CaptureQueriesContext(connection) as small_chunks:
        export(chunk_size=10)
    with CaptureQueriesContext(connection) as one_chunk:
        export(chunk_size=10_000)
    chunks = -(-count // 10)
    # One query reads the papers as a stream; each chunk then reads its authors, categories,
    # features and sources (one query each).
    assert len(one_chunk) <= 6 and len(small_chunks) >= chunks * 4
    assert PaperAuthor.objects.exists()
