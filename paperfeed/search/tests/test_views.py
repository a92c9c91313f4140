"""The search page: cards with marked snippets, filters, modes, paging, tips,
escaping, and a fixed number of queries."""

from datetime import datetime, timezone

import pytest
from django.urls import reverse

from paperfeed.catalog.models import Author, Paper, PaperAuthor, PaperCategory

from .papers import FakeSemantic, add_paper

pytestmark = pytest.mark.django_db


def page(client, **params) -> str:
    response = client.get(reverse("search"), params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def cards(html: str) -> int:
    return html.count('class="paper-card"')


@pytest.fixture
def papers(db):
    return [
        add_paper("2401.00001", "Sparse attention for long documents", "We make attention sparse.", categories=["cs.LG"]),
        add_paper("2401.00002", "Retrieval augmented generation", "Retrieval helps attention-free models.",
                  categories=["cs.CL"], published=datetime(2024, 6, 1, tzinfo=timezone.utc)),
        add_paper("2401.00003", "Graph kernels", "Nothing to see.", categories=["cs.LG"]),
    ]


def test_without_a_query_the_page_explains_the_syntax(client, db):
    html = page(client)
    assert "How to search" in html and "author:&quot;Tri Dao&quot;" in html or 'author:"Tri Dao"' in html
    assert cards(html) == 0


def test_results_are_paper_cards_with_the_words_marked(client, papers):
    html = page(client, q="attention", mode="keyword")
    assert cards(html) == 2
    assert "Sparse <mark>attention</mark> for long documents" in html
    assert 'class="card-summary card-snippet math"' in html


def test_source_text_in_snippets_is_escaped(client, db):
    add_paper(
        "2401.00009",
        'Attention <img src=x onerror="alert(1)">',
        "An abstract with <script>alert('attention')</script> and attention & <b>bold</b>.",
    )
    html = page(client, q="attention alert script", mode="keyword")
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>bold</b>" not in html
    assert "&lt;img" in html  # PostgreSQL headlines drop tags from abstracts; SQLite escapes them
    assert "<mark>" in html


def test_the_query_is_escaped_wherever_it_is_shown(client, papers):
    html = page(client, q='"><script>alert(1)</script> attention')
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_nothing_found_says_so_with_tips(client, papers):
    html = page(client, q="zebra", mode="keyword")
    assert "No papers match" in html and "Search tips" in html and cards(html) == 0


def test_the_category_filter_and_dates_narrow_the_results(client, papers):
    assert cards(page(client, q="attention", mode="keyword", category="cs.CL")) == 1
    assert cards(page(client, q="attention", mode="keyword", since="2024-05-01", until="2024-12-31")) == 1
    html = page(client, q="attention category:cs.LG", mode="keyword")
    assert cards(html) == 1 and "Sparse" in html


def test_bad_filter_values_are_reported_not_failed(client, papers):
    html = page(client, q="attention", category="<x>", since="yesterday", until="2024-02-30")
    assert "is not an arXiv category" in html and "is not a date" in html
    assert cards(html) == 2
    assert "is not a date" in page(client, q="attention before:2024-13")


def test_a_filter_alone_lists_its_papers(client, papers):
    html = page(client, category="cs.LG")
    assert cards(html) == 2 and "newest first" in html


def test_the_mode_is_an_option_and_hybrid_is_the_default(client, papers, monkeypatch):
    FakeSemantic(monkeypatch, [papers[2]])
    hybrid = page(client, q="attention")
    assert cards(hybrid) == 3 and "keyword and semantic" in hybrid
    assert '<option value="hybrid" selected>' in hybrid
    assert cards(page(client, q="attention", mode="keyword")) == 2
    semantic = page(client, q="attention", mode="semantic")
    assert cards(semantic) == 1 and "Graph kernels" in semantic
    assert '<option value="hybrid" selected>' in page(client, q="attention", mode="nonsense")


def test_hybrid_without_embeddings_says_it_searched_by_keyword(client, papers, monkeypatch):
    FakeSemantic(monkeypatch, ready=False)
    html = page(client, q="attention")
    assert cards(html) == 2 and "nothing is embedded yet" in html
    assert "Semantic search is not ready" in page(client, q="attention", mode="semantic")


def test_results_come_in_pages(client, db):
    for n in range(45):
        add_paper(f"2401.{n:05d}", f"Transformers part {n}", "transformers")
    first, third = page(client, q="transformers", mode="keyword"), page(client, q="transformers", mode="keyword", page=3)
    assert cards(first) == 20 and cards(third) == 5
    assert "Page 1 of 3" in first and 'rel="next"' in first
    assert "Page 3 of 3" in third and 'start="41"' in third


@pytest.mark.parametrize("number", ["0", "-1", "abc", "51", "9" * 30])
def test_a_page_that_cannot_exist_is_a_friendly_404(client, papers, number):
    response = client.get(reverse("search"), {"q": "attention", "page": number})
    assert response.status_code == 404


def test_a_page_past_the_results_is_a_404(client, papers):
    assert client.get(reverse("search"), {"q": "attention", "mode": "keyword", "page": "2"}).status_code == 404


def test_more_like_this_lists_a_papers_neighbours(client, papers, monkeypatch):
    FakeSemantic(monkeypatch, neighbours={papers[0].pk: [papers[2], papers[1]]})
    html = page(client, like="2401.00001v2")
    assert "Papers like" in html and cards(html) == 2
    assert html.index("Graph kernels") < html.index("Retrieval augmented")
    assert "nearest by meaning" in html


def test_more_like_this_for_an_unknown_paper_is_a_404(client, papers):
    assert client.get(reverse("search"), {"like": "9999.99999"}).status_code == 404
    assert client.get(reverse("search"), {"like": "not an id"}).status_code == 404


def test_every_page_has_the_search_box_in_its_header(client, papers):
    html = client.get(reverse("home")).content.decode()
    assert 'class="site-search"' in html and 'action="/search"' in html and 'name="q"' in html
    assert '<a href="/search"' in html


def _many(n: int, authors: int, month: int = 1) -> None:
    papers = Paper.objects.bulk_create(
        [Paper(arxiv_id=f"25{month:02d}.{i:05d}", title=f"Transformers {i}", abstract="transformers",
               published=datetime(2025, 1, 1, tzinfo=timezone.utc)) for i in range(n)]
    )
    people = Author.objects.bulk_create([Author(name=f"P {n} {i}", name_key=f"p {n} {i}") for i in range(authors)])
    PaperAuthor.objects.bulk_create([PaperAuthor(paper=p, author=a, position=i) for p in papers for i, a in enumerate(people)])
    PaperCategory.objects.bulk_create([PaperCategory(paper=p, code=c, position=i) for p in papers for i, c in enumerate(["cs.CL", "cs.LG"])])
    from paperfeed.search.documents import search_documents_update

    search_documents_update(paper_ids=[p.pk for p in papers])


@pytest.fixture
def fake_model(settings):
    from paperfeed.search import vectors

    settings.PAPERFEED_EMBEDDING_MODEL = "fake"
    vectors.reset_cache()
    yield
    vectors.reset_cache()


# keyword: ranked ids, snippets, cards (papers, first authors, categories). The semantic side
# adds "is anything embedded", the ids the filter allows, and the vector index's lookups
# (latest vector, visible papers; on PostgreSQL a savepoint with two SET LOCALs around kNN).
# Hybrid re-ranking adds the head's texts and the cosines of its keyword-only papers.
@pytest.mark.parametrize("mode, most, pgvector", [("keyword", 5, 0), ("hybrid", 11, 4), ("semantic", 8, 4)])
def test_a_results_page_takes_a_fixed_number_of_queries(client, db, fake_model, django_assert_max_num_queries, mode,
                                                        most, pgvector):
    from django.db import connection

    from paperfeed.search.embedding_jobs import embed_pending

    most += pgvector if connection.vendor == "postgresql" else 0

    _many(3, 1)
    embed_pending()
    page(client, q="transformers", mode=mode)  # the vector index loads
    with django_assert_max_num_queries(most):
        page(client, q="transformers", mode=mode, category="cs.CL")
    _many(60, 12, month=2)
    embed_pending()
    page(client, q="transformers", mode=mode)  # the vector index loads the new rows
    with django_assert_max_num_queries(most):
        html = page(client, q="transformers", mode=mode, category="cs.CL")
    assert cards(html) == 20


def test_a_logged_in_results_page_takes_two_queries_more(client, db, monkeypatch, django_assert_max_num_queries):
    from django.contrib.auth import get_user_model

    _many(25, 5)
    FakeSemantic(monkeypatch, ready=False)
    client.force_login(get_user_model().objects.create_user("ada", "ada@example.org", "pw-12345-long"))
    with django_assert_max_num_queries(8):
        page(client, q="transformers")
