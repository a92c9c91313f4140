"""Ingestion keeps keyword search current, in the same transaction, without signals."""

from datetime import datetime, timezone

import pytest

from paperfeed.ingest.records import ARXIV_API, AuthorRecord, PaperRecord, VersionRecord
from paperfeed.ingest.upsert import papers_upsert
from paperfeed.search.services import search

from .papers import ids

pytestmark = pytest.mark.django_db

T1 = datetime(2023, 7, 17, 17, 59, tzinfo=timezone.utc)
T2 = datetime(2023, 8, 1, 9, 0, tzinfo=timezone.utc)


def record(version: int, title: str, authors=("Tri Dao",)) -> PaperRecord:
    versions = tuple(VersionRecord(n, T1 if n == 1 else T2) for n in range(1, version + 1))
    return PaperRecord(
        arxiv_id="2307.08691",
        source=ARXIV_API,
        version=version,
        versions=versions,
        title=title,
        abstract="Scaling Transformers to longer sequence lengths.",
        authors=tuple(AuthorRecord(name) for name in authors),
        categories=("cs.LG",),
        primary_category="cs.LG",
        published=T1,
        updated=versions[-1].submitted,
    )


def test_an_ingested_paper_is_found_at_once():
    papers_upsert(records=[record(1, "FlashAttention-2: Faster Attention")])
    results = search(q="faster attention", mode="keyword")
    assert ids(results) == ["2307.08691"]
    assert ids(search(q='author:"Tri Dao"', mode="keyword")) == ["2307.08691"]


def test_a_newer_versions_title_replaces_the_old_one_in_results():
    papers_upsert(records=[record(1, "FlashAttention-2: Faster Attention")])
    papers_upsert(records=[record(2, "Better Parallelism and Work Partitioning", authors=("Tri Dao", "Ada Lovelace"))])
    assert search(q="faster", mode="keyword").hits == []
    results = search(q="parallelism", mode="keyword")
    assert ids(results) == ["2307.08691"]
    assert "<mark>Parallelism</mark>" in results.hits[0].title_html
    assert ids(search(q="author:Lovelace", mode="keyword")) == ["2307.08691"]


def test_an_older_version_leaves_the_index_alone():
    papers_upsert(records=[record(2, "Better Parallelism")])
    papers_upsert(records=[record(1, "Faster Attention")])
    assert ids(search(q="parallelism", mode="keyword")) == ["2307.08691"]
    assert search(q="faster", mode="keyword").hits == []
