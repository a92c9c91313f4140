"""search(), similar() and similar_paper_ids(): modes, fusion, filters, paging.

The semantic side is stood in for by FakeSemantic here; test_semantic_integration
runs it for real with the fake encoder."""

from datetime import date, datetime, timezone

import pytest

from paperfeed.search import services
from paperfeed.search.services import search, similar, similar_paper_ids

from .papers import FakeSemantic, add_paper, ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def papers(db):
    return [
        add_paper("2401.00001", "Sparse attention for long documents", "We make attention sparse.",
                  authors=["Tri Dao"], categories=["cs.LG"]),
        add_paper("2401.00002", "Retrieval augmented generation", "Retrieval helps language models.",
                  authors=["Ada Lovelace"], categories=["cs.CL"], published=datetime(2024, 5, 1, tzinfo=timezone.utc)),
        add_paper("2401.00003", "Protein folding with transformers", "Attention over residues.",
                  authors=["Tri Dao", "Ada Lovelace"], categories=["q-bio.BM"]),
        add_paper("2401.00004", "Efficient transformers: a survey", "Surveys efficient attention.",
                  authors=["Grace Hopper"], categories=["cs.LG"]),
    ]


def test_an_empty_query_finds_nothing_and_asks_nothing(papers, monkeypatch, django_assert_num_queries):
    fake = FakeSemantic(monkeypatch, papers)
    with django_assert_num_queries(0):
        results = search(q="  ")
    assert results.hits == [] and results.total == 0 and not results.has_more
    assert fake.calls == []


def test_keyword_mode_ranks_by_keyword_and_marks_the_words(papers):
    results = search(q="attention", mode="keyword")
    assert results.mode == "keyword"
    assert set(ids(results)) == {"2401.00001", "2401.00003", "2401.00004"}
    top = results.hits[0]
    assert ids(results)[0] == "2401.00001"
    assert "<mark>attention</mark>" in top.title_html


def test_hybrid_falls_back_to_keyword_while_nothing_is_embedded(papers, monkeypatch):
    FakeSemantic(monkeypatch, ready=False)
    monkeypatch.setattr(services, "_query_vector", lambda text: pytest.fail("no model is needed"))
    results = search(q="attention")
    assert results.mode == "keyword"
    assert ids(results) == ids(search(q="attention", mode="keyword"))


def test_hybrid_falls_back_to_keyword_when_the_model_cannot_run(papers, monkeypatch, caplog):
    real_query_vector = services._query_vector
    FakeSemantic(monkeypatch, papers)

    def broken(texts, **kwargs):
        raise RuntimeError("no model files")

    monkeypatch.setattr(services, "_query_vector", real_query_vector)
    monkeypatch.setattr("paperfeed.search.embeddings.encode", broken)
    results = search(q="attention")
    assert results.mode == "keyword" and results.hits
    assert "no model files" in caplog.text


def test_hybrid_adds_papers_only_the_semantic_side_finds(papers, monkeypatch, settings):
    # Rank fusion with equal weights, whatever the defaults are; fusion alone, not re-ranked.
    settings.PAPERFEED_SEARCH_RERANK_DEPTH = 0
    settings.PAPERFEED_SEARCH_FUSION, settings.PAPERFEED_SEARCH_RRF_K = "rrf", 60.0
    settings.PAPERFEED_SEARCH_SEMANTIC_WEIGHT = 0.5
    retrieval, folding = papers[1], papers[2]
    FakeSemantic(monkeypatch, [folding, retrieval])
    results = search(q="attention")
    assert results.mode == "hybrid"
    found = ids(results)
    assert "2401.00002" in found  # no keyword match, close in meaning
    assert found[0] == "2401.00003"  # on both sides


def test_hybrid_respects_the_fusion_settings(papers, monkeypatch, settings):
    FakeSemantic(monkeypatch, [papers[1]])
    settings.PAPERFEED_SEARCH_RERANK_DEPTH = 0  # fusion alone
    settings.PAPERFEED_SEARCH_SEMANTIC_WEIGHT = 1.0
    assert ids(search(q="attention"))[0] == "2401.00002"
    settings.PAPERFEED_SEARCH_FUSION = "convex"
    settings.PAPERFEED_SEARCH_SEMANTIC_WEIGHT = 0.0
    assert ids(search(q="attention"))[0] == "2401.00001"


def test_semantic_mode_ranks_by_meaning_only(papers, monkeypatch):
    FakeSemantic(monkeypatch, [papers[3], papers[1]])
    results = search(q="anything at all", mode="semantic")
    assert results.mode == "semantic" and ids(results) == ["2401.00004", "2401.00002"]


def test_semantic_mode_says_when_nothing_is_embedded(papers, monkeypatch):
    FakeSemantic(monkeypatch, ready=False)
    results = search(q="attention", mode="semantic")
    assert results.hits == [] and results.semantic_available is False


def test_phrases_and_authors_hold_for_semantic_results_too(papers, monkeypatch):
    fake = FakeSemantic(monkeypatch, list(reversed(papers)))
    results = search(q="author:Dao attention")
    assert set(ids(results)) == {"2401.00001", "2401.00003"}
    assert sorted(fake.calls[0]["paper_ids"]) == sorted([papers[0].pk, papers[2].pk])
    assert set(ids(search(q='"language models"', mode="semantic"))) == {"2401.00002"}


def test_filters_hold_for_semantic_results_too(papers, monkeypatch):
    FakeSemantic(monkeypatch, papers)
    assert ids(search(q="attention", mode="semantic", category="cs.LG")) == ["2401.00001", "2401.00004"]
    assert ids(search(q="attention after:2024-04", mode="semantic")) == ["2401.00002"]
    assert ids(search(q="attention", category="cs.CL")) == ["2401.00002"]


