"""Sender-side tracking: what became of each message a local account sent, per recipient.

Issue 9 item 4, after the US Direct Project's model of sender-side status (DOMAIN.md): every
message sent through the one sending path is watched under a keyed tag of (account, Message-ID);
each RFC 8098 MDN and RFC 3464 DSN that reaches the sender's own INBOX about it adds an event.
Events are written while the sender is away, so the recipient each one concerns is sealed to the
sender's public key like mail; the state and its time stay readable for the operator.

Three readers: a mail client sees keywords on the Sent copy (:data:`KEYWORDS`), the webmail shows
"Distribué le …, lu le …" per recipient, the establishments' API reads :meth:`Tracking.status`.
"""

from __future__ import annotations

import email
import email.policy
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import Message
from typing import Protocol

from crypto import AccountKeys, decrypt, encrypt, new_content_key, open_key, seal_key
from crypto.objects import associated_data, new_object_id
from crypto.tags import keyed_tag
from mss.inbound import InboundMessage
from mss.mime.headers import read_header_block
from mss.receipts.dsn import parse_dsn
from mss.receipts.mdn import parse_mdn
from mss.store.records import Account, Appended, FlagMode
from mss.store.tracking_sql import StoredEvent, Watch

log = logging.getLogger(__name__)

# Later states win when a recipient has several (a read message was delivered before).
ORDER = ("queued", "relayed", "delayed", "delivered", "processed", "displayed", "deleted", "failed")
KEYWORDS = {
    "delivered": "$Delivered",
    "relayed": "$Delivered",
    "processed": "$Delivered",
    "displayed": "$Displayed",
    "failed": "$DeliveryFailed",
}
"""IMAP keywords (RFC 3501 §2.3.2) set on the sender's Sent copy: any client lists them as tags."""
MDN_STATES = {"processed": "processed", "displayed": "displayed", "deleted": "deleted"}
DSN_STATES = {
    "delivered": "delivered",
    "relayed": "relayed",
    "expanded": "delivered",
    "delayed": "delayed",
    "failed": "failed",
}
SEALED_KEY_BYTES = 32 + 48


class TrackingStore(Protocol):
    async def watch(self, tag: bytes, account_id: int, at: int) -> bool: ...

    async def record_sent(
        self, tag: bytes, events: list[StoredEvent], sent_copy: tuple[int, int] | None
    ) -> set[str]: ...

    async def watched(self, tag: bytes) -> Watch | None: ...

    async def add_events(self, tag: bytes, events: list[StoredEvent]) -> None: ...

    async def events(self, tag: bytes) -> list[StoredEvent]: ...


class SentCopies(Protocol):
    """Keywords on the Sent copy, set without the owner's keys (flags are not sealed)."""

    async def store_flags(
        self, mailbox_id: int, uids: Sequence[int], mode: FlagMode, flags: frozenset[str]
    ) -> object: ...


@dataclass(frozen=True, slots=True)
class Event:
    recipient: str
    state: str
    at: int


@dataclass(frozen=True, slots=True)
class RecipientStatus:
    """The latest state of one recipient, and when each state was reached."""

    address: str
    state: str
    times: dict[str, int]


def message_id_of(raw: bytes) -> str | None:
    value = read_header_block(raw, 0, len(raw)).fields.get("message-id")
    if value is None:
        return None
    text = value.decode("ascii", "replace").strip().strip("<>").strip()
    return text or None


