"""semantic_search and nearest_papers, on SQLite (numpy) and PostgreSQL (pgvector) alike."""

from __future__ import annotations

import numpy as np
import pytest
from django.db import connection

from paperfeed.catalog.models import Paper
from paperfeed.search import vectors
from paperfeed.search.embedding_jobs import embed_pending
from paperfeed.search.embeddings import encode
from paperfeed.search.models import Embedding
from paperfeed.search.tests.papers import add_paper
from paperfeed.search.vectors import nearest_papers, semantic_search, vector_index_ensure

pytestmark = pytest.mark.django_db

TOPICS = [
    ("Graph neural networks for molecules", "message passing over molecular graphs predicts properties"),
    ("Molecular property prediction with graph networks", "graph neural networks predict molecular properties"),
    ("Diffusion models for image synthesis", "denoising diffusion generates images from noise"),
    ("Image generation with denoising diffusion", "diffusion models synthesise high quality images"),
    ("Monetary policy and inflation", "central banks set interest rates to control inflation"),
    ("Inflation expectations and interest rates", "how monetary policy shapes inflation expectations"),
    ("Protein folding with attention", "transformers predict protein structure from sequence"),
    ("Speech recognition with transformers", "end to end speech recognition using attention"),
]


@pytest.fixture(autouse=True)
def fresh_index():
    vectors.reset_cache()
    yield
    vectors.reset_cache()


@pytest.fixture
def papers() -> list[Paper]:
    made = [add_paper(f"2401.{i:05d}", title, abstract) for i, (title, abstract) in enumerate(TOPICS, start=1)]
    assert embed_pending() == len(made)
    return made


def brute_force(query: np.ndarray, limit: int | None = None) -> list[tuple[int, float]]:
    rows = [(e.paper_id, np.frombuffer(bytes(e.vector), dtype="<f4")) for e in Embedding.objects.all()]
    visible = set(Paper.objects.filter(is_hidden=False).values_list("pk", flat=True))
    scored = sorted(((pk, float(v @ query)) for pk, v in rows if pk in visible), key=lambda p: -p[1])
    return scored[:limit]


def assert_same_ranking(found: list[tuple[int, float]], query: np.ndarray, limit: int) -> None:
    """The best `limit` by brute force, in order; papers with equal scores in any order."""
    expected = brute_force(query, limit)
    assert len(found) == len(expected)
    assert np.allclose([s for _, s in found], [s for _, s in expected], atol=1e-5)
    exact = dict(brute_force(query))
    assert all(abs(exact[pk] - score) < 1e-5 for pk, score in found)


def test_semantic_search_agrees_with_a_brute_force_scan(papers):
    for text in ("graph networks for molecules", "inflation", "images by diffusion", "unrelated words entirely"):
        [query] = encode([text], kind="query")
        assert_same_ranking(semantic_search(query, limit=5), query, 5)


def test_scores_are_cosines_best_first_and_the_limit_holds(papers):
    [query] = encode(["graph neural networks predict molecular properties"], kind="query")
    found = semantic_search(query, limit=3)
    assert len(found) == 3
    scores = [s for _, s in found]
    assert scores == sorted(scores, reverse=True) and all(-1.0 <= s <= 1.0001 for s in scores)
    assert found[0][0] == papers[1].pk


def test_a_restriction_to_some_papers_searches_only_those(papers):
    [query] = encode(["diffusion images"], kind="query")
    allowed = [papers[0].pk, papers[4].pk, papers[3].pk]
    found = semantic_search(query, limit=10, paper_ids=allowed)
    assert {pk for pk, _ in found} == set(allowed)
    assert found[0][0] == papers[3].pk
    assert semantic_search(query, limit=10, paper_ids=[]) == []


