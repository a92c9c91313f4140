import re
from pathlib import Path

import pytest

import paperfeed

STATIC = Path(paperfeed.__file__).parent / "static" / "paperfeed"
KATEX = STATIC / "vendor" / "katex"


def test_katex_is_vendored_with_its_licence():
    for name in ["katex.min.js", "katex.min.css", "contrib/auto-render.min.js", "LICENSE"]:
        assert (KATEX / name).is_file(), name
    assert "MIT License" in (KATEX / "LICENSE").read_text()


def test_every_font_the_katex_stylesheet_names_is_there():
    names = re.findall(r"url\(([^)]+)\)", (KATEX / "katex.min.css").read_text())
    assert names and all(name.endswith(".woff2") for name in names)
    missing = [name for name in names if not (KATEX / name).is_file()]
    assert not missing


def test_no_page_loads_anything_from_a_cdn():
    templates = Path(paperfeed.__file__).parent / "templates"
    for path in [*templates.rglob("*.html"), *STATIC.glob("*.css"), *STATIC.glob("*.js")]:
        text = path.read_text()
        assert not re.search(r"""(src|href)=["']https?://[^"']*(cdn|jsdelivr|unpkg|googleapis)""", text), path


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/papers/trending", "/papers/date/2026-07-08", "/papers/2307.99999"])
def test_every_page_has_a_language_landmarks_and_a_skip_link(client, url):
    page = client.get(url).content.decode()
    assert '<html lang="en">' in page
    assert '<a class="skip-link" href="#main">' in page and 'id="main"' in page
    for landmark in ["<header", "<nav", "<main", "<footer"]:
        assert landmark in page, landmark