class Tracking:
    def __init__(
        self,
        store: TrackingStore,
        copies: SentCopies,
        secret: bytes,
        clock: Callable[[], int] = lambda: int(time.time()),
    ) -> None:
        self._store = store
        self._copies = copies
        self._secret = secret
        self._clock = clock

    def tag(self, account_id: int, message_id: str) -> bytes:
        normalised = message_id.strip().strip("<>").strip()
        return keyed_tag(self._secret, b"tracking", str(account_id).encode(), normalised.encode())

    async def expect(self, account: Account, raw: bytes) -> bool:
        """Watch a message about to be sent, before any copy is delivered: a local recipient's
        mailbox may answer with a report while the send is still under way. ``False`` when the
        message has no Message-ID or was already watched (a message sent again)."""
        message_id = message_id_of(raw)
        if message_id is None:
            return False
        return await self._store.watch(self.tag(account.id, message_id), account.id, self._clock())

    async def sent(
        self,
        account: Account,
        raw: bytes,
        delivered: Sequence[str],
        queued: Sequence[str],
        copy: Appended | None,
    ) -> None:
        """The send succeeded: local recipients have it, the others are queued; the Sent copy
        gets the keywords of every state known so far."""
        message_id = message_id_of(raw)
        if message_id is None:
            return
        tag = self.tag(account.id, message_id)
        now = self._clock()
        events = [Event(a, "delivered", now) for a in delivered]
        events += [Event(a, "queued", now) for a in queued]
        location = (copy.mailbox_id, copy.uid) if copy is not None else None
        states = await self._store.record_sent(
            tag, [_seal(e, account.encryption_key) for e in events], location
        )
        if location is not None:
            await self._mark(location, states)

    async def report(self, account: Account, message_id: str, events: list[Event]) -> bool:
        """Record what a report says about a message ``account`` sent; ``False`` when the
        account never sent it (a forged or misdirected report changes nothing)."""
        tag = self.tag(account.id, message_id)
        watch = await self._store.watched(tag)
        if watch is None or not events:  # the tag names the account: no one else's watch
            return False
        await self._store.add_events(tag, [_seal(e, account.encryption_key) for e in events])
        if watch.mailbox_id is not None and watch.uid is not None:
            await self._mark((watch.mailbox_id, watch.uid), {e.state for e in events})
        return True

    async def status(
        self, keys: AccountKeys, account: Account, message_id: str
    ) -> list[RecipientStatus]:
        """Per recipient, in the order first seen; empty when the message is not tracked."""
        stored = await self._store.events(self.tag(account.id, message_id))
        statuses: dict[str, RecipientStatus] = {}
        for row in stored:
            recipient = _open(row, keys)
            known = statuses.get(recipient)
            times = dict(known.times) if known else {}
            times.setdefault(row.state, row.at)
            state = max(times, key=ORDER.index)
            statuses[recipient] = RecipientStatus(recipient, state, times)
        return list(statuses.values())

    async def states(self, account: Account, message_id: str) -> list[tuple[str, int]]:
        """The operator's view: states and times, never whom they concern."""
        return [
            (row.state, row.at)
            for row in await self._store.events(self.tag(account.id, message_id))
        ]

    # Inbound observer: MDNs and DSNs arriving in a sender's INBOX about what they sent.
    name = "tracking"

    async def delivered(self, message: InboundMessage) -> None:
        if not message.may_be_report():
            return
        parsed = email.message_from_bytes(message.raw, policy=email.policy.compat32)
        found = _read_report(parsed, self._clock())
        if found is None:
            return
        message_id, events = found
        if not await self.report(message.recipient, message_id, events):
            log.info("ignored a report about a message %s did not send", message.recipient.address)

    async def _mark(self, location: tuple[int, int], states: set[str]) -> None:
        keywords = frozenset(KEYWORDS[s] for s in states if s in KEYWORDS)
        if keywords:
            mailbox_id, uid = location
            await self._copies.store_flags(mailbox_id, [uid], FlagMode.ADD, keywords)


def _read_report(parsed: Message, now: int) -> tuple[str, list[Event]] | None:
    mdn = parse_mdn(parsed)
    if mdn is not None:
        failed = mdn.error is not None or mdn.disposition_type in {"failed", "error"}
        state = "failed" if failed else MDN_STATES.get(mdn.disposition_type)
        if state is None or not mdn.original_message_id:
            return None
        recipient = _address(mdn.original_recipient or mdn.final_recipient)
        return mdn.original_message_id, [Event(recipient, state, now)]
    dsn = parse_dsn(parsed)
    if dsn is None:
        return None
    message_id = _returned_message_id(parsed)
    if message_id is None:
        return None
    events = [
        Event(
            _address(block.original_recipient or block.final_recipient),
            DSN_STATES[block.action],
            now,
        )
        for block in dsn.recipients
        if block.action in DSN_STATES
    ]
    return message_id, events


def _address(typed: str) -> str:
    """``rfc822;someone@example`` (RFC 3464 §2.3.2, RFC 8098 §3.2.4) to the address."""
    _, sep, address = typed.partition(";")
    return (address if sep else typed).strip().lower()


def _returned_message_id(report: Message) -> str | None:
    """The Message-ID of the returned message or headers (RFC 3462's third part)."""
    payload = report.get_payload()
    if not isinstance(payload, list) or len(payload) < 3:
        return None
    returned = payload[2]
    if not isinstance(returned, Message):
        return None
    inner = returned.get_payload()
    if isinstance(inner, list) and inner and isinstance(inner[0], Message):
        value = inner[0].get("Message-ID")
    else:
        text = returned.get_payload(decode=True)
        if not isinstance(text, bytes):
            return None
        value = email.message_from_bytes(text).get("Message-ID")
    if value is None:
        return None
    return str(value).strip().strip("<>").strip() or None


def _aad(object_id: bytes) -> bytes:
    return associated_data(b"tracking", b"recipient", object_id)


def _seal(event: Event, owner_key: bytes) -> StoredEvent:
    object_id = new_object_id()
    key = new_content_key()
    sealed = seal_key(key, owner_key) + encrypt(
        key, json.dumps(event.recipient).encode(), _aad(object_id)
    )
    return StoredEvent(event.state, event.at, object_id, sealed)


def _open(row: StoredEvent, keys: AccountKeys) -> str:
    key = open_key(row.sealed[:SEALED_KEY_BYTES], keys)
    value = json.loads(decrypt(key, row.sealed[SEALED_KEY_BYTES:], _aad(row.object_id)))
    if not isinstance(value, str):
        raise ValueError("a tracking event names no recipient")
    return value
