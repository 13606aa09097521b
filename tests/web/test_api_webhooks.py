"""Signed webhooks against real sockets: an establishment registers an endpoint over /api/v1,
sends documents to a patient, and a real local HTTP server receives the delivered, processed,
displayed and reply events, each signed as documented (mss/webhooks/signing.py); a failed
attempt is retried with backoff, a redirect is not followed, and the delivery log is read over
the API. Keys are checked: wrong scope 403, another organisation's endpoint 404."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from webhook_receiver import Receiver

from mailserver import PASSWORD, PATIENT
from mss.config import Settings
from mss.policy import SenderKind
from mss.store.records import AccountKind
from mss.store.webhook_sql import SqlWebhookStore
from mss.submission import Envelope, Recipient
from mss.webhooks.dispatch import WebhookWorker, retry_delay
from mss.webhooks.signing import HEADER, SignatureMismatch, verify
from queue_support import dump_database, encodings_of
from support import make_settings

from .harness import Web, sign_in

ORGANISATION = "resultats@hopital.example"
OTHER = "autre@hopital.example"
INS = "285057512345623"


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Local receivers are allowed here, as in development; the default refuses them."""
    return make_settings(tmp_path, database_url, webhooks={"allow_private_targets": True})


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    server = Receiver()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


class Clock:
    """The worker's clock, moved by hand to reach the next attempt without waiting."""

    def __init__(self) -> None:
        self.now = int(time.time())

    def __call__(self) -> int:
        return self.now


def _worker(web: Web, clock: Clock, allow_private: bool = True) -> WebhookWorker:
    runtime = web.runtime
    settings = runtime.settings.webhooks.model_copy(update={"allow_private_targets": allow_private})
    store = SqlWebhookStore(runtime.database, runtime.store.committer)
    return WebhookWorker(
        store, runtime.queue.key, settings, clock, outcomes=runtime.metrics.webhook_deliveries
    )


def _outcomes(web: Web) -> dict[str, float | None]:
    """The operator's counts of webhook attempts, by outcome (mss/metrics/counters.py)."""
    registry = web.runtime.metrics.registry
    return {
        outcome: registry.get_sample_value("mss_webhook_deliveries_total", {"outcome": outcome})
        for outcome in ("delivered", "retried", "abandoned")
    }


async def _key(web: Web, address: str, scopes: set[str]) -> str:
    runtime = web.runtime
    if await runtime.store.get_account(address) is None:
        await runtime.accounts.create_account(
            address, AccountKind.ORGANISATION, PASSWORD, "Laboratoire"
        )
    unlocked = await runtime.accounts.authenticate(address, PASSWORD)
    return await runtime.api.issue(unlocked, "logiciel", frozenset(scopes))


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def _send(client: httpx.AsyncClient, key: str) -> httpx.Response:
    metadata = {
        "recipients": [PATIENT],
        "subject": "Vos résultats",
        "body": "Madame, voici vos résultats.",
        "patient_ins": INS,
        "documents": [{"title": "Bilan", "type_code": "11502-2", "type_label": "CR de biologie"}],
    }
    pdf = b"%PDF-1.4\nbilan\n%%EOF\n"
    return await client.post(
        "/api/v1/messages",
        data={"metadata": json.dumps(metadata)},
        files=[("documents", ("bilan.pdf", pdf, "application/pdf"))],
        headers=_auth(key),
    )


