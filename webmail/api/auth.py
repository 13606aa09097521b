"""Signing in and out: password, then the TOTP code when the patient turned it on.

Implementation notes. A wrong password and an unknown address take the same path in
:class:`~mss.accounts.AccountService` and get the same answer here (401, same text); failures are
counted per client address and per account name, and once over the limit every attempt is
refused (429) before any key derivation, whether or not the password would have been right.
Wrong TOTP codes count the same way; past the limit the half-open session is ended.
Application passwords are for mail clients and do not open the webmail. A successful sign-in
always starts a new session (new id, new key), so no session id chosen before it survives.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request, Response

from mss.accounts import AuthenticationFailed, UnlockedAccount
from mss.signin import Channel, Throttled
from mss.store.webmail_records import SessionStage
from webmail.api.deps import (
    Pending,
    Session,
    State,
    require_csrf,
    require_prelogin_csrf,
)
from webmail.api.models import Me, Next, SecondFactor, SignIn
from webmail.pages.render import translator
from webmail.security import cookies
from webmail.security.sessions import describe_device

router = APIRouter(prefix="/api/session", tags=["session"])


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def open_session(
    request: Request,
    response: Response,
    state: State,
    unlocked: UnlockedAccount,
    stage: SessionStage,
    replacing: int | None = None,
) -> None:
    device = describe_device(request.headers.get("user-agent", ""))
    token = await state.sessions.open(unlocked, stage, device, client_ip(request), replacing)
    cookies.set_cookie(response, request, cookies.SESSION, token.encode(), max_age=None)
    cookies.clear(response, request, cookies.PRELOGIN)


@router.post(
    "",
    response_model=Next,
    dependencies=[Depends(require_prelogin_csrf)],
    responses={401: {}, 429: {}},
)
async def sign_in(body: SignIn, request: Request, response: Response, state: State) -> Next:
    t = translator(request)
    ip = client_ip(request)
    try:
        known = state.devices.known(request, body.address)
        unlocked = await state.signin.sign_in(
            body.address, body.password, ip, Channel.WEB, known_device=known
        )
    except Throttled:
        raise HTTPException(429, t("error.throttled"), headers={"Retry-After": "60"}) from None
    except AuthenticationFailed:
        raise HTTPException(401, t("error.bad_credentials")) from None
    if await state.totp.enabled(unlocked.account.id):
        await open_session(request, response, state, unlocked, SessionStage.AWAITING_TOTP)
        return Next(next="/login/totp")
    await open_session(request, response, state, unlocked, SessionStage.ACTIVE)
    state.devices.issue(response, request, unlocked.account.address)
    return Next(next="/mail")


@router.post(
    "/totp",
    response_model=Next,
    dependencies=[Depends(require_csrf)],
    responses={401: {}, 429: {}},
)
async def second_factor(
    body: SecondFactor,
    request: Request,
    response: Response,
    state: State,
    pending: Pending,
) -> Next:
    t = translator(request)
    ip, address = client_ip(request), pending.account.address
    if state.throttle.blocked(ip, address) and not state.devices.known(request, address):
        await state.sessions.end(pending)
        cookies.clear(response, request, cookies.SESSION)
        raise HTTPException(429, t("error.throttled"), headers={"Retry-After": "60"})
    if body.recovery_code:
        accepted = await state.totp.use_recovery_code(pending.unlocked, body.recovery_code)
    else:
        accepted = await state.totp.verify(pending.unlocked, body.code)
    if not accepted:
        await state.throttle.failed(ip, address)
        wrong = "error.bad_recovery_code" if body.recovery_code else "error.bad_code"
        raise HTTPException(401, t(wrong))
    state.throttle.succeeded(ip, address)
    await open_session(
        request, response, state, pending.unlocked, SessionStage.ACTIVE, pending.record.id
    )
    state.devices.issue(response, request, address)
    return Next(next="/mail")


@router.delete("", response_model=Next, dependencies=[Depends(require_csrf)])
async def sign_out(request: Request, response: Response, state: State, session: Session) -> Next:
    await state.sessions.end(session)
    cookies.clear(response, request, cookies.SESSION)
    return Next(next="/login")


@router.get("", response_model=Me)
async def me(state: State, session: Session) -> Me:
    account = session.account
    return Me(
        address=account.address,
        display_name=account.display_name,
        totp=await state.totp.enabled(account.id),
    )
