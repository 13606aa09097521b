"""The professional's mail client (Python's imaplib over IMAPS) finds the "processed" MDN."""

from __future__ import annotations

import asyncio
import imaplib
from email import message_from_bytes
from email.policy import default

from mailserver import DOCTOR, PASSWORD, PATIENT, MailServer
from mss.imap.session.server import ImapService
from mss.receipts.mdn import parse_mdn

from .mail import request, submit


async def test_imap_client_reads_the_processed_mdn(server: MailServer, imap: ImapService) -> None:
    await submit(server, DOCTOR, PATIENT, request(DOCTOR, PATIENT, "imap-1"))
    port, context = imap.ports["imaps"], server.client_context()

    def fetch() -> bytes:
        with imaplib.IMAP4_SSL("localhost", port, ssl_context=context, timeout=30) as client:
            client.login(DOCTOR, PASSWORD)
            client.select("INBOX", readonly=True)
            _, found = client.uid("SEARCH", "HEADER", "Auto-Submitted", "auto-replied")
            [uid] = found[0].split()
            _, data = client.uid("FETCH", uid, "(BODY.PEEK[])")
            part = data[0]
            assert isinstance(part, tuple)
            return part[1]

    raw = await asyncio.to_thread(fetch)
    mdn = message_from_bytes(raw, policy=default)
    assert mdn.get_content_type() == "multipart/report"
    assert mdn.get_param("report-type") == "disposition-notification"
    disposition = parse_mdn(mdn)
    assert disposition is not None
    assert disposition.original_message_id == "<imap-1@hopital.example>"
    assert disposition.disposition_type == "processed"
