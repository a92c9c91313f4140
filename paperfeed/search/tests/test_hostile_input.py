"""Whatever is typed, search answers results or nothing: never an error (on
SQLite and on PostgreSQL, in every mode)."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from paperfeed.search import services
from paperfeed.search.keyword import snippets
from paperfeed.search.query import parse

from .papers import FakeSemantic, add_paper

pytestmark = pytest.mark.django_db

HOSTILE = [
    "",
    " ",
    '"',
    '""',
    '"unbalanced',
    "a AND",
    "NOT",
    "AND OR NOT NEAR",
    "NEAR(a b, 2)",
    "attention*",
    "*",
    "(((",
    ")))",
    "((attention)",
    "IL-6",
    "β-amyloid",
    "'; DROP TABLE catalog_paper; --",
    "1' OR '1'='1",
    "title:attention",
    "{title abstract}: x",
    "authors : x",
    "x ^ y",
    "a:b:c",
    "author:",
    'author:"',
    "category:",
    "category:cs.CL'--",
    "after:",
    "after:9999-12-31",
    "before:0001-01-01",
    "since:2024-02-30",
    "-",
    "--",
    "-attention",
    '-""',
    "😀🎉🔥",
    "注意力 机制",
    "\x00\x01\x02\x03",
    "attention \x02 marker \x03",
    "<script>alert(1)</script>",
    "&amp; &lt;",
    "a" * 10_000,
    "attention " * 1_500,
    " ".join(f"w{n}" for n in range(3000)),
    "\u202e\u200b\ufeff",
    "ﬁ ligature Ⅻ",
    "!(x) & y | z <-> w",
    "x:* & y:A",
    "'quoted' \"double\"",
]


@pytest.fixture
def corpus(db, monkeypatch):
    papers = [
        add_paper("2401.00001", "Attention is all you need", "Attention <b>mechanisms</b> & more; IL-6 β-amyloid."),
        add_paper("2401.00002", "注意力 机制", "中文摘要 with emoji 😀.", authors=["Zoë Ré"]),
    ]
    FakeSemantic(monkeypatch, papers)
    return papers


@pytest.mark.parametrize("raw", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize("mode", services.MODES)
def test_hostile_input_gives_results_or_nothing(corpus, raw, mode):
    results = services.search(q=raw, mode=mode, limit=5)
    assert results.total >= len(results.hits)
    snippets(parse(raw), [p.pk for p in corpus])


@pytest.mark.parametrize("raw", HOSTILE[:20] + HOSTILE[35:45], ids=range(30))
def test_hostile_input_on_the_search_page_is_a_page(client, corpus, raw):
    response = client.get(reverse("search"), {"q": raw, "category": raw[:40], "since": raw[:20], "page": "1"})
    assert response.status_code == 200


_PIECES = st.sampled_from(
    ['"', "AND", "OR", "NOT", "NEAR", "(", ")", "*", "-", "^", ":", "{", "}", "'", ";", "--", "author:", "au:",
     "category:", "cat:cs.CL", "after:", "before:2024", "since:2024-01", "attention", "é", "😀", "\x00", "\x02",
     " ", "  ", "<->", "&", "|", "!", "title:", "IL-6"]
)
_QUERIES = st.one_of(st.text(max_size=300), st.lists(_PIECES, max_size=30).map("".join),
                     st.lists(st.one_of(_PIECES, st.text(max_size=5)), max_size=20).map(" ".join))


@hypothesis_settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=_QUERIES)
def test_random_text_never_breaks_search(corpus, raw):
    for mode in services.MODES:
        results = services.search(q=raw, mode=mode, limit=3)
        assert results.total >= len(results.hits)
    snippets(parse(raw), [p.pk for p in corpus])
