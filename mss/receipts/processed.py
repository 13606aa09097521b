"""The "processed" MDN a patient or application mailbox sends when a message reaches it.

Nobody reads these mailboxes through a mail client that would answer ``Disposition-Notification-To``
itself, so the server answers on their behalf, as an inbound observer (mss/inbound.py) that sees
the plaintext just after the commit: ``automatic-action/MDN-sent-automatically; processed``
(RFC 8098 §3.2.6), or the error form with the original returned when a feature (the XDM filing)
could not integrate the message. Each rule of RFC 8098 §2.1 is in :mod:`mss.receipts.rules`; the
trust-space rule is the policy's routing; a keyed tag claimed in the store before sending makes
it at most one MDN per message, recipient and disposition, even across processes.
"""

from __future__ import annotations

import logging
from email.message import Message
from typing import Protocol

from mss.inbound import InboundMessage
from mss.policy import PolicyError, Route
from mss.receipts.ledger import receipt_tag
from mss.receipts.mdn import AUTOMATIC, Disposition, build_mdn
from mss.receipts.rules import NoReceipt, Request, automatic_request, read_header
from mss.receipts.texts import error_text, processed_text
from mss.store.records import Account, AccountKind

log = logging.getLogger(__name__)

ANSWERED_KINDS = frozenset({AccountKind.PATIENT, AccountKind.APPLICATION})
"""Mailboxes read without a mail client of their own (issue 9, item 2)."""


class ReportSender(Protocol):
    """The one sending path (``SubmissionService.send_report``), as reports need it."""

    async def send_report(self, account: Account, to: str, raw: bytes) -> None: ...


class ReceiptLedger(Protocol):
    """Which MDNs went out, as keyed tags (``SqlReceiptLedger``)."""

    async def claim(self, account_id: int, tag: bytes) -> bool: ...


class Router(Protocol):
    """The policy's routing: raises ``PolicyError`` for an address outside the trust space."""

    async def route(self, recipient: str) -> Route: ...


class ProcessedReceipts:
    """Registered on the inbound service; the XDM filing calls :meth:`integration_failed`."""

    name = "receipts"

    def __init__(
        self,
        sender: ReportSender,
        ledger: ReceiptLedger,
        router: Router,
        secret: bytes,
        hostname: str,
    ) -> None:
        self._sender = sender
        self._ledger = ledger
        self._router = router
        self._secret = secret
        self._hostname = hostname

    async def delivered(self, message: InboundMessage) -> None:
        if message.recipient.kind not in ANSWERED_KINDS:
            return
        await self._answer(message, None)

    async def integration_failed(self, message: InboundMessage, code: str, label: str) -> bool:
        """Send ``processed/error`` with the original returned; ``True`` if it went out.

        ``code`` and ``label`` are the guide's ``<code>^<libellé>`` (a short code, French text).
        """
        return await self._answer(message, f"{_field(code)}^{_field(label)}")

    async def _answer(self, message: InboundMessage, error: str | None) -> bool:
        # The rules read header fields only; the body is parsed for the error form alone,
        # which returns the original (RFC 8098 §3).
        original = read_header(message.header)
        request = automatic_request(original, message.sender)
        if isinstance(request, Request):
            request = await self._trusted(request)
        account = message.recipient
        if isinstance(request, Request):
            kind = "processed/error" if error is not None else "processed"
            tag = receipt_tag(self._secret, account.id, request.message_id, kind)
            if not await self._ledger.claim(account.id, tag):
                request = NoReceipt.ALREADY_SENT
        if isinstance(request, NoReceipt):
            if request is not NoReceipt.NOT_REQUESTED:
                log.info(
                    "no MDN for uid %s of %s: %s",
                    message.stored.uid,
                    account.address,
                    request.value,
                )
            return False
        if error is not None:
            original = read_header(message.raw)
        report = self._report(original, account, request, error)
        await self._sender.send_report(account, request.to, report)
        return True

    async def _trusted(self, request: Request) -> Request | NoReceipt:
        try:
            await self._router.route(request.to)
        except PolicyError:
            return NoReceipt.OUTSIDE_TRUST_SPACE
        return request

    def _report(
        self, original: Message, account: Account, request: Request, error: str | None
    ) -> bytes:
        subject = str(original.get("Subject", ""))
        disposition = Disposition(
            original_message_id=request.message_id,
            final_recipient=account.address,
            original_recipient=None,
            action_mode=AUTOMATIC,
            disposition_type="processed",
            error=error,
        )
        text = processed_text(subject, account.address)
        if error is not None:
            text = error_text(subject, account.address, error)
        report = build_mdn(
            original,
            reporting_ua=f"{self._hostname}; MSS",
            sender=account.address,
            to=request.to,
            disposition=disposition,
            human_text=text,
            include_original=error is not None,
        )
        return report.as_bytes()


def _field(value: str) -> str:
    """One line of printable text, bounded: the Error field is one header line (RFC 8098 §3.2.7)."""
    cleaned = "".join(c if c.isprintable() and c != "^" else " " for c in value)
    return cleaned.strip()[:200]
