"""Keyword search over title, abstract and authors (FTS5 bm25 on SQLite,
ts_rank_cd on PostgreSQL: the suite runs on both)."""

from datetime import date, datetime, timezone

import pytest

from paperfeed.search.keyword import Filters, fulltext_rebuild, keyword_search, marked_html, snippets
from paperfeed.search.query import parse

from .papers import add_paper, ids

pytestmark = pytest.mark.django_db


def found(q: str, **form) -> list[str]:
    parsed = parse(q)
    return ids(keyword_search(parsed, filters=Filters.of(parsed, **form), limit=50)[0])


@pytest.fixture
def library(db):
    return {
        "flash": add_paper(
            "2205.14135",
            "FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness",
            "Transformers are slow and memory-hungry on long sequences. We propose an IO-aware exact attention algorithm.",
            authors=["Tri Dao", "Daniel Y. Fu", "Christopher Ré"],
            categories=["cs.LG"],
            published=datetime(2022, 5, 27, tzinfo=timezone.utc),
        ),
        "flash2": add_paper(
            "2307.08691",
            "FlashAttention-2: Faster Attention with Better Parallelism",
            "Scaling Transformers to longer sequence lengths has been a major problem.",
            authors=["Tri Dao"],
            categories=["cs.LG", "cs.CL"],
            published=datetime(2023, 7, 17, tzinfo=timezone.utc),
        ),
        "mamba": add_paper(
            "2312.00752",
            "Mamba: Linear-Time Sequence Modeling with Selective State Spaces",
            "Foundation models are almost universally based on the Transformer architecture and its attention module.",
            authors=["Albert Gu", "Tri Dao"],
            categories=["cs.LG", "cs.AI"],
            published=datetime(2023, 12, 1, tzinfo=timezone.utc),
        ),
        "bert": add_paper(
            "1810.04805",
            "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
            "We introduce a new language representation model called BERT.",
            authors=["Jacob Devlin", "Ming-Wei Chang"],
            categories=["cs.CL"],
            published=datetime(2018, 10, 11, tzinfo=timezone.utc),
        ),
        "dao_other": add_paper(
            "2401.00001",
            "Hungry Hungry Hippos: Towards Language Modeling with State Space Models",
            "State space models have shown strong performance; a flash of insight on attention.",
            authors=["Daniel Y. Fu", "Tri Dao"],
            categories=["cs.LG"],
            published=datetime(2024, 1, 2, tzinfo=timezone.utc),
        ),
    }


def test_a_word_finds_papers_by_title_abstract_and_author(library):
    assert set(found("bidirectional")) == {"1810.04805"}
    assert set(found("hungry")) == {"2205.14135", "2401.00001"}
    assert set(found("devlin")) == {"1810.04805"}


def test_a_title_match_outranks_an_abstract_only_match(db):
    add_paper("2401.00010", "A study of cooking", "We consider tokenizers " + "and other things " * 10)
    add_paper("2401.00011", "Tokenizers", "A study of cooking " + "and other things " * 10)
    assert found("tokenizers") == ["2401.00011", "2401.00010"]


def test_sharing_only_a_stop_word_with_the_query_is_no_match(db):
    add_paper("2401.00020", "The art of the state", "Of the many things in it.")
    add_paper("2401.00021", "Sparse attention", "Attention, sparsely.")
    assert found("the sparse") == ["2401.00021"]


def test_a_phrase_must_appear_as_written(library):
    assert set(found('"flash attention"')) == set()  # FlashAttention is one word
    assert found('"exact attention"') == ["2205.14135"]
    assert found('"state space"') == ["2401.00001", "2312.00752"] or set(found('"state space"')) == {
        "2401.00001",
        "2312.00752",
    }


def test_author_search_by_full_name_or_surname(library):
    assert set(found('author:"Tri Dao"')) == {"2205.14135", "2307.08691", "2312.00752", "2401.00001"}
    assert set(found("author:Devlin")) == {"1810.04805"}
    assert set(found('author:"Dao Tri"')) == set()


def test_author_search_ignores_case_and_matches_accented_names(library):
    assert found("author:chang") == ["1810.04805"]
    assert found("author:RÉ") == ["2205.14135"]
    assert found("author:fu language") == ["2401.00001", "2205.14135"]


