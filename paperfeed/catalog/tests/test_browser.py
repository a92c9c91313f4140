"""The site in a real browser: headless Chromium (Debian's /usr/bin/chromium,
driven by Playwright's sync API) against Django's live server.

What a person does: browse days, weeks and months and filter by category,
open a paper and read its abstract with the LaTeX rendered, sign up, log out
and in, upvote (with the mouse and from the keyboard) and see the count change
without a reload, submit a paper that arXiv (a replay of a recorded answer)
has, and use all of it on a phone.

Each test leaves a full-page screenshot in test-artefacts/screenshots/ named
after it (some also keep an earlier step, as `<test>--<step>.png`): look at
them after a change to the templates or the stylesheet.

The catalogue is real data landed through the services: three Hugging Face
daily lists (July 2026) and a few records of the arXiv metadata snapshot
sample, which carry categories and math, put on the 8 July list by a user.

Chromium missing: skipped locally with the reason, a failure under CI=true
(bin/test installs it). Nothing leaves the machine: the browser may only
reach the live server (avatars on Hugging Face's CDN are refused, and the
page falls back to letters as it does offline).
"""

from __future__ import annotations

import json
import os
import re
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from paperfeed.catalog.models import Feature, Paper, Vote
from paperfeed.testing import REPO_DIR, shared_fixture
from paperfeed.testing.replay_server import ReplayServer

from paperfeed.testing.actors import PASSWORD, make_user

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOTS = REPO_DIR / "test-artefacts" / "screenshots"
TIMEOUT_MS = 15_000

HF_BULK = "hf-daily-papers/bulk-2026-07-08"
HF_DAYS = ("2026-07-01", "2026-07-07", "2026-07-08")
DAY = date(2026, 7, 8)
SNAPSHOT_SAMPLE = "arxiv-metadata-sample/kaggle-arxiv-metadata-oai-snapshot.head200.jsonl"
# Snapshot records with categories, and $...$ in their titles and abstracts.
MATH_PAPERS = ("0704.0005", "0704.0011", "0704.0013", "0704.0054", "0704.0120", "0704.0174")
MATH_PAPER = "0704.0013"  # "$p$-adic Limit of Weakly Holomorphic Modular Forms of Half Integral Weight"
ARXIV_BODIES = "arxiv-api/arxiv.py-golden-2026/bodies"

pytestmark = [pytest.mark.slow]


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


# --- the browser -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for all the browser tests (they are all in this module).

    Module-scoped, not session-scoped, on purpose: while Playwright's sync API
    is started, this thread has a running asyncio loop, so Django refuses
    database calls unless DJANGO_ALLOW_ASYNC_UNSAFE is set. Both must end
    with the browser tests, or later tests would inherit them (and the
    variable would leak into the commands they start: `check --deploy`
    rejects it)."""
    problem = None
    if not os.access(CHROMIUM, os.X_OK):
        problem = f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install -y chromium; bin/test does it)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "Playwright is not installed (pip install -e '.[test]'; bin/test does it)"
    if problem:
        if _in_ci():
            pytest.fail(problem)
        pytest.skip(problem)

    from playwright.sync_api import expect, sync_playwright

    # Our test code is plain synchronous code: tell Django so while the browser runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    expect.set_options(timeout=TIMEOUT_MS)
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def live_server(collected_static_files):
    """pytest-django's live server on 127.0.0.1, with static files served as in
    production: by WhiteNoise from the collected, hashed files. (pytest-django
    puts Django's finder-based handler in front, which knows no hashed names.)"""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("127.0.0.1", start=False)
    server.thread.static_handler = lambda application: application
    server.start()
    yield server
    server.stop()


class Browsing:
    """A fresh browser context (cookies, storage) for one test, and its page."""

    def __init__(self, context, page, base_url: str, name: str):
        self.context, self.page, self.base_url, self.name = context, page, base_url, name
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(f"JavaScript error: {error}"))
        page.on("response", self._check_response)

    def _check_response(self, response) -> None:
        url = response.url
        if not url.startswith(self.base_url):
            return
        if response.status >= 500 or (response.status >= 400 and "/static/" in url):
            self.errors.append(f"{response.status} for {url}")

    def goto(self, path: str):
        return self.page.goto(self.base_url + path)

    def log_in_as(self, user) -> None:
        """The session of `user` in this context, without the login form."""
        client = Client()
        client.force_login(user)
        self.context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": self.base_url}]
        )

    def screenshot(self, step: str = "") -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / (f"{self.name}--{step}.png" if step else f"{self.name}.png")
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def has_no_horizontal_scroll(self) -> bool:
        width = self.page.evaluate("document.documentElement.scrollWidth")
        viewport = self.page.viewport_size["width"]
        return width <= viewport


