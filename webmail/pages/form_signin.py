"""The sign-in form without JavaScript: an ordinary form POST to /login (issue 13, item 7).

Why: a browser without scripts (or one where app.js failed to load) sends the form itself. It
must post, never GET (the password would land in the URL, the history and every log), and it
must reach the same one sign-in (``runtime.signin``, the one throttle) as the JSON route.

Cross-site forgery: the pre-login cookie is SameSite=Strict, so a form posted from another site
arrives without it and is refused; an Origin header, when present, must be ours. On success the
answer is a 303 to the next page (RFC 9110 §15.4.4: the browser follows with a GET, so a reload
never re-posts the password); on failure the form comes back with the error and no field kept.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from crypto.session import random_token
from mss.accounts import AuthenticationFailed
from mss.signin import Channel, Throttled
from mss.store.webmail_records import SessionStage
from webmail.api.auth import client_ip, open_session
from webmail.api.deps import State, same_origin
from webmail.pages.auth_pages import PRELOGIN_MAX_AGE, local_target
from webmail.pages.render import render, translator
from webmail.security import cookies

router = APIRouter(include_in_schema=False)
MAX_FIELD = 1024


def _again(request: Request, next_page: str, error: str, status_code: int) -> Response:
    """The form again, with its error and a fresh pre-login token."""
    token = random_token()
    response = render(
        request,
        "login.html",
        {"csrf": token, "next": next_page, "error": error},
        status_code,
    )
    cookies.set_cookie(response, request, cookies.PRELOGIN, token, max_age=PRELOGIN_MAX_AGE)
    return response


@router.post("/login")
async def login_posted(request: Request, state: State, next: str | None = None) -> Response:
    t = translator(request)
    next_page = local_target(next)
    if not same_origin(request) or not cookies.read(request, cookies.PRELOGIN):
        return _again(request, next_page, t("error.csrf"), 403)
    form = await request.form(max_files=0, max_fields=4)
    address, password = form.get("address"), form.get("password")
    if not isinstance(address, str) or not isinstance(password, str):
        return _again(request, next_page, t("error.bad_credentials"), 400)
    try:
        unlocked = await state.signin.sign_in(
            address[:MAX_FIELD],
            password[:MAX_FIELD],
            client_ip(request),
            Channel.WEB,
            known_device=state.devices.known(request, address[:MAX_FIELD]),
        )
    except Throttled:
        response = _again(request, next_page, t("error.throttled"), 429)
        response.headers["retry-after"] = "60"
        return response
    except AuthenticationFailed:
        return _again(request, next_page, t("error.bad_credentials"), 401)
    if await state.totp.enabled(unlocked.account.id):
        response = RedirectResponse("/login/totp", status_code=303)
        await open_session(request, response, state, unlocked, SessionStage.AWAITING_TOTP)
        return response
    response = RedirectResponse(next_page, status_code=303)
    await open_session(request, response, state, unlocked, SessionStage.ACTIVE)
    state.devices.issue(response, request, unlocked.account.address)
    return response
