"""Where webhook events come from: the mail an organisation's mailbox receives about what it
sent (RFC 8098 MDNs, RFC 3464 DSNs, replies), and signature requests' deadlines (the state
changes made in a session are in mss/webhooks/signature_events.py, which loads pyHanko's side).

Both sides find the owner through a watch (mss/webhooks/service.py) set when the thing was sent,
so an unattended part of the server (the expiry worker, a report arriving by SMTP) still reaches
the right account; a report or reply counts only when it arrived in the owner's own mailbox.
A failing webhook never fails the act that caused it: errors are logged.
"""

from __future__ import annotations

import email
import logging
from collections.abc import Awaitable, Callable
from email.message import Message
from email.utils import getaddresses
from typing import Any

from mss.inbound import InboundMessage
from mss.receipts.dsn import parse_dsn
from mss.receipts.mdn import parse_mdn
from mss.store.records import Account, AccountKind
from mss.webhooks.service import WebhookService

log = logging.getLogger(__name__)

OWNER_KINDS = frozenset({AccountKind.ORGANISATION, AccountKind.APPLICATION})
MDN_EVENTS = {
    "processed": "message.processed",
    "displayed": "message.displayed",
    "deleted": "message.deleted",
}
DSN_EVENTS = {
    "delivered": "message.delivered",
    "relayed": "message.delivered",
    "expanded": "message.delivered",
    "delayed": "message.delayed",
    "failed": "message.failed",
}
MAX_REFERENCES = 20


def message_subject(message_id: str) -> str:
    return "message-id:" + message_id.strip().strip("<>")


def envelope_subject(envelope_id: str) -> str:
    return "envid:" + envelope_id.strip()


def signature_subject(request_id: str) -> str:
    return "signature:" + request_id


class MessageEvents:
    """Inbound observer: reports and replies about mail an API account sent."""

    name = "webhooks"

    def __init__(self, hooks: WebhookService) -> None:
        self._hooks = hooks

    async def delivered(self, message: InboundMessage) -> None:
        recipient = message.recipient
        if recipient.kind not in OWNER_KINDS:
            return
        if not message.may_be_report():
            # A reply is recognised by its header fields alone (RFC 5322 §3.6.4).
            await self._reply(recipient, email.message_from_bytes(message.header))
            return
        parsed = email.message_from_bytes(message.raw)
        mdn = parse_mdn(parsed)
        if mdn is not None:
            error = mdn.error is not None or mdn.disposition_type in {"failed", "error"}
            kind = "message.failed" if error else MDN_EVENTS.get(mdn.disposition_type)
            if kind is not None:
                data = {"recipient": mdn.final_recipient, "disposition": mdn.disposition_type}
                await self._emit(recipient, message_subject(mdn.original_message_id), kind, data)
            return
        dsn = parse_dsn(parsed)
        if dsn is not None:
            if dsn.envelope_id:
                for block in dsn.recipients:
                    kind = DSN_EVENTS.get(block.action.lower())
                    if kind is not None:
                        data = {"recipient": block.final_recipient, "status": block.status}
                        await self._emit(recipient, envelope_subject(dsn.envelope_id), kind, data)
            return
        await self._reply(recipient, parsed)

    async def _reply(self, recipient: Account, parsed: Message) -> None:
        references = " ".join(str(parsed.get(name, "")) for name in ("In-Reply-To", "References"))
        seen: set[str] = set()
        for word in references.split()[:MAX_REFERENCES]:
            if not word.startswith("<") or word in seen:
                continue
            seen.add(word)
            senders = getaddresses([str(parsed.get("From", ""))])
            data = {
                "from": senders[0][1] if senders else "",
                "subject": str(parsed.get("Subject", ""))[:250],
                "reply_message_id": str(parsed.get("Message-ID", "")).strip().strip("<>"),
            }
            if await self._emit(recipient, message_subject(word), "message.reply", data):
                return

    async def _emit(self, owner: Account, subject: str, kind: str, data: dict[str, Any]) -> bool:
        watched = await self._hooks.watched(subject)
        if watched is None or watched.owner_id != owner.id:
            return False
        await self._hooks.emit(owner.id, kind, watched.reference | data)
        return True


def expired_hook(hooks: WebhookService) -> Callable[[str], Awaitable[None]]:
    """The expiry worker's hook: it holds no key, so the watch names the owner."""

    async def expired(request_id: str) -> None:
        try:
            watched = await hooks.watched(signature_subject(request_id))
            if watched is not None:
                data = watched.reference | {"state": "expired"}
                await hooks.emit(watched.owner_id, "signature_request.expired", data)
        except Exception:
            log.exception("webhook event of expired signature request %s", request_id)

    return expired
