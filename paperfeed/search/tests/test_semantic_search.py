"""Search with the real embeddings and vector index (the fake encoder: hashed
bag of words, so texts sharing words are near)."""

import pytest

from paperfeed.search import vectors
from paperfeed.search.embedding_jobs import embed_pending
from paperfeed.search.services import search, similar, similar_paper_ids

from .papers import add_paper, ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_model(settings):
    settings.PAPERFEED_EMBEDDING_MODEL = "fake"
    vectors.reset_cache()
    yield
    vectors.reset_cache()


@pytest.fixture
def embedded(fake_model):
    papers = [
        add_paper("2402.00001", "Protein structure prediction", "Folding proteins with deep networks and residues."),
        add_paper("2402.00002", "Language models for code", "Large language models write programs."),
        add_paper("2402.00003", "Protein language models", "Language models trained on protein sequences."),
        add_paper("2402.00004", "Hidden protein paper", "Protein folding residues.", hidden=True),
    ]
    embed_pending()
    return papers


def test_hybrid_search_uses_the_embeddings_once_there_are_some(embedded):
    results = search(q="protein folding residues")
    assert results.mode == "hybrid"
    assert ids(results)[0] == "2402.00001"
    assert "2402.00004" not in ids(results)


def test_semantic_search_ranks_by_the_vectors(embedded):
    results = search(q="protein folding residues", mode="semantic")
    assert results.mode == "semantic"
    assert ids(results)[0] == "2402.00001"
    assert "2402.00004" not in ids(results)


def test_semantic_results_keep_to_the_query_filters(embedded):
    assert set(ids(search(q='"language models" protein', mode="semantic"))) == {"2402.00002", "2402.00003"}
    assert search(q="protein after:2030", mode="semantic").hits == []


def test_similar_papers_are_nearest_neighbours_never_the_paper_or_a_hidden_one(embedded):
    protein = embedded[0]
    results = similar(paper=protein)
    assert results.mode == "semantic"
    assert ids(results)[0] == "2402.00003"
    assert "2402.00001" not in ids(results) and "2402.00004" not in ids(results)
    assert similar_paper_ids(paper=protein, limit=1) == [embedded[2].pk]


def test_a_paper_without_an_embedding_falls_back_to_its_title_words(embedded):
    late = add_paper("2402.00005", "Protein design", "New.")
    results = similar(paper=late)
    assert results.mode == "keyword"
    assert set(ids(results)) <= {"2402.00001", "2402.00003"} and ids(results)
