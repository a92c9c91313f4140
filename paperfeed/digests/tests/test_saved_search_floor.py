"""The relevance floor of saved-search alerts (content.search_hits): a specific query
mails every new paper that matches it, a vague one only a few."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from paperfeed.catalog.models import Paper
from paperfeed.digests.content import search_hits
from paperfeed.search.tests.papers import FakeSemantic, add_paper

pytestmark = pytest.mark.django_db

CUTOFF = datetime(2026, 3, 10, 6, tzinfo=timezone.utc)
RECENT = datetime(2026, 2, 25, tzinfo=timezone.utc)
NEW = datetime(2026, 3, 9, tzinfo=timezone.utc)
TOPICS = ["vision", "speech", "robotics", "graphs", "tabular", "retrieval", "compilers", "databases", "weather",
          "chemistry"]


@pytest.fixture
def pool(db):
    """Four weeks of papers that all say "learning" (90 earlier, 30 new), and three on protein folding."""
    papers = []
    for n in range(120):
        topic = TOPICS[n % len(TOPICS)]
        published = NEW if n >= 90 else RECENT
        papers.append(add_paper(f"2602.{n:05d}", f"Learning for {topic} {n}", f"We study learning in {topic}.",
                                published=published))
    for n in range(3):
        papers.append(add_paper(f"2603.{n:05d}", f"Protein folding with attention {n}",
                                "Predicting how a protein folds.", published=NEW))
    return papers


def new_ids(hits) -> set[str]:
    ids = dict(Paper.objects.filter(pk__in=[pk for pk, _ in hits]).values_list("pk", "arxiv_id"))
    return {ids[pk] for pk, _ in hits if ids[pk] >= "2602.00090"}


def test_a_vague_query_yields_only_its_few_best_new_papers(pool, settings):
    settings.PAPERFEED_DIGEST_SEARCH_DEPTH = 10
    hits = search_hits(("learning", "", "hybrid"), cutoff=CUTOFF)
    assert len(hits) <= 10  # of 30 new papers that say "learning"
    assert len(new_ids(hits)) < 30 / 2


def test_a_specific_query_yields_every_new_paper_that_matches(pool, settings):
    settings.PAPERFEED_DIGEST_SEARCH_DEPTH = 10
    hits = search_hits(("protein folding", "", "hybrid"), cutoff=CUTOFF)
    assert new_ids(hits) == {"2603.00000", "2603.00001", "2603.00002"}


def test_a_short_query_needs_all_its_words(pool):
    add_paper("2603.00010", "Folding chairs", "Furniture.", published=NEW)
    hits = search_hits(("protein folding", "", "keyword"), cutoff=CUTOFF)
    assert "2603.00010" not in new_ids(hits)


def test_papers_only_the_semantic_side_finds_are_not_mailed(pool, monkeypatch):
    unrelated = add_paper("2603.00020", "Crop yields in Kenya", "Agriculture.", published=NEW)
    FakeSemantic(monkeypatch, [unrelated, *Paper.objects.filter(arxiv_id__startswith="2603.0000")])
    hits = search_hits(("protein folding", "", "hybrid"), cutoff=CUTOFF)
    assert "2603.00020" not in new_ids(hits)
    assert {"2603.00000", "2603.00001", "2603.00002"} <= new_ids(hits)


def test_a_search_of_filters_alone_lists_every_new_paper_that_passes_them(pool):
    add_paper("2603.00030", "Quantum error correction", "Qubits.", categories=["quant-ph"], published=NEW)
    hits = search_hits(("", "quant-ph", "hybrid"), cutoff=CUTOFF)
    assert new_ids(hits) == {"2603.00030"}


def test_papers_published_before_the_pool_are_not_candidates(pool):
    add_paper("2509.00001", "Protein folding revisited", "Old.", published=CUTOFF - timedelta(days=60))
    hits = search_hits(("protein folding", "", "hybrid"), cutoff=CUTOFF)
    assert all(Paper.objects.get(pk=pk).arxiv_id != "2509.00001" for pk, _ in hits)
