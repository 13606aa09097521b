"""Sender-side tracking (mss/receipts/tracking.py): MDNs and DSNs reaching the sender update the
status of each recipient, sealed to the sender, and mark the Sent copy with keywords that a mail
client shows as tags."""

from __future__ import annotations

import asyncio
import datetime
import imaplib
import logging
import os
import subprocess
import sys
from email import message_from_bytes
from email.message import Message

import pytest
from sqlalchemy import select

from mailserver import DOCTOR, NURSE, PASSWORD, PATIENT, MailServer
from mss.imap.session.server import ImapService
from mss.policy import SenderKind
from mss.queue.dsn import Action, Report, ReportedRecipient, build_report
from mss.receipts.mdn import Disposition, build_mdn
from mss.smtpwire.dsn import Ret
from mss.store.tracking_schema import tracking_events, tracking_watches

from .mail import request, submit

NOW = datetime.datetime(2026, 12, 3, 6, 0, tzinfo=datetime.UTC)


async def _status(
    server: MailServer, sender: str, message_id: str
) -> dict[str, tuple[str, set[str]]]:
    unlocked = await server.runtime.accounts.authenticate(sender, PASSWORD)
    found = await server.runtime.tracking.status(unlocked.keys, unlocked.account, message_id)
    return {s.address: (s.state, set(s.times)) for s in found}


def _sent_flags(server: MailServer, imap: ImapService) -> list[bytes]:
    port, context = imap.ports["imaps"], server.client_context()
    with imaplib.IMAP4_SSL("localhost", port, ssl_context=context, timeout=30) as client:
        client.login(DOCTOR, PASSWORD)
        client.select("Sent", readonly=True)
        _, data = client.uid("FETCH", "1:*", "(FLAGS)")
        return [line for line in data if isinstance(line, bytes)]


async def test_the_processed_receipt_reaches_the_status_and_the_sent_copy(
    server: MailServer, imap: ImapService
) -> None:
    await submit(server, DOCTOR, PATIENT, request(DOCTOR, PATIENT, "suivi-1"))
    status = await _status(server, DOCTOR, "<suivi-1@hopital.example>")
    assert status == {PATIENT: ("processed", {"delivered", "processed"})}
    (flags,) = await asyncio.to_thread(_sent_flags, server, imap)
    assert b"$Delivered" in flags and b"$Displayed" not in flags


async def test_a_delivery_report_marks_its_recipient_failed(
    server: MailServer, imap: ImapService
) -> None:
    raw = request(DOCTOR, NURSE, "suivi-2", dnt="")
    await submit(server, DOCTOR, NURSE, raw)
    report = Report(
        reporting_mta="mx.hopital.example",
        to=DOCTOR,
        envid=None,
        arrival=NOW,
        recipients=[
            ReportedRecipient(
                address=NURSE,
                original=f"rfc822;{NURSE}",
                action=Action.FAILED,
                status="5.2.2",
                remote_mta=None,
                diagnostic="552 5.2.2 mailbox full",
                last_attempt=NOW,
                explanation="Boîte pleine",
            )
        ],
        original=raw,
        ret=Ret.HDRS,
    )
    doctor = await server.runtime.store.get_account(DOCTOR)
    assert doctor is not None
    await server.runtime.inbound.receive(
        "", SenderKind.PROFESSIONAL, doctor, build_report(report, now=NOW)
    )
    status = await _status(server, DOCTOR, "suivi-2@hopital.example")
    assert status == {NURSE: ("failed", {"delivered", "failed"})}
    (flags,) = await asyncio.to_thread(_sent_flags, server, imap)
    assert b"$DeliveryFailed" in flags


