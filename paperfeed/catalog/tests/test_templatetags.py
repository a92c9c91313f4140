import pytest
from django.template import Context, Template
from django.test import RequestFactory

from paperfeed.catalog.templatetags.catalog import compact, keywords, repo_label, safe_url


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://github.com/o/r", "https://github.com/o/r"),
        ("http://example.org/x?y=1", "http://example.org/x?y=1"),
        ("javascript:alert(1)", ""),
        ("JAVASCRIPT:alert(1)", ""),
        ("data:text/html,hi", ""),
        ("//evil.example/x", ""),
        ("https://", ""),
        ("https://exa mple.org", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_safe_url_lets_only_http_links_through(url, expected):
    assert safe_url(url) == expected


@pytest.mark.parametrize("n, text", [(0, "0"), (999, "999"), (1000, "1k"), (1234, "1.2k"), (15300, "15k"), (2_500_000, "2.5M")])
def test_compact_numbers(n, text):
    assert compact(n) == text


def test_repo_labels_name_the_repository_or_the_host():
    assert repo_label("https://github.com/google-research/envharness.git") == "google-research/envharness"
    assert repo_label("https://www.example.org/code") == "example.org"
    assert repo_label("javascript:alert(1)") == ""


def test_keywords_are_a_few_distinct_strings():
    assert keywords(["A", "a", "", None, 3, "B", "C", "D", "E"]) == ["A", "B", "C", "D"]


def test_query_keeps_other_parameters_and_drops_defaults():
    request = RequestFactory().get("/", {"sort": "new", "category": "cs.CL", "page": "3"})
    template = Template('{% load catalog %}{% query page=None %}|{% query sort="trending" %}|{% query category=None sort=None page=None %}')
    assert template.render(Context({"request": request})) == "?sort=new&amp;category=cs.CL|?category=cs.CL&amp;page=3|"
