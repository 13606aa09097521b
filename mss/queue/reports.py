"""Delivering owed DSNs into the sender's INBOX, through the one receiving path
(:class:`mss.inbound.InboundService`), so that what watches incoming mail (the sender-side
tracking, the establishments' webhooks) sees the queue's own reports too.

DSNs are never queued: they go only to local senders, straight into their mailbox, encrypted to
them like any mail. A report can therefore never bounce, and no bounce loop can start. A sender
whose account is gone gets no report; the owed report is then dropped, not retried.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from typing import Protocol

from crypto import DecryptionError
from crypto.queuekey import QueueKey
from mss.queue.dsn import Action, Report, ReportedRecipient, build_report
from mss.queue.schedule import MS
from mss.queue.sealing import open_queued
from mss.smtpwire.dsn import Ret, parse_ret
from mss.store.errors import NotFound
from mss.store.queue_records import QueuedMessage, QueuedRecipient
from mss.store.records import Account

log = logging.getLogger(__name__)


class ReportStore(Protocol):
    """What reporting needs of the mail store: finding the sender's account."""

    async def get_account_by_id(self, account_id: int) -> Account | None: ...


class ReportInbox(Protocol):
    """Where a report is delivered (mss/inbound.py)."""

    async def receive_report(self, recipient: Account, raw: bytes) -> object: ...


def _moment(milliseconds: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(milliseconds / MS, datetime.UTC)


def report_of(
    message: QueuedMessage,
    recipients: Sequence[QueuedRecipient],
    original: bytes | None,
    reporting_mta: str,
) -> Report:
    reported = [
        ReportedRecipient(
            address=recipient.address,
            original=recipient.orcpt,
            action=Action(recipient.report_due),
            status=recipient.status or "",
            remote_mta=recipient.remote_mta,
            diagnostic=recipient.last_reply,
            last_attempt=(
                _moment(recipient.last_attempt_ms) if recipient.last_attempt_ms else None
            ),
            explanation=recipient.last_error or recipient.status or "",
        )
        for recipient in recipients
        if recipient.report_due is not None
    ]
    return Report(
        reporting_mta=reporting_mta,
        to=message.sender,
        envid=message.envid,
        arrival=_moment(message.created_at_ms),
        recipients=reported,
        original=original,
        ret=parse_ret(message.ret) or Ret.FULL,  # RFC 3461 §4.3: without RET, we return it all
    )


async def deliver_report(
    store: ReportStore,
    inbox: ReportInbox,
    key: QueueKey,
    message: QueuedMessage,
    recipients: Sequence[QueuedRecipient],
    reporting_mta: str,
) -> bool:
    """Deliver the DSN for ``recipients``; False when there is nobody to deliver it to."""
    account = (
        await store.get_account_by_id(message.account_id)
        if message.account_id is not None
        else None
    )
    if account is None or not message.sender:
        log.warning("queue %d: no local sender account; DSN dropped", message.id)
        return False
    try:
        original: bytes | None = open_queued(message, key)
    except DecryptionError:
        original = None  # RFC 6522 §3: the returned message is optional
    raw = build_report(report_of(message, recipients, original, reporting_mta))
    try:
        await inbox.receive_report(account, raw)
    except NotFound as exc:
        log.warning("queue %d: DSN to %s dropped: %s", message.id, account.address, exc)
        return False
    return True
