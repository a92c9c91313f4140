"""A local HTTP server replaying recorded responses, for tests and benchmarks.

    with ReplayServer() as server:
        server.add("/api/query", feed_bytes, query={"search_query": "cat:cs.AI"})
        server.add_sequence("/oai", [Response(status=503), Response(body=page)])
        fetch(server.url + "/api/query?search_query=cat:cs.AI")
        assert server.requests[0].headers["User-Agent"].startswith("paperfeed/")

Bound to 127.0.0.1 on an ephemeral port only, so nothing outside the machine
can reach it.  Speaks HTTP/1.1 with keep-alive like the real sources do; on
close it cuts any open connections so no handler thread outlives it.
"""

from __future__ import annotations

import mimetypes
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlsplit

# A client hanging up mid-response is expected here (timeouts, truncation tests).
_DISCONNECTS = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, socket.timeout)


@dataclass(frozen=True)
class Response:
    """One scripted answer.

    ``delay`` waits before answering (to provoke read timeouts); ``truncate_at``
    announces the full Content-Length but sends only that many bytes, then
    closes the connection.  Content-Length is always computed from ``body``.
    """

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    truncate_at: int | None = None


class RecordedRequest(NamedTuple):
    method: str
    path: str
    query: dict[str, str]  # repeated parameters: the last value wins
    headers: dict[str, str]
    time: float  # time.monotonic() when the request head was read


@dataclass
class _Route:
    query: dict[str, str] | None
    responses: list[Response]
    served: int = 0

    def matches(self, query: dict[str, str]) -> bool:
        return self.query is None or all(query.get(k) == v for k, v in self.query.items())

    def next_response(self) -> Response:
        # After the script runs out, the last response repeats.
        response = self.responses[min(self.served, len(self.responses) - 1)]
        self.served += 1
        return response


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    timeout = 30  # an idle keep-alive connection must not pin a thread forever

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, *, send_body: bool) -> None:
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        replay = self.server.replay
        replay._record(RecordedRequest(self.command, parts.path, query, dict(self.headers.items()), time.monotonic()))
        response = replay._next_response(parts.path, query)
        if response is None:
            response = Response(
                status=404,
                body=f"ReplayServer: no route for {self.command} {self.path}\n".encode(),
                headers={"Content-Type": "text/plain; charset=utf-8"},
            )
        if response.delay and self.server.stopping.wait(response.delay):
            self.close_connection = True  # shutting down: don't answer at all
            return
        try:
            self.send_response(response.status)
            for name, value in response.headers.items():
                if name.lower() != "content-length":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if send_body:
                body = response.body
                if response.truncate_at is not None:
                    body = body[: response.truncate_at]
                    self.close_connection = True  # the close is what the client sees as truncation
                self.wfile.write(body)
                self.wfile.flush()
        except _DISCONNECTS:
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        pass  # tests assert on server.requests; stderr noise helps nobody


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, replay: ReplayServer) -> None:
        self.replay = replay
        self.stopping = threading.Event()
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def cut_open_connections(self) -> None:
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already gone

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if isinstance(sys.exc_info()[1], _DISCONNECTS):
            return
        super().handle_error(request, client_address)


class ReplayServer:
    """Replays scripted responses on ``http://127.0.0.1:<ephemeral port>``."""

    def __init__(self) -> None:
        self._routes: dict[str, list[_Route]] = {}
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------

    def start(self) -> ReplayServer:
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="ReplayServer", daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        if self._server is None:
            return
        server, self._server = self._server, None
        server.stopping.set()
        server.shutdown()  # stops serve_forever
        server.cut_open_connections()  # wakes handler threads waiting on keep-alive reads
        server.server_close()  # joins the handler threads
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("ReplayServer is not running; use it as a context manager or call start()")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # --- routes --------------------------------------------------------------

    def add(
        self,
        path: str,
        body: bytes,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        query: dict[str, Any] | None = None,
    ) -> None:
        self.add_sequence(path, [Response(status=status, body=body, headers=dict(headers or {}))], query=query)

    def add_sequence(self, path: str, responses: list[Response], query: dict[str, Any] | None = None) -> None:
        """Answer successive matching requests with ``responses`` in order, then repeat the last.

        ``query`` matches when every given parameter is present with that value
        (other parameters are ignored); the most specific match wins, and a new
        route for the same path and query replaces the old one.
        """
        if not responses:
            raise ValueError("add_sequence needs at least one Response")
        wanted = None if query is None else {k: str(v) for k, v in query.items()}
        with self._lock:
            routes = [r for r in self._routes.get(path, []) if r.query != wanted]
            routes.append(_Route(wanted, list(responses)))
            routes.sort(key=lambda r: -len(r.query or {}))  # most specific first
            self._routes[path] = routes

    def add_file(
        self, path: str, file_path: str | Path, query: dict[str, Any] | None = None, *, content_type: str | None = None
    ) -> None:
        """Serve a recorded file's bytes (read now), with a Content-Type guessed from its name."""
        file_path = Path(file_path)
        guessed = content_type or mimetypes.guess_type(file_path.name)[0] or "application/octet-stream"
        self.add(path, file_path.read_bytes(), headers={"Content-Type": guessed}, query=query)

    # --- what happened -------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, in arrival order (a copy)."""
        with self._lock:
            return list(self._requests)

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _next_response(self, path: str, query: dict[str, str]) -> Response | None:
        with self._lock:
            for route in self._routes.get(path, []):
                if route.matches(query):
                    return route.next_response()
        return None
