"""The one write path for outgoing mail: :meth:`OutboundQueue.enqueue`.

Implementation notes. The message is encrypted before the store is touched (nothing a person
wrote reaches the database in the clear), then the message and all its recipients are inserted
in one transaction of the group committer; ``enqueue`` returns after that commit is durable, so
the SMTP 250 that follows it never acknowledges mail a crash could lose. Workers of this process
are woken at once; those of other processes find the mail at their next poll.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

from crypto.queuekey import QueueKey
from mss.addresses import normalise_domain
from mss.metrics.tally import NO_TALLY, Tally
from mss.queue.schedule import now_ms
from mss.queue.sealing import seal_queued
from mss.smtpwire.dsn import (
    check_envid,
    check_orcpt,
    encode_notify,
    parse_notify,
    parse_ret,
)
from mss.store.queue_records import NewQueuedMessage, NewQueuedRecipient
from mss.store.queue_repository import SqlQueueStore

NULL_SENDER = ""  # RFC 5321 §4.5.5: the null reverse-path <>, used by DSNs themselves


class RecipientParams(Protocol):
    """An envelope recipient with its DSN parameters, xtext-decoded (RFC 3461 §4.1, §4.2)."""

    @property
    def address(self) -> str: ...

    @property
    def notify(self) -> Collection[str]: ...

    @property
    def orcpt(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class QueueRecipient:
    """The plain implementation of :class:`RecipientParams`."""

    address: str
    notify: tuple[str, ...] = ()
    orcpt: str | None = None


class OutboundQueue:
    def __init__(self, store: SqlQueueStore, key: QueueKey, *, queued: Tally = NO_TALLY) -> None:
        self.store = store
        self.key = key
        self._queued = queued
        self._work = asyncio.Event()

    async def enqueue(
        self,
        sender: str,
        recipients: Sequence[RecipientParams],
        raw: bytes,
        *,
        envid: str | None = None,
        ret: str | None = None,
        account_id: int | None = None,
    ) -> int:
        """Queue ``raw`` for relay to ``recipients``; returns the queue id once durable.

        ``sender`` is the envelope reverse-path (``""`` or ``"<>"`` for the null sender, which
        never gets a DSN); ``account_id`` is the local account DSNs are delivered to. Raises
        ``ValueError`` (``InvalidAddress`` for a bad domain) on parameters that cannot be queued.
        """
        if not recipients:
            raise ValueError("a queued message needs at least one recipient")
        rows = [_recipient_row(recipient) for recipient in recipients]
        parsed_ret = parse_ret(ret)
        sealed = seal_queued(raw, self.key)
        message = NewQueuedMessage(
            object_id=sealed.object_id,
            key_id=sealed.key_id,
            sealed_key=sealed.sealed_key,
            content=sealed.content,
            sender=NULL_SENDER if sender in ("", "<>") else sender,
            envid=check_envid(envid),
            ret=parsed_ret.value if parsed_ret else None,
            size=len(raw),
            created_at_ms=now_ms(),
            account_id=account_id,
        )
        queue_id = await self.store.add(message, rows)
        self._queued.inc()
        self._work.set()
        return queue_id

    async def wait_for_work(self, seconds: float) -> None:
        """Return when something was queued in this process, or after ``seconds``."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._work.wait(), seconds)
        self._work.clear()

    def wake(self) -> None:
        self._work.set()


def _recipient_row(recipient: RecipientParams) -> NewQueuedRecipient:
    address = recipient.address.strip().removeprefix("<").removesuffix(">")
    local, at, domain = address.rpartition("@")
    if not at or not local:
        raise ValueError(f"{recipient.address!r} is not an address")
    domain = normalise_domain(domain)
    return NewQueuedRecipient(
        address=f"{local}@{domain}",
        domain=domain,
        notify=encode_notify(parse_notify(recipient.notify)),
        orcpt=check_orcpt(recipient.orcpt),
    )
