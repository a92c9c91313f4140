import re
from datetime import date, datetime, timedelta, timezone

import pytest
from django.test import Client
from django.urls import reverse

from paperfeed.catalog.models import Feature, Paper, Vote
from paperfeed.catalog.votes import vote_add

from .conftest import make_paper

pytestmark = pytest.mark.django_db

DAY = date(2026, 7, 8)


def html(response) -> str:
    return response.content.decode()


def card_ids(response) -> list[str]:
    return re.findall(r'<article class="paper-card" id="paper-\d+" data-paper-id="([^"]+)"', html(response))


# --- the daily feed ------------------------------------------------------------------


def test_home_shows_the_most_recent_day_with_featured_papers(client):
    make_paper("2607.00001", featured=DAY - timedelta(days=2))
    make_paper("2607.00002", featured=DAY)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert card_ids(response) == ["2607.00002"]
    assert "Wednesday, 8 July 2026" in html(response)


def test_home_ignores_days_in_the_future(client):
    today = datetime.now(timezone.utc).date()
    make_paper("2607.00001", featured=today)
    make_paper("2607.00002", featured=today + timedelta(days=3))
    assert card_ids(client.get(reverse("home"))) == ["2607.00001"]


def test_home_without_any_daily_list_shows_what_is_new_on_arxiv(client):
    make_paper("2607.00003", published=datetime(2026, 7, 7, 17, tzinfo=timezone.utc))
    response = client.get(reverse("home"))
    assert card_ids(response) == ["2607.00003"]
    assert "All new on arXiv" in html(response)


