"""The "delivered" DSN (RFC 3461 §5.2.3): we are the final MTA for local recipients, so a
sender who asked NOTIFY=SUCCESS hears it from us, through the outbound queue."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from mss.queue import NULL_SENDER, OutboundQueue, QueueRecipient
from mss.queue.dsn import Action, Report, ReportedRecipient, build_report
from mss.smtpwire.dsn import MailDsn, RcptDsn, Ret

DELIVERED_STATUS = "2.0.0"


def wants_success(dsn: RcptDsn) -> bool:
    return "SUCCESS" in dsn.notify


async def report_delivery(
    queue: OutboundQueue,
    hostname: str,
    sender: str,
    mail: MailDsn,
    delivered: Sequence[tuple[str, RcptDsn]],
    content: bytes,
) -> None:
    """Queue one report for every recipient that asked for it (never for the null sender)."""
    asked = [(address, dsn) for address, dsn in delivered if wants_success(dsn)]
    if not sender or not asked:
        return
    now = datetime.datetime.now(datetime.UTC)
    report = Report(
        reporting_mta=hostname,
        to=sender,
        envid=mail.env_id,
        arrival=now,
        recipients=[
            ReportedRecipient(
                address=address,
                original=dsn.orcpt,
                action=Action.DELIVERED,
                status=DELIVERED_STATUS,
                remote_mta=None,
                diagnostic=None,
                last_attempt=now,
                explanation="delivered to the recipient's mailbox",
            )
            for address, dsn in asked
        ],
        original=content,
        ret=Ret.HDRS,
    )
    await queue.enqueue(
        NULL_SENDER, [QueueRecipient(sender, (), None)], build_report(report), account_id=None
    )
