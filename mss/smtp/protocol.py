"""aiosmtpd's SMTP, adapted to MSS.

- Every 2xx/4xx/5xx reply carries an enhanced status code, as ENHANCEDSTATUSCODES promises
  (RFC 2034 §3): aiosmtpd's own replies lack them, so :meth:`push` adds the default one for the
  basic code (except in replies to EHLO/HELO, which RFC 2034 exempts).
- DSN parameters (RFC 3461) are taken out of MAIL and RCPT before aiosmtpd parses the line.
- Each connection gets an id for its log lines (``mss.context``).
"""

from __future__ import annotations

import logging
import re
from typing import Any, AnyStr

from aiosmtpd.smtp import SMTP, Envelope

from mss.context import new_connection_id
from mss.smtp.codes import DEFAULT_STATUS
from mss.smtp.dsn_params import DsnSyntaxError, MailDsn, RcptDsn, take_mail_params, take_rcpt_params

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


class MssSMTP(SMTP):
    def __init__(self, handler: Any, **kwargs: Any) -> None:
        super().__init__(handler, ident=SERVER_IDENT, **kwargs)
        self.connection_id = new_connection_id()
        self.pending_rcpt_dsn = RcptDsn()
        self._replying_to_hello = False

    def _create_envelope(self) -> MssEnvelope:
        return MssEnvelope()

    async def push(self, status: AnyStr) -> None:
        line = status.encode() if isinstance(status, str) else bytes(status)
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
        self.pending_rcpt_dsn = RcptDsn()
        if arg:
            try:
                arg, self.pending_rcpt_dsn = take_rcpt_params(arg)
            except DsnSyntaxError as exc:
                await self.push(f"501 5.5.4 {exc}")
                return
        await super().smtp_RCPT(arg)
