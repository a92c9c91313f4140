"""Handing a mail over in two phases, so that "sent" can be recorded in between.

SMTP: `begin` runs MAIL FROM, RCPT TO and DATA and transmits the whole message
*except* the final `<CRLF>.<CRLF>`; `finish` sends that terminator and reads
the server's verdict. Until the terminator arrives the server holds an
unfinished message, which it discards if the connection drops (RFC 5321
4.1.1.4: the transaction completes only with the end-of-data indicator), so
`abort` (closing the connection) takes a begun message back. It is smtplib
throughout (`TwoPhaseSMTP` only splits `SMTP.data()` in two), with Django's
EMAIL_* settings.

Files (no EMAIL_HOST): `begin` writes `.<name>.partial` under EMAIL_FILE_PATH,
`finish` renames it to `<name>.eml` (the rename is the terminator), `abort`
removes it.
"""

from __future__ import annotations

import os
import re
import smtplib
import socket
import ssl
from pathlib import Path

from django.conf import settings
from django.core.mail.message import sanitize_address
from django.core.mail.utils import DNS_NAME

CRLF = b"\r\n"
_LINE_START_DOT = re.compile(rb"(?m)^\.")


class DeliveryError(Exception):
    def __init__(self, code: int, message: str):
        super().__init__(f"{code} {message}")
        self.code, self.message = code, message


class TemporaryFailure(DeliveryError):
    """4xx: try again later."""


class PermanentFailure(DeliveryError):
    """5xx: this address will not take it."""


class ConnectionFailure(TemporaryFailure):
    """No server to talk to (refused, dropped, timed out): nothing about the address."""


class TwoPhaseMixin:
    def data_begin(self, message: bytes) -> None:
        """DATA, then the dot-stuffed message without its terminator."""
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        body = _LINE_START_DOT.sub(b"..", message)
        if not body.endswith(CRLF):
            body += CRLF
        self.send(body)

    def data_end(self) -> tuple[int, bytes]:
        """The terminator, and the server's reply to the whole message."""
        self.send(b"." + CRLF)
        return self.getreply()


class TwoPhaseSMTP(TwoPhaseMixin, smtplib.SMTP):
    pass


class TwoPhaseSMTPSSL(TwoPhaseMixin, smtplib.SMTP_SSL):
    pass


def _failure(code: int, reply: bytes | str) -> DeliveryError:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return (TemporaryFailure if 400 <= code < 500 else PermanentFailure)(code, text)


class SmtpTransport:
    kind = "smtp"

    def __init__(self) -> None:
        self.connection: TwoPhaseMixin | None = None

    def _open(self) -> None:
        try:
            if settings.EMAIL_USE_SSL:
                connection = TwoPhaseSMTPSSL(
                    settings.EMAIL_HOST, settings.EMAIL_PORT, local_hostname=DNS_NAME.get_fqdn(),
                    timeout=settings.EMAIL_TIMEOUT, context=ssl.create_default_context(),
                )
            else:
                connection = TwoPhaseSMTP(
                    settings.EMAIL_HOST, settings.EMAIL_PORT, local_hostname=DNS_NAME.get_fqdn(),
                    timeout=settings.EMAIL_TIMEOUT,
                )
                if settings.EMAIL_USE_TLS:
                    connection.starttls(context=ssl.create_default_context())
            # The terminator is a small write of its own after the body: without NODELAY, Nagle's
            # algorithm holds it until the body is acknowledged (a delayed ACK: ~40 ms a mail).
            connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            connection.ehlo_or_helo_if_needed()
            if settings.EMAIL_HOST_USER:
                connection.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
        except (OSError, smtplib.SMTPException) as exc:
            raise ConnectionFailure(421, f"cannot reach {settings.EMAIL_HOST}:{settings.EMAIL_PORT}: {exc}") from exc
        self.connection = connection

    def begin(self, *, sender: str, recipient: str, message: bytes, name: str) -> None:
        if self.connection is None:
            self._open()
        connection = self.connection
        try:
            code, reply = connection.mail(sanitize_address(sender, "utf-8"))
            if code != 250:
                self._reset()
                raise _failure(code, reply)
            code, reply = connection.rcpt(sanitize_address(recipient, "utf-8"))
            if code not in (250, 251):
                self._reset()
                raise _failure(code, reply)
            try:
                connection.data_begin(message)
            except smtplib.SMTPDataError as exc:
                self._reset()
                raise _failure(exc.smtp_code, exc.smtp_error) from exc
        except (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPResponseException) as exc:
            self.abort()
            code = getattr(exc, "smtp_code", 421)
            raise ConnectionFailure(code, f"connection lost: {exc}") from exc

    def finish(self) -> tuple[int, str]:
        """Send the terminator; (code, reply). Raises OSError/SMTPException when the reply is lost."""
        assert self.connection is not None
        try:
            code, reply = self.connection.data_end()
        except (OSError, smtplib.SMTPException):
            self.abort()
            raise
        return code, reply.decode("utf-8", "replace")

    def _reset(self) -> None:
        try:
            self.connection.rset()
        except (OSError, smtplib.SMTPException):
            self.abort()

    def abort(self) -> None:
        """Drop the connection without QUIT: a begun message is discarded by the server."""
        if self.connection is not None:
            try:
                self.connection.close()
            finally:
                self.connection = None

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (OSError, smtplib.SMTPException):
                pass
            finally:
                self.abort()


class FileTransport:
    kind = "file"

    def __init__(self) -> None:
        self.directory = Path(getattr(settings, "EMAIL_FILE_PATH", None) or settings.DATA_DIR / "mail")
        self.partial: Path | None = None
        self.name = ""

    def begin(self, *, sender: str, recipient: str, message: bytes, name: str) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self.partial = self.directory / f".{name}.partial"
            self.name = name
            with open(self.partial, "wb") as handle:
                handle.write(message)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            self.abort()
            raise ConnectionFailure(421, f"cannot write to {self.directory}: {exc}") from exc

    def finish(self) -> tuple[int, str]:
        assert self.partial is not None
        final = self.directory / f"{self.name}.eml"
        os.replace(self.partial, final)
        self.partial = None
        return 250, f"written to {final}"

    def abort(self) -> None:
        if self.partial is not None:
            self.partial.unlink(missing_ok=True)
            self.partial = None

    def close(self) -> None:
        self.abort()


def transport_open() -> SmtpTransport | FileTransport:
    return SmtpTransport() if settings.EMAIL_HOST else FileTransport()
