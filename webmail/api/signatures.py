"""The signer's acts on a signature request: reached the last page, sign, decline.

Implementation notes. Every act runs in the signed-in session's keys, so a request the account
is not part of is the same 404 as one that does not exist. Signing is an act of will: the
consent text must come back exactly as the service wrote it, and the password (or, when the
account has turned TOTP on, a fresh code) is checked again here, through the one sign-in and
its throttle, at the moment of signing; a wrong one signs nothing. The service itself refuses a
signature before the signer has reached the last page, whatever a client sends.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field

from mss.accounts import AuthenticationFailed
from mss.signatures.lifecycle import NotAllowed, SignerState
from mss.signatures.ports import Actor, OpenedRequest, UnknownRequest
from mss.signin import Channel, Throttled
from mss.store.errors import NotFound
from webmail.api.auth import client_ip
from webmail.api.deps import Session, State, require_csrf
from webmail.pages.render import translator
from webmail.security.sessions import WebSession
from webmail.state import WebState

router = APIRouter(
    prefix="/api/signatures", tags=["signatures"], dependencies=[Depends(require_csrf)]
)


class SignerStatus(BaseModel):
    state: str
    request_state: str


class SignIn(BaseModel):
    consent: str = Field(max_length=2000)
    accepted: bool
    secret: str = Field(min_length=1, max_length=1024)


class Decline(BaseModel):
    reason: str = Field(default="", max_length=4000)


def _actor(request: Request, session: WebSession) -> Actor:
    return Actor(session.unlocked, client_ip(request), request.headers.get("user-agent", "")[:300])


def _status(opened: OpenedRequest, session: WebSession) -> SignerStatus:
    mine = opened.signer(session.account.address)
    return SignerStatus(
        state=mine.state.value if mine else SignerState.WAITING.value,
        request_state=opened.state.value,
    )


async def _confirm_identity(
    request: Request, state: WebState, session: WebSession, secret: str
) -> None:
    """The act of signing: the password again, or the TOTP code when the account uses one."""
    t = translator(request)
    ip, address = client_ip(request), session.account.address
    if await state.totp.enabled(session.account.id):
        if state.throttle.blocked(ip, address):
            raise HTTPException(429, t("error.throttled"), headers={"Retry-After": "60"})
        if not await state.totp.verify(session.unlocked, secret.strip()):
            await state.throttle.failed(ip, address)
            raise HTTPException(401, t("error.bad_code"))
        state.throttle.succeeded(ip, address)
        return
    try:
        confirmed = await state.signin.sign_in(address, secret, ip, Channel.WEB)
    except Throttled:
        raise HTTPException(429, t("error.throttled"), headers={"Retry-After": "60"}) from None
    except AuthenticationFailed:
        raise HTTPException(401, t("error.bad_password")) from None
    if confirmed.account.id != session.account.id:
        raise HTTPException(401, t("error.bad_password"))


@router.post("/{request_id}/viewed", response_model=SignerStatus)
async def viewed(request_id: str, request: Request, state: State, session: Session) -> SignerStatus:
    try:
        opened = await state.runtime.signatures().viewed(request_id, _actor(request, session))
    except UnknownRequest:
        raise NotFound from None
    except NotAllowed:
        raise HTTPException(409, translator(request)("signature.not_open")) from None
    return _status(opened, session)


@router.post("/{request_id}/sign", response_model=SignerStatus, responses={401: {}, 429: {}})
async def sign(
    request_id: str, body: SignIn, request: Request, state: State, session: Session
) -> SignerStatus:
    t = translator(request)
    service = state.runtime.signatures()
    if not body.accepted:
        raise HTTPException(422, t("signature.consent_needed"))
    try:
        await service.open(request_id, session.unlocked)
    except UnknownRequest:
        raise NotFound from None
    await _confirm_identity(request, state, session, body.secret)
    try:
        opened = await service.sign(request_id, _actor(request, session), body.consent)
    except UnknownRequest:
        raise NotFound from None
    except NotAllowed:
        raise HTTPException(409, t("signature.not_allowed")) from None
    return _status(opened, session)


@router.post("/{request_id}/decline", response_model=SignerStatus)
async def decline(
    request_id: str, body: Decline, request: Request, state: State, session: Session
) -> SignerStatus:
    try:
        opened = await state.runtime.signatures().decline(
            request_id, _actor(request, session), body.reason
        )
    except UnknownRequest:
        raise NotFound from None
    except NotAllowed:
        raise HTTPException(409, translator(request)("signature.not_open")) from None
    return _status(opened, session)
