"""Nothing a person wrote reaches the database readably through the receipts: the ledger keeps
keyed tags of Message-IDs, and every MDN is stored sealed like any mail."""

from __future__ import annotations

from mailserver import DOCTOR, PATIENT, MailServer
from mss.inbound import InboundMessage
from mss.policy import SenderKind
from mss.receipts.displayed import ReceiptMode
from mss.receipts.processed import ProcessedReceipts
from queue_support import dump_database

from .test_displayed import displayed, displayed_mdns, open_inbox


async def test_dump_holds_no_canary_after_every_kind_of_mdn(
    server: MailServer, canary: str
) -> None:
    raw = (
        f"From: <{DOCTOR}>\r\nTo: <{PATIENT}>\r\nSubject: Bilan {canary}\r\n"
        f"Message-ID: <{canary}@hopital.example>\r\nDisposition-Notification-To: <{DOCTOR}>\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\nCorps {canary}\r\n"
    ).encode()
    patient = server.accounts[PATIENT]
    stored = await server.runtime.inbound.receive(DOCTOR, SenderKind.PROFESSIONAL, patient, raw)
    observer = next(o for o in server.runtime.inbound.observers if o.name == "receipts")
    assert isinstance(observer, ProcessedReceipts)
    message = InboundMessage(DOCTOR, SenderKind.PROFESSIONAL, patient, raw, stored)
    assert await observer.integration_failed(message, "XDM01", f"Erreur {canary}")
    service = displayed(server)
    await service.set_mode(patient, ReceiptMode.ALWAYS)
    mailbox, uid, plain, flags = await open_inbox(server)
    await service.opened(patient, mailbox, uid, plain, flags)
    assert len(await displayed_mdns(server)) == 1
    dump = await dump_database(server.runtime)
    assert canary.encode() not in dump
    assert canary.encode("utf-16-le") not in dump
