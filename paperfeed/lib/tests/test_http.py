"""The real HttpClient against a ReplayServer on 127.0.0.1 (no external network)."""

from __future__ import annotations

import logging
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from email.utils import formatdate
from typing import Any

import pytest
from urllib3.exceptions import ProtocolError

from paperfeed.lib import http
from paperfeed.lib.http import FetchError, HttpClient, RateGate
from paperfeed.testing.replay_server import ReplayServer, Response

UA = "paperfeed-test/1.0 (+https://example.invalid)"


def make_client(**overrides: Any) -> HttpClient:
    # Small backoff and timeouts keep the suite fast; the protocol is the same.
    options: dict[str, Any] = dict(
        source_name="arXiv", user_agent=UA, connect_timeout=0.5, read_timeout=0.5, retries=3, backoff=0.01
    )
    return HttpClient(**{**options, **overrides})


class FakeTime:
    """A clock that only moves when the fake sleep is called."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class CountingGate(RateGate):
    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.calls = 0

    def wait(self) -> None:
        self.calls += 1
        super().wait()


@pytest.fixture
def server():
    with ReplayServer() as running:
        yield running


def test_it_returns_the_body_of_a_200_and_sends_the_user_agent(server):
    server.add("/feed", b"<feed/>", headers={"Content-Type": "application/atom+xml"})
    with make_client() as client:
        assert client.get(server.url + "/feed") == b"<feed/>"
    [request] = server.requests
    assert request.headers["User-Agent"] == UA


def test_it_encodes_params_into_the_query_string(server):
    params = {"search_query": "cat:cs.AI AND ti:\"large models\"", "start": 0, "max_results": 200}
    server.add("/api/query", b"page", query={"search_query": params["search_query"], "start": 0})
    assert make_client().get(server.url + "/api/query", params=params) == b"page"
    assert server.requests[0].query == {k: str(v) for k, v in params.items()}


def test_it_retries_a_429_then_succeeds_after_waiting_the_retry_after(server):
    server.add_sequence("/feed", [Response(status=429, headers={"Retry-After": "1"}), Response(body=b"ok")])
    assert make_client().get(server.url + "/feed") == b"ok"
    first, second = server.requests
    assert second.time - first.time >= 1.0


def test_it_retries_a_503_three_times_then_succeeds(server):
    server.add_sequence("/feed", [Response(status=503)] * 3 + [Response(body=b"ok")])
    assert make_client(retries=3).get(server.url + "/feed") == b"ok"
    assert len(server.requests) == 4


def test_it_logs_each_retry_at_info(server, caplog):
    server.add_sequence("/feed", [Response(status=503), Response(body=b"ok")])
    with caplog.at_level(logging.INFO, logger="paperfeed.http"):
        make_client().get(server.url + "/feed")
    retries = [r for r in caplog.records if r.name == "paperfeed.http" and r.levelno == logging.INFO]
    assert len(retries) == 1
    assert "HTTP 503" in retries[0].getMessage() and "retry 1 of 3" in retries[0].getMessage()


def test_it_gives_up_on_a_503_that_never_ends_naming_url_and_status(server):
    server.add("/feed", b"down", status=503)
    url = server.url + "/feed"
    with pytest.raises(FetchError) as caught:
        make_client(retries=2).get(url, params={"id_list": "2401.00001"})
    assert len(server.requests) == 3  # one attempt plus two retries
    error = caught.value
    assert error.status == 503
    assert error.url == url + "?id_list=2401.00001"
    assert str(error) == f"arXiv: GET {error.url} failed after 3 attempts: HTTP 503 Service Unavailable"


def test_it_fails_on_a_404_at_once_without_retrying(server):
    url = server.url + "/missing"  # no route: the replay server answers 404
    with pytest.raises(FetchError) as caught:
        make_client().get(url)
    assert len(server.requests) == 1
    assert caught.value.status == 404
    assert str(caught.value) == f"arXiv: GET {url}: HTTP 404 Not Found"


def test_it_returns_a_400_body_when_the_caller_accepts_it(server):
    error_feed = b"<feed><entry><id>http://arxiv.org/api/errors#incorrect_id_format</id></entry></feed>"
    server.add("/api/query", error_feed, status=400)
    client = make_client()
    assert client.get(server.url + "/api/query", accept_statuses=(400,)) == error_feed
    with pytest.raises(FetchError, match="HTTP 400"):
        client.get(server.url + "/api/query")
    assert len(server.requests) == 2  # neither was retried


def test_it_retries_a_read_timeout_then_fails_saying_so(server):
    server.add_sequence("/slow", [Response(body=b"late", delay=2.0)])
    with pytest.raises(FetchError) as caught:
        make_client(read_timeout=0.2, retries=1).get(server.url + "/slow")
    assert len(server.requests) == 2
    assert caught.value.status is None
    assert "failed after 2 attempts: read timed out after 0.2 s" in str(caught.value)


def test_it_retries_a_truncated_body_then_fails_saying_so(server):
    server.add_sequence("/dump", [Response(body=b"x" * 5000, truncate_at=1200)])
    with pytest.raises(FetchError) as caught:
        make_client(retries=2).get(server.url + "/dump")
    assert len(server.requests) == 3
    assert "failed after 3 attempts: response body truncated (got 1200 of 5000 bytes)" in str(caught.value)


def test_it_succeeds_when_a_truncated_body_is_followed_by_a_complete_one(server):
    body = b"<OAI-PMH>" + b"r" * 4000 + b"</OAI-PMH>"
    server.add_sequence("/oai", [Response(body=body, truncate_at=100), Response(body=body)])
    assert make_client().get(server.url + "/oai") == body
    assert len(server.requests) == 2


def test_it_fails_clearly_when_the_connection_is_refused():
    with socket.socket() as probe:  # a port that was free a moment ago and is now closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/feed"
    with pytest.raises(FetchError) as caught:
        make_client(retries=1).get(url)
    assert caught.value.status is None
    assert str(caught.value).startswith(f"arXiv: GET {url} failed after 2 attempts: could not connect")


def test_the_gate_spaces_waits_by_the_minimum_interval_in_fake_time():
    fake = FakeTime()
    gate = RateGate(3, clock=fake.clock, sleep=fake.sleep)
    returned = []
    for _ in range(3):
        gate.wait()
        returned.append(fake.now)
    assert [b - a for a, b in zip(returned, returned[1:])] == [3, 3]
    assert fake.sleeps == [3, 3]
    fake.now += 5  # enough time passed on its own: no sleep
    gate.wait()
    assert fake.sleeps == [3, 3]


def test_the_gate_is_also_applied_to_urllib3_retries(server):
    fake = FakeTime()
    gate = CountingGate(3, clock=fake.clock, sleep=fake.sleep)
    server.add_sequence("/feed", [Response(status=503), Response(body=b"ok")])
    assert make_client(gate=gate).get(server.url + "/feed") == b"ok"
    assert gate.calls == 2  # before the first attempt and before the retry
    assert fake.sleeps == [3]


def test_the_gate_is_also_applied_to_truncation_retries(server):
    fake = FakeTime()
    gate = CountingGate(3, clock=fake.clock, sleep=fake.sleep)
    server.add_sequence("/dump", [Response(body=b"abcdef", truncate_at=2), Response(body=b"abcdef")])
    assert make_client(gate=gate).get(server.url + "/dump") == b"abcdef"
    assert gate.calls == 2


def test_two_threads_sharing_a_gated_client_are_spaced_on_the_server_side(server):
    server.add("/feed", b"ok")
    client = make_client(gate=RateGate(0.2))
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(client.get, server.url + "/feed") for _ in range(4)]
    assert [f.result() for f in futures] == [b"ok"] * 4  # re-raises a thread's error here
    times = sorted(r.time for r in server.requests)
    assert len(times) == 4
    # The gate spaces the sends; 10 ms allows for one request reaching the server a bit later.
    assert min(b - a for a, b in zip(times, times[1:])) >= 0.2 - 0.01


def test_arxiv_clients_share_one_gate_following_the_setting(settings):
    settings.PAPERFEED_ARXIV_MIN_INTERVAL = 0.5
    settings.PAPERFEED_USER_AGENT = UA
    first, second = http.arxiv_client(), http.arxiv_client()
    assert first is not second
    assert first.gate is second.gate is http.arxiv_gate()
    assert first.gate.min_interval == 0.5
    assert first.source_name == "arXiv"


def test_the_hugging_face_client_is_not_gated(settings, server):
    settings.PAPERFEED_USER_AGENT = UA
    settings.PAPERFEED_HTTP_RETRIES = 0
    client = http.hf_client()
    assert client.gate is None and client.source_name == "Hugging Face"
    server.add("/api/daily_papers", b"[]")
    assert client.get(server.url + "/api/daily_papers") == b"[]"
    assert server.requests[0].headers["User-Agent"] == UA


def test_it_falls_back_to_backoff_when_retry_after_is_malformed(server):
    server.add_sequence("/feed", [Response(status=503, headers={"Retry-After": "soon"}), Response(body=b"ok")])
    assert make_client().get(server.url + "/feed") == b"ok"
    assert len(server.requests) == 2


def test_it_understands_retry_after_as_an_http_date():
    retry = http._GatedRetry(total=1)
    seconds = retry.parse_retry_after(formatdate(time.time() + 30, usegmt=True))
    assert 28 <= seconds <= 30


def test_it_backs_off_exponentially_from_the_first_retry():
    retry = http._GatedRetry(total=5, backoff_factor=2.0, backoff_max=5.0)
    waits = []
    for _ in range(4):
        retry = retry.increment("GET", "/feed", error=ProtocolError("reset"))
        waits.append(retry.get_backoff_time())
    assert waits == [2.0, 4.0, 5.0, 5.0]


def test_the_replay_server_matches_query_params_and_answers_404_otherwise(server):
    server.add("/oai", b"identify", query={"verb": "Identify"})
    server.add("/oai", b"records", query={"verb": "ListRecords", "set": "cs"})
    client = make_client()
    assert client.get(server.url + "/oai", params={"verb": "ListRecords", "set": "cs", "from": "2024-01-01"}) == b"records"
    assert client.get(server.url + "/oai", params={"verb": "Identify"}) == b"identify"
    with pytest.raises(FetchError, match="HTTP 404"):
        client.get(server.url + "/oai", params={"verb": "ListSets"})


def test_the_replay_server_serves_files(server, tmp_path):
    recorded = tmp_path / "page.xml"
    recorded.write_bytes(b"<OAI-PMH/>")
    server.add_file("/oai", recorded)
    assert make_client().get(server.url + "/oai") == b"<OAI-PMH/>"


def test_the_replay_server_leaves_no_threads_behind():
    before = set(threading.enumerate())
    with ReplayServer() as replay:
        replay.add("/fast", b"ok")
        replay.add_sequence("/slow", [Response(body=b"late", delay=5.0)])
        client = make_client(retries=0, read_timeout=0.1)
        client.get(replay.url + "/fast")  # leaves a keep-alive connection open
        with pytest.raises(FetchError):
            client.get(replay.url + "/slow")  # leaves a handler sleeping in its delay
    assert set(threading.enumerate()) - before == set()
    client.close()
