"""Submission (RFC 6409): our users' mail clients and establishments' software.

Implementation notes. AUTH is offered only under TLS (RFC 4954 §4) and required before MAIL.
A successful AUTH unlocks the account's keys for this connection only (they are needed to file
the Sent copy). Failures get one reply whatever their cause, after a delay, and are limited per
client IP and per account name. The 250 after DATA follows the commit of every local copy, the
queue entry for remote recipients, and the Sent copy.
"""

from __future__ import annotations

import base64
import binascii
import logging
from typing import Any

from aiosmtpd.smtp import MISSING, SMTP, AuthResult, Session

from mss.accounts import AuthenticationFailed, UnlockedAccount
from mss.config import Settings
from mss.metrics.tally import NO_TALLY, Tally
from mss.policy import PolicyError, Refusal
from mss.ratelimit import SlidingWindow
from mss.signin import Channel, SignInService, Throttled
from mss.smtp.common import ehlo_lines, log_refusal, log_transaction, peer_ip, uses_tls
from mss.smtp.guard import has_nul
from mss.smtp.protocol import MssEnvelope
from mss.smtp.received import has_bare_line_ending, protocol_type, received_field
from mss.smtpwire import replies
from mss.submission import Envelope, Recipient, SubmissionService

log = logging.getLogger("mss.smtp")
HOUR = 3600.0


