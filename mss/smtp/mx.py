"""The MX: mail from other operators of the trust space (RFC 5321 as a receiving SMTP server).

Implementation notes. TLS is required before MAIL (aiosmtpd's ``require_starttls``); at MAIL the
peer must have presented a client certificate matching the operator configured for the sender's
domain (mutual TLS). Recipients are checked at RCPT, never bounced later. The 250 after DATA is
sent only once every recipient's copy is committed; the copies are delivered concurrently, so
they share commits.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

from aiosmtpd.smtp import SMTP, Session

from mss.addresses import domain_of
from mss.config import Settings
from mss.inbound import InboundService
from mss.metrics.tally import NO_TALLY, Tally
from mss.mime import parse_message
from mss.mime.prefix import with_prefix
from mss.policy import LocalRoute, Policy, PolicyError, Refusal
from mss.queue import OutboundQueue
from mss.smtp.common import (
    ehlo_lines,
    log_refusal,
    log_transaction,
    peer_certificate,
    peer_ip,
    uses_tls,
)
from mss.smtp.delivered import report_delivery
from mss.smtp.guard import has_nul
from mss.smtp.protocol import MssEnvelope
from mss.smtp.received import has_bare_line_ending, protocol_type, received_field
from mss.smtpwire import replies

log = logging.getLogger("mss.smtp")


class PeerTrust(Protocol):
    """Mutual TLS: is this client certificate the one of the operator of that domain?"""

    async def certificate_matches(self, domain: str, certificate: bytes) -> bool: ...

    async def any_certificate_matches(self, certificate: bytes) -> bool: ...


def _sender(address: str) -> str:
    return "" if address in ("", "<>") else address


class MxHandler:
    def __init__(
        self,
        settings: Settings,
        inbound: InboundService,
        policy: Policy,
        trust: PeerTrust,
        queue: OutboundQueue,
        *,
        accepted: Tally = NO_TALLY,
    ) -> None:
        self._settings = settings
        self._inbound = inbound
        self._policy = policy
        self._trust = trust
        self._queue = queue
        self._accepted = accepted

    async def handle_EHLO(
        self,
        server: SMTP,
        session: Session,
        envelope: MssEnvelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        return ehlo_lines(session, hostname, responses)

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: MssEnvelope,
        address: str,
        options: list[str],
    ) -> str:
        sender = _sender(address)
        try:
            await self._policy.check_inbound_sender(sender)
        except PolicyError as error:
            reply = (
                replies.BAD_SENDER_SYNTAX.with_text(error.text)
                if error.refusal is Refusal.BAD_ADDRESS
                else replies.SENDER_REFUSED.with_text(error.text)
            )
            log_refusal(server, "MAIL", reply, sender)
            return str(reply)
        certificate = peer_certificate(server)
        matches = certificate is not None and (
            await self._trust.certificate_matches(domain_of(sender), certificate)
            if sender
            else await self._trust.any_certificate_matches(certificate)
        )
        if not matches:
            reply = replies.CLIENT_CERT_REQUIRED.with_text(
                "A TLS client certificate of the operator of "
                f"{domain_of(sender) if sender else 'a trusted domain'} is required: "
                "present the certificate configured in our trust list"
            )
            log_refusal(server, "MAIL", reply, sender)
            return str(reply)
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return str(replies.SENDER_OK)

    async def handle_RCPT(
        self, server: Any, session: Session, envelope: MssEnvelope, address: str, options: list[str]
    ) -> str:
        if len(envelope.rcpt_tos) >= self._settings.limits.max_recipients:
            return str(replies.TOO_MANY_RECIPIENTS)
        sender = _sender(envelope.mail_from or "")
        try:
            route = await self._policy.route(address)
            if not isinstance(route, LocalRoute):
                raise PolicyError(
                    Refusal.RELAY_DENIED,
                    f"Relay denied: this server accepts mail only for its own domains, "
                    f"not {domain_of(address)}",
                )
            kind = await self._policy.sender_kind(sender)
            await self._policy.check_patient_rules(sender, kind, route, None)
        except PolicyError as error:
            if error.refusal is Refusal.UNKNOWN_RECIPIENT:
                reply = replies.UNKNOWN_RECIPIENT.with_text(error.text)
            elif error.refusal is Refusal.BAD_ADDRESS:
                reply = replies.BAD_RECIPIENT_SYNTAX.with_text(error.text)
            else:
                reply = replies.POLICY_REFUSED.with_text(error.text)
            log_refusal(server, "RCPT", reply, address)
            return str(reply)
        envelope.accept_recipient(address, options, server.pending_rcpt_dsn, route)
        return str(replies.RECIPIENT_OK)

    async def handle_DATA(self, server: Any, session: Session, envelope: MssEnvelope) -> str:
        content: bytes = envelope.original_content or b""
        sender = _sender(envelope.mail_from or "")
        reply = await self._deliver(server, session, envelope, content, sender)
        log_transaction(server, reply, sender, len(envelope.rcpt_tos), len(content))
        return str(reply)

    async def _deliver(
        self, server: Any, session: Session, envelope: MssEnvelope, content: bytes, sender: str
    ) -> replies.Reply:
        if has_bare_line_ending(content):
            return replies.BARE_LINE_ENDING
        if has_nul(content):
            return replies.NUL_IN_MESSAGE
        kind = await self._policy.sender_kind(sender)
        routes: list[LocalRoute] = envelope.account_routes
        try:
            # Parsed once; each recipient's copy differs only by its Received field in front.
            structure = parse_message(content)
            traces = [
                received_field(
                    session.host_name or "",
                    peer_ip(session),
                    self._settings.hostname,
                    protocol_type(uses_tls(server), False),
                    server.connection_id,
                    route.address,
                )
                for route in routes
            ]
            # Started together, the recipients' copies share the group commit's transactions.
            await asyncio.gather(
                *(
                    self._inbound.receive(
                        sender,
                        kind,
                        route.account,
                        trace + content,
                        with_prefix(trace, content, structure),
                    )
                    for route, trace in zip(routes, traces, strict=True)
                )
            )
            await report_delivery(
                self._queue,
                self._settings.hostname,
                sender,
                envelope.dsn,
                list(zip(envelope.rcpt_tos, envelope.rcpt_dsn, strict=True)),
                content,
            )
        except Exception:
            log.exception("conn=%s delivery failed", server.connection_id)
            return replies.TEMPORARY_FAILURE
        self._accepted.inc()
        return replies.QUEUED
