"""``/ws``: the store's change feed pushed to every open tab of the signed-in account.

Implementation notes. The socket is refused before the handshake completes (HTTP 403 for a
foreign Origin, 401 without a session, 404 for a mailbox filter that is not the patient's), so
no other account's stream can ever be opened. Once accepted, one task drains what the browser
sends (only to notice it leaving) while the handler waits on the account's subscription; the
feed publishes after commit, so a tab that reloads the list on a change always finds it. Every
heartbeat re-checks the session without touching it: a revoked or expired session closes the
socket within one heartbeat, and an idle tab does not keep a session alive.
"""

from __future__ import annotations

import asyncio
import contextlib
import json

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.responses import Response

from mss.store.changes import Change, Subscription
from mss.store.errors import NotFound
from webmail.api.deps import same_origin
from webmail.security import cookies
from webmail.state import WebState

router = APIRouter()
CLOSE_SESSION_ENDED = 4401


def _payload(change: Change) -> str:
    return json.dumps(
        {
            "kind": change.kind,
            "mailbox_id": change.mailbox_id,
            "uids": list(change.uids),
            "modseq": change.modseq,
        }
    )


async def _drain(websocket: WebSocket) -> None:
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            await websocket.receive_text()


@router.websocket("/ws")
async def live(websocket: WebSocket, mailbox: int | None = None) -> None:
    state: WebState = websocket.app.state.web
    if not same_origin(websocket):
        await websocket.send_denial_response(Response(status_code=403))
        return
    cookie = cookies.read(websocket, cookies.SESSION)
    session = await state.sessions.resume(cookie)
    if session is None:
        await websocket.send_denial_response(Response(status_code=401))
        return
    if mailbox is not None:
        try:
            await state.reader.mailbox(session.account, mailbox)
        except NotFound:
            await websocket.send_denial_response(Response(status_code=404))
            return
    await websocket.accept()
    subscription = state.runtime.feed.subscribe(session.account.id)
    try:
        await _serve(websocket, state, subscription, cookie, mailbox)
    finally:
        subscription.close()


async def _serve(
    websocket: WebSocket,
    state: WebState,
    subscription: Subscription,
    cookie: str | None,
    mailbox: int | None,
) -> None:
    receiver = asyncio.create_task(_drain(websocket))
    getter: asyncio.Task[Change] = asyncio.create_task(subscription.get())
    try:
        while True:
            done, _ = await asyncio.wait(
                {receiver, getter},
                timeout=state.settings.ws_heartbeat_seconds,
                return_when=asyncio.FIRST_COMPLETED,
            )
            if receiver in done:
                return
            if getter in done:
                change = getter.result()
                getter = asyncio.create_task(subscription.get())
                if subscription.overflowed:
                    subscription.overflowed = False
                    await websocket.send_text(json.dumps({"kind": "resync"}))
                elif mailbox is None or change.mailbox_id in (mailbox, 0):
                    await websocket.send_text(_payload(change))
                continue
            if await state.sessions.resume(cookie, touch=False) is None:
                await websocket.close(CLOSE_SESSION_ENDED)
                return
            await websocket.send_text(json.dumps({"kind": "ping"}))
    except WebSocketDisconnect:
        return
    finally:
        for task in (receiver, getter):
            task.cancel()
        await asyncio.gather(receiver, getter, return_exceptions=True)
