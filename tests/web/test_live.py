"""/ws: every open tab of an account hears of new mail and flag changes; a socket whose session
is revoked is closed."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import pytest
import websockets
from websockets.exceptions import ConnectionClosed

from mailserver import DOCTOR, PATIENT, message
from mss.runtime import Runtime
from webmail.service import WebService

from .harness import Browserless, Web, professional_writes, quick_settings, sign_in


def _headers(web: Web, who: Browserless) -> dict[str, str]:
    return {"Cookie": f"mss_session={who.client.cookies['mss_session']}", "Origin": web.url}


async def _next_change(socket: websockets.ClientConnection) -> dict[str, object]:
    while True:
        change: dict[str, object] = json.loads(await asyncio.wait_for(socket.recv(), 10))
        if change["kind"] != "ping":
            return change


async def _drain_until_closed(socket: websockets.ClientConnection) -> None:
    while True:
        await asyncio.wait_for(socket.recv(), 5)


async def test_every_tab_hears_new_mail_and_flags(web: Web) -> None:
    patient = await sign_in(web, PATIENT)
    url = f"ws://127.0.0.1:{web.service.port}/ws"
    async with (
        websockets.connect(url, additional_headers=_headers(web, patient)) as tab1,
        websockets.connect(url, additional_headers=_headers(web, patient)) as tab2,
    ):
        await professional_writes(web, PATIENT, message(DOCTOR, PATIENT, "Nouveau"))
        inbox = await patient.folder_id()
        for tab in (tab1, tab2):
            change = await _next_change(tab)
            assert (change["kind"], change["mailbox_id"]) == ("added", inbox)
        uid = (await patient.get(f"/api/mailboxes/{inbox}/messages")).json()["messages"][0]["uid"]
        await patient.post(f"/api/mailboxes/{inbox}/flags", json={"uids": [uid], "seen": True})
        for tab in (tab1, tab2):
            change = await _next_change(tab)
            assert (change["kind"], change["uids"]) == ("flags", [uid])


async def test_a_revoked_session_s_socket_is_closed(runtime: Runtime, web: Web) -> None:
    fast = WebService(runtime, replace(quick_settings(runtime), ws_heartbeat_seconds=0.2))
    await fast.start()
    web.service, original = fast, web.service
    try:
        phone = await sign_in(web, PATIENT)
        laptop = await sign_in(web, PATIENT)
        url = f"ws://127.0.0.1:{fast.port}/ws"
        async with websockets.connect(url, additional_headers=_headers(web, phone)) as socket:
            listed = (await laptop.get("/api/account/sessions")).json()
            other = next(s["id"] for s in listed if not s["current"])
            await laptop.delete(f"/api/account/sessions/{other}")
            with pytest.raises(ConnectionClosed) as closed:
                await _drain_until_closed(socket)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    finally:
        web.service = original
        await fast.stop()
