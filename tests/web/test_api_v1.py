"""The establishments' API against a real web server: httpx sends documents through /api/v1,
the patient's mailbox receives one IHE_XDM.ZIP that reads back, keys are checked at the door."""

from __future__ import annotations

import email
import email.policy
import io
import json
import zipfile
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
from defusedxml import ElementTree

from mailserver import PASSWORD, PATIENT, read_mailbox
from mss.config import Settings
from mss.store.records import AccountKind
from mss.tls import tls_files
from mss.xdm.package import ZIP_NAME
from mss.xdm.unpack import read_package
from queue_support import dump_database, encodings_of
from support import make_settings

from .harness import Web

ORGANISATION = "resultats@hopital.example"
INS = "285057512345623"
RIM = "{urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0}"
LIMIT = 12


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """The shared test settings, with a per-key limit small enough to reach."""
    return make_settings(
        tmp_path,
        database_url,
        limits={"auth_failure_delay_seconds": 0, "api_requests_per_minute": LIMIT},
    )


async def _key(web: Web, scopes: frozenset[str] = frozenset({"send", "status"})) -> str:
    runtime = web.runtime
    if await runtime.store.get_account(ORGANISATION) is None:
        await runtime.accounts.create_account(
            ORGANISATION, AccountKind.ORGANISATION, PASSWORD, "Laboratoire de l'hôpital"
        )
    unlocked = await runtime.accounts.authenticate(ORGANISATION, PASSWORD)
    return await runtime.api.issue(unlocked, "Logiciel du labo", scopes)


def _form(marker: str) -> tuple[dict[str, str], list[tuple[str, tuple[str, bytes, str]]]]:
    metadata = {
        "recipients": [PATIENT],
        "subject": "Vos résultats",
        "body": "Madame, voici vos résultats.",
        "patient_ins": INS,
        "documents": [
            {"title": "Bilan sanguin", "type_code": "11502-2", "type_label": "CR de biologie"},
            {"title": "Compte rendu", "type_code": "11490-0", "type_label": "Lettre de sortie"},
        ],
    }
    pdf = b"%PDF-1.4\n" + marker.encode() + b"\n%%EOF\n"
    cda = (
        f'<?xml version="1.0"?><ClinicalDocument xmlns="urn:hl7-org:v3">{marker}</ClinicalDocument>'
    )
    files = [
        ("documents", ("bilan.pdf", pdf, "application/pdf")),
        ("documents", ("cr.xml", cda.encode(), "text/xml")),
    ]
    return {"metadata": json.dumps(metadata)}, files


async def _send(
    client: httpx.AsyncClient, key: str, marker: str, idempotency: str | None = None
) -> httpx.Response:
    data, files = _form(marker)
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    if idempotency:
        headers["Idempotency-Key"] = idempotency
    return await client.post("/api/v1/messages", data=data, files=files, headers=headers)


def _parse(raw: bytes) -> EmailMessage:
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


async def test_documents_reach_the_patient_as_one_xdm_package(web: Web, canary: str) -> None:
    key = await _key(web)
    answer = await _send(web.client(), key, canary, idempotency="envoi-1")
    assert answer.status_code == 201, answer.text
    assert answer.json()["delivered"] == [PATIENT]

    (raw,) = await read_mailbox(web.runtime, PATIENT)
    mail = _parse(raw)
    assert mail["Message-ID"].strip("<>") == answer.json()["message_id"]
    assert mail["X-MSS-INS"] == INS
    assert mail["X-MSS-CODECDA"] == "11490-0"
    assert mail["Disposition-Notification-To"] == ORGANISATION
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_filename() == ZIP_NAME
    package = attachment.get_payload(decode=True)
    assert isinstance(package, bytes)

    names = set(zipfile.ZipFile(io.BytesIO(package)).namelist())
    assert {"INDEX.HTM", "README.TXT", "IHE_XDM/SUBSET01/METADATA.XML"} <= names
    metadata = zipfile.ZipFile(io.BytesIO(package)).read("IHE_XDM/SUBSET01/METADATA.XML")
    root = ElementTree.fromstring(metadata)
    assert root.tag.endswith("SubmitObjectsRequest")
    assert len(root.findall(f".//{RIM}ExtrinsicObject")) == 2
    documents = read_package(package)
    assert [(d.title, d.type_code, d.ins) for d in documents] == [
        ("Bilan sanguin", "11502-2", INS),
        ("Compte rendu", "11490-0", INS),
    ]
    assert canary.encode() in documents[0].content and canary.encode() in documents[1].content

    again = await _send(web.client(), key, canary, idempotency="envoi-1")
    assert again.status_code == 201 and again.json() == answer.json()
    assert len(await read_mailbox(web.runtime, PATIENT)) == 1, "a retry sends nothing twice"

    status = await web.client().get(
        f"/api/v1/messages/{answer.json()['id']}", headers={"Authorization": f"Bearer {key}"}
    )
    assert status.status_code == 200, status.text
    # The patient's mailbox answered the receipt request at once (RFC 8098 "processed").
    (recipient,) = status.json()["recipients"]
    assert (recipient["address"], recipient["status"]) == (PATIENT, "processed")
    assert set(recipient["times"]) == {"delivered", "processed"}

    dump = await dump_database(web.runtime)
    for secret in (canary, key.split("_", 2)[2], "envoi-1"):  # mss_<id>_<secret, may hold "_">
        for needle in encodings_of(secret, secret.encode()):
            assert needle not in dump, secret


