"""Signature requests through /api/v1 against the real web server: an establishment's program
(httpx) creates a request for two signers, they sign through the core service, the program
downloads a PDF that pyHanko's validator accepts and the Ed25519 evidence, and a real local HTTP
server receives every state change, signed. Then who may see, cancel or create: another
organisation's key (even one asked to sign) gets 404, a key without the scope 403; a retried
creation with the same Idempotency-Key creates nothing twice; a hostile PDF is refused."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from pdfs import javascript_pdf, plain_pdf
from webhook_receiver import Receiver

from mailserver import DOCTOR, PASSWORD, PATIENT, read_mailbox
from mss.config import Settings
from mss.signatures.evidence import Evidence, evidence_holds
from mss.signatures.expiry import ExpiryWorker
from mss.signatures.messages import REQUEST_HEADER
from mss.signatures.pki import SigningAuthority
from mss.signatures.ports import CONSENT, Actor
from mss.signatures.reminders import SignatureReminders
from mss.signatures.verify import verify_pdf
from mss.store.records import AccountKind
from mss.store.signature_reminder_sql import SqlSignatureReminderStore
from mss.store.signature_sql import SqlSignatureStore
from mss.store.webhook_sql import SqlWebhookStore
from mss.webhooks.dispatch import WebhookWorker
from mss.webhooks.events import expired_hook
from mss.webhooks.signing import HEADER, verify
from support import make_settings

from .harness import Web

ADMISSIONS = "admissions@hopital.example"
OTHER = "autre@hopital.example"


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url, webhooks={"allow_private_targets": True})


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    server = Receiver()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def _key(web: Web, address: str, scopes: set[str]) -> str:
    runtime = web.runtime
    if await runtime.store.get_account(address) is None:
        await runtime.accounts.create_account(
            address, AccountKind.ORGANISATION, PASSWORD, "Hôpital — admissions"
        )
    unlocked = await runtime.accounts.authenticate(address, PASSWORD)
    return await runtime.api.issue(unlocked, "logiciel", frozenset(scopes))


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def _create(
    client: httpx.AsyncClient,
    key: str,
    signers: list[str],
    pdf: bytes | None = None,
    idempotency: str | None = None,
    **extra: object,
) -> httpx.Response:
    metadata = {
        "title": "Consentement éclairé — chirurgie",
        "signers": signers,
        "ordered": True,
        "message": "Merci de signer avant votre admission.",
        "expires_at": (datetime.now(UTC) + timedelta(days=7)).isoformat(),
    } | extra
    headers = _auth(key) | ({"Idempotency-Key": idempotency} if idempotency else {})
    return await client.post(
        "/api/v1/signature-requests",
        data={"metadata": json.dumps(metadata)},
        files={"document": ("consentement.pdf", pdf or plain_pdf(2), "application/pdf")},
        headers=headers,
    )


async def _sign(web: Web, request_id: str, address: str) -> None:
    unlocked = await web.runtime.accounts.authenticate(address, PASSWORD)
    actor = Actor(unlocked, ip="192.0.2.9", user_agent="test")
    await web.runtime.signatures().viewed(request_id, actor)
    await web.runtime.signatures().sign(request_id, actor, CONSENT)


def _worker(web: Web) -> WebhookWorker:
    runtime = web.runtime
    store = SqlWebhookStore(runtime.database, runtime.store.committer)
    return WebhookWorker(store, runtime.queue.key, runtime.settings.webhooks)


async def test_request_signed_by_two_then_downloaded(web: Web, receiver: Receiver) -> None:
    client = web.client()
    key = await _key(web, ADMISSIONS, {"send", "status", "webhooks"})
    hook = await client.post("/api/v1/webhooks", json={"url": receiver.url()}, headers=_auth(key))
    secret = hook.json()["secret"]

    created = await _create(client, key, [PATIENT, DOCTOR], idempotency="demande-42")
    assert created.status_code == 201, created.text
    request = created.json()
    assert [s["state"] for s in request["signers"]] == ["sent", "waiting"]
    again = await _create(client, key, [PATIENT, DOCTOR], idempotency="demande-42")
    assert again.status_code == 201 and again.json()["id"] == request["id"]
    invitations = [raw for raw in await read_mailbox(web.runtime, PATIENT)]
    assert len([r for r in invitations if REQUEST_HEADER.encode() in r]) == 1, "created once"

    url = f"/api/v1/signature-requests/{request['id']}"
    early = await client.get(f"{url}/document", headers=_auth(key))
    assert early.status_code == 409, "no signed PDF before every signature"
    await _sign(web, request["id"], PATIENT)
    await _sign(web, request["id"], DOCTOR)

    status = await client.get(url, headers=_auth(key))
    assert status.status_code == 200
    assert status.json()["state"] == "completed"
    assert [s["state"] for s in status.json()["signers"]] == ["signed", "signed"]
    document = await client.get(f"{url}/document", headers=_auth(key))
    assert document.status_code == 200
    assert document.headers["content-type"] == "application/pdf"
    authority = SigningAuthority(web.runtime.settings.data_path(Path("keys")), "x")
    report = await asyncio.to_thread(verify_pdf, document.content, authority.ca_certificate)
    assert report.valid and len(report.signatures) == 4  # certification, two signers, audit
    assert all(check.timestamped for check in report.signatures)
    tampered = bytearray(document.content)
    middle = len(tampered) // 3
    tampered[middle] = tampered[middle] ^ 0x01
    broken = await asyncio.to_thread(verify_pdf, bytes(tampered), authority.ca_certificate)
    assert not broken.valid

    proof = (await client.get(f"{url}/evidence", headers=_auth(key))).json()
    assert [e["signer"] for e in proof["evidence"]] == [PATIENT, DOCTOR]
    for item in proof["evidence"]:
        account = await web.runtime.store.get_account(item["signer"])
        assert account is not None
        assert evidence_holds(Evidence(**item), account.signing_key)
        assert base64.b64decode(item["public_key"]) == account.signing_key
    assert [e["kind"] for e in proof["trail"]][-1] == "completed"

    assert await _worker(web).run_once() >= 7
    assert receiver.events() == [
        "signature_request.sent",
        "signature_request.signer_viewed",
        "signature_request.signer_signed",
        "signature_request.signer_sent",
        "signature_request.signer_viewed",
        "signature_request.signer_signed",
        "signature_request.completed",
    ]
    now = int(time.time())
    for received in receiver.received:
        verify(secret, received.headers[HEADER.lower()], received.body, now=now)
        assert received.json()["data"]["signature_request_id"] == request["id"]


async def test_only_the_requesting_organisation_sees_its_request(web: Web) -> None:
    client = web.client()
    key = await _key(web, ADMISSIONS, {"send", "status"})
    stranger = await _key(web, OTHER, {"send", "status"})
    created = await _create(client, key, [PATIENT, OTHER], ordered=False)
    assert created.status_code == 201, created.text
    url = f"/api/v1/signature-requests/{created.json()['id']}"
    # OTHER holds a key to the request as a signer, yet is not the organisation that sent it.
    for answer in (
        await client.get(url, headers=_auth(stranger)),
        await client.get(f"{url}/document", headers=_auth(stranger)),
        await client.get(f"{url}/evidence", headers=_auth(stranger)),
        await client.post(f"{url}/cancel", headers=_auth(stranger)),
        await client.get("/api/v1/signature-requests/" + "00" * 16, headers=_auth(key)),
        await client.get("/api/v1/signature-requests/not-hex", headers=_auth(key)),
    ):
        assert answer.status_code == 404, answer.text

    status_only = await _key(web, ADMISSIONS, {"status"})
    webhooks_only = await _key(web, ADMISSIONS, {"webhooks"})
    assert (await _create(client, status_only, [PATIENT])).status_code == 403
    assert (await client.post(f"{url}/cancel", headers=_auth(status_only))).status_code == 403
    assert (await client.get(url, headers=_auth(webhooks_only))).status_code == 403
    assert (await client.get(url)).status_code == 401

    cancelled = await client.post(f"{url}/cancel", headers=_auth(key))
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    again = await client.post(f"{url}/cancel", headers=_auth(key))
    assert again.status_code == 409


async def test_bad_requests_are_refused_with_a_clear_error(web: Web) -> None:
    client = web.client()
    key = await _key(web, ADMISSIONS, {"send", "status"})
    hostile = await _create(client, key, [PATIENT], pdf=javascript_pdf())
    assert hostile.status_code == 422 and "JavaScript" in hostile.text
    unknown = await _create(client, key, ["personne@ailleurs.example"])
    assert unknown.status_code == 422
    past = await _create(client, key, [PATIENT], expires_at="2020-01-01T00:00:00+00:00")
    assert past.status_code == 422
    nowhere = await _create(
        client,
        key,
        [PATIENT],
        placements=[{"page": 9, "x": 40, "y": 40, "width": 200, "height": 60}],
    )
    assert nowhere.status_code == 422 and "page 9" in nowhere.text
    placed = await _create(
        client,
        key,
        [PATIENT],
        placements=[{"page": 1, "x": 40, "y": 40, "width": 200, "height": 60}],
    )
    assert placed.status_code == 201, placed.text
    assert (await _create(client, key, [PATIENT], reminder_days=[0])).status_code == 422
    reminded = await _create(client, key, [PATIENT], reminder_days=[1])
    later = datetime.now(UTC) + timedelta(days=1, minutes=1)
    runtime = web.runtime
    reminders = SignatureReminders(
        SqlSignatureReminderStore(runtime.database, runtime.store.committer),
        runtime.queue.key,
        runtime.store,
        runtime.inbound,
        lambda: later,
    )
    assert await reminders.send_due() == 1
    [reminder] = [r for r in await read_mailbox(runtime, PATIENT) if b"Rappel" in r]
    assert reminded.json()["id"].encode() in reminder
    paths = (await client.get("/api/v1/openapi.json")).json()["paths"]
    assert {
        "/signature-requests",
        "/signature-requests/{request_id}",
        "/signature-requests/{request_id}/cancel",
        "/signature-requests/{request_id}/document",
        "/signature-requests/{request_id}/evidence",
        "/webhooks",
        "/webhooks/{endpoint_id}/deliveries",
    } <= set(paths)


async def test_decline_and_expiry_reach_the_webhook(web: Web, receiver: Receiver) -> None:
    """Expiry is found by the unattended worker, which holds no key: the watch names the owner."""
    client = web.client()
    key = await _key(web, ADMISSIONS, {"send", "status", "webhooks"})
    hook = await client.post("/api/v1/webhooks", json={"url": receiver.url()}, headers=_auth(key))
    assert hook.status_code == 201
    declined = (await _create(client, key, [PATIENT])).json()
    expiring = (await _create(client, key, [PATIENT])).json()
    patient = Actor(await web.runtime.accounts.authenticate(PATIENT, PASSWORD))
    await web.runtime.signatures().decline(declined["id"], patient, "Je préfère en parler")

    later = datetime.now(UTC) + timedelta(days=8)
    store = SqlSignatureStore(web.runtime.database, web.runtime.store.committer)
    expiry = ExpiryWorker(store, 60, lambda: later, on_expired=expired_hook(web.runtime.webhooks))
    assert await expiry.run_once() == 1
    assert await _worker(web).run_once() == 5
    seen = [(r.json()["type"], r.json()["data"]["signature_request_id"]) for r in receiver.received]
    assert seen == [
        ("signature_request.sent", declined["id"]),
        ("signature_request.sent", expiring["id"]),
        ("signature_request.signer_declined", declined["id"]),
        ("signature_request.declined", declined["id"]),
        ("signature_request.expired", expiring["id"]),
    ]
    status = await client.get(f"/api/v1/signature-requests/{declined['id']}", headers=_auth(key))
    assert status.json()["decline_reason"] == "Je préfère en parler"