def _open(browser, live_server, request, **context_options) -> Browsing:
    context = browser.new_context(base_url=live_server.url, locale="en-GB", **context_options)
    context.set_default_timeout(TIMEOUT_MS)

    def only_the_live_server(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_the_live_server)
    name = re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
    return Browsing(context, context.new_page(), live_server.url, name)


def _close(browsing: Browsing) -> None:
    try:
        browsing.screenshot()
        if not browsing.has_no_horizontal_scroll():
            browsing.errors.append(f"{browsing.page.url} scrolls sideways")
    finally:
        browsing.context.close()
    if browsing.errors:
        pytest.fail("the browser saw: " + "; ".join(browsing.errors[:5]))


@pytest.fixture
def web(browser, live_server, request):
    """A desktop-sized browser tab, closed with a screenshot after the test."""
    browsing = _open(browser, live_server, request, viewport={"width": 1280, "height": 900})
    yield browsing
    _close(browsing)


@pytest.fixture
def phone(browser, live_server, request):
    """A phone-sized tab (375×812, touch), closed with a screenshot after the test."""
    browsing = _open(
        browser, live_server, request,
        viewport={"width": 375, "height": 812}, device_scale_factor=1, is_mobile=True, has_touch=True,
    )  # fmt: skip
    yield browsing
    _close(browsing)


# --- the catalogue -----------------------------------------------------------------------


@pytest.fixture
def catalogue(transactional_db, tmp_path):
    """Three Hugging Face daily lists, and snapshot papers with math on the 8 July list."""
    from paperfeed.catalog.submissions import paper_submit
    from paperfeed.ingest.services import hf_ingest, snapshot_import

    hf_ingest(files=[str(shared_fixture(f"{HF_BULK}/daily_papers_date-{day}.json")) for day in HF_DAYS])
    sample = shared_fixture(SNAPSHOT_SAMPLE)
    lines = [line for line in sample.read_text().splitlines() if line and json.loads(line)["id"] in MATH_PAPERS]
    assert len(lines) == len(MATH_PAPERS)
    picked = tmp_path / "math-papers.jsonl"
    picked.write_text("\n".join(lines) + "\n")
    snapshot_import(path=str(picked))
    editor = make_user("editor")
    for arxiv_id in MATH_PAPERS:
        paper_submit(user=editor, raw_id=arxiv_id, today=DAY)
    return {"editor": editor}


def _cards(page):
    return page.locator("article.paper-card")


def _card(page, arxiv_id: str):
    return page.locator(f'article.paper-card[data-paper-id="{arxiv_id}"]')


def _featured_on(*days: str) -> int:
    return Paper.objects.filter(features__day__in=days).distinct().count()


# --- browsing -------------------------------------------------------------------------------