async def test_keys_are_checked_at_the_door(web: Web) -> None:
    client = web.client()
    assert (await _send(client, "", "x")).status_code == 401
    unknown = await _send(client, "mss_000000000000_nothing", "x")
    assert unknown.status_code == 401 and unknown.headers["www-authenticate"] == "Bearer"
    status_only = await _key(web, frozenset({"status"}))
    assert (await _send(client, status_only, "x")).status_code == 403
    revoked = await _key(web)
    await web.runtime.api.revoke(revoked.removeprefix("mss_").split("_")[0])
    assert (await _send(client, revoked, "x")).status_code == 401
    assert await read_mailbox(web.runtime, PATIENT) == []


async def test_a_recipient_of_another_operator_is_pending_in_the_queue(web: Web) -> None:
    """The status follows the queue through the message's ENVID; nothing listens there."""
    ca = tls_files(web.runtime.settings).ca.read_bytes()
    await web.runtime.trust.add("clinique.example", "127.0.0.1", 9, ca)
    key = await _key(web)
    data, files = _form("x")
    remote = "dr.b@clinique.example"
    metadata = json.loads(data["metadata"]) | {"recipients": [PATIENT, remote]}
    sent = await web.client().post(
        "/api/v1/messages",
        data={"metadata": json.dumps(metadata)},
        files=files,
        headers={"Authorization": f"Bearer {key}"},
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["queued"] == [remote]
    status = await web.client().get(
        f"/api/v1/messages/{sent.json()['id']}", headers={"Authorization": f"Bearer {key}"}
    )
    listed = [(r["address"], r["status"]) for r in status.json()["recipients"]]
    assert listed == [(PATIENT, "processed"), (remote, "pending")], (
        "the queue's state until a report"
    )


async def test_status_is_only_for_the_sending_account(web: Web) -> None:
    key = await _key(web)
    sent = (await _send(web.client(), key, "x")).json()
    runtime = web.runtime
    other = "autre@hopital.example"
    await runtime.accounts.create_account(other, AccountKind.ORGANISATION, PASSWORD, "Autre")
    stranger = await runtime.api.issue(
        await runtime.accounts.authenticate(other, PASSWORD), "Autre", frozenset({"status"})
    )
    url = f"/api/v1/messages/{sent['id']}"
    answer = await web.client().get(url, headers={"Authorization": f"Bearer {stranger}"})
    assert answer.status_code == 404
    send_only = await _key(web, frozenset({"send"}))
    answer = await web.client().get(url, headers={"Authorization": f"Bearer {send_only}"})
    assert answer.status_code == 403


async def test_each_key_has_its_own_rate_limit(web: Web) -> None:
    client = web.client()
    busy, other = await _key(web, frozenset({"status"})), await _key(web, frozenset({"status"}))
    codes = [(await _send(client, busy, "x")).status_code for _ in range(LIMIT + 1)]
    assert codes == [403] * LIMIT + [429]
    assert (await _send(client, other, "x")).status_code == 403


async def test_bad_metadata_is_refused_clearly_and_sends_nothing(web: Web) -> None:
    key = await _key(web)
    client = web.client()
    data, files = _form("x")
    headers = {"Authorization": f"Bearer {key}"}
    wrong_ins = json.loads(data["metadata"]) | {"patient_ins": "12"}
    answer = await client.post(
        "/api/v1/messages", data={"metadata": json.dumps(wrong_ins)}, files=files, headers=headers
    )
    assert answer.status_code == 422 and "patient_ins" in answer.text
    answer = await client.post("/api/v1/messages", data=data, files=files[:1], headers=headers)
    assert answer.status_code == 422 and "document" in answer.text
    disguised = [files[0], ("documents", ("cr.xml", b"MZ\x90\x00", "text/xml"))]
    answer = await client.post("/api/v1/messages", data=data, files=disguised, headers=headers)
    assert answer.status_code == 415
    not_pdf = [("documents", ("bilan.pdf", b"<html>", "application/pdf")), files[1]]
    answer = await client.post("/api/v1/messages", data=data, files=not_pdf, headers=headers)
    assert answer.status_code == 415
    image = [files[0], ("documents", ("photo.png", b"\x89PNG", "image/png"))]
    answer = await client.post("/api/v1/messages", data=data, files=image, headers=headers)
    assert answer.status_code == 415
    assert await read_mailbox(web.runtime, PATIENT) == []


async def test_openapi_is_served_with_french_and_english_examples(web: Web) -> None:
    answer = await web.client().get("/api/v1/openapi.json")
    assert answer.status_code == 200
    body = answer.json()["paths"]["/messages"]["post"]["requestBody"]
    examples = body["content"]["multipart/form-data"]["examples"]
    subjects = {
        lang: json.loads(ex["value"]["metadata"])["subject"] for lang, ex in examples.items()
    }
    assert subjects == {"fr": "Vos résultats d'analyses", "en": "Your laboratory results"}