def test_an_empty_site_says_so(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "No papers yet" in html(response)


def test_a_day_lists_the_papers_featured_that_day(client):
    make_paper("2607.00001", featured=DAY)
    make_paper("2607.00002", featured=DAY + timedelta(days=1))
    make_paper("2607.00003", featured=DAY, is_hidden=True)
    response = client.get(reverse("day", args=["2026-07-08"]))
    assert response.status_code == 200
    assert card_ids(response) == ["2607.00001"]


def test_a_week_and_a_month_list_every_featured_day_in_them(client):
    make_paper("2607.00001", featured=date(2026, 7, 6))
    make_paper("2607.00002", featured=date(2026, 7, 12))
    make_paper("2607.00003", featured=date(2026, 7, 13))
    make_paper("2607.00004", featured=date(2026, 8, 1))
    assert sorted(card_ids(client.get(reverse("week", args=["2026-W28"])))) == ["2607.00001", "2607.00002"]
    assert sorted(card_ids(client.get(reverse("month", args=["2026-07"])))) == [
        "2607.00001", "2607.00002", "2607.00003",
    ]  # fmt: skip


def test_a_paper_featured_on_two_days_of_a_week_is_listed_once(client):
    make_paper("2607.00001", featured=[date(2026, 7, 6), date(2026, 7, 7)])
    assert card_ids(client.get(reverse("week", args=["2026-W28"]))) == ["2607.00001"]


def test_the_arxiv_tab_lists_papers_first_published_in_the_period(client):
    make_paper("2607.00001", featured=DAY, published=datetime(2026, 6, 1, tzinfo=timezone.utc))
    make_paper("2607.00002", published=datetime(2026, 7, 8, 23, 59, tzinfo=timezone.utc))
    make_paper("2607.00003", published=datetime(2026, 7, 9, 0, 0, tzinfo=timezone.utc))
    response = client.get(reverse("day", args=["2026-07-08"]), {"list": "arxiv"})
    assert card_ids(response) == ["2607.00002"]
    assert 'aria-current="page">All new on arXiv' in html(response)


def test_trending_sort_puts_the_most_voted_first_and_new_sort_the_newest(client):
    make_paper("2607.00001", featured=DAY, upstream_upvotes=5, published=datetime(2026, 7, 7, tzinfo=timezone.utc))
    make_paper("2607.00002", featured=DAY, upstream_upvotes=50, published=datetime(2026, 7, 6, tzinfo=timezone.utc))
    url = reverse("day", args=["2026-07-08"])
    assert card_ids(client.get(url)) == ["2607.00002", "2607.00001"]
    assert card_ids(client.get(url, {"sort": "new"})) == ["2607.00001", "2607.00002"]


def test_a_category_filter_keeps_the_papers_of_that_category_and_every_chip(client):
    make_paper("2607.00001", featured=DAY, categories=("cs.CL", "cs.LG"))
    make_paper("2607.00002", featured=DAY, categories=("cs.CV",))
    response = client.get(reverse("day", args=["2026-07-08"]), {"category": "cs.CL"})
    assert card_ids(response) == ["2607.00001"]
    page = html(response)
    assert re.search(r'href="/papers/date/2026-07-08\?category=cs.CV"[^>]*>cs.CV <span class="chip-count">1</span>', page)
    assert re.search(r'href="/papers/date/2026-07-08\?category=cs.CL" aria-current="page"', page)
    assert '<a class="chip" href="/papers/date/2026-07-08">All</a>' in page


def test_an_empty_day_points_to_the_nearest_days_with_papers(client):
    make_paper("2607.00001", featured=date(2026, 7, 3))
    make_paper("2607.00002", featured=date(2026, 7, 10))
    response = client.get(reverse("day", args=["2026-07-08"]))
    page = html(response)
    assert response.status_code == 200
    assert "No papers were featured on Wednesday, 8 July 2026" in page
    assert 'href="/papers/date/2026-07-03"' in page and 'href="/papers/date/2026-07-10"' in page


def test_previous_and_next_skip_to_days_with_papers_and_keep_the_sort(client):
    make_paper("2607.00001", featured=date(2026, 7, 3))
    make_paper("2607.00002", featured=DAY)
    response = client.get(reverse("day", args=["2026-07-08"]), {"sort": "new"})
    page = html(response)
    assert 'rel="prev" href="/papers/date/2026-07-03?sort=new"' in page
    assert 'rel="next"' not in page


@pytest.mark.parametrize(
    "name, slug", [("day", "2026-02-30"), ("day", "2026-7-8"), ("week", "2026-W60"), ("month", "2026-13")]
)
def test_an_invalid_period_is_a_friendly_404(client, name, slug):
    response = client.get(reverse(name, args=[slug]))
    assert response.status_code == 404
    assert "There is no" in html(response)
    assert 'href="/"' in html(response)


def test_large_periods_are_paged_by_fifty(client):
    for n in range(53):
        make_paper(f"2607.{n:05d}", authors=1, categories=(), featured=DAY)
    url = reverse("day", args=["2026-07-08"])
    first, second = client.get(url), client.get(url, {"page": 2})
    assert len(card_ids(first)) == 50 and len(card_ids(second)) == 3
    assert 'rel="next" href="/papers/date/2026-07-08?page=2"' in html(first)
    assert 'rel="prev" href="/papers/date/2026-07-08"' in html(second)
    assert "Page 2 of 2" in html(second)
    assert set(card_ids(first)).isdisjoint(card_ids(second))


@pytest.mark.parametrize("page", ["3", "0", "x"])
def test_a_page_past_the_end_is_a_404(client, page):
    make_paper("2607.00001", featured=DAY)
    assert client.get(reverse("day", args=["2026-07-08"]), {"page": page}).status_code == 404


# --- the paper card --------------------------------------------------------------------


def test_a_card_names_three_authors_and_counts_the_rest(client):
    make_paper("2607.00001", featured=DAY, authors=["Ada", "Bo", "Cy", "Di", "Ed"])
    page = html(client.get(reverse("day", args=["2026-07-08"])))
    assert ">Ada</a>, " in page and ">Cy</a>" in page and ">Di<" not in page
    assert "+2 authors" in page


def test_a_card_shows_organisation_comments_code_stars_categories_and_keywords(client):
    make_paper(
        "2607.00001",
        featured=DAY,
        organization="google",
        num_comments=4,
        code_url="https://github.com/google-research/envharness",
        github_stars=1234,
        ai_keywords=["LLM agents", "co-evolution", "", "llm agents"],
    )
    page = html(client.get(reverse("day", args=["2026-07-08"])))
    assert 'href="/orgs/google"' in page
    assert "4<span class=\"visually-hidden\"> comments" in page
    assert "google-research/envharness" in page and "1.2k" in page
    assert '<li class="tag tag-category tag-primary" title="Machine Learning">cs.LG</li>' in page
    assert page.count('class="tag tag-keyword"') == 2


def test_the_count_shown_is_local_plus_upstream_votes_with_the_split_in_the_title(client, alice):
    paper = make_paper("2607.00001", featured=DAY, upstream_upvotes=30)
    vote_add(user=alice, paper=paper)
    page = html(client.get(reverse("day", args=["2026-07-08"])))
    assert '<span class="upvote-count">31</span>' in page
    assert 'title="1 upvote here + 30 on Hugging Face"' in page


def test_the_users_votes_are_pressed_on_every_card(client, alice):
    voted = make_paper("2607.00001", featured=DAY)
    make_paper("2607.00002", featured=DAY)
    vote_add(user=alice, paper=voted)
    client.force_login(alice)
    page = html(client.get(reverse("day", args=["2026-07-08"])))
    pressed = re.findall(r'action="/papers/([^"]+)/upvote".*?aria-pressed="(true|false)"', page, re.S)
    assert dict(pressed) == {"2607.00001": "true", "2607.00002": "false"}


# --- trending -------------------------------------------------------------------------------


def test_trending_lists_scored_papers_best_first_without_hidden_ones(client):
    make_paper("2607.00001", trending_score=0.5)
    make_paper("2607.00002", trending_score=2.0)
    make_paper("2607.00003", trending_score=0.0)
    make_paper("2607.00004", trending_score=9.0, is_hidden=True)
    response = client.get(reverse("trending"))
    assert response.status_code == 200
    assert card_ids(response) == ["2607.00002", "2607.00001"]


def test_trending_when_nothing_trends_says_so(client):
    assert "Nothing is trending right now" in html(client.get(reverse("trending")))


# --- the paper page ---------------------------------------------------------------------------


def test_the_paper_page_shows_everything_known(client, bob):
    paper = make_paper(
        "2307.08691",
        title="FlashAttention-2",
        authors=["Tri Dao"],
        featured=date(2023, 7, 18),
        abstract="Scaling $O(N^2)$ attention.",
        doi="10.1000/xyz",
        journal_ref="ICLR 2024",
        comment="12 pages",
        license="http://creativecommons.org/licenses/by/4.0/",
        code_url="https://github.com/Dao-AILab/flash-attention",
        project_url="https://tridao.me",
        ai_summary="Faster attention.",
        ai_keywords=["IO-aware"],
        versions=[{"v": 1, "submitted": "2023-07-17T17:59:59+00:00"}, {"v": 2, "submitted": "2023-10-01T00:00:00+00:00"}],
        version=2,
    )
    paper.authorships.update(affiliation="Princeton")
    Feature.objects.create(paper=paper, day=date(2023, 7, 19), source="submission", submitted_by=bob, submitter_handle="bob")
    response = client.get(reverse("paper", args=["2307.08691"]))
    page = html(response)
    assert response.status_code == 200
    for expected in [
        "FlashAttention-2", "Tri Dao</a> <span class=\"affiliation\">(Princeton)</span>", "Scaling $O(N^2)$ attention.",
        'href="https://doi.org/10.1000/xyz"', "ICLR 2024", "12 pages", "creativecommons.org/licenses/by/4.0/",
        'href="https://arxiv.org/pdf/2307.08691"', 'href="https://arxiv.org/abs/2307.08691"',
        'href="https://github.com/Dao-AILab/flash-attention"', 'href="https://tridao.me"', "Faster attention.",
        "IO-aware", 'href="https://arxiv.org/abs/2307.08691v2"', "submitted by bob", "submitted by akhaliq on Hugging Face",
        "/static/paperfeed/vendor/katex/katex.min.", "/static/paperfeed/vendor/katex/contrib/auto-render.min.",
    ]:  # fmt: skip
        assert expected in page, expected


def test_the_paper_page_links_every_author_to_their_page(client):
    paper = make_paper("2307.08691", authors=["Ada", "Bo", "Cy", "Di"])
    page = html(client.get(reverse("paper", args=["2307.08691"])))
    for authorship in paper.authorships.all():
        assert f'href="/authors/{authorship.author_id}"' in page


def test_the_related_section_is_left_out_while_there_are_no_related_papers(client, paper):
    assert "Related papers" not in html(client.get(paper.get_absolute_url()))


def test_related_papers_come_from_search(client, paper, monkeypatch):
    # How search finds them: paperfeed/search/tests/test_related.py
    from paperfeed.catalog import related

    other = make_paper("2307.00002", title="A related one")
    monkeypatch.setattr(related, "similar_paper_ids", lambda *, paper, limit: [other.pk])
    page = html(client.get(paper.get_absolute_url()))
    assert "Related papers" in page and "A related one" in page


@pytest.mark.parametrize("spelling", ["2307.08691v2", "arXiv:2307.08691"])
def test_another_spelling_of_the_id_redirects_permanently_to_the_bare_id(client, paper, spelling):
    response = client.get(reverse("paper", args=[spelling]))
    assert response.status_code == 301
    assert response["Location"] == "/papers/2307.08691"


def test_old_style_ids_have_pages_too(client):
    make_paper("hep-th/9901001", title="Old style")
    response = client.get("/papers/hep-th/9901001")
    assert response.status_code == 200 and "Old style" in html(response)
    assert client.get("/papers/hep-th/9901001v3")["Location"] == "/papers/hep-th/9901001"


def test_an_unknown_paper_is_a_404_that_offers_to_submit_it(client):
    response = client.get(reverse("paper", args=["2307.99999"]))
    assert response.status_code == 404
    assert 'href="/papers/submit?id=2307.99999"' in html(response)


def test_something_that_is_not_an_id_is_a_404(client):
    response = client.get("/papers/not-a-paper")
    assert response.status_code == 404
    assert "not an arXiv identifier" in html(response)


def test_a_hidden_paper_is_a_404_except_for_staff(client, admin_client):
    make_paper("2307.08691", is_hidden=True)
    assert client.get("/papers/2307.08691").status_code == 404
    response = admin_client.get("/papers/2307.08691")
    assert response.status_code == 200 and "hidden from every listing" in html(response)


# --- authors and organisations --------------------------------------------------------------


def test_an_author_page_lists_their_papers_newest_first(client):
    make_paper("2301.00001", authors=["Ada Lovelace"], published=datetime(2023, 1, 1, tzinfo=timezone.utc))
    make_paper("2305.00001", authors=["Ada Lovelace"], published=datetime(2023, 5, 1, tzinfo=timezone.utc))
    make_paper("2305.00002", authors=["Someone Else"])
    author = Paper.objects.get(arxiv_id="2301.00001").authors.get()
    response = client.get(reverse("author", args=[author.pk]))
    assert response.status_code == 200
    assert card_ids(response) == ["2305.00001", "2301.00001"]
    assert client.get(reverse("author", args=[999999])).status_code == 404


def test_an_organisation_page_lists_its_papers(client):
    make_paper("2305.00001", organization="google")
    make_paper("2305.00002", organization="meta")
    response = client.get(reverse("organization", args=["google"]))
    assert response.status_code == 200 and card_ids(response) == ["2305.00001"]
    assert client.get(reverse("organization", args=["nobody"])).status_code == 404


# --- upvoting --------------------------------------------------------------------------------


def test_it_rejects_get(client, alice, paper):
    client.force_login(alice)
    assert client.get(reverse("upvote", args=[paper.arxiv_id])).status_code == 405
    assert not Vote.objects.exists()


def test_an_anonymous_vote_is_sent_to_log_in_and_back(client, paper):
    response = client.post(reverse("upvote", args=[paper.arxiv_id]), {"next": "/papers/date/2023-07-18"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fpapers%2Fdate%2F2023-07-18"


def test_an_anonymous_fetch_gets_a_401_with_the_login_url(client, paper):
    response = client.post(reverse("upvote", args=[paper.arxiv_id]), HTTP_ACCEPT="application/json")
    assert response.status_code == 401
    assert response.json()["login_url"].startswith("/accounts/login/?next=")


def test_a_fetch_vote_answers_json(client, alice, paper):
    client.force_login(alice)
    response = client.post(reverse("upvote", args=[paper.arxiv_id]), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json() == {"voted": True, "upvotes": 1, "upstream_upvotes": 30, "total": 31}
    response = client.post(reverse("upvote", args=[paper.arxiv_id]), HTTP_ACCEPT="application/json")
    assert response.json()["voted"] is False and response.json()["upvotes"] == 0


def test_a_form_vote_redirects_back_to_the_card(client, alice, paper):
    client.force_login(alice)
    response = client.post(reverse("upvote", args=[paper.arxiv_id]), {"next": "/papers/date/2023-07-18?sort=new"})
    assert response.status_code == 302
    assert response["Location"] == f"/papers/date/2023-07-18?sort=new#paper-{paper.pk}"
    assert Vote.objects.filter(user=alice, paper=paper).exists()


def test_a_vote_never_redirects_off_site(client, alice, paper):
    client.force_login(alice)
    response = client.post(
        reverse("upvote", args=[paper.arxiv_id]), {"next": "https://evil.example/"}, HTTP_REFERER="https://evil.example/"
    )
    assert response["Location"] == f"/papers/2307.08691#paper-{paper.pk}"


def test_voting_on_an_unknown_or_hidden_paper_is_a_404(client, alice):
    make_paper("2307.00002", is_hidden=True)
    client.force_login(alice)
    assert client.post(reverse("upvote", args=["2307.99999"])).status_code == 404
    assert client.post(reverse("upvote", args=["2307.00002"]), HTTP_ACCEPT="application/json").status_code == 404


def test_csrf_is_enforced_on_upvote(alice, paper):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    url = reverse("upvote", args=[paper.arxiv_id])
    assert client.post(url, HTTP_ACCEPT="application/json").status_code == 403
    assert not Vote.objects.exists()
    client.get(paper.get_absolute_url())  # sets the CSRF cookie, as a browser would
    token = client.cookies["csrftoken"].value
    response = client.post(url, HTTP_ACCEPT="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200 and response.json()["voted"] is True


def test_the_upvote_form_works_without_javascript(alice, paper):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    page = html(client.get(paper.get_absolute_url()))
    form = re.search(r'<form class="upvote-form[^"]*" method="post" action="([^"]+)".*?</form>', page, re.S)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(0)).group(1)
    next_url = re.search(r'name="next" value="([^"]+)"', form.group(0)).group(1)
    response = client.post(form.group(1), {"csrfmiddlewaretoken": token, "next": next_url})
    assert response.status_code == 302
    assert 'aria-pressed="true"' in html(client.get(paper.get_absolute_url()))


# --- submitting ------------------------------------------------------------------------------


def test_submitting_needs_a_login(client):
    response = client.get(reverse("submit"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_submit_form_is_labelled_and_prefilled(client, alice):
    client.force_login(alice)
    page = html(client.get(reverse("submit"), {"id": "2307.08691"}))
    assert '<label for="id_arxiv_id">arXiv id or link</label>' in page
    assert 'value="2307.08691"' in page


def test_submitting_a_bad_id_shows_a_clear_error(client, alice):
    client.force_login(alice)
    response = client.post(reverse("submit"), {"arxiv_id": "hello world"})
    assert response.status_code == 200
    assert "“hello world” is not an arXiv identifier (e.g. 2307.08691)" in html(response)
    assert 'aria-invalid="true"' in html(response)


def test_submitting_a_known_paper_features_it_and_goes_to_its_page(client, alice, paper):
    client.force_login(alice)
    response = client.post(reverse("submit"), {"arxiv_id": "https://arxiv.org/pdf/2307.08691v2"}, follow=True)
    assert response.redirect_chain[0] == ("/papers/2307.08691", 302)
    assert "The paper is on today&#x27;s list." in html(response)
    today = datetime.now(timezone.utc).date()
    assert Feature.objects.get(paper=paper, day=today).submitted_by == alice


def test_submitting_it_again_says_it_is_already_on_todays_list(client, alice, bob, paper):
    client.force_login(alice)
    client.post(reverse("submit"), {"arxiv_id": "2307.08691"})
    client.force_login(bob)
    response = client.post(reverse("submit"), {"arxiv_id": "2307.08691"}, follow=True)
    assert "already on today&#x27;s list" in html(response)


def test_links_back_to_the_defaults_drop_the_parameter_instead_of_being_empty(client):
    make_paper("2607.00001", featured=DAY)
    page = html(client.get(reverse("day", args=["2026-07-08"]), {"sort": "new", "list": "arxiv"}))
    assert '<a href="/papers/date/2026-07-08?list=arxiv">Trending</a>' in page
    assert '<a class="tab" href="/papers/date/2026-07-08?sort=new">Featured</a>' in page
    assert 'href=""' not in page


def test_pages_answer_head_requests_but_not_posts(client):
    assert client.head(reverse("home")).status_code == 200
    assert client.post(reverse("trending")).status_code == 405


@pytest.mark.django_db
def test_an_unknown_address_gets_the_sites_own_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"This page does not exist" in response.content
    assert b"Today's papers" in response.content
