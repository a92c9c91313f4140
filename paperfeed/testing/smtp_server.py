"""A real SMTP server for tests and benchmarks: aiosmtpd on 127.0.0.1, keeping what it accepts.

    with SmtpSink() as sink:           # sink.host, sink.port
        ...send mail to it...
        sink.messages                  # [Received(sender, recipients, data, message)]
        sink.to("alice@example.org")   # the messages for one address

What a test can make it do (part of aiosmtpd's own hooks, nothing emulated):

* refuse: `rcpt_replies[address] = "550 No such user"` (or "451 ..."), or
  `data_replies[address] = "452 ..."` to refuse the message after its end;
* stall at one recipient's message, at a stage: `stall(address, "rcpt")` holds
  the reply to RCPT TO (nothing of the message has been sent yet);
  `stall(address, "body")` only watches: `reached` is set once the whole body
  (its closing MIME boundary) has arrived and the server is waiting for the
  end-of-data line; `stall(address, "data")` holds the reply after the
  end-of-data line, the message already kept. `reached` is a threading.Event;
  `release()` lets a held reply go;
* `delay`: seconds to wait before accepting each message; `keep=False`: only
  count the messages per recipient (`counts`), for benchmarks.

A message whose client vanishes before its end-of-data line is discarded, as
RFC 5321 requires (aiosmtpd cancels the DATA command).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
import socket
import threading
from dataclasses import dataclass

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

CLOSING_BOUNDARY = re.compile(rb"^--[^\r\n]+--\r\n$")


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)


class _Handler:
    def __init__(self, sink: "SmtpSink"):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        sink = self.sink
        if sink.stall_at == (address, "rcpt"):
            sink.reached.set()
            await sink.wait_release()
        reply = sink.rcpt_replies.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        sink = self.sink
        for address in envelope.rcpt_tos:
            if address in sink.data_replies:
                return sink.data_replies[address]
        if sink.delay:
            await asyncio.sleep(sink.delay)
        with sink.lock:  # kept (queued, as an MTA would) before the reply
            for address in envelope.rcpt_tos:
                sink.counts[address] = sink.counts.get(address, 0) + 1
            if sink.keep:
                sink.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content)))
        if any(sink.stall_at == (address, "data") for address in envelope.rcpt_tos):
            sink.reached.set()
            await sink.wait_release()
        return "250 Message accepted for delivery"


class _WatchingSMTP(SMTP):
    async def smtp_DATA(self, arg):
        sink = self.event_handler.sink
        watched = sink.stall_at and sink.stall_at[1] == "body" and self.envelope is not None and (
            sink.stall_at[0] in self.envelope.rcpt_tos
        )
        if not watched:
            return await super().smtp_DATA(arg)
        reader = self._reader
        original = reader.readuntil

        async def readuntil(separator=b"\n"):
            line = await original(separator)
            if CLOSING_BOUNDARY.match(line):
                sink.reached.set()
            return line

        reader.readuntil = readuntil
        try:
            return await super().smtp_DATA(arg)
        finally:
            del reader.readuntil


class _Controller(Controller):
    def factory(self):
        return _WatchingSMTP(self.handler, **self.SMTP_kwargs)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    host = "127.0.0.1"

    def __init__(self, *, delay: float = 0.0, keep: bool = True):
        self.messages: list[Received] = []
        self.keep = keep  # False: count accepted messages per recipient only (benchmarks)
        self.counts: dict[str, int] = {}
        self.rcpt_replies: dict[str, str] = {}
        self.data_replies: dict[str, str] = {}
        self.delay = delay
        self.stall_at: tuple[str, str] | None = None
        self.reached = threading.Event()
        self._release = threading.Event()
        self.lock = threading.Lock()
        self.port = _free_port()
        self._controller = _Controller(_Handler(self), hostname=self.host, port=self.port, ready_timeout=10)

    def __enter__(self) -> "SmtpSink":
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._release.set()
        self._controller.stop()

    def stall(self, address: str, stage: str) -> None:
        assert stage in ("rcpt", "body", "data"), stage
        self.reached.clear()
        self.stall_at = (address, stage)
        if stage != "body":
            self._release.clear()

    def release_held(self) -> None:
        """Let a held reply go on, keeping the current `stall` (e.g. to watch the body next)."""
        self._release.set()

    def release(self) -> None:
        self.stall_at = None
        self._release.set()

    async def wait_release(self) -> None:
        while not self._release.is_set():
            await asyncio.sleep(0.01)

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [m for m in self.messages if address in m.recipients]

    def recipients(self) -> list[str]:
        with self.lock:
            return [address for m in self.messages for address in m.recipients]
