"""The one HTTP client every fetcher uses: timeouts, retries, a rate gate.

urllib3's ``Retry`` retries 429/5xx, connect errors and read timeouts inside
the transport adapter, below ``HttpClient.get``.  So the rate gate is waited on
in ``_GatedAdapter.send`` (first attempt, redirect hops, our own retries) and in
``_GatedRetry.sleep`` after urllib3's backoff (each retry urllib3 makes).  A body
cut short, or a read timeout while reading it, surfaces only after urllib3 has
returned the response, so ``HttpClient.get`` retries those itself, bounded.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection
from http import HTTPStatus
from http.client import IncompleteRead  # urllib3's IncompleteRead subclasses it
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, InvalidHeader, MaxRetryError, NewConnectionError
from urllib3.exceptions import ProtocolError, ReadTimeoutError
from urllib3.util.retry import Retry

log = logging.getLogger("paperfeed.http")

# 429 and every 5xx are transient; other 4xx mean our request is wrong.
RETRY_STATUSES = frozenset({429, *range(500, 600)})
_PHRASES = {status.value: status.phrase for status in HTTPStatus}
_RETRY_LOG = "%s: GET %s: %s; retry %d of %d in %.2f s"
Clock = Callable[[], float]
Sleep = Callable[[float], None]


class FetchError(Exception):
    """A request that failed for good; the message is one line naming source, URL and cause."""

    def __init__(self, message: str, *, url: str, status: int | None = None) -> None:
        super().__init__(message)
        self.url, self.status = url, status


class RateGate:
    """Spaces callers of ``wait()`` at least ``min_interval`` seconds apart, across threads.

    The lock is held while sleeping on purpose: a waiting thread must not let
    another one slip in ahead of the slot it is waiting for.
    """

    def __init__(self, min_interval: float, *, clock: Clock = time.monotonic, sleep: Sleep = time.sleep) -> None:
        self.min_interval = min_interval
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._last: float | None = None  # when the previous wait() returned

    def wait(self) -> None:
        with self._lock:
            if self._last is not None:
                remaining = self._last + self.min_interval - self._clock()
                if remaining > 0:
                    self._sleep(remaining)
            self._last = self._clock()


class _GatedRetry(Retry):
    """urllib3 ``Retry`` that also waits on a ``RateGate`` before every retry it makes."""

    # urllib3 would also retry a 413 carrying Retry-After; a 4xx other than 429 is final.
    RETRY_AFTER_STATUS_CODES = frozenset({429, 503})

    def __init__(self, *args: Any, gate: RateGate | None = None, source_name: str = "", **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.gate, self.source_name = gate, source_name

    def new(self, **kw: Any) -> _GatedRetry:
        # increment() builds the next Retry through new(); without this the
        # gate would be lost after the first retry.
        kw.setdefault("gate", self.gate)
        kw.setdefault("source_name", self.source_name)
        return super().new(**kw)

    def get_backoff_time(self) -> float:
        # urllib3 retries the first failure at once (0, 2b, 4b, ...); a struggling
        # server deserves a pause every time: b, 2b, 4b, ... capped at backoff_max.
        backoff = super().get_backoff_time()
        if backoff == 0 and self.history:
            return float(min(self.backoff_max, self.backoff_factor))
        return backoff

    def get_retry_after(self, response: Any) -> float | None:
        # A malformed Retry-After should not turn a retryable 503 into a crash.
        try:
            return super().get_retry_after(response)
        except InvalidHeader:
            return None

    def sleep(self, response: Any = None) -> None:
        if self.history:  # log the retry; urllib3 only knows the path here, not the host
            last = self.history[-1]
            cause = f"HTTP {last.status}" if last.status else repr(last.error)
            delay = (self.get_retry_after(response) if response is not None else None) or self.get_backoff_time()
            configured = len(self.history) + (self.total if isinstance(self.total, int) else 0)
            log.info(_RETRY_LOG, self.source_name, last.url, cause, len(self.history), configured, delay)
        super().sleep(response)  # backoff, or Retry-After (seconds or HTTP-date)
        if self.gate is not None:
            self.gate.wait()


class _GatedAdapter(HTTPAdapter):
    """Waits on the gate before each request handed to the transport."""

    def __init__(self, gate: RateGate | None, **kw: Any) -> None:
        self._gate = gate
        super().__init__(**kw)

    def send(self, request: requests.PreparedRequest, *args: Any, **kw: Any) -> requests.Response:
        if self._gate is not None:
            self._gate.wait()
        return super().send(request, *args, **kw)


def _find(exc: BaseException, kind: type[BaseException]) -> Any:
    """The first exception of ``kind`` in what ``exc`` wraps (requests and urllib3 nest several deep)."""
    seen: set[int] = set()
    queue: list[Any] = [exc]
    while queue:
        current = queue.pop(0)
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        queue += [getattr(current, "reason", None), *current.args, current.__cause__, current.__context__]
    return None


class HttpClient:
    """GETs with timeouts, retries (urllib3) and an optional shared rate gate.

    ``retries`` counts *retries* (urllib3's meaning): a request that keeps
    failing is attempted ``retries + 1`` times.  One Session per client.
    """

    def __init__(
        self, *, source_name: str, user_agent: str, connect_timeout: float, read_timeout: float,
        retries: int, backoff: float, gate: RateGate | None = None, backoff_max: float = 120.0,
    ) -> None:
        self.source_name, self.gate = source_name, gate
        self.connect_timeout, self.read_timeout = connect_timeout, read_timeout
        self.retries, self.backoff, self.backoff_max = retries, backoff, backoff_max
        retry = _GatedRetry(
            total=retries, status_forcelist=RETRY_STATUSES, backoff_factor=backoff, backoff_max=backoff_max,
            respect_retry_after_header=True, gate=gate, source_name=source_name,
            # Hand back the last 429/5xx instead of raising, so our error can name its status.
            raise_on_status=False,
        )
        self._session = requests.Session()
        self._session.headers["User-Agent"] = user_agent
        adapter = _GatedAdapter(gate, max_retries=retry)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)

    def get(self, url: str, *, params: dict[str, Any] | None = None, accept_statuses: Collection[int] = ()) -> bytes:
        """The body of a 2xx response, or of one whose status is in ``accept_statuses``.

        That is for arXiv's query API, which answers a bad query with HTTP 400 and
        an Atom error feed: pass ``(400,)`` and parse the body (the feed says it is
        an error).  Other non-2xx raise ``FetchError``; 4xx but 429 without retry.
        """
        full_url = requests.Request("GET", url, params=params).prepare().url or url
        attempts = body_failures = 0
        while True:
            try:  # stream=True: the body is read below, where its failures can be told apart
                response = self._session.get(
                    url, params=params, timeout=(self.connect_timeout, self.read_timeout), stream=True
                )
            except requests.RequestException as exc:
                # urllib3 has already used up its retries (or the error is not retryable).
                attempts += self.retries + 1 if _find(exc, MaxRetryError) else 1
                raise self._error(full_url, attempts, self._describe(exc)) from exc
            retried = getattr(response.raw, "retries", None)
            attempts += len(retried.history) + 1 if retried is not None else 1
            status = response.status_code
            if not (200 <= status < 300 or status in accept_statuses):
                response.close()
                what = f"HTTP {status} {response.reason or _PHRASES.get(status, '')}".strip()
                raise self._error(full_url, attempts, what, status=status)
            try:
                return response.content
            except (requests.exceptions.ChunkedEncodingError, requests.ConnectionError) as exc:
                # Truncated body or read timeout mid-body: urllib3's retries never saw it.
                what = self._describe(exc)
                body_failures += 1
                if body_failures > self.retries:
                    raise self._error(full_url, attempts, what) from exc
                delay = min(self.backoff_max, self.backoff * 2 ** (body_failures - 1))
                log.info(_RETRY_LOG, self.source_name, full_url, what, body_failures, self.retries, delay)
                time.sleep(delay)  # the gate, if any, is waited on in the adapter
            except requests.RequestException as exc:  # e.g. an undecodable gzip body: not transient
                raise self._error(full_url, attempts, self._describe(exc)) from exc
            finally:
                response.close()

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _error(self, url: str, attempts: int, what: str, *, status: int | None = None) -> FetchError:
        tried = f" failed after {attempts} attempts" if attempts > 1 else ""
        return FetchError(f"{self.source_name}: GET {url}{tried}: {what}", url=url, status=status)

    def _describe(self, exc: BaseException) -> str:
        """One short phrase for what went wrong, from the innermost useful exception."""
        if incomplete := _find(exc, IncompleteRead):  # urllib3: bytes read, bytes still expected
            got = incomplete.partial if isinstance(incomplete.partial, int) else len(incomplete.partial)
            of = f" of {got + incomplete.expected}" if incomplete.expected is not None else ""
            return f"response body truncated (got {got}{of} bytes)"
        if _find(exc, ReadTimeoutError) or isinstance(exc, requests.ReadTimeout):
            return f"read timed out after {self.read_timeout:g} s"
        if refused := _find(exc, NewConnectionError):
            os_error = _find(refused, OSError)
            return f"could not connect ({os_error.strerror if os_error and os_error.strerror else refused})"
        if _find(exc, ConnectTimeoutError) or isinstance(exc, requests.ConnectTimeout):
            return f"connect timed out after {self.connect_timeout:g} s"
        if isinstance(exc, requests.exceptions.SSLError):
            return f"TLS error: {exc}"
        if broken := _find(exc, ProtocolError):
            return f"connection broken: {broken.args[1] if len(broken.args) > 1 else broken!r}"
        return f"{type(exc).__name__}: {exc}"


# --- Factories from Django settings ----------------------------------------

_arxiv_gate: RateGate | None = None
_arxiv_gate_lock = threading.Lock()


def arxiv_gate() -> RateGate:
    """The one process-wide gate for arXiv (its terms: one request per interval, all threads)."""
    from django.conf import settings

    global _arxiv_gate
    interval = float(settings.PAPERFEED_ARXIV_MIN_INTERVAL)
    with _arxiv_gate_lock:
        if _arxiv_gate is None:
            _arxiv_gate = RateGate(interval)
        _arxiv_gate.min_interval = interval  # same object (so it stays shared), current setting
        return _arxiv_gate


def _client_from_settings(source_name: str, gate: RateGate | None) -> HttpClient:
    from django.conf import settings

    return HttpClient(
        source_name=source_name, user_agent=settings.PAPERFEED_USER_AGENT, gate=gate,
        connect_timeout=float(settings.PAPERFEED_HTTP_CONNECT_TIMEOUT),
        read_timeout=float(settings.PAPERFEED_HTTP_READ_TIMEOUT),
        retries=int(settings.PAPERFEED_HTTP_RETRIES), backoff=float(settings.PAPERFEED_HTTP_BACKOFF),
    )


def arxiv_client() -> HttpClient:
    """A new client for arXiv (query API and OAI-PMH), sharing the process-wide gate."""
    return _client_from_settings("arXiv", arxiv_gate())


def hf_client() -> HttpClient:
    """A new client for the Hugging Face API (no gate: no such rule there)."""
    return _client_from_settings("Hugging Face", None)
