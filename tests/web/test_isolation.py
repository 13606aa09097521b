"""Patient A changes every identifier in requests to reach patient B's mail, attachments,
documents and websocket stream: every attempt is a 404, like something that does not exist."""

from __future__ import annotations

import json

import pytest
import websockets
from websockets.exceptions import InvalidStatus

from mailserver import PATIENT

from .harness import PATIENT_B, Web, professional_writes, sign_in, with_attachment


async def test_nothing_of_patient_b_is_reachable_by_patient_a(web: Web) -> None:
    raw = with_attachment(PATIENT_B, "Confidentiel", "Pour B seulement", "b.pdf", b"%PDF-B")
    await professional_writes(web, PATIENT_B, raw)
    b = await sign_in(web, PATIENT_B)
    b_inbox = await b.folder_id()
    [b_message] = (await b.get(f"/api/mailboxes/{b_inbox}/messages")).json()["messages"]
    uid = b_message["uid"]
    attachment = f"/api/mailboxes/{b_inbox}/messages/{uid}/attachments/2"
    document = (await b.post(f"{attachment}/vault")).json()["id"]
    b_session = next(s["id"] for s in (await b.get("/api/account/sessions")).json())

    a = await sign_in(web, PATIENT)
    reads = [
        f"/api/mailboxes/{b_inbox}/messages",
        f"/api/mailboxes/{b_inbox}/messages/{uid}",
        attachment,
        f"/api/vault/documents/{document}",
        f"/api/vault/documents/{document}/content",
        f"/mail/{b_inbox}",
        f"/mail/{b_inbox}/rows",
        f"/mail/{b_inbox}/{uid}",
        f"/mail/{b_inbox}/{uid}/frame",
        f"/mail/{b_inbox}/{uid}/reply",
        f"/mail/{b_inbox}/{uid}/edit",
    ]
    for path in reads:
        assert (await a.get(path)).status_code == 404, path
    writes = [
        ("POST", f"{attachment}/vault", None),
        ("POST", f"/api/mailboxes/{b_inbox}/flags", {"uids": [uid], "seen": True}),
        ("POST", f"/api/mailboxes/{b_inbox}/trash", {"uids": [uid]}),
        ("POST", f"/api/mailboxes/{b_inbox}/delete", {"uids": [uid]}),
        ("DELETE", f"/api/vault/documents/{document}", None),
        ("DELETE", f"/api/account/sessions/{b_session}", None),
        (
            "POST",
            "/api/messages",
            {"to": ["x@y.example"], "reply_to": {"mailbox_id": b_inbox, "uid": uid}},
        ),
        ("POST", "/api/drafts", {"draft": {"mailbox_id": b_inbox, "uid": uid}}),
        ("POST", "/api/messages", {"to": ["x@y.example"], "vault_ids": [document]}),
    ]
    for method, path, body in writes:
        answer = await a.client.request(method, path, json=body, headers=a.headers)
        assert answer.status_code == 404, (method, path, answer.text)

    still = (await b.get(f"/api/mailboxes/{b_inbox}/messages/{uid}")).json()
    assert "\\Seen" not in still["flags"] and still["attachments"]
    assert (await b.get(f"/api/vault/documents/{document}")).status_code == 200
    assert (await b.get("/api/mailboxes")).status_code == 200, "B's session is untouched"


def _socket_url(web: Web, query: str = "") -> str:
    return f"ws://127.0.0.1:{web.service.port}/ws{query}"


async def test_websocket_streams_only_the_account_s_own_changes(web: Web) -> None:
    a = await sign_in(web, PATIENT)
    b = await sign_in(web, PATIENT_B)
    b_inbox = await b.folder_id()
    cookie = {"Cookie": f"mss_session={a.client.cookies['mss_session']}", "Origin": web.url}
    with pytest.raises(InvalidStatus) as refused:
        async with websockets.connect(
            _socket_url(web, f"?mailbox={b_inbox}"), additional_headers=cookie
        ):
            pass
    assert refused.value.response.status_code == 404
    with pytest.raises(InvalidStatus) as anonymous:
        async with websockets.connect(_socket_url(web), additional_headers={"Origin": web.url}):
            pass
    assert anonymous.value.response.status_code == 401
    with pytest.raises(InvalidStatus) as foreign:
        async with websockets.connect(
            _socket_url(web), additional_headers={**cookie, "Origin": "https://evil.example"}
        ):
            pass
    assert foreign.value.response.status_code == 403

    async with websockets.connect(_socket_url(web), additional_headers=cookie) as socket:
        await professional_writes(
            web, PATIENT_B, with_attachment(PATIENT_B, "B", "b", "b.pdf", b"b")
        )
        await professional_writes(web, PATIENT, with_attachment(PATIENT, "A", "a", "a.pdf", b"a"))
        change = json.loads(await socket.recv())
        a_inbox = await a.folder_id()
        assert change["kind"] == "added" and change["mailbox_id"] == a_inbox
