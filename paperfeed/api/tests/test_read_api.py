"""The read endpoints: parameters checked (400 with a JSON message, never a 500),
404s in JSON, paging, search options, related papers, CORS and conditional GETs,
in a fixed number of queries."""

from __future__ import annotations

from datetime import date

import pytest

from paperfeed.catalog.models import Feature, Paper

from .conftest import make_paper

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "params",
    [{"date": "2025-02-30"}, {"week": "2025-W54"}, {"month": "2025-13"}, {"date": "2025-03-17", "week": "2025-W12"},
     {"sort": "upvotes"}, {"p": "-1"}, {"p": "x"}, {"p": "1" * 40}, {"limit": "0"}, {"limit": "101"}],
)
def test_a_bad_daily_papers_parameter_is_a_400_with_a_json_message(client, params):
    response = client.get("/api/daily_papers", params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json" and isinstance(response.json()["error"], str)


def test_an_unknown_or_hidden_paper_is_a_json_404(client, papers):
    for path in ("/api/papers/9999.99999", "/api/papers/not-an-id", "/api/papers/2401.00001",
                 "/api/papers/9999.99999/related"):
        response = client.get(path)
        assert response.status_code == 404 and response.json() == {"error": "Paper not found"}


def test_a_paper_is_found_by_any_spelling_of_its_id_old_style_included(client, papers):
    assert client.get("/api/papers/hep-th/9901001").json()["id"] == "hep-th/9901001"
    assert client.get("/api/papers/2307.08691v2").json()["id"] == "2307.08691"
    paper = client.get("/api/papers/2307.08691").json()
    assert paper["upvotes"] == 30 and paper["githubRepo"].endswith("flash-attention")
    assert paper["submittedOnDailyAt"] == "2023-07-18T06:00:00.000Z" and paper["organization"]["name"] == "stanford"


def test_a_day_lists_its_visible_papers_newest_first_and_pages(client, papers):
    items = client.get("/api/daily_papers", {"date": "2023-07-18"}).json()
    assert {i["paper"]["id"] for i in items} == {"2307.08691", "hep-th/9901001"}
    assert client.get("/api/daily_papers", {"date": "2023-07-19"}).json() == []  # the hidden paper
    one = client.get("/api/daily_papers", {"date": "2023-07-18", "limit": 1, "p": 1}).json()
    assert len(one) == 1 and one[0]["paper"]["id"] == items[1]["paper"]["id"]


def test_a_paper_listed_twice_in_a_week_appears_once_and_without_a_period_everything_is_listed(client, db):
    make_paper("2307.00001", featured=[date(2023, 7, 17), date(2023, 7, 18)])
    make_paper("2307.00002", featured=date(2023, 7, 19))
    week = client.get("/api/daily_papers", {"week": "2023-W29"}).json()
    assert [i["paper"]["id"] for i in week] == ["2307.00002", "2307.00001"]
    assert week[1]["publishedAt"].startswith("2023-07-18")
    assert len(client.get("/api/daily_papers").json()) == 2


def test_trending_sorts_by_score_then_votes(client, db):
    make_paper("2307.00001", featured=date(2023, 7, 18), upstream_upvotes=5)
    make_paper("2307.00002", featured=date(2023, 7, 18), upstream_upvotes=50)
    Paper.objects.filter(arxiv_id="2307.00001").update(trending_score=3.0)
    ids = [i["paper"]["id"] for i in client.get("/api/daily_papers", {"date": "2023-07-18", "sort": "trending"}).json()]
    assert ids == ["2307.00001", "2307.00002"]


def test_the_cursor_pages_through_every_visible_paper_once(client, db):
    for n in range(7):
        make_paper(f"2307.0000{n}")
    Paper.objects.filter(arxiv_id="2307.00003").update(is_hidden=True)
    seen, url = [], "/api/papers?limit=3"
    while url:
        response = client.get(url)
        seen += [p["id"] for p in response.json()]
        link = response.get("Link", "")
        url = link[1 : link.index(">")].replace("http://testserver", "") if link else ""
    assert seen == [f"2307.0000{n}" for n in range(7) if n != 3]
    assert client.get("/api/papers", {"cursor": "garbage!"}).status_code == 400


def test_search_takes_mode_category_and_dates(client, hf_days):
    found = client.get("/api/papers/search", {"q": "video", "limit": 5}).json()
    assert 0 < len(found) <= 5 and all("paper" in item for item in found)
    keyword = client.get("/api/papers/search", {"q": "video", "mode": "keyword", "since": "2026-01-01"}).json()
    assert all(item["paper"]["publishedAt"] >= "2026" for item in keyword)
    assert client.get("/api/papers/search", {"q": "video", "category": "cs.XX"}).json() == []
    for bad in ({"mode": "fuzzy"}, {"since": "yesterday"}, {"category": "not a category"}, {"p": "51"}):
        assert client.get("/api/papers/search", {"q": "video", **bad}).status_code == 400


def test_related_papers_are_papers_never_the_paper_itself(client, hf_days):
    related = client.get("/api/papers/2510.02283/related", {"limit": 3}).json()
    assert len(related) <= 3 and all(p["id"] != "2510.02283" for p in related)


def test_read_endpoints_allow_any_origin_and_answer_preflights(client, papers):
    response = client.get("/api/papers/2307.08691")
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/api/daily_papers", HTTP_ORIGIN="https://example.org",
                               HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert preflight.status_code == 204 and preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert client.post("/api/daily_papers").status_code == 405


def test_conditional_requests_get_304_until_the_answer_changes(client, papers, alice):
    first = client.get("/api/papers/2307.08691")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert client.get("/api/papers/2307.08691", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/api/papers/2307.08691", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    from paperfeed.catalog.votes import vote_add

    vote_add(user=alice, paper=Paper.objects.get(arxiv_id="2307.08691"))  # leaves no timestamp on the paper
    changed = client.get("/api/papers/2307.08691", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed.json()["upvotes"] == 31
    assert client.get("/api/papers/2307.08691", HTTP_IF_MODIFIED_SINCE=modified).status_code == 200
    assert changed["Last-Modified"] != modified


def _many(n: int, day: date) -> None:
    for i in range(n):
        make_paper(f"2307.{day.day:02d}{i:03d}", featured=day, authors=4, organization="org" if i % 2 else None)


def _split(captured) -> tuple[int, int]:
    """(queries reading the catalogue, queries keeping the Last-Modified stamp)."""
    stamp = [q for q in captured.captured_queries if "api_responsestamp" in q["sql"] or "SAVEPOINT" in q["sql"]]
    return len(captured) - len(stamp), len(stamp)


@pytest.mark.parametrize("url", ["/api/daily_papers?date=2023-07-{d}", "/api/daily_papers?week=2023-W29",
                                 "/api/papers?limit=100", "/api/papers/search?q=paper&mode=keyword&limit=100"])
def test_list_endpoints_take_a_fixed_number_of_queries(client, db, url, django_assert_max_num_queries):
    """Reading: the same few queries whatever the number of papers and authors; keeping
    the answer's Last-Modified (conditional.py): a few more, only when the answer changed."""
    _many(3, date(2023, 7, 17))
    with django_assert_max_num_queries(12) as small:
        assert client.get(url.format(d=17)).status_code == 200
    _many(30, date(2023, 7, 18))
    with django_assert_max_num_queries(12) as large:
        assert client.get(url.format(d=18)).status_code == 200
    reads = _split(small)[0]
    assert reads == _split(large)[0] and reads <= 6
    assert _split(small)[1] <= 7 and _split(large)[1] <= 7
    with django_assert_max_num_queries(reads + 1):  # unchanged: one query reads the stamp
        client.get(url.format(d=18))
    assert Feature.objects.count() == 33
