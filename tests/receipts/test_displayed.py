"""The "displayed" MDN by the patient's setting, $MDNSent kept, at most one per message."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default

from mailserver import DOCTOR, PASSWORD, PATIENT, MailServer, read_mailbox
from mss.receipts.displayed import MDN_SENT, DisplayedReceipts, ReceiptMode
from mss.receipts.mdn import DISPLAYED_BY_SETTING, MANUAL, Disposition, parse_mdn
from mss.serverkey import load_or_create_secret
from mss.store.receipt_repository import SqlReceiptLedger

from .mail import request, submit


def displayed(server: MailServer) -> DisplayedReceipts:
    runtime = server.runtime
    settings = runtime.settings
    return DisplayedReceipts(
        SqlReceiptLedger(runtime.database, runtime.store.committer),
        runtime.store,
        runtime.submission,
        load_or_create_secret(settings.data_path(settings.security.server_key)),
        settings.hostname,
    )


async def open_inbox(server: MailServer) -> tuple[int, int, bytes, frozenset[str]]:
    """The patient's newest message: mailbox id, uid, plaintext and flags."""
    unlocked = await server.runtime.accounts.authenticate(PATIENT, PASSWORD)
    inbox = await server.runtime.store.get_mailbox(unlocked.account.id, "INBOX")
    assert inbox is not None
    uid = (await server.runtime.store.message_index(inbox.id))[-1].uid
    [record] = await server.runtime.store.get_messages(inbox.id, [uid])
    raw = (await read_mailbox(server.runtime, PATIENT))[-1]
    return inbox.id, uid, raw, record.flags


async def displayed_mdns(server: MailServer) -> list[Disposition]:
    found = []
    for raw in await read_mailbox(server.runtime, DOCTOR):
        parsed = parse_mdn(message_from_bytes(raw, policy=default))
        if parsed is not None and parsed.disposition_type == "displayed":
            found.append(parsed)
    return found


async def test_always_sends_one_and_sets_mdnsent(server: MailServer) -> None:
    service, patient = displayed(server), server.accounts[PATIENT]
    await service.set_mode(patient, ReceiptMode.ALWAYS)
    await submit(server, DOCTOR, PATIENT, request(DOCTOR, PATIENT, "vu-1"))
    mailbox, uid, raw, flags = await open_inbox(server)
    assert await service.opened(patient, mailbox, uid, raw, flags) is None
    [mdn] = await displayed_mdns(server)
    assert mdn.original_message_id == "<vu-1@hopital.example>"
    assert mdn.action_mode == DISPLAYED_BY_SETTING
    _, _, _, flags = await open_inbox(server)
    assert MDN_SENT in flags
    # Opened again, even with the flag removed by a client: still one.
    await service.opened(patient, mailbox, uid, raw, frozenset())
    assert len(await displayed_mdns(server)) == 1


async def test_never_sends_nothing_and_sets_mdnsent(server: MailServer) -> None:
    service, patient = displayed(server), server.accounts[PATIENT]
    await service.set_mode(patient, ReceiptMode.NEVER)
    await submit(server, DOCTOR, PATIENT, request(DOCTOR, PATIENT, "jamais"))
    mailbox, uid, raw, flags = await open_inbox(server)
    assert await service.opened(patient, mailbox, uid, raw, flags) is None
    assert await displayed_mdns(server) == []
    assert MDN_SENT in (await open_inbox(server))[3]


async def test_ask_prompts_then_sends_on_consent(server: MailServer) -> None:
    service, patient = displayed(server), server.accounts[PATIENT]
    assert await service.mode(patient) is ReceiptMode.ASK, "ask is the default"
    await submit(server, DOCTOR, PATIENT, request(DOCTOR, PATIENT, "demande"))
    mailbox, uid, raw, flags = await open_inbox(server)
    asked = await service.opened(patient, mailbox, uid, raw, flags)
    assert asked is not None and asked.to == DOCTOR
    assert await displayed_mdns(server) == [], "nothing before the patient answers"
    assert await service.answer(patient, mailbox, uid, raw, flags, send=True)
    [mdn] = await displayed_mdns(server)
    assert mdn.action_mode == MANUAL


async def test_mdnsent_from_an_imap_client_is_respected(server: MailServer) -> None:
    service, patient = displayed(server), server.accounts[PATIENT]
    await service.set_mode(patient, ReceiptMode.ALWAYS)
    await submit(server, DOCTOR, PATIENT, request(DOCTOR, PATIENT, "imap"))
    mailbox, uid, raw, _ = await open_inbox(server)
    await service.opened(patient, mailbox, uid, raw, frozenset({MDN_SENT}))
    assert await displayed_mdns(server) == []


async def test_not_answerable_at_delivery_is_never_displayed(server: MailServer) -> None:
    """Disposition-Notification-To differing from the Return-Path: no automatic MDN later."""
    service, patient = displayed(server), server.accounts[PATIENT]
    await service.set_mode(patient, ReceiptMode.ALWAYS)
    await submit(
        server, DOCTOR, PATIENT, request(DOCTOR, PATIENT, "autre", dnt="x@hopital.example")
    )
    mailbox, uid, raw, flags = await open_inbox(server)
    assert await service.opened(patient, mailbox, uid, raw, flags) is None
    assert await displayed_mdns(server) == []