def test_browsing_days_weeks_and_months(web, catalogue):
    from playwright.sync_api import expect

    page = web.page
    on_the_8th, on_the_7th, on_the_1st = (_featured_on(d) for d in ("2026-07-08", "2026-07-07", "2026-07-01"))
    in_week_28 = _featured_on("2026-07-07", "2026-07-08")
    in_july = _featured_on(*HF_DAYS)

    web.goto("/")
    expect(page.locator("h1")).to_have_text("Wednesday, 8 July 2026")
    expect(_cards(page)).to_have_count(on_the_8th)
    expect(page.get_by_role("link", name="Daily")).to_have_attribute("aria-current", "page")

    page.get_by_role("link", name="7 Jul 2026").click()
    expect(page).to_have_url(re.compile(r"/papers/date/2026-07-07$"))
    expect(page.locator("h1")).to_have_text("Tuesday, 7 July 2026")
    expect(_cards(page)).to_have_count(on_the_7th)

    # No list from 2 to 6 July: "previous" goes to the nearest day with papers.
    page.locator('.period-nav a[rel="prev"]').click()
    expect(page.locator("h1")).to_have_text("Wednesday, 1 July 2026")
    expect(_cards(page)).to_have_count(on_the_1st)
    expect(page.locator('.period-nav [aria-disabled="true"]')).to_have_text(re.compile("Earlier"))
    page.locator('.period-nav a[rel="next"]').click()
    expect(page.locator("h1")).to_have_text("Tuesday, 7 July 2026")

    page.get_by_role("navigation", name="Period").get_by_role("link", name="Week").click()
    expect(page).to_have_url(re.compile(r"/papers/week/2026-W28$"))
    expect(page.locator("h1")).to_have_text("Week 28, 2026")
    expect(page.locator(".feed-title .subtle")).to_have_text("6–12 July 2026")
    expect(page.locator(".list-summary")).to_contain_text(f"{in_week_28} papers")
    assert in_week_28 > 50  # two pages
    expect(_cards(page)).to_have_count(50)
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"/papers/week/2026-W28\?page=2$"))
    expect(page.locator(".page-status")).to_have_text("Page 2 of 2")
    expect(_cards(page)).to_have_count(in_week_28 - 50)
    page.locator('.period-nav a[rel="prev"]').click()  # the page number is not carried over
    expect(page.locator("h1")).to_have_text("Week 27, 2026")
    expect(_cards(page)).to_have_count(on_the_1st)
    page.locator('.period-nav a[rel="next"]').click()
    expect(page.locator("h1")).to_have_text("Week 28, 2026")

    page.get_by_role("navigation", name="Period").get_by_role("link", name="Month").click()
    expect(page).to_have_url(re.compile(r"/papers/month/2026-07$"))
    expect(page.locator("h1")).to_have_text("July 2026")
    expect(page.locator(".list-summary")).to_contain_text(f"{in_july} papers")
    expect(_cards(page)).to_have_count(50)
    expect(page.locator(".page-status")).to_have_text("Page 1 of 2")

    page.get_by_role("link", name="Newest").click()
    expect(page).to_have_url(re.compile(r"/papers/month/2026-07\?sort=new$"))
    expect(page.get_by_role("link", name="Newest")).to_have_attribute("aria-current", "page")
    # Newest first: the 8 July papers lead.
    expect(_cards(page).first.locator("time")).to_have_text("8 Jul 2026")


def test_the_category_filter(web, catalogue):
    from playwright.sync_api import expect

    page = web.page
    web.goto("/papers/date/2026-07-08")
    chips = page.get_by_role("navigation", name="Filter by category")
    expect(chips.get_by_role("link", name="All")).to_have_attribute("aria-current", "page")
    math_nt = Paper.objects.filter(category_links__code="math.NT", features__day=DAY).count()
    assert math_nt == 2

    chips.get_by_role("link", name=re.compile(r"^math\.NT")).click()
    expect(page).to_have_url(re.compile(r"\?category=math\.NT$"))
    expect(chips.get_by_role("link", name=re.compile(r"^math\.NT"))).to_have_attribute("aria-current", "page")
    expect(page.locator(".list-summary")).to_contain_text("2 papers in math.NT")
    expect(_cards(page)).to_have_count(math_nt)
    for card in _cards(page).all():
        expect(card.locator(".tag-category", has_text="math.NT")).to_have_count(1)

    chips.get_by_role("link", name="All").click()
    expect(_cards(page)).to_have_count(_featured_on("2026-07-08"))


def test_a_paper_opens_from_its_card_with_its_math_rendered(web, catalogue):
    from playwright.sync_api import expect

    page = web.page
    web.goto("/papers/date/2026-07-08?category=math.NT")
    card = _card(page, MATH_PAPER)
    # KaTeX renders card titles and summaries too.
    expect(card.locator(".card-title .katex")).to_have_count(1)
    card.locator(".card-title a").click()

    expect(page).to_have_url(re.compile(rf"/papers/{re.escape(MATH_PAPER)}$"))
    title = page.locator("h1.paper-title")
    expect(title).to_contain_text("-adic Limit of Weakly Holomorphic Modular Forms")
    expect(title.locator(".katex")).to_have_count(1)  # $p$
    abstract = page.locator(".abstract")
    expect(abstract).to_contain_text("weakly holomorphic modular forms of half integral weight")
    assert abstract.locator(".katex").count() >= 5
    # Rendered, not raw: no dollar sign is left in the text a reader sees, and
    # KaTeX's stylesheet and fonts are in use (the formula is typeset in KaTeX_Math).
    visible_text = abstract.evaluate(
        "el => Array.from(el.childNodes).filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.textContent).join('')"
    )
    assert "$" not in visible_text
    font = abstract.locator(".katex .mathnormal").first.evaluate("el => getComputedStyle(el).fontFamily")
    assert "KaTeX_Math" in font
    expect(page.locator(".paper-kicker")).to_contain_text("math.NT")
    expect(page.locator(".details")).to_contain_text("submitted by editor")