class SubmissionHandler:
    def __init__(
        self,
        settings: Settings,
        signin: SignInService,
        submission: SubmissionService,
        *,
        accepted: Tally = NO_TALLY,
    ) -> None:
        self._settings = settings
        self._signin = signin
        self._submission = submission
        self._accepted = accepted
        self._sending = SlidingWindow(settings.smtp.messages_per_hour, HOUR)

    async def handle_EHLO(
        self,
        server: SMTP,
        session: Session,
        envelope: MssEnvelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        return ehlo_lines(session, hostname, responses)

    # AUTH (RFC 4954), mechanisms PLAIN (RFC 4616) and LOGIN -----------------------------------

    async def auth_PLAIN(self, server: SMTP, args: list[str]) -> AuthResult:
        response = await _initial_or_challenge(server, args, "")
        if response is None:
            return AuthResult(success=False, handled=True)
        parts = response.split(b"\x00")
        if len(parts) != 3:
            await server.push("501 5.5.2 PLAIN expects authzid NUL authcid NUL password")
            return AuthResult(success=False, handled=True)
        return await self._authenticate(server, parts[1], parts[2])

    async def auth_LOGIN(self, server: SMTP, args: list[str]) -> AuthResult:
        login = await _initial_or_challenge(server, args, "Username:")
        if login is None:
            return AuthResult(success=False, handled=True)
        password = await server.challenge_auth("Password:")
        if password is MISSING:  # aiosmtpd has replied 501 already
            return AuthResult(success=False, handled=True)
        return await self._authenticate(server, login, bytes(password))

    async def _authenticate(self, server: Any, login: bytes, password: bytes) -> AuthResult:
        ip = peer_ip(server.session)
        address = login.decode("utf-8", "replace")
        try:
            unlocked = await self._signin.sign_in(
                address, password.decode("utf-8", "replace"), ip, Channel.SMTP
            )
        except Throttled:
            log_refusal(server, "AUTH", replies.AUTH_THROTTLED, address)
            await server.push(str(replies.AUTH_THROTTLED))
            return AuthResult(success=False, handled=True)
        except AuthenticationFailed:
            log_refusal(server, "AUTH", replies.AUTH_FAILED, address)
            await server.push(str(replies.AUTH_FAILED))
            return AuthResult(success=False, handled=True)
        log.info("conn=%s authenticated %s via %s", server.connection_id, address, unlocked.via)
        return AuthResult(success=True, auth_data=unlocked)

    # Transaction -------------------------------------------------------------------------

    async def handle_MAIL(
        self, server: Any, session: Session, envelope: MssEnvelope, address: str, options: list[str]
    ) -> str:
        unlocked = _unlocked(session)
        if not await self._signin.still_valid(unlocked):
            session.authenticated = False
            session.auth_data = None
            log_refusal(server, "MAIL", replies.CREDENTIALS_CHANGED, address)
            return str(replies.CREDENTIALS_CHANGED)
        try:
            self._submission.check_sender(unlocked.account, address)
        except PolicyError as error:
            reply = (
                replies.BAD_SENDER_SYNTAX.with_text(error.text)
                if error.refusal is Refusal.BAD_ADDRESS
                else replies.NOT_YOUR_ADDRESS.with_text(error.text)
            )
            log_refusal(server, "MAIL", reply, address)
            return str(reply)
        if self._sending.exceeded(unlocked.account.address):
            log_refusal(server, "MAIL", replies.RATE_LIMITED, address)
            return str(replies.RATE_LIMITED)
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return str(replies.SENDER_OK)

    async def handle_RCPT(
        self, server: Any, session: Session, envelope: MssEnvelope, address: str, options: list[str]
    ) -> str:
        if len(envelope.rcpt_tos) >= self._settings.limits.max_recipients:
            return str(replies.TOO_MANY_RECIPIENTS)
        unlocked = _unlocked(session)
        try:
            route = await self._submission.check_recipient(unlocked.account, address)
        except PolicyError as error:
            reply = _refusal_reply(error)
            log_refusal(server, "RCPT", reply, address)
            return str(reply)
        envelope.accept_recipient(address, options, server.pending_rcpt_dsn, route)
        return str(replies.RECIPIENT_OK)

    async def handle_DATA(self, server: Any, session: Session, envelope: MssEnvelope) -> str:
        content: bytes = envelope.original_content or b""
        reply = await self._submit(server, session, envelope, content)
        log_transaction(
            server, reply, envelope.mail_from or "", len(envelope.rcpt_tos), len(content)
        )
        return str(reply)

    async def _submit(
        self, server: Any, session: Session, envelope: MssEnvelope, content: bytes
    ) -> replies.Reply:
        if has_bare_line_ending(content):
            return replies.BARE_LINE_ENDING
        if has_nul(content):
            return replies.NUL_IN_MESSAGE
        unlocked = _unlocked(session)
        if not await self._signin.still_valid(unlocked):
            return replies.CREDENTIALS_CHANGED
        recipients = tuple(
            Recipient(address, dsn.notify, dsn.orcpt)
            for address, dsn in zip(envelope.rcpt_tos, envelope.rcpt_dsn, strict=True)
        )
        submitted = Envelope(
            envelope.mail_from or "", recipients, envelope.dsn.env_id, envelope.dsn.ret
        )
        trace = received_field(
            session.host_name or "",
            None,
            self._settings.hostname,
            protocol_type(uses_tls(server), True),
            server.connection_id,
            recipients[0].address if len(recipients) == 1 else None,
        )
        try:
            await self._submission.submit(
                unlocked, submitted, content, trace, envelope.account_routes
            )
        except PolicyError as error:
            return _refusal_reply(error)
        except Exception:
            log.exception("conn=%s submission failed", server.connection_id)
            return replies.TEMPORARY_FAILURE
        self._sending.record(unlocked.account.address)
        self._accepted.inc()
        return replies.QUEUED


def _unlocked(session: Session) -> UnlockedAccount:
    """The account that AUTH unlocked; aiosmtpd's auth_required guarantees there is one."""
    data: object = session.auth_data
    if not isinstance(data, UnlockedAccount):
        raise RuntimeError("transaction command reached the handler without authentication")
    return data


def _refusal_reply(error: PolicyError) -> replies.Reply:
    if error.refusal is Refusal.UNKNOWN_RECIPIENT:
        return replies.UNKNOWN_RECIPIENT.with_text(error.text)
    if error.refusal is Refusal.RELAY_DENIED:
        return replies.RELAY_DENIED.with_text(error.text)
    if error.refusal is Refusal.NOT_YOUR_ADDRESS:
        return replies.NOT_YOUR_ADDRESS.with_text(error.text)
    if error.refusal is Refusal.BAD_ADDRESS:
        return replies.BAD_RECIPIENT_SYNTAX.with_text(error.text)
    return replies.POLICY_REFUSED.with_text(error.text)


async def _initial_or_challenge(server: SMTP, args: list[str], challenge: str) -> bytes | None:
    """SASL initial response (RFC 4954 §4) or one challenge; None when already answered."""
    if len(args) <= 1:
        decoded = await server.challenge_auth(challenge, encode_to_b64=bool(challenge))
        return None if decoded is MISSING else bytes(decoded)  # MISSING: 501 already sent
    if args[1] == "=":  # RFC 4954 §4: "=" is an empty initial response
        return b""
    try:
        return base64.b64decode(args[1].encode(), validate=True)
    except (binascii.Error, ValueError):
        await server.push("501 5.5.2 Cannot decode the base64 response")
        return None
