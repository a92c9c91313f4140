"""Related papers on a paper's page, and its "More like this" link."""

import pytest
from django.db import connection
from django.urls import reverse

from paperfeed.catalog.models import Author, PaperAuthor
from paperfeed.search import vectors
from paperfeed.search.embedding_jobs import embed_pending

from .papers import FakeSemantic, add_paper

pytestmark = pytest.mark.django_db


def paper_page(client, arxiv_id: str) -> str:
    response = client.get(reverse("paper", args=[arxiv_id]))
    assert response.status_code == 200
    return response.content.decode()


def related_section(html: str) -> str:
    return html[html.index('id="related-heading"'):] if 'id="related-heading"' in html else ""


@pytest.fixture
def papers(db):
    return [
        add_paper("2401.00001", "Protein folding with attention", "Residues and attention."),
        add_paper("2401.00002", "Protein design", "Designing proteins."),
        add_paper("2401.00003", "Attention for folding proteins", "More residues."),
        add_paper("2401.00004", "Graph kernels", "Nothing alike."),
        add_paper("2401.00005", "Protein folding, the hidden one", "Residues.", hidden=True),
    ]


def test_related_papers_are_the_nearest_by_embedding(client, papers, monkeypatch):
    FakeSemantic(monkeypatch, neighbours={papers[0].pk: [papers[3], papers[1]]})
    section = related_section(paper_page(client, "2401.00001"))
    assert section.index("Graph kernels") < section.index("Protein design")
    assert "Protein folding with attention" not in section


def test_without_an_embedding_related_papers_share_words_with_the_title(client, papers):
    section = related_section(paper_page(client, "2401.00001"))
    assert "Attention for folding proteins" in section
    assert "Protein folding with attention" not in section  # never the paper itself
    assert "the hidden one" not in section and "Graph kernels" not in section


def test_the_section_links_to_more_like_this(client, papers):
    section = related_section(paper_page(client, "2401.00001"))
    assert 'href="/search?like=2401.00001"' in section
    assert "Attention for folding proteins" in client.get("/search?like=2401.00001").content.decode()


def test_with_real_embeddings_neighbours_come_from_the_vector_index(client, papers, settings):
    settings.PAPERFEED_EMBEDDING_MODEL = "fake"
    vectors.reset_cache()
    try:
        embed_pending()
        section = related_section(paper_page(client, "2401.00001"))
        assert "Attention for folding proteins" in section and "the hidden one" not in section
    finally:
        vectors.reset_cache()


def _with_authors(paper, n: int) -> None:
    people = Author.objects.bulk_create([Author(name=f"A {paper.pk} {i}", name_key=f"a {paper.pk} {i}") for i in range(n)])
    PaperAuthor.objects.bulk_create([PaperAuthor(paper=paper, author=a, position=i + 1) for i, a in enumerate(people)])


@pytest.mark.parametrize("embedded", [False, True])
def test_the_paper_page_takes_a_fixed_number_of_queries_with_related_papers(
    client, db, settings, django_assert_num_queries, embedded
):
    settings.PAPERFEED_EMBEDDING_MODEL = "fake"
    vectors.reset_cache()
    for i in range(3):
        add_paper(f"2402.0000{i}", f"Protein folding p{i}", "Residues.")
    large = [add_paper(f"2403.0000{i}", f"Galaxy rotation g{i}", "Stars.") for i in range(6)]
    for paper in large:
        _with_authors(paper, 40)
    if embedded:
        embed_pending()
    paper_page(client, "2402.00000")  # warm: the vector index loads
    # page: paper, authors, categories, features; related: the paper's vector, then
    # papers like its title (no vector) or the kNN lookups (with one); their cards: 3
    expected = 4 + (1 + 1 if not embedded else 1 + 2 + (4 if connection.vendor == "postgresql" else 0)) + 3
    with django_assert_num_queries(expected):
        small_page = paper_page(client, "2402.00000")
    with django_assert_num_queries(expected):
        large_page = paper_page(client, "2403.00000")
    assert related_section(small_page).count('class="paper-card"') >= 2
    assert related_section(large_page).count('class="paper-card"') == 5
    assert "Galaxy rotation g1" in related_section(large_page)
    vectors.reset_cache()