def test_cosines_of_given_papers_are_exact_and_leave_out_papers_without_a_vector(papers):
    [query] = encode(["diffusion images"], kind="query")
    unembedded = add_paper("2401.00099", "Not embedded yet")
    wanted = [papers[3].pk, papers[0].pk, unembedded.pk, papers[3].pk]
    found = vectors.cosines(query, wanted)
    exact = dict(brute_force(query))
    assert set(found) == {papers[3].pk, papers[0].pk}
    assert all(abs(found[pk] - exact[pk]) < 1e-5 for pk in found)
    assert vectors.cosines(query, []) == {}


def test_papers_added_after_the_first_search_are_found_by_the_next(papers):
    [query] = encode(["quantum error correction codes"], kind="query")
    assert papers[0].pk in [pk for pk, _ in semantic_search(query, limit=8)]  # the index is loaded now
    new = add_paper("2402.00001", "Quantum error correction codes", "surface codes correct quantum errors")
    assert embed_pending() == 1
    assert semantic_search(query, limit=1)[0][0] == new.pk


def test_a_changed_vector_replaces_the_old_one_in_the_loaded_index(papers):
    [query] = encode(["quantum error correction codes"], kind="query")
    semantic_search(query, limit=1)
    paper = papers[7]
    Paper.objects.filter(pk=paper.pk).update(title="Quantum error correction codes", abstract="surface codes")
    Paper.objects.filter(pk=paper.pk).update(modified_at=paper.modified_at.replace(year=2100))
    assert embed_pending() == 1
    assert semantic_search(query, limit=1)[0][0] == paper.pk


def test_hidden_and_deleted_papers_are_never_returned(papers):
    [query] = encode(["inflation and monetary policy interest rates"], kind="query")
    first, second = [pk for pk, _ in semantic_search(query, limit=2)]
    Paper.objects.filter(pk=first).update(is_hidden=True)
    Paper.objects.filter(pk=second).delete()
    found = [pk for pk, _ in semantic_search(query, limit=len(papers))]
    assert first not in found and second not in found
    assert len(found) == len(papers) - 2


def test_nearest_papers_excludes_the_paper_itself_and_finds_its_twin(papers):
    found = nearest_papers(papers[2].pk, limit=3)
    assert papers[2].pk not in [pk for pk, _ in found]
    assert found[0][0] == papers[3].pk
    assert len(found) == 3


def test_nearest_papers_of_a_paper_without_a_vector_is_empty(papers):
    lonely = add_paper("2403.00001", "Not embedded yet", "no vector")
    assert nearest_papers(lonely.pk, limit=5) == []


def test_searching_an_empty_index_finds_nothing():
    [query] = encode(["anything"], kind="query")
    assert semantic_search(query, limit=5) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pgvector runs on PostgreSQL")
def test_on_postgresql_the_pgvector_column_holds_the_same_vectors_and_the_hnsw_index_is_used(papers):
    with connection.cursor() as cursor:
        cursor.execute("SELECT paper_id, vec::text FROM search_embedding")
        for pk, text in cursor.fetchall():
            stored = np.frombuffer(bytes(Embedding.objects.get(pk=pk).vector), dtype="<f4")
            assert np.allclose(np.array(text.strip("[]").split(","), dtype=np.float32), stored, atol=1e-6)
    assert vector_index_ensure(256) and vector_index_ensure(256)  # idempotent
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'search_embedding_hnsw_256'")
        assert "hnsw" in cursor.fetchone()[0]
    [query] = encode(["graph networks for molecules"], kind="query")
    assert_same_ranking(semantic_search(query, limit=4), query, 4)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="both indexes exist on PostgreSQL only")
def test_on_postgresql_the_numpy_index_answers_like_pgvector(papers, settings):
    [query] = encode(["speech and protein transformers"], kind="query")
    settings.PAPERFEED_VECTOR_INDEX = "pgvector"
    by_pgvector = semantic_search(query, limit=6)
    settings.PAPERFEED_VECTOR_INDEX = "numpy"
    by_numpy = semantic_search(query, limit=6)
    assert np.allclose([s for _, s in by_numpy], [s for _, s in by_pgvector], atol=1e-5)
    assert_same_ranking(by_numpy, query, 6)
