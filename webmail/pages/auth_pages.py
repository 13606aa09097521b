"""Sign-in pages, the language switch, and the way in."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Query, Request
from starlette.responses import RedirectResponse, Response

from crypto.session import random_token
from mss.store.webmail_records import SessionStage
from webmail.api.deps import State
from webmail.i18n import LANGUAGES
from webmail.pages.render import render
from webmail.security import cookies

router = APIRouter(include_in_schema=False)
PRELOGIN_MAX_AGE = 3600


def local_target(target: str | None, default: str = "/mail") -> str:
    """Only a path on this site: never an absolute URL (no open redirect)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target:
        return default
    return target


@router.get("/")
async def home() -> Response:
    return RedirectResponse("/mail", status_code=303)


@router.get("/login")
async def login(request: Request, state: State, next: str | None = None) -> Response:
    if await state.sessions.resume(cookies.read(request, cookies.SESSION)) is not None:
        return RedirectResponse(local_target(next), status_code=303)
    token = random_token()
    response = render(request, "login.html", {"csrf": token, "next": local_target(next)})
    cookies.set_cookie(response, request, cookies.PRELOGIN, token, max_age=PRELOGIN_MAX_AGE)
    return response


@router.get("/login/totp")
async def login_totp(request: Request, state: State) -> Response:
    cookie = cookies.read(request, cookies.SESSION)
    pending = await state.sessions.resume(cookie, SessionStage.AWAITING_TOTP)
    if pending is None:
        return RedirectResponse("/login", status_code=303)
    return render(request, "totp.html", {"csrf": pending.csrf_token})


@router.get("/lang/{language}")
async def language(
    request: Request, language: str, next: Annotated[str | None, Query()] = None
) -> Response:
    """A display preference (no account state): the cookie only picks the catalogue."""
    response = RedirectResponse(local_target(next, "/login"), status_code=303)
    if language in LANGUAGES:
        response.set_cookie(
            cookies.name(cookies.LANGUAGE, False),
            language,
            max_age=cookies.LANGUAGE_MAX_AGE,
            path="/",
            secure=cookies.is_secure(request),
            httponly=True,
            samesite="lax",
        )
    return response