# --- accounts -------------------------------------------------------------------------------


def test_signing_up_logging_out_and_logging_in(web, catalogue):
    from playwright.sync_api import expect

    page = web.page
    web.goto("/")
    page.locator(".account-nav").get_by_role("link", name="Sign up").click()
    expect(page.locator("h1")).to_have_text("Create your account")
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Email").fill("dana@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    web.screenshot("form")
    page.get_by_role("button", name="Create account").click()

    expect(page.locator(".message-success")).to_have_text("Welcome to paperfeed, dana!")
    expect(page.locator(".account-name")).to_have_text("dana")
    assert get_user_model().objects.get(username="dana").email == "dana@example.org"

    page.get_by_role("button", name="Log out").click()
    expect(page.locator(".message")).to_have_text("You have logged out.")
    expect(page.locator(".account-nav").get_by_role("link", name="Log in")).to_be_visible()

    page.locator(".account-nav").get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".form-card")).to_contain_text("Please enter a correct username and password")
    web.screenshot("wrong-password")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("h1")).to_have_text("Wednesday, 8 July 2026")  # home
    expect(page.locator(".account-name")).to_have_text("dana")


# --- upvotes -------------------------------------------------------------------------------


def _count(form) -> int:
    return int(form.locator(".upvote-count").inner_text())


def test_upvoting_on_a_card_and_on_the_paper_page(web, catalogue):
    from playwright.sync_api import expect

    page = web.page
    alice = make_user("alice")
    web.log_in_as(alice)
    paper = Paper.objects.filter(features__day=DAY).exclude(upstream_upvotes=None).order_by("arxiv_id").first()
    before = paper.upvotes + paper.upstream_upvotes

    web.goto("/papers/date/2026-07-08")
    button = _card(page, paper.arxiv_id).locator(".upvote-button")
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(button.locator(".upvote-count")).to_have_text(str(before))
    page.evaluate("window.notReloaded = true")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button.locator(".upvote-count")).to_have_text(str(before + 1))
    expect(button).to_have_attribute("title", re.compile(r"^1 upvote here \+ \d+ on Hugging Face$"))
    assert page.evaluate("window.notReloaded") is True  # fetch(), not a form post

    page.reload()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button.locator(".upvote-count")).to_have_text(str(before + 1))
    assert Vote.objects.filter(user=alice, paper=paper).count() == 1

    _card(page, paper.arxiv_id).locator(".card-title a").click()
    expect(page).to_have_url(re.compile(rf"/papers/{re.escape(paper.arxiv_id)}$"))
    big = page.locator(".vote-panel .upvote-button")
    expect(big).to_have_attribute("aria-pressed", "true")
    expect(big.locator(".upvote-count")).to_have_text(str(before + 1))
    expect(page.locator(".upvote-local")).to_have_text("1 upvote here")
    page.evaluate("window.notReloaded = true")
    big.click()
    expect(big).to_have_attribute("aria-pressed", "false")
    expect(big.locator(".upvote-count")).to_have_text(str(before))
    expect(page.locator(".upvote-local")).to_have_text("0 upvotes here")
    assert page.evaluate("window.notReloaded") is True
    web.screenshot("taken-back")

    big.click()
    expect(big).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(big).to_have_attribute("aria-pressed", "true")
    expect(big.locator(".upvote-count")).to_have_text(str(before + 1))
    expect(page.locator(".upvote-local")).to_have_text("1 upvote here")
    assert Paper.objects.get(pk=paper.pk).upvotes == 1


def test_the_upvote_button_works_from_the_keyboard(web, catalogue):
    from playwright.sync_api import expect

    page = web.page
    web.log_in_as(make_user("alice"))
    web.goto(f"/papers/{MATH_PAPER}")
    big = page.locator(".vote-panel .upvote-button")
    expect(big).to_have_attribute("aria-pressed", "false")

    for _ in range(40):
        page.keyboard.press("Tab")
        if big.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the upvote button")
    # The focus is visible (the :focus-visible outline), then Enter votes.
    assert big.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    page.keyboard.press("Enter")
    expect(big).to_have_attribute("aria-pressed", "true")
    expect(big.locator(".upvote-count")).to_have_text("1")
    expect(page.locator(".upvote-local")).to_have_text("1 upvote here")
    assert big.evaluate("el => el === document.activeElement")  # focus stays put for the next key


