from datetime import date

import pytest

from paperfeed.catalog.models import Feature, Paper
from paperfeed.catalog.submissions import SubmissionError, paper_submit, parse_submitted_id
from paperfeed.ingest.models import IngestRun
from paperfeed.testing import shared_fixture
from paperfeed.testing.replay_server import ReplayServer

from .conftest import make_paper

pytestmark = pytest.mark.django_db

BODIES = "arxiv-api/arxiv.py-golden-2026/bodies"
TODAY = date(2026, 7, 8)


@pytest.fixture
def arxiv(settings):
    """A replay of arXiv's query API: 1605.08386 exists, 0000.0000 does not."""
    with ReplayServer() as server:
        server.add_file(
            "/api/query", shared_fixture(f"{BODIES}/id_1605.08386_s0_m100_199195aa31ad.xml"), query={"id_list": "1605.08386"}
        )
        server.add_file(
            "/api/query", shared_fixture(f"{BODIES}/id_0000.0000_s0_m100_8b51d9633a68.xml"), query={"id_list": "0000.0000"}
        )
        settings.PAPERFEED_ARXIV_API_URL = server.url + "/api/query"
        yield server


@pytest.mark.parametrize(
    "raw, bare",
    [
        ("2307.08691", "2307.08691"),
        ("  2307.08691v3 ", "2307.08691"),
        ("arXiv:2307.08691", "2307.08691"),
        ("https://arxiv.org/abs/2307.08691v2", "2307.08691"),
        ("https://arxiv.org/pdf/2307.08691v2.pdf", "2307.08691"),
        ("arxiv.org/pdf/2307.08691", "2307.08691"),
        ("https://www.arxiv.org/abs/hep-th/9901001?context=hep-th", "hep-th/9901001"),
        ("https://export.arxiv.org/abs/math.GT/0309136v1", "math.GT/0309136"),
    ],
)
def test_it_understands_ids_and_arxiv_links(raw, bare):
    assert parse_submitted_id(raw) == bare


@pytest.mark.parametrize("raw", ["", "hello", "2307.086", "https://example.org/abs/2307.08691", "1234.5678.9"])
def test_it_says_when_something_is_not_an_arxiv_id(raw):
    with pytest.raises(SubmissionError, match=r"is not an arXiv identifier \(e\.g\. 2307\.08691\)"):
        parse_submitted_id(raw)


def test_a_paper_in_the_catalogue_is_featured_without_asking_arxiv(alice, arxiv):
    paper = make_paper("2307.08691")
    found, created = paper_submit(user=alice, raw_id="2307.08691v2", today=TODAY)
    assert (found, created) == (paper, True)
    assert arxiv.requests == []
    feature = Feature.objects.get(paper=paper, day=TODAY)
    assert (feature.source, feature.submitted_by, feature.submitter_handle) == ("submission", alice, "alice")
    assert feature.featured_at is not None


def test_a_new_paper_is_fetched_from_arxiv_then_featured(alice, arxiv):
    found, created = paper_submit(user=alice, raw_id="https://arxiv.org/abs/1605.08386", today=TODAY)
    assert created
    assert found.title == "Heat-bath random walks with Markov bases"
    assert [a.author.name for a in found.authorships.all()] == ["Caprice Stanley", "Tobias Windisch"]
    assert [r.query["id_list"] for r in arxiv.requests] == ["1605.08386"]
    assert Feature.objects.filter(paper=found, day=TODAY, submitted_by=alice).exists()


def test_a_paper_arxiv_does_not_have_is_a_clear_error(alice, arxiv):
    with pytest.raises(SubmissionError, match=r"arXiv has no paper 0000\.0000"):
        paper_submit(user=alice, raw_id="0000.0000", today=TODAY)
    assert not Paper.objects.exists() and not Feature.objects.exists()


def test_a_network_failure_is_a_clear_error_and_writes_nothing(alice, settings):
    settings.PAPERFEED_ARXIV_API_URL = "http://127.0.0.1:9/api/query"  # nothing listens there
    with pytest.raises(SubmissionError, match="arXiv could not be reached"):
        paper_submit(user=alice, raw_id="1605.08386", today=TODAY)
    assert not Paper.objects.exists() and not Feature.objects.exists()
    assert IngestRun.objects.get().status == IngestRun.FAILED  # the attempt is on record


def test_an_arxiv_server_error_is_a_clear_error(alice, settings):
    with ReplayServer() as server:
        server.add("/api/query", b"down for maintenance", status=503)
        settings.PAPERFEED_ARXIV_API_URL = server.url + "/api/query"
        with pytest.raises(SubmissionError, match="arXiv could not be reached"):
            paper_submit(user=alice, raw_id="1605.08386", today=TODAY)
    assert not Paper.objects.exists()


def test_a_paper_already_on_todays_list_is_not_featured_twice(alice, bob):
    make_paper("2307.08691", featured=TODAY)
    _, created = paper_submit(user=bob, raw_id="2307.08691", today=TODAY)
    assert not created
    assert Feature.objects.filter(day=TODAY).count() == 1


def test_a_hidden_paper_cannot_be_featured(alice):
    make_paper("2307.08691", is_hidden=True)
    with pytest.raises(SubmissionError, match="hidden by the moderators"):
        paper_submit(user=alice, raw_id="2307.08691", today=TODAY)


def test_a_user_may_submit_a_limited_number_of_papers_a_day(alice, settings):
    settings.PAPERFEED_SUBMISSIONS_PER_DAY = 2
    for n in range(3):
        make_paper(f"2307.0000{n}")
    paper_submit(user=alice, raw_id="2307.00000", today=TODAY)
    paper_submit(user=alice, raw_id="2307.00001", today=TODAY)
    with pytest.raises(SubmissionError, match="You have submitted 2 papers today"):
        paper_submit(user=alice, raw_id="2307.00002", today=TODAY)


def test_the_submit_page_shows_a_fetch_error_in_the_form(client, alice, arxiv):
    client.force_login(alice)
    response = client.post("/papers/submit", {"arxiv_id": "0000.0000"})
    assert response.status_code == 200
    assert "arXiv has no paper 0000.0000" in response.content.decode()


def test_the_submit_page_fetches_and_redirects_to_the_new_paper(client, alice, arxiv):
    client.force_login(alice)
    response = client.post("/papers/submit", {"arxiv_id": "1605.08386"})
    assert response.status_code == 302 and response["Location"] == "/papers/1605.08386"
    assert "Heat-bath random walks" in client.get(response["Location"]).content.decode()