async def test_a_report_about_a_message_the_account_did_not_send_changes_nothing(
    server: MailServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The nurse receives an MDN naming the doctor's message: nothing is recorded, for either."""
    await submit(server, DOCTOR, PATIENT, request(DOCTOR, PATIENT, "suivi-3", dnt=""))
    before = await _status(server, DOCTOR, "suivi-3@hopital.example")
    forged = build_mdn(
        original=_headers("suivi-3"),
        reporting_ua="forger",
        sender=PATIENT,
        to=NURSE,
        disposition=Disposition(
            original_message_id="<suivi-3@hopital.example>",
            final_recipient=PATIENT,
            original_recipient=None,
            action_mode="manual-action/MDN-sent-manually",
            disposition_type="displayed",
        ),
        human_text="Lu.",
    )
    nurse = await server.runtime.store.get_account(NURSE)
    assert nurse is not None
    with caplog.at_level(logging.ERROR):
        await server.runtime.inbound.receive(PATIENT, SenderKind.PATIENT, nurse, forged.as_bytes())
    assert not caplog.records, "ignored quietly, not by a failing observer"
    assert await _status(server, DOCTOR, "suivi-3@hopital.example") == before
    assert await _status(server, NURSE, "suivi-3@hopital.example") == {}


async def test_the_tracking_tables_name_no_recipient(server: MailServer) -> None:
    await submit(server, DOCTOR, PATIENT, request(DOCTOR, PATIENT, "suivi-4"))
    async with server.runtime.database.reader.connect() as conn:
        rows = [
            *await conn.execute(select(tracking_watches)),
            *await conn.execute(select(tracking_events)),
        ]
    assert len(rows) >= 3, "a watch and two events"
    stored = b"".join(v if isinstance(v, bytes) else str(v).encode() for row in rows for v in row)
    for needle in (PATIENT, PATIENT.split("@")[0], "suivi-4"):
        assert needle.encode() not in stored


def _headers(message_id: str) -> Message:
    return message_from_bytes(
        f"From: <{DOCTOR}>\r\nTo: <{PATIENT}>\r\nMessage-ID: <{message_id}@hopital.example>\r\n"
        "Subject: x\r\n\r\nx\r\n".encode()
    )


async def test_the_operator_sees_states_and_never_whom(server: MailServer, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("the command reads the data directory's own SQLite store")
    await submit(server, DOCTOR, PATIENT, request(DOCTOR, PATIENT, "suivi-5"))
    settings = server.runtime.settings
    env = {k: v for k, v in os.environ.items() if not k.startswith("MSS_")}
    command = [sys.executable, "-m", "mss", "--data", str(settings.data_dir), "receipts", "show"]
    shown = await asyncio.to_thread(
        subprocess.run,
        [*command, "<suivi-5@hopital.example>", "--account", DOCTOR],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    states = [line.split("\t")[1] for line in shown.stdout.splitlines()]
    assert sorted(states) == ["delivered", "processed"]
    assert PATIENT not in shown.stdout and PATIENT.split("@")[0] not in shown.stdout


HOSTILE_REPORTS = {
    "nested": (
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
        + b"--b\r\nContent-Type: multipart/mixed; boundary=c\r\n\r\n" * 10_000
    ),
    "no-parts": (
        b"Content-Type: multipart/report; report-type=disposition-notification\r\n\r\nx\r\n"
    ),
    "huge-field": (
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n"
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n\r\n"
        b"Final-Recipient: rfc822;" + b"a" * 100_000 + b"\r\nAction: failed\r\nStatus: 5.0.0\r\n"
        b"--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <suivi-6@hopital.example>\r\n"
        b"--b--\r\n"
    ),
    "bad-charset": (
        b"Content-Type: multipart/report; report-type=disposition-notification; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: text/plain; charset=x-unknown\r\n\r\n\xff\xfe\r\n"
        b"--b\r\nContent-Type: message/disposition-notification; charset=x-unknown\r\n\r\n"
        b"Original-Message-ID: <suivi-6@hopital.example>\r\nDisposition: \xff\xfe\r\n--b--\r\n"
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_REPORTS))
async def test_hostile_reports_are_kept_as_mail_and_change_no_status(
    server: MailServer, name: str
) -> None:
    await submit(server, DOCTOR, NURSE, request(DOCTOR, NURSE, "suivi-6", dnt=""))
    before = await _status(server, DOCTOR, "suivi-6@hopital.example")
    doctor = await server.runtime.store.get_account(DOCTOR)
    assert doctor is not None
    raw = b"From: <mailer@hopital.example>\r\nSubject: rapport\r\n" + HOSTILE_REPORTS[name]
    stored = await server.runtime.inbound.receive("", SenderKind.ORGANISATION, doctor, raw)
    assert stored.uid > 0, "delivered despite the report it carries"
    assert await _status(server, DOCTOR, "suivi-6@hopital.example") == before
