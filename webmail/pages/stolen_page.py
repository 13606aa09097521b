"""« Mon compte a été piraté »: the page of the stolen path (webmail/api/stolen.py).

A page of its own rather than a card in the settings: the patient who comes here is worried,
and should read what will happen, in plain words, before giving a password. The API-key box is
shown only to an account that has live keys (organisations and applications): a patient would
not know what it means.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from webmail.api.deps import PageSession, State
from webmail.pages.render import render

router = APIRouter(include_in_schema=False)


@router.get("/settings/stolen")
async def stolen(request: Request, state: State, session: PageSession) -> Response:
    account = session.account
    keys = await state.runtime.api.list(account.id)
    return render(
        request,
        "stolen.html",
        {
            "session": session,
            "csrf": session.csrf_token,
            "totp": await state.totp.enabled(account.id),
            "api_keys": any(key.revoked_at is None for key in keys),
        },
    )
