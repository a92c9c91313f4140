"""Source text is shown as the source gave it, escaped once; source URLs are
links only when they are http(s)."""

from datetime import date

import pytest

from paperfeed.catalog.models import Organization

from .conftest import make_paper

pytestmark = pytest.mark.django_db

DAY = date(2026, 7, 8)
NASTY_TITLE = '<script>alert("t")</script> Bounds for $x<y$ & "quotes"'
NASTY_ABSTRACT = "Tom &amp; Jerry <img src=x onerror=alert(1)> cost $5 and $\\frac{1}{ {unbalanced $$ \\[ \\href{javascript:alert(1)}{x}"


@pytest.fixture
def nasty(db):
    paper = make_paper(
        "2607.00001",
        title=NASTY_TITLE,
        abstract=NASTY_ABSTRACT,
        authors=["<b>Bold</b> Author"],
        featured=DAY,
        code_url="javascript:alert(1)",
        project_url=" JavaScript:alert(2)",
        license="data:text/html,<script>alert(3)</script>",
        doi='10.1/"><script>alert(4)</script>',
        comment="<i>12 pages</i>",
        ai_summary="<svg onload=alert(5)>",
        ai_keywords=["<u>kw</u>", 7, None],
    )
    paper.organization = Organization.objects.create(name="evil", full_name="<em>Evil</em> Org", avatar_url="javascript:alert(6)")
    paper.save()
    return paper


def assert_safe(page: str) -> None:
    for raw in ["<script>alert", "<img src=x", "<svg onload", "<b>Bold", "<i>12", "<u>kw", "<em>Evil", "onerror=alert(1)>"]:
        assert raw not in page, raw
    for scheme in ['href="javascript:', 'href=" JavaScript:', 'src="javascript:', 'href="data:']:
        assert scheme not in page, scheme


@pytest.mark.parametrize("url", ["/papers/date/2026-07-08", "/papers/2607.00001", "/orgs/evil"])
def test_source_text_is_escaped_everywhere(client, nasty, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_safe(response.content.decode())


def test_text_is_escaped_exactly_once(client, nasty):
    page = client.get("/papers/2607.00001").content.decode()
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; Bounds for $x&lt;y$ &amp; &quot;quotes&quot;" in page
    # The source said "&amp;" literally: shown as "&amp;", so escaped once to "&amp;amp;".
    assert "Tom &amp;amp; Jerry &lt;img src=x onerror=alert(1)&gt;" in page
    assert "&amp;amp;amp;" not in page


def test_stray_dollars_and_unbalanced_braces_are_left_as_text_for_katex(client, nasty):
    page = client.get("/papers/2607.00001").content.decode()
    assert "cost $5 and $\\frac{1}{ {unbalanced $$ \\[ \\href{javascript:alert(1)}{x}" in page


def test_math_is_rendered_with_errors_shown_not_thrown_and_links_untrusted():
    from pathlib import Path

    import paperfeed

    script = (Path(paperfeed.__file__).parent / "static/paperfeed/math.js").read_text()
    assert "throwOnError: false" in script and "trust: false" in script
    for delimiters in ['left: "$$"', 'left: "\\\\["', 'left: "\\\\("', 'left: "$"']:
        assert delimiters in script


def test_bad_urls_are_not_links_but_good_ones_are(client, nasty):
    page = client.get("/papers/2607.00001").content.decode()
    assert ">Code <" not in page and "Project page" not in page
    nasty.code_url = "https://github.com/o/r"
    nasty.save()
    page = client.get("/papers/2607.00001").content.decode()
    assert 'href="https://github.com/o/r"' in page
