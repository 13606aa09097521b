"""The one write path for stored mail: SMTP, IMAP APPEND and the webmail all call :func:`deliver`.

Parsing and encryption happen before the store is touched (a large message is encrypted in a
worker thread, so the event loop keeps serving other sessions meanwhile: libsodium releases the
GIL); the store commits (group commit, one
fsync per batch) and only then does ``deliver`` return, so a caller that acknowledges after it
(SMTP 250, APPEND OK, "sent") never acknowledges anything that a crash could lose. The change is
published by the store after that commit.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Sequence
from typing import Protocol

from mss.mailcrypto import seal_message
from mss.mime.model import MessageStructure
from mss.store.errors import NotFound
from mss.store.interfaces import MailboxStore, MessageStore
from mss.store.records import Account, Appended, Mailbox

INBOX = "INBOX"
# Above this size the hand-off to a worker thread costs less than the loop's stall.
THREAD_ABOVE = 32 * 1024


class DeliveryStore(MailboxStore, MessageStore, Protocol):
    """What delivery needs of the store."""


async def deliver(
    store: DeliveryStore,
    account: Account,
    mailbox: str | Mailbox,
    raw: bytes,
    flags: Iterable[str] = (),
    date: int | None = None,
    structure: MessageStructure | None = None,
) -> Appended:
    """Encrypt ``raw`` for ``account`` and commit it into ``mailbox`` (a name or a record).

    ``structure``: ``raw`` already parsed by the caller, so that it is not parsed again.
    """
    if isinstance(mailbox, Mailbox):
        if mailbox.account_id != account.id:
            raise NotFound(f"mailbox {mailbox.name} does not belong to {account.address}")
        mailbox_id = mailbox.id
    else:
        mailbox_id = await _find(store, account, mailbox)
    arguments = (
        raw,
        account.encryption_key,
        frozenset(flags),
        int(time.time()) if date is None else date,
        structure,
    )
    if len(raw) > THREAD_ABOVE:
        sealed = await asyncio.to_thread(seal_message, *arguments)
    else:
        sealed = seal_message(*arguments)
    return await store.append(mailbox_id, sealed)


async def deliver_many(
    store: DeliveryStore,
    account: Account,
    mailbox: Mailbox,
    messages: Sequence[tuple[bytes, Iterable[str], int | None]],
) -> list[Appended]:
    """Encrypt each ``(raw, flags, date)`` for ``account`` and commit them all in one
    transaction: either every message is stored or none is (RFC 3502 §3 MULTIAPPEND)."""
    if mailbox.account_id != account.id:
        raise NotFound(f"mailbox {mailbox.name} does not belong to {account.address}")
    now = int(time.time())
    sealed = [
        seal_message(raw, account.encryption_key, frozenset(flags), now if date is None else date)
        for raw, flags, date in messages
    ]
    return await store.append_many(mailbox.id, sealed)


async def _find(store: DeliveryStore, account: Account, name: str) -> int:
    found = await store.mailbox_id(account.id, INBOX if name.upper() == INBOX else name)
    if found is None:
        raise NotFound(f"{account.address} has no mailbox named {name}")
    return found
