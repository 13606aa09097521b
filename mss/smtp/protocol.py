"""aiosmtpd's SMTP, adapted to MSS.

- Every 2xx/4xx/5xx reply carries an enhanced status code, as ENHANCEDSTATUSCODES promises
  (RFC 2034 §3): aiosmtpd's own replies lack them, so :meth:`push` adds the default one for the
  basic code (except in replies to EHLO/HELO, which RFC 2034 exempts).
- DSN parameters (RFC 3461) are taken out of MAIL and RCPT before aiosmtpd parses the line.
- Each connection gets an id for its log lines (``mss.context``).
- A client's cost is bounded (:mod:`mss.smtp.guard`): connections per address and in all,
  error replies per session, time per command line and per DATA (with more time for a DATA that
  keeps arriving at a minimum rate); past a bound the client gets
  ``421`` and the connection closes (RFC 5321 §3.8).
- Addresses that are not UTF-8 get 501 (RFC 6531 §3.3) instead of an internal error.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from typing import Any, AnyStr

from aiosmtpd.smtp import SMTP, Envelope

from mss.context import new_connection_id
from mss.metrics.tally import NO_TALLY, Level
from mss.smtp.guard import ConnectionLimiter, is_valid_utf8
from mss.smtpwire.dsn import DsnSyntaxError, MailDsn, RcptDsn, take_mail_params, take_rcpt_params
from mss.smtpwire.statuses import DEFAULT_STATUS

log = logging.getLogger(__name__)

_REPLY = re.compile(rb"^([245]\d\d)([ -])(?!\d\.\d{1,3}\.\d{1,3}\b)")
SERVER_IDENT = "MSS"


class MssEnvelope(Envelope):
    """aiosmtpd's envelope with what RFC 3461 adds: RET/ENVID, and per-recipient parameters."""

    def __init__(self) -> None:
        super().__init__()
        self.dsn = MailDsn()
        self.rcpt_dsn: list[RcptDsn] = []
        self.account_routes: list[Any] = []

    def accept_recipient(self, address: str, options: list[str], dsn: RcptDsn, route: Any) -> None:
        """Record a recipient that passed RCPT, with its DSN parameters and its route."""
        self.rcpt_tos.append(address)
        self.rcpt_options.extend(options)
        self.rcpt_dsn.append(dsn)
        self.account_routes.append(route)


@dataclass(frozen=True, slots=True)
class Bounds:
    limiter: ConnectionLimiter
    max_errors: int
    data_timeout: float
    connections: Level = NO_TALLY
    """Open connections, for the operator's gauge."""
    data_min_rate: int = 16384
    """Octets per second that earn a DATA time beyond ``data_timeout``."""


class MssSMTP(SMTP):
    def __init__(self, handler: Any, bounds: Bounds, **kwargs: Any) -> None:
        super().__init__(handler, ident=SERVER_IDENT, **kwargs)
        self.connection_id = new_connection_id()
        self.pending_rcpt_dsn = RcptDsn()
        self._replying_to_hello = False
        self._bounds = bounds
        self._errors = 0
        self._admitted_ip: str | None = None
        self._closing = False
        self._counted = False
        self._received = 0
        self._data_start: tuple[float, int] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        if self._counted:
            return  # STARTTLS: the same connection again (TLS transport): admitted once
        self._counted = True
        self._bounds.connections.inc()
        peer = transport.get_extra_info("peername")
        ip = str(peer[0]) if peer else ""
        if self._bounds.limiter.admit(ip):
            self._admitted_ip = ip

    def connection_lost(self, error: Exception | None) -> None:
        if self._counted:
            self._counted = False
            self._bounds.connections.dec()
        if self._admitted_ip is not None:
            self._bounds.limiter.release(self._admitted_ip)
            self._admitted_ip = None
        super().connection_lost(error)

    async def _handle_client(self) -> None:
        if self._admitted_ip is None:
            await self._close_with(b"421 4.7.0 Too many connections: try again later")
            return
        await super()._handle_client()

    def data_received(self, data: bytes) -> None:
        self._received += len(data)
        super().data_received(data)

    def _timeout_cb(self) -> None:
        if self._data_start is not None:
            started, received = self._data_start
            earned = (self._received - received) / self._bounds.data_min_rate
            remaining = started + self._bounds.data_timeout + earned - self.loop.time()
            if remaining > 0:
                self._reset_timeout(remaining)  # still arriving fast enough: more time
                return
        log.info("conn=%s timeout", self.connection_id)
        self._close_now(b"421 4.4.2 Timeout: closing the connection")

    async def _close_with(self, line: bytes) -> None:
        self._close_now(line)

    def _close_now(self, line: bytes) -> None:
        self._closing = True
        transport = self.transport
        if isinstance(transport, asyncio.WriteTransport) and not transport.is_closing():
            transport.write(line + b"\r\n")
            transport.close()

    async def smtp_DATA(self, arg: str | None) -> None:
        """The whole message, not each line, must arrive within the DATA time, which grows by
        one second per ``data_min_rate`` octets received (a slow drip earns nothing)."""
        self._data_start = (self.loop.time(), self._received)
        self._reset_timeout(self._bounds.data_timeout)
        try:
            await super().smtp_DATA(arg)
        finally:
            self._data_start = None
            self._reset_timeout()

    def _create_envelope(self) -> MssEnvelope:
        return MssEnvelope()

    async def push(self, status: AnyStr) -> None:
        line = status.encode() if isinstance(status, str) else bytes(status)
        if self._closing:
            return
        if not self._replying_to_hello:
            match = _REPLY.match(line)
            if match and int(match.group(1)) in DEFAULT_STATUS:
                code = int(match.group(1))
                line = b"%d%s%s %s" % (
                    code,
                    match.group(2),
                    DEFAULT_STATUS[code].encode(),
                    line[4:],
                )
        await super().push(line)
        if line[:1] == b"5":
            self._errors += 1
            if self._errors >= self._bounds.max_errors:
                await self._close_with(b"421 4.7.0 Too many errors: closing the connection")

    async def smtp_EHLO(self, hostname: str) -> None:
        self._replying_to_hello = True
        try:
            await super().smtp_EHLO(hostname)
        finally:
            self._replying_to_hello = False

    async def smtp_HELO(self, hostname: str) -> None:
        self._replying_to_hello = True
        try:
            await super().smtp_HELO(hostname)
        finally:
            self._replying_to_hello = False

    async def smtp_MAIL(self, arg: str | None) -> None:
        if arg and not is_valid_utf8(arg):
            await self.push("501 5.5.2 The address is not valid UTF-8 (RFC 6531 §3.3)")
            return
        dsn = MailDsn()
        if arg:
            try:
                arg, dsn = take_mail_params(arg)
            except DsnSyntaxError as exc:
                await self.push(f"501 5.5.4 {exc}")
                return
        if isinstance(self.envelope, MssEnvelope) and not self.envelope.mail_from:
            self.envelope.dsn = dsn
        await super().smtp_MAIL(arg)

    async def smtp_RCPT(self, arg: str | None) -> None:
        if arg and not is_valid_utf8(arg):
            await self.push("501 5.5.2 The address is not valid UTF-8 (RFC 6531 §3.3)")
            return
        self.pending_rcpt_dsn = RcptDsn()
        if arg:
            try:
                arg, self.pending_rcpt_dsn = take_rcpt_params(arg)
            except DsnSyntaxError as exc:
                await self.push(f"501 5.5.4 {exc}")
                return
        await super().smtp_RCPT(arg)
