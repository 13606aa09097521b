"""The documents page and the settings page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from mss.vault.kinds import DOCUMENT_TYPES
from webmail.api.deps import PageSession, State
from webmail.mail.documents import of_type, viewer
from webmail.pages.client_setup import ClientServers
from webmail.pages.render import render

router = APIRouter(include_in_schema=False)


@router.get("/documents")
async def documents(
    request: Request,
    state: State,
    session: PageSession,
    doc_type: Annotated[str, Query(alias="type", max_length=40)] = "",
) -> Response:
    """The list, of one type when the filter (a plain GET form, working without script) asks."""
    everything = await state.vault.list(session.unlocked)
    chosen = doc_type if doc_type in DOCUMENT_TYPES else ""
    return render(
        request,
        "documents.html",
        {
            "session": session,
            "csrf": session.csrf_token,
            "documents": of_type(everything, chosen),
            "total": len(everything),
            "chosen": chosen,
            "types": DOCUMENT_TYPES,
            "viewer": viewer,
        },
    )


@router.get("/settings")
async def settings(request: Request, state: State, session: PageSession) -> Response:
    account = session.account
    return render(
        request,
        "settings.html",
        {
            "session": session,
            "csrf": session.csrf_token,
            "totp": await state.totp.enabled(account.id),
            "recovery_codes_left": await state.totp.recovery_codes_left(account.id),
            "app_passwords": await state.accounts.list_app_passwords(account.id),
            "sessions": await state.sessions.list(session),
            "receipt_mode": (await state.receipts.mode(account)).value,
            "servers": ClientServers.from_settings(state.runtime.settings),
        },
    )
