"""The "processed" MDN on delivery to patient and application mailboxes, over real SMTP."""

from __future__ import annotations

import logging
import time
from email import message_from_bytes
from email.message import EmailMessage, Message
from email.policy import SMTP, default

import pytest

from mailserver import DOCTOR, DOMAIN, NURSE, PASSWORD, PATIENT, MailServer, read_mailbox
from mss.inbound import InboundMessage
from mss.policy import SenderKind
from mss.receipts.mdn import parse_mdn
from mss.receipts.processed import ProcessedReceipts
from mss.store.records import AccountKind

from .mail import request, submit

APP = f"resultats@{DOMAIN}"


def reports(messages: list[bytes]) -> list[Message]:
    parsed = [message_from_bytes(raw, policy=default) for raw in messages]
    return [m for m in parsed if m.get_content_type() == "multipart/report"]


def receipts(server: MailServer) -> ProcessedReceipts:
    observer = next(o for o in server.runtime.inbound.observers if o.name == "receipts")
    assert isinstance(observer, ProcessedReceipts)
    return observer


async def test_patient_mailbox_answers_processed_once(server: MailServer) -> None:
    raw = request(DOCTOR, PATIENT, "bilan-1")
    await submit(server, DOCTOR, PATIENT, raw)
    [mdn] = reports(await read_mailbox(server.runtime, DOCTOR))
    assert mdn.get_param("report-type") == "disposition-notification"
    assert mdn["From"] == PATIENT and mdn["Auto-Submitted"] == "auto-replied"
    disposition = parse_mdn(mdn)
    assert disposition is not None
    assert disposition.original_message_id == "<bilan-1@hopital.example>"
    assert disposition.final_recipient == PATIENT
    assert disposition.action_mode == "automatic-action/MDN-sent-automatically"
    assert disposition.disposition_type == "processed" and disposition.error is None
    assert "bien été reçu" in mdn.get_payload()[0].get_content()
    await submit(server, DOCTOR, PATIENT, raw)
    assert len(reports(await read_mailbox(server.runtime, DOCTOR))) == 1, "one per message"


async def test_application_mailbox_answers_and_professional_does_not(server: MailServer) -> None:
    await server.runtime.accounts.create_account(APP, AccountKind.APPLICATION, PASSWORD)
    await submit(server, DOCTOR, APP, request(DOCTOR, APP, "app-1"))
    await submit(server, DOCTOR, NURSE, request(DOCTOR, NURSE, "pro-1"))
    [mdn] = reports(await read_mailbox(server.runtime, DOCTOR))
    disposition = parse_mdn(mdn)
    assert disposition is not None and disposition.final_recipient == APP


@pytest.mark.parametrize(
    ("dnt", "extra"),
    [
        ("", ""),
        (NURSE, ""),
        (None, "Auto-Submitted: auto-generated\r\n"),
        (None, "Disposition-Notification-Options: signed-receipt=required,pkcs7-signature\r\n"),
    ],
    ids=["not-asked", "not-return-path", "auto-submitted", "required-option"],
)
async def test_no_mdn_when_a_rule_forbids_it(
    server: MailServer, dnt: str | None, extra: str
) -> None:
    # The nurse writes first, so that policy alone would let the patient's mailbox answer her.
    await submit(server, NURSE, PATIENT, request(NURSE, PATIENT, "hello", dnt=""))
    await submit(server, DOCTOR, PATIENT, request(DOCTOR, PATIENT, "rule", dnt=dnt, extra=extra))
    assert reports(await read_mailbox(server.runtime, DOCTOR)) == []
    assert reports(await read_mailbox(server.runtime, NURSE)) == []


def report(report_type: str, message_id: str) -> bytes:
    """A report from the doctor that (wrongly) asks for an MDN itself."""
    msg = EmailMessage(policy=SMTP)
    msg["From"] = DOCTOR
    msg["To"] = PATIENT
    msg["Subject"] = "Rapport"
    msg["Message-ID"] = f"<{message_id}@hopital.example>"
    msg["Disposition-Notification-To"] = DOCTOR
    msg.set_content("Rapport automatique.")
    msg.make_mixed()
    msg.replace_header("Content-Type", "multipart/report")
    msg.set_param("report-type", report_type)
    return msg.as_bytes()


