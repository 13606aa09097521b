"""Dependencies of the routes: the application state, the signed-in session, the CSRF check.

CSRF (every state-changing request): the token is sent in the ``X-CSRF-Token`` header, which
a page of another site cannot set without a CORS preflight this server never grants, and must
equal the token derived from the request's own session cookie; the sign-in request, which has no
session yet, uses the double-submit token of the pre-login cookie. When the browser says where a
request comes from (Origin), it must be this very origin. Bodies are JSON, which an HTML form of
another site cannot send either.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from starlette.requests import HTTPConnection

from crypto.session import SessionToken
from mss.store.webmail_records import SessionStage
from webmail.errors import LoginRequired
from webmail.pages.render import translator
from webmail.security import cookies
from webmail.security.sessions import WebSession
from webmail.state import WebState

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrf-token"


def web_state(connection: HTTPConnection) -> WebState:
    state: WebState = connection.app.state.web
    return state


State = Annotated[WebState, Depends(web_state)]


def same_origin(connection: HTTPConnection) -> bool:
    """No Origin header (same-origin GETs, old clients) or exactly this server's origin."""
    origin = connection.headers.get("origin")
    if origin is None:
        return True
    host = connection.headers.get("host", "")
    scheme = "https" if cookies.is_secure(connection) else "http"
    return origin == f"{scheme}://{host}"


def _refuse(request: Request) -> HTTPException:
    return HTTPException(403, translator(request)("error.csrf"))


async def require_csrf(request: Request) -> None:
    """The CSRF check of every route that changes something."""
    if request.method in SAFE_METHODS:
        return
    if not same_origin(request):
        raise _refuse(request)
    cookie = cookies.read(request, cookies.SESSION)
    token = SessionToken.decode(cookie) if cookie else None
    if token is None or not token.check_csrf(request.headers.get(CSRF_HEADER, "")):
        raise _refuse(request)


async def require_prelogin_csrf(request: Request) -> None:
    """The sign-in form's double-submit check: header equal to the pre-login cookie."""
    if not same_origin(request):
        raise _refuse(request)
    expected = cookies.read(request, cookies.PRELOGIN) or ""
    given = request.headers.get(CSRF_HEADER, "")
    if not expected or not hmac.compare_digest(expected.encode(), given.encode()):
        raise _refuse(request)


async def api_session(request: Request, state: State) -> WebSession:
    session = await state.sessions.resume(cookies.read(request, cookies.SESSION))
    if session is None:
        raise HTTPException(401, translator(request)("error.signed_out"))
    return session


async def pending_session(request: Request, state: State) -> WebSession:
    """A session between the password and the TOTP code."""
    cookie = cookies.read(request, cookies.SESSION)
    session = await state.sessions.resume(cookie, SessionStage.AWAITING_TOTP)
    if session is None:
        raise HTTPException(401, translator(request)("error.signed_out"))
    return session


async def page_session(request: Request, state: State) -> WebSession:
    session = await state.sessions.resume(cookies.read(request, cookies.SESSION))
    if session is None:
        raise LoginRequired
    return session


Session = Annotated[WebSession, Depends(api_session)]
PageSession = Annotated[WebSession, Depends(page_session)]
Pending = Annotated[WebSession, Depends(pending_session)]
