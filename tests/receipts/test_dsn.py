"""The queue's own DSNs (mss.queue.dsn) read back with mss.receipts.dsn."""

from __future__ import annotations

import datetime
from email import message_from_bytes
from email.policy import default

from mss.queue.dsn import Action, Report, ReportedRecipient, build_report
from mss.receipts.dsn import parse_dsn
from mss.smtpwire.dsn import Ret

NOW = datetime.datetime(2026, 12, 3, 6, 0, tzinfo=datetime.UTC)


def _report(envid: str | None = "env-42") -> bytes:
    recipient = ReportedRecipient(
        address="a@remote.example",
        original="rfc822;a@remote.example",
        action=Action.FAILED,
        status="5.1.1",
        remote_mta="mx.remote.example",
        diagnostic="550 5.1.1 unknown",
        last_attempt=NOW,
        explanation="Adresse inconnue",
    )
    report = Report(
        reporting_mta="mss.example",
        to="jean.dupont@pro.example",
        envid=envid,
        arrival=NOW,
        recipients=[recipient],
        original=b"Subject: x\r\n\r\nbody\r\n",
        ret=Ret.FULL,
    )
    return build_report(report, now=NOW)


def test_queue_dsn_parses() -> None:
    parsed = parse_dsn(message_from_bytes(_report(), policy=default))
    assert parsed is not None
    assert parsed.envelope_id == "env-42"
    (recipient,) = parsed.recipients
    assert recipient.final_recipient == "a@remote.example"
    assert recipient.original_recipient == "a@remote.example"
    assert (recipient.action, recipient.status) == ("failed", "5.1.1")


def test_hostile_dsns_are_ignored() -> None:
    raw = _report()
    assert (
        parse_dsn(
            message_from_bytes(raw.replace(b"Action: failed", b"Action: eaten"), policy=default)
        )
        is None
    )
    assert (
        parse_dsn(
            message_from_bytes(
                raw.replace(b"Status: 5.1.1", b"Status: 5.1.1" + b"9" * 2000), policy=default
            )
        )
        is None
    )
    assert parse_dsn(message_from_bytes(b"Subject: hi\r\n\r\nhi\r\n", policy=default)) is None
