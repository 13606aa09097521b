"""A professional closes a conversation with a patient (``[FIN]``, ``X-MSS-MES: FIN``): the
patient's replies are refused with 5.7.1 and a reason until the professional writes again."""

from __future__ import annotations

import aiosmtplib
import pytest

from mailserver import DOCTOR, NURSE, PASSWORD, PATIENT, MailServer, message, read_mailbox
from mss.closing import closes_conversation


async def _send(
    server: MailServer, sender: str, recipient: str, raw: bytes
) -> aiosmtplib.SMTPResponse:
    async with server.submission_client() as client:
        await client.login(sender, PASSWORD)
        await client.mail(sender)
        reply = await client.execute_command(f"RCPT TO:<{recipient}>".encode())
        if reply.code == 250:
            reply = await client.data(raw)
        return reply


def _with_header(raw: bytes, field: bytes) -> bytes:
    return field + b"\r\n" + raw


@pytest.mark.parametrize(
    "closing",
    [
        message(DOCTOR, PATIENT, "[FIN]", "Bonne continuation."),
        _with_header(message(DOCTOR, PATIENT, "Dernier message"), b"X-MSS-MES: FIN"),
    ],
    ids=["subject", "header"],
)
async def test_a_closed_conversation_refuses_the_patient_until_the_professional_writes(
    server: MailServer, closing: bytes
) -> None:
    assert (await _send(server, DOCTOR, PATIENT, message(DOCTOR, PATIENT, "Résultats"))).code == 250
    assert (
        await _send(server, PATIENT, DOCTOR, message(PATIENT, DOCTOR, "Re: Résultats"))
    ).code == 250

    assert (await _send(server, DOCTOR, PATIENT, closing)).code == 250
    refused = await _send(server, PATIENT, DOCTOR, message(PATIENT, DOCTOR, "Re: encore"))
    assert (refused.code, refused.message[:5]) == (550, "5.7.1")
    assert "closed this conversation" in refused.message
    assert len(await read_mailbox(server.runtime, DOCTOR)) == 1, "the refused reply went nowhere"

    assert (await _send(server, DOCTOR, PATIENT, message(DOCTOR, PATIENT, "Nouveau"))).code == 250
    again = await _send(server, PATIENT, DOCTOR, message(PATIENT, DOCTOR, "Re: Nouveau"))
    assert again.code == 250, "writing again reopens the conversation"


async def test_closing_one_conversation_leaves_the_others_open(server: MailServer) -> None:
    for professional in (DOCTOR, NURSE):
        raw = message(professional, PATIENT, f"Suivi {professional[:5]}")
        assert (await _send(server, professional, PATIENT, raw)).code == 250
    assert (await _send(server, DOCTOR, PATIENT, message(DOCTOR, PATIENT, "[FIN]"))).code == 250
    assert (await _send(server, PATIENT, NURSE, message(PATIENT, NURSE, "Re: Suivi"))).code == 250
    closed = await _send(server, PATIENT, DOCTOR, message(PATIENT, DOCTOR, "Re: Suivi"))
    assert closed.code == 550


@pytest.mark.parametrize(
    ("fields", "closes"),
    [
        (b"Subject: [FIN]", True),
        (b"Subject:   [FIN]  ", True),
        (b"Subject: =?utf-8?q?=5BFIN=5D?=", True),
        (b"X-MSS-MES: fin", True),
        (b"X-MSS-MES:\r\n FIN", True),
        (b"Subject: Re: [FIN]", False),
        (b"Subject: [FIN] vos r\xc3\xa9sultats", False),
        (b"Subject: FIN", False),
        (b"X-MSS-MES: FINAL", False),
        (b"Subject: =?bogus?q?=5BFIN=5D?=", False),
        (b"X-Other: [FIN]", False),
    ],
)
def test_what_closes_a_conversation(fields: bytes, closes: bool) -> None:
    raw = b"From: <a@b.example>\r\n" + fields + b"\r\n\r\n[FIN]\r\n"
    assert closes_conversation(raw) is closes
