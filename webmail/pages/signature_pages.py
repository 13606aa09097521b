"""The signing page of a signature request and the document it shows.

The page is the same for a patient coming from the "Document à signer" card and for a
professional following the link in their mail client (after signing in, the sign-in page sends
them back here). The document is fetched by the viewer from its own URL, never embedded in the
page; both answer 404 to anyone who is not a participant of the request.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from mss.signatures.lifecycle import RequestState, SignerState
from mss.signatures.ports import CONSENT, OpenedRequest, UnknownRequest
from mss.store.errors import NotFound
from webmail.api.deps import PageSession, State
from webmail.pages.render import render
from webmail.security.sessions import WebSession
from webmail.state import WebState

router = APIRouter(include_in_schema=False)


async def _open(state: WebState, session: WebSession, request_id: str) -> OpenedRequest:
    try:
        return await state.runtime.signatures().open(request_id, session.unlocked)
    except UnknownRequest:
        raise NotFound from None


@router.get("/signatures/{request_id}")
async def signature_page(
    request: Request, state: State, session: PageSession, request_id: str
) -> Response:
    opened = await _open(state, session, request_id)
    mine = opened.signer(session.account.address)
    may_act = (
        mine is not None
        and opened.state is RequestState.SENT
        and mine.state in (SignerState.SENT, SignerState.VIEWED)
    )
    context = {
        "session": session,
        "csrf": session.csrf_token,
        "signature": opened,
        "mine": mine,
        "may_act": may_act,
        "consent": CONSENT,
        "totp": await state.totp.enabled(session.account.id),
    }
    return render(request, "signature.html", context)


@router.get("/signatures/{request_id}/document.pdf")
async def signature_document(state: State, session: PageSession, request_id: str) -> Response:
    opened = await _open(state, session, request_id)
    return Response(
        opened.document,
        media_type="application/pdf",
        headers={"content-disposition": "attachment; filename=document.pdf"},
    )
