"""The documents page and the settings page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from mss.vault.kinds import DOCUMENT_TYPES
from webmail.api.deps import PageSession, State
from webmail.pages.client_setup import ClientServers
from webmail.pages.render import render

router = APIRouter(include_in_schema=False)


@router.get("/documents")
async def documents(request: Request, state: State, session: PageSession) -> Response:
    return render(
        request,
        "documents.html",
        {
            "session": session,
            "csrf": session.csrf_token,
            "documents": await state.vault.list(session.unlocked),
            "types": DOCUMENT_TYPES,
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