@pytest.mark.parametrize("report_type", ["disposition-notification", "delivery-status"])
async def test_no_mdn_for_an_mdn_or_a_dsn(server: MailServer, report_type: str) -> None:
    await submit(server, DOCTOR, PATIENT, report(report_type, report_type))
    assert len(reports(await read_mailbox(server.runtime, PATIENT))) == 1, "delivered"
    assert reports(await read_mailbox(server.runtime, DOCTOR)) == [], "never answered"


async def test_no_mdn_outside_the_trust_space(
    server: MailServer, caplog: pytest.LogCaptureFixture
) -> None:
    outsider = "someone@outside.example"
    patient = server.accounts[PATIENT]
    raw = request(outsider, PATIENT, "outside")
    with caplog.at_level(logging.INFO, logger="mss.receipts.processed"):
        await server.runtime.inbound.receive(outsider, SenderKind.PROFESSIONAL, patient, raw)
    assert "the requester is outside the trust space" in caplog.text
    assert "failed" not in caplog.text, "refused by the rule, not by an error"


async def test_error_form_returns_the_original(server: MailServer) -> None:
    raw = request(DOCTOR, PATIENT, "xdm-1")
    patient = server.accounts[PATIENT]
    stored = await server.runtime.inbound.receive(DOCTOR, SenderKind.PROFESSIONAL, patient, raw)
    message = InboundMessage(DOCTOR, SenderKind.PROFESSIONAL, patient, raw, stored)
    assert await receipts(server).integration_failed(message, "XDM01", "Archive IHE_XDM illisible")
    assert not await receipts(server).integration_failed(message, "XDM01", "encore"), "once"
    error = next(
        m
        for m in reports(await read_mailbox(server.runtime, DOCTOR))
        if m["Subject"].startswith("[KO Intégration système !]")
    )
    disposition = parse_mdn(error)
    assert disposition is not None and disposition.disposition_type == "processed"
    assert disposition.error == "XDM01^Archive IHE_XDM illisible"
    returned = error.get_payload()[2]
    assert returned.get_content_type() == "message/rfc822"
    assert b"Vos r\xc3\xa9sultats sont normaux." in returned.as_bytes()


async def test_ten_thousand_nested_parts_are_delivered_and_answered_quickly(
    server: MailServer,
) -> None:
    """The rules read the header only: a hostile body costs nothing and loses nothing."""
    nested = "".join(
        f'--b{i}\r\nContent-Type: multipart/mixed; boundary="b{i + 1}"\r\n\r\n'
        for i in range(10_000)
    )
    raw = (
        request(DOCTOR, PATIENT, "nested")
        .replace(
            b"Content-Type: text/plain; charset=utf-8\r\n",
            b'Content-Type: multipart/mixed; boundary="b0"\r\n',
        )
        .replace(b"Vos r\xc3\xa9sultats sont normaux.\r\n", nested.encode())
    )
    started = time.monotonic()
    await submit(server, DOCTOR, PATIENT, raw)
    # Far above the normal cost (under a second): only a walk of the 10,000 parts, which takes
    # minutes, fails it, never a loaded machine.
    assert time.monotonic() - started < 60
    assert len(reports(await read_mailbox(server.runtime, DOCTOR))) == 1
    assert (await read_mailbox(server.runtime, PATIENT))[-1].endswith(raw)
    patient = server.accounts[PATIENT]
    stored = await server.runtime.inbound.receive(DOCTOR, SenderKind.PROFESSIONAL, patient, raw)
    message = InboundMessage(DOCTOR, SenderKind.PROFESSIONAL, patient, raw, stored)
    assert await receipts(server).integration_failed(message, "XDM02", "Structure invalide")