def test_form_and_query_dates_combine_to_the_narrower_range(papers):
    results = search(q="retrieval after:2024-01-01", since=date(2024, 4, 30), until=date(2024, 5, 1), mode="keyword")
    assert ids(results) == ["2401.00002"]
    assert search(q="retrieval before:2024-04", since=date(2024, 1, 1), mode="keyword").hits == []


def test_hidden_papers_never_appear_in_any_mode(papers, monkeypatch):
    hidden = add_paper("2401.00009", "Attention attention attention", "Attention.", hidden=True)
    FakeSemantic(monkeypatch, [hidden, *papers])
    for mode in services.MODES:
        assert "2401.00009" not in ids(search(q="attention", mode=mode, category="cs.CL")), mode
        assert "2401.00009" not in ids(search(q="attention", mode="keyword"))


def test_paging_reports_the_total_and_whether_there_is_more(papers, monkeypatch):
    FakeSemantic(monkeypatch, [papers[1]])
    first = search(q="attention", limit=2)
    second = search(q="attention", limit=2, offset=2)
    assert first.total == second.total == 4
    assert first.has_more and not second.has_more
    assert len(first.hits) == 2 and len(second.hits) == 2
    assert not set(first.paper_ids) & set(second.paper_ids)


def test_a_filter_alone_lists_its_papers_newest_first(papers):
    results = search(q="category:cs.LG", mode="semantic")
    assert results.mode == "keyword" and set(ids(results)) == {"2401.00001", "2401.00004"}
    assert ids(search(q="", category="cs.CL")) == ["2401.00002"]


def test_a_form_category_that_is_no_category_is_left_out(papers):
    assert len(search(q="attention", mode="keyword", category="cs.LG'; --\x00").hits) == 3


def test_an_unknown_mode_is_refused():
    with pytest.raises(ValueError):
        search(q="x", mode="fuzzy")


def test_similar_papers_are_the_nearest_neighbours_when_embedded(papers, monkeypatch):
    FakeSemantic(monkeypatch, neighbours={papers[0].pk: [papers[3], papers[2]]})
    results = similar(paper=papers[0])
    assert results.mode == "semantic" and ids(results) == ["2401.00004", "2401.00003"]
    assert similar_paper_ids(paper=papers[0], limit=1) == [papers[3].pk]


def test_without_an_embedding_similar_papers_share_words_with_the_title(papers, monkeypatch):
    FakeSemantic(monkeypatch, ready=False)
    results = similar(paper=papers[0])
    assert results.mode == "keyword"
    assert "2401.00001" not in ids(results)
    assert ids(results)[0] in {"2401.00003", "2401.00004"}  # attention / transformers
    assert papers[0].pk not in similar_paper_ids(paper=papers[0])


class RerankSpy:
    """Stands in for rerank.rerank: records its arguments and answers the head reversed."""

    def __init__(self, monkeypatch):
        self.calls: list[dict] = []
        monkeypatch.setattr(services.rerank, "rerank", self)

    def __call__(self, head, **kwargs):
        self.calls.append({"head": list(head), **kwargs})
        return [(pk, 1.9 - i * 0.01) for i, pk in enumerate(reversed(head))]


def test_hybrid_reranks_the_first_papers_of_the_fused_list(papers, monkeypatch, settings):
    FakeSemantic(monkeypatch, [papers[2], papers[1]])
    settings.PAPERFEED_SEARCH_RERANK_DEPTH = 0
    fused = search(q="attention").paper_ids
    settings.PAPERFEED_SEARCH_RERANK_DEPTH = 2
    spy = RerankSpy(monkeypatch)
    results = search(q="attention")
    assert spy.calls[0]["head"] == fused[:2]
    assert results.paper_ids == [fused[1], fused[0], *fused[2:]]
    scores = [hit.score for hit in results.hits]
    assert scores == sorted(scores, reverse=True)  # the head's scores lie above the fused ones


def test_reranking_gets_the_texts_and_cosines_of_keyword_only_papers_too(papers, monkeypatch, settings):
    fake = FakeSemantic(monkeypatch, [papers[1]])
    spy = RerankSpy(monkeypatch)
    search(q="attention")
    call = spy.calls[0]
    keyword_only = [pk for pk in call["head"] if pk != papers[1].pk]
    assert [sorted(c) for c in fake.cosine_calls] == [sorted(keyword_only)]  # their cosines, from the index
    assert call["cosines"][papers[1].pk] == pytest.approx(0.9)
    assert call["texts"][papers[0].pk] == "Sparse attention for long documents\nWe make attention sparse."
    assert call["query"] == "attention"
    assert {pk for pk, _score in call["keyword"]} == {papers[0].pk, papers[2].pk, papers[3].pk}


def test_no_reranking_at_depth_zero_in_other_modes_or_past_the_head(papers, monkeypatch, settings):
    FakeSemantic(monkeypatch, papers)
    spy = RerankSpy(monkeypatch)
    settings.PAPERFEED_SEARCH_RERANK_DEPTH = 0
    search(q="attention")
    search(q="attention", mode="keyword")
    search(q="attention", mode="semantic")
    settings.PAPERFEED_SEARCH_RERANK_DEPTH = 2
    search(q="attention", limit=2, offset=2)
    assert spy.calls == []


def test_pages_of_a_reranked_search_neither_repeat_nor_skip_papers(papers, monkeypatch, settings):
    FakeSemantic(monkeypatch, [papers[1], papers[3]])
    settings.PAPERFEED_SEARCH_RERANK_DEPTH = 3
    whole = search(q="attention", limit=10).paper_ids
    pages = search(q="attention", limit=2).paper_ids + search(q="attention", limit=2, offset=2).paper_ids
    assert pages == whole and len(set(whole)) == 4