def test_author_search_ranks_by_the_other_words(library):
    assert found("author:Dao parallelism")[0] == "2307.08691"


def test_category_filter_from_the_query_or_the_form(library):
    assert set(found("transformers category:cs.CL")) == {"2307.08691", "1810.04805"}
    assert set(found("transformers", category="cs.AI")) == {"2312.00752"}
    assert set(found("transformers cat:cs.AI cat:cs.CL")) == {"2307.08691", "1810.04805", "2312.00752"}


def test_date_range_from_the_query_or_the_form(library):
    assert set(found("transformers after:2023-01-01")) == {"2307.08691", "2312.00752"}
    assert set(found("transformers", since=date(2023, 7, 17), until=date(2023, 7, 17))) == {"2307.08691"}
    assert set(found("transformers before:2021")) == {"1810.04805"}


def test_excluded_words_leave_papers_out(library):
    assert "2312.00752" not in found("transformers -mamba")
    assert set(found('sequence -"state spaces"')) == {"2205.14135", "2307.08691"}


def test_short_queries_rank_papers_with_every_word_first(db):
    # Many mentions of one word outrank a single mention of both under plain bm25-OR.
    add_paper("2401.00020", "Graph graph graph networks graph", "graph " * 30)
    add_paper("2401.00021", "Graph neural networks for molecules", "Molecules and kernels.")
    add_paper("2401.00022", "Kernels for graphs", "A kernel method, nothing neural.")
    assert found("graph kernels")[0] == "2401.00022"
    assert found("neural graph")[0] == "2401.00021"


def test_short_queries_rank_the_words_as_a_phrase_above_scattered_words(db):
    add_paper("2401.00030", "Attention is sparse in state models", "Flash memory and other attention things.")
    add_paper("2401.00031", "Flash attention on a budget", "Something else.")
    assert found("flash attention")[0] == "2401.00031"


def test_a_filter_without_words_lists_its_papers_newest_first(library):
    assert found("category:cs.LG") == ["2401.00001", "2312.00752", "2307.08691", "2205.14135"]


def test_hidden_papers_never_appear(library):
    add_paper("2401.00040", "Transformers everywhere", "Transformers.", hidden=True)
    assert "2401.00040" not in found("transformers")
    assert "2401.00040" not in found("category:cs.CL")


def test_results_page_with_limit_and_offset_and_count_every_match(library):
    query = parse("transformers")
    first, total = keyword_search(query, limit=2)
    second, again = keyword_search(query, limit=2, offset=2)
    beyond, still = keyword_search(query, limit=2, offset=40)
    assert total == again == still == 4
    assert len(first) == 2 and len(second) == 2 and not set(ids(first)) & set(ids(second))
    assert beyond == []


def test_scores_are_higher_is_better_and_fall_down_the_list(library):
    ranked, _ = keyword_search(parse("transformers attention"), limit=10)
    scores = [score for _pk, score in ranked]
    assert scores == sorted(scores, reverse=True) and all(score >= 0 for score in scores)


def test_snippets_mark_the_words_and_escape_the_text(db):
    paper = add_paper("2401.00050", "Robust <b>Transformers</b>", 'We show <script>alert("x")</script> transformers & more.')
    title, snippet = snippets(parse("transformers"), [paper.pk])[paper.pk]
    assert "<mark>Transformers</mark>" in title and "&lt;b&gt;" in title and "<b>" not in title
    assert "<mark>transformers</mark>" in snippet
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet or "script" not in snippet


def test_snippets_leave_out_papers_the_words_are_not_in(library):
    bert = library["bert"]
    assert snippets(parse("mamba"), [bert.pk]) == {}
    assert snippets(parse("category:cs.CL"), [bert.pk]) == {}


def test_marked_html_escapes_everything_but_its_own_marks():
    assert marked_html("a \x02<b>\x03 & \x02c") == "a <mark>&lt;b&gt;</mark> &amp; <mark>c</mark>"
    assert marked_html("\x03stray\x03 \x02\x02x\x03") == "stray <mark>x</mark>"


def test_a_rebuilt_index_finds_the_same_papers(library):
    before = found("transformers attention")
    fulltext_rebuild()
    assert found("transformers attention") == before