def test_an_anonymous_upvote_leads_to_the_login_page_and_back(web, catalogue):
    from playwright.sync_api import expect

    page = web.page
    make_user("alice")
    web.goto("/papers/date/2026-07-08")
    _card(page, MATH_PAPER).locator(".upvote-button").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    expect(page.locator("h1")).to_have_text("Log in")
    assert not Vote.objects.exists()
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/papers/date/2026-07-08$"))
    expect(_card(page, MATH_PAPER).locator(".upvote-button")).to_have_attribute("aria-pressed", "false")


# --- submitting -------------------------------------------------------------------------------


@pytest.fixture
def arxiv(settings):
    """A replay of arXiv's query API: 1605.08386 exists, 0000.0000 does not."""
    with ReplayServer() as server:
        server.add_file(
            "/api/query", shared_fixture(f"{ARXIV_BODIES}/id_1605.08386_s0_m100_199195aa31ad.xml"),
            query={"id_list": "1605.08386"},
        )  # fmt: skip
        server.add_file(
            "/api/query", shared_fixture(f"{ARXIV_BODIES}/id_0000.0000_s0_m100_8b51d9633a68.xml"),
            query={"id_list": "0000.0000"},
        )  # fmt: skip
        settings.PAPERFEED_ARXIV_API_URL = server.url + "/api/query"
        yield server


def test_submitting_a_paper_by_id_puts_it_on_today_s_list(web, catalogue, arxiv):
    from playwright.sync_api import expect

    page = web.page
    alice = make_user("alice")
    web.log_in_as(alice)
    web.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Submit").click()
    expect(page.locator("h1")).to_have_text("Submit a paper")
    field = page.get_by_label("arXiv id or link")
    expect(field).to_be_focused()
    field.fill("https://arxiv.org/abs/1605.08386v1")
    page.get_by_role("button", name="Submit paper").click()

    expect(page).to_have_url(re.compile(r"/papers/1605\.08386$"))
    expect(page.locator(".message-success")).to_have_text("Thank you! The paper is on today's list.")
    expect(page.locator("h1.paper-title")).to_have_text("Heat-bath random walks with Markov bases")
    today = datetime.now(timezone.utc).date()
    featured = page.locator(".featured-list li")
    expect(featured).to_have_count(1)
    expect(featured).to_contain_text(f"{today.day} {today:%b %Y} · submitted by alice")
    assert [r.query["id_list"] for r in arxiv.requests] == ["1605.08386"]
    assert Feature.objects.get(paper__arxiv_id="1605.08386").day == today
    web.screenshot("paper-page")

    # Today's list, on the home page, now leads with it.
    page.get_by_role("link", name="Daily").click()
    expect(page.locator(".eyebrow").first).to_contain_text("Today")
    expect(_cards(page)).to_have_count(1)
    expect(_card(page, "1605.08386")).to_be_visible()


def test_a_bad_id_shows_the_error(web, catalogue, arxiv):
    from playwright.sync_api import expect

    page = web.page
    web.log_in_as(make_user("alice"))
    web.goto("/papers/submit")
    field = page.get_by_label("arXiv id or link")
    field.fill("flash attention")
    page.get_by_role("button", name="Submit paper").click()
    error = page.locator(".field-error")
    expect(error).to_have_text("“flash attention” is not an arXiv identifier (e.g. 2307.08691)")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_value("flash attention")
    web.screenshot("not-an-id")
    assert arxiv.requests == []

    field.fill("0000.0000")
    page.get_by_role("button", name="Submit paper").click()
    expect(error).to_have_text("arXiv has no paper 0000.0000.")
    assert [r.query["id_list"] for r in arxiv.requests] == ["0000.0000"]
    assert not Paper.objects.filter(arxiv_id="0000.0000").exists()


# --- email subscriptions --------------------------------------------------------------------------


def _confirmation_path(message) -> str:
    """The path of the confirmation link in a mail (its host is PAPERFEED_BASE_URL's, not the live server's)."""
    from urllib.parse import urlsplit

    return urlsplit(re.search(r"https?://\S+/subscribe/confirm/[\w:.-]+", message.body).group(0)).path