async def test_message_events_reach_a_real_receiver_signed(web: Web, receiver: Receiver) -> None:
    client = web.client()
    key = await _key(web, ORGANISATION, {"send", "status", "webhooks"})
    url = receiver.url()
    made = await client.post("/api/v1/webhooks", json={"url": url}, headers=_auth(key))
    assert made.status_code == 201, made.text
    endpoint, secret = made.json()["id"], made.json()["secret"]
    listed = (await client.get("/api/v1/webhooks", headers=_auth(key))).json()
    assert listed == [{"id": endpoint, "url": url, "created_at": made.json()["created_at"]}]
    assert "secret" not in listed[0], "the secret is shown once"

    sent = await _send(client, key)
    assert sent.status_code == 201, sent.text
    message = sent.json()
    patient = await sign_in(web, PATIENT)
    assert (await patient.post("/api/account/read-receipts", json={"mode": "always"})).is_success
    inbox = await patient.folder_id()
    [row] = (await patient.get(f"/api/mailboxes/{inbox}/messages")).json()["messages"]
    assert (await patient.get(f"/mail/{inbox}/{row['uid']}")).status_code == 200  # displayed

    reply = (
        f"From: {PATIENT}\r\nTo: {ORGANISATION}\r\nSubject: Re: Vos résultats\r\n"
        f"Message-ID: <reponse@patient.example>\r\nIn-Reply-To: <{message['message_id']}>\r\n"
        "\r\nMerci.\r\n"
    ).encode()
    unlocked = await web.runtime.accounts.authenticate(PATIENT, PASSWORD)
    await web.runtime.submission.submit(
        unlocked, Envelope(PATIENT, (Recipient(ORGANISATION),)), reply
    )

    # The same reply delivered to another organisation (which has an endpoint too) names a
    # message that is not its own: nothing reaches either endpoint.
    stranger = await _key(web, OTHER, {"webhooks"})
    other = await client.post(
        "/api/v1/webhooks", json={"url": receiver.url("/other")}, headers=_auth(stranger)
    )
    assert other.status_code == 201
    other_account = await web.runtime.store.get_account(OTHER)
    assert other_account is not None
    await web.runtime.inbound.receive(PATIENT, SenderKind.PATIENT, other_account, reply)

    clock = Clock()
    assert await _worker(web, clock).run_once() == 4
    assert sorted(receiver.events()) == [
        "message.delivered",
        "message.displayed",
        "message.processed",
        "message.reply",
    ]
    for request in receiver.received:
        assert request.path == "/hooks"
        verify(secret, request.headers[HEADER.lower()], request.body, now=clock.now)
        body = request.json()
        assert body["data"]["message_id"] == message["id"]
        assert request.headers["mss-event-id"] == body["id"]
    replied = next(r.json() for r in receiver.received if r.json()["type"] == "message.reply")
    assert replied["data"]["from"] == PATIENT
    assert replied["data"]["reply_message_id"] == "reponse@patient.example"

    first = receiver.received[0]
    with pytest.raises(SignatureMismatch):
        verify(secret, first.headers[HEADER.lower()], first.body + b" ", now=clock.now)
    with pytest.raises(SignatureMismatch):  # the same request replayed six minutes later
        verify(secret, first.headers[HEADER.lower()], first.body, now=clock.now + 360)

    log = await client.get(f"/api/v1/webhooks/{endpoint}/deliveries", headers=_auth(key))
    assert log.status_code == 200
    assert {(d["state"], d["attempts"], d["last_status"]) for d in log.json()} == {
        ("delivered", 1, 200)
    }

    dump = await dump_database(web.runtime)
    for secret_text in (secret, url, "reponse@patient.example"):
        for needle in encodings_of(secret_text, dump):
            assert needle not in dump, secret_text


async def test_a_failed_attempt_is_retried_with_backoff(web: Web, receiver: Receiver) -> None:
    client = web.client()
    key = await _key(web, ORGANISATION, {"send", "webhooks"})
    made = await client.post("/api/v1/webhooks", json={"url": receiver.url()}, headers=_auth(key))
    endpoint = made.json()["id"]
    receiver.script = [500, 302]
    assert (await _send(client, key)).status_code == 201
    clock = Clock()
    worker = _worker(web, clock)
    log_url = f"/api/v1/webhooks/{endpoint}/deliveries"

    assert await worker.run_once() == 2  # delivered and processed: one answered 500, one 302
    assert len(receiver.received) == 2, "the redirect was not followed"
    log = (await client.get(log_url, headers=_auth(key))).json()
    assert sorted((d["state"], d["last_status"]) for d in log) == [
        ("pending", 302),
        ("pending", 500),
    ]
    delay = retry_delay(web.runtime.settings.webhooks, 1)
    assert all(d["next_attempt_at"] >= clock.now + delay for d in log)
    assert await worker.run_once() == 0, "not before the backoff"
    assert _outcomes(web) == {"delivered": None, "retried": 2, "abandoned": None}

    clock.now += delay
    assert await worker.run_once() == 2
    log = (await client.get(log_url, headers=_auth(key))).json()
    assert [(d["state"], d["attempts"], d["last_status"]) for d in log] == [
        ("delivered", 2, 200)
    ] * 2
    assert _outcomes(web) == {"delivered": 2, "retried": 2, "abandoned": None}
    first, retried = receiver.received[0], receiver.received[2]
    assert first.json() == next(
        r.json() for r in receiver.received[2:] if r.json()["id"] == first.json()["id"]
    )
    assert retried.headers[HEADER.lower()] != first.headers[HEADER.lower()] or first is retried


