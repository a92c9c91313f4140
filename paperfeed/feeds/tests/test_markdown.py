"""A paper as Markdown: /papers/<id>.md for new- and old-style ids, and the paper page
with Accept: text/markdown, with Vary: Accept on both answers of the page."""

from __future__ import annotations

from datetime import date

import pytest

from paperfeed.catalog.models import PaperAuthor
from paperfeed.catalog.tests.conftest import make_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def papers(db):
    new = make_paper("2307.08691", title="FlashAttention-2", featured=date(2023, 7, 18), upstream_upvotes=30,
                     code_url="https://github.com/Dao-AILab/flash-attention", organization="stanford",
                     authors=["Tri Dao", "Ada Lovelace"])
    PaperAuthor.objects.filter(paper=new, position=0).update(affiliation="Princeton University")
    old = make_paper("hep-th/9901001", title="An old-style paper", code_url="javascript:alert(1)")
    hidden = make_paper("2401.00001", title="Hidden", is_hidden=True)
    return new, old, hidden


def test_the_md_address_gives_title_authors_links_and_abstract(client, papers):
    response = client.get("/papers/2307.08691.md")
    assert response.status_code == 200 and response["Content-Type"] == "text/markdown; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("# FlashAttention-2\n")
    assert "**Authors:** Tri Dao (Princeton University), Ada Lovelace" in text
    assert "[arXiv:2307.08691](https://arxiv.org/abs/2307.08691)" in text and "[PDF](https://arxiv.org/pdf/2307.08691)" in text
    assert "[Code](<https://github.com/Dao-AILab/flash-attention>)" in text
    assert "http://testserver/papers/2307.08691" in text and "**Upvotes:** 30" in text
    assert "## Abstract\n\nWe study $O(N^2)$ attention." in text


def test_old_style_ids_work_and_unsafe_links_are_left_out(client, papers):
    text = client.get("/papers/hep-th/9901001.md").content.decode()
    assert text.startswith("# An old-style paper") and "javascript" not in text
    assert client.get("/papers/hep-th/9901001v2.md")["Location"] == "/papers/hep-th/9901001.md"
    assert client.get("/papers/2307.08691v1.md")["Location"] == "/papers/2307.08691.md"


def test_unknown_and_hidden_papers_are_404(client, papers):
    for url in ("/papers/9999.99999.md", "/papers/2401.00001.md", "/papers/nonsense.md"):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("arxiv_id", ["2307.08691", "hep-th/9901001"])
def test_the_paper_page_negotiates_markdown_and_varies_on_accept(client, papers, arxiv_id):
    html = client.get(f"/papers/{arxiv_id}", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert html["Content-Type"].startswith("text/html") and "Accept" in html["Vary"]
    markdown = client.get(f"/papers/{arxiv_id}", HTTP_ACCEPT="text/markdown")
    assert markdown["Content-Type"] == "text/markdown; charset=utf-8" and "Accept" in markdown["Vary"]
    assert markdown.content == client.get(f"/papers/{arxiv_id}.md").content
    assert client.get(f"/papers/{arxiv_id}", HTTP_ACCEPT="*/*")["Content-Type"].startswith("text/html")
    assert "Accept" in client.get("/papers/9999.99999")["Vary"]  # the 404 page too