def test_following_an_author_then_managing_the_mail(web, catalogue, mailoutbox):
    from playwright.sync_api import expect

    page = web.page
    web.log_in_as(make_user("alice"))
    web.goto(f"/papers/{MATH_PAPER}")
    author = page.locator("main a[href^='/authors/']").first
    name = author.inner_text().strip()
    author.click()
    expect(page.locator("h1")).to_contain_text(name)
    page.get_by_role("button", name="Follow: mail me new papers").click()
    expect(page.locator(".messages")).to_contain_text(f"New papers by {name}")
    expect(page.locator(".messages")).to_contain_text("follow it to confirm the address")
    web.screenshot("followed")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Email").click()
    expect(page.locator("h1")).to_have_text("Email subscriptions")
    expect(page.locator(".subs-status")).to_contain_text("Not confirmed yet")
    assert [m.to for m in mailoutbox] == [["alice@example.org"]]
    web.goto(_confirmation_path(mailoutbox[0]))
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("h1")).to_have_text("You are subscribed")

    page.get_by_role("link", name="Your subscriptions").click()
    row = page.locator(".subs-row").filter(has_text=name)
    expect(row).to_have_count(1)
    row.get_by_label("How often").select_option("weekly")
    row.get_by_role("button", name="Change").click()
    expect(page.locator(".messages")).to_contain_text("Frequency changed.")
    expect(page.locator(".subs-row").filter(has_text=name).get_by_label("How often")).to_have_value("weekly")
    page.locator(".subs-add").get_by_label("Mail me").select_option("trending")
    page.locator(".subs-add").get_by_role("button", name="Add").click()
    expect(page.locator(".subs-row")).to_have_count(2)
    page.get_by_role("button", name="Pause all mail").click()
    expect(page.locator(".subs-status")).to_contain_text("All mail is paused")


def test_an_anonymous_visitor_subscribes_with_an_email_address(web, catalogue, mailoutbox):
    from playwright.sync_api import expect

    page = web.page
    web.goto("/subscribe")
    page.get_by_label("Your email address").fill("dana@example.org")
    page.get_by_role("button", name="Send me the confirmation link").click()
    expect(page.locator("h1")).to_have_text("Check your inbox")
    assert [m.to for m in mailoutbox] == [["dana@example.org"]]
    web.goto(_confirmation_path(mailoutbox[0]))
    web.screenshot("confirm")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("h1")).to_have_text("You are subscribed")


# --- the phone layout ---------------------------------------------------------------------------


def test_the_phone_layout(phone, catalogue):
    from playwright.sync_api import expect

    page = phone.page
    for step, path in [("signup", "/accounts/signup/"), ("login", "/accounts/login/"), ("subscribe", "/subscribe")]:
        phone.goto(path)
        assert phone.has_no_horizontal_scroll(), f"{path} scrolls sideways at 375 px"
        phone.screenshot(step)
    phone.log_in_as(make_user("alice"))
    pages = [
        ("home", "/"),
        ("week", "/papers/week/2026-W28"),
        ("paper", f"/papers/{MATH_PAPER}"),
        ("submit", "/papers/submit"),
        ("profile", "/accounts/profile/"),
        ("trending", "/papers/trending"),
        ("search", "/search?q=modular+forms"),
        ("subscriptions", "/subscriptions"),
    ]
    for step, path in pages:
        phone.goto(path)
        page.wait_for_load_state("load")
        assert phone.has_no_horizontal_scroll(), f"{path} scrolls sideways at 375 px"
        phone.screenshot(step)

    # The main navigation is on screen, each link big enough to tap, and it works.
    phone.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    for name in ("Daily", "Trending", "Submit"):
        box = nav.get_by_role("link", name=name).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375, name
        assert box["height"] >= 32, f"{name} is {box['height']} px high"
    nav.get_by_role("link", name="Trending").tap()
    expect(page.locator("h1")).to_have_text("Trending papers")
    assert phone.has_no_horizontal_scroll()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Daily").tap()
    expect(page.locator("h1")).to_have_text("Wednesday, 8 July 2026")

    # Upvoting by touch.
    button = _card(page, MATH_PAPER).locator(".upvote-button")
    button.tap()
    expect(button).to_have_attribute("aria-pressed", "true")

    # The controls fit: the period and sort switches, and the category chips scroll within their bar.
    for selector in (".period-nav", ".control-groups", ".chip-bar", ".paper-card"):
        box = page.locator(selector).first.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375 + 0.5, selector
    assert phone.has_no_horizontal_scroll()