async def test_the_last_failed_attempt_gives_up(web: Web, receiver: Receiver) -> None:
    client = web.client()
    key = await _key(web, ORGANISATION, {"send", "webhooks"})
    made = await client.post("/api/v1/webhooks", json={"url": receiver.url()}, headers=_auth(key))
    attempts = web.runtime.settings.webhooks.max_attempts
    receiver.script = [503] * (2 * attempts)
    assert (await _send(client, key)).status_code == 201
    clock = Clock()
    worker = _worker(web, clock)
    for _ in range(attempts):
        await worker.run_once()
        clock.now += 7 * 3600
    log = (
        await client.get(f"/api/v1/webhooks/{made.json()['id']}/deliveries", headers=_auth(key))
    ).json()
    assert [(d["state"], d["attempts"]) for d in log] == [("failed", attempts)] * 2
    assert len(receiver.received) == 2 * attempts
    assert _outcomes(web) == {"delivered": None, "retried": 2 * attempts - 2, "abandoned": 2}


async def test_private_targets_are_refused_by_default(web: Web, receiver: Receiver) -> None:
    """Before each request too: registered while allowed, refused once the setting is off."""
    client = web.client()
    key = await _key(web, ORGANISATION, {"send", "webhooks"})
    url = receiver.url().replace("http:", "https:")
    made = await client.post("/api/v1/webhooks", json={"url": url}, headers=_auth(key))
    assert made.status_code == 201
    assert (await _send(client, key)).status_code == 201
    assert await _worker(web, Clock(), allow_private=False).run_once() == 2
    assert receiver.received == []
    log = (
        await client.get(f"/api/v1/webhooks/{made.json()['id']}/deliveries", headers=_auth(key))
    ).json()
    assert all("private or local address refused" in d["last_error"] for d in log)


async def test_endpoints_are_checked_at_the_door(web: Web, receiver: Receiver) -> None:
    client = web.client()
    key = await _key(web, ORGANISATION, {"webhooks"})
    made = await client.post("/api/v1/webhooks", json={"url": receiver.url()}, headers=_auth(key))
    endpoint = made.json()["id"]
    send_only = await _key(web, ORGANISATION, {"send", "status"})
    for answer in (
        await client.post(
            "/api/v1/webhooks", json={"url": receiver.url()}, headers=_auth(send_only)
        ),
        await client.get("/api/v1/webhooks", headers=_auth(send_only)),
        await client.get(f"/api/v1/webhooks/{endpoint}/deliveries", headers=_auth(send_only)),
    ):
        assert answer.status_code == 403
    assert (await client.get("/api/v1/webhooks")).status_code == 401
    stranger = await _key(web, OTHER, {"webhooks"})
    assert (await client.get("/api/v1/webhooks", headers=_auth(stranger))).json() == []
    log = await client.get(f"/api/v1/webhooks/{endpoint}/deliveries", headers=_auth(stranger))
    assert log.status_code == 404
    gone = await client.delete(f"/api/v1/webhooks/{endpoint}", headers=_auth(stranger))
    assert gone.status_code == 404
    assert (
        await client.delete(f"/api/v1/webhooks/{endpoint}", headers=_auth(key))
    ).status_code == 204
    assert (await client.get("/api/v1/webhooks", headers=_auth(key))).json() == []


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_default_settings_refuse_a_loopback_endpoint(
    tmp_path: Path, database_url: str
) -> None:
    from mss.runtime import Runtime
    from mss.store.migrate import upgrade

    runtime = await Runtime.open(make_settings(tmp_path / "strict", database_url))
    await upgrade(runtime.database)
    try:
        with pytest.raises(ValueError, match="private or local"):
            await runtime.webhooks.register(1, "https://127.0.0.1/hooks")
        with pytest.raises(ValueError, match="only https"):
            await runtime.webhooks.register(1, "http://hooks.example/")
    finally:
        await runtime.close()
