"""Settings: password, recovery key, application passwords, TOTP, sessions.

Implementation notes. What could lock the patient out or hand the account to someone else
(new password, new recovery key, turning TOTP off) asks for the current password again, with
failures counted like sign-in failures. A password change re-wraps the same keys (nothing is
re-encrypted) and ends every other session.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request

from mss.accounts import AuthenticationFailed
from mss.signin import Channel, Throttled
from mss.store.records import CredentialKind
from webmail.api.auth import client_ip
from webmail.api.deps import Session, State, require_csrf
from webmail.api.models import (
    AppPasswordCreated,
    AppPasswordIn,
    AppPasswordOut,
    Done,
    PasswordChange,
    PasswordCheck,
    RecoveryCodes,
    RecoveryKey,
    SessionOut,
    TotpDisable,
    TotpEnable,
    TotpSetup,
)
from webmail.pages.render import translator
from webmail.security import totp
from webmail.security.sessions import WebSession
from webmail.state import WebState

router = APIRouter(prefix="/api/account", tags=["account"], dependencies=[Depends(require_csrf)])


async def confirm_password(
    request: Request, state: WebState, session: WebSession, password: str
) -> None:
    """The current password again, for what could take the account away from its owner."""
    t = translator(request)
    ip, address = client_ip(request), session.account.address
    try:
        unlocked = await state.signin.sign_in(address, password, ip, Channel.WEB)
        if unlocked.via is not CredentialKind.PASSWORD:
            raise AuthenticationFailed
    except Throttled:
        raise HTTPException(429, t("error.throttled"), headers={"Retry-After": "60"}) from None
    except AuthenticationFailed:
        raise HTTPException(403, t("error.bad_password")) from None


@router.post("/password", response_model=Done, responses={403: {}, 422: {}})
async def change_password(
    request: Request, state: State, session: Session, body: PasswordChange
) -> Done:
    await confirm_password(request, state, session, body.current)
    await state.accounts.change_password(session.unlocked, body.new)
    await state.sessions.revoke_others(session)
    if body.revoke_app_passwords:
        for credential in await state.accounts.list_app_passwords(session.account.id):
            await state.accounts.revoke_app_password(session.account.id, credential.id)
    return Done()


@router.post("/recovery-key", response_model=RecoveryKey, responses={403: {}})
async def recovery_key(
    request: Request, state: State, session: Session, body: PasswordCheck
) -> RecoveryKey:
    await confirm_password(request, state, session, body.password)
    return RecoveryKey(recovery_key=await state.accounts.new_recovery_key(session.unlocked))


@router.get("/app-passwords", response_model=list[AppPasswordOut])
async def app_passwords(state: State, session: Session) -> list[AppPasswordOut]:
    found = await state.accounts.list_app_passwords(session.account.id)
    return [AppPasswordOut(id=c.id, label=c.label, created_at=c.created_at) for c in found]


@router.post("/app-passwords", response_model=AppPasswordCreated, responses={403: {}})
async def add_app_password(
    request: Request, state: State, session: Session, body: AppPasswordIn
) -> AppPasswordCreated:
    await confirm_password(request, state, session, body.password)
    credential, secret = await state.accounts.add_app_password(session.unlocked, body.label)
    return AppPasswordCreated(
        id=credential.id, label=credential.label, created_at=credential.created_at, password=secret
    )


@router.delete("/app-passwords/{credential_id}", response_model=Done)
async def revoke_app_password(state: State, session: Session, credential_id: int) -> Done:
    await state.accounts.revoke_app_password(session.account.id, credential_id)
    return Done()


@router.post("/totp/setup", response_model=TotpSetup)
async def totp_setup(session: Session) -> TotpSetup:
    """A new secret to scan; nothing changes until a code of it is confirmed."""
    secret = totp.new_secret()
    uri = totp.provisioning_uri(secret, session.account.address)
    return TotpSetup(secret=secret, uri=uri, qr=totp.qr_data_uri(uri))


@router.post("/totp", response_model=RecoveryCodes, responses={403: {}, 422: {}})
async def totp_enable(
    request: Request, state: State, session: Session, body: TotpEnable
) -> RecoveryCodes:
    """On, with the recovery codes to show this once (only their keyed hashes are kept)."""
    await confirm_password(request, state, session, body.password)
    codes = await state.totp.enable(session.unlocked, body.secret.strip().upper(), body.code)
    if codes is None:
        raise HTTPException(422, translator(request)("error.bad_code"))
    return RecoveryCodes(recovery_codes=codes)


@router.post("/totp/recovery-codes", response_model=RecoveryCodes, responses={403: {}, 409: {}})
async def totp_recovery_codes(
    request: Request, state: State, session: Session, body: PasswordCheck
) -> RecoveryCodes:
    """New recovery codes (the old ones stop working), e.g. once most are used."""
    await confirm_password(request, state, session, body.password)
    codes = await state.totp.new_recovery_codes(session.unlocked)
    if codes is None:
        raise HTTPException(409, translator(request)("error.totp_off"))
    return RecoveryCodes(recovery_codes=codes)


@router.post("/totp/disable", response_model=Done, responses={403: {}, 422: {}})
async def totp_disable(request: Request, state: State, session: Session, body: TotpDisable) -> Done:
    await confirm_password(request, state, session, body.password)
    if not await state.totp.verify(session.unlocked, body.code):
        raise HTTPException(422, translator(request)("error.bad_code"))
    await state.totp.disable(session.account.id)
    return Done()


@router.get("/sessions", response_model=list[SessionOut])
async def sessions(state: State, session: Session) -> list[SessionOut]:
    return [
        SessionOut(
            id=s.id,
            device=s.device,
            address=s.address,
            created_at=s.created_at,
            last_seen_at=s.last_seen_at,
            current=s.current,
        )
        for s in await state.sessions.list(session)
    ]


@router.delete("/sessions/{session_id}", response_model=Done)
async def revoke_session(state: State, session: Session, session_id: int) -> Done:
    await state.sessions.revoke(session, session_id)
    return Done()


@router.post("/sessions/revoke-others", response_model=Done)
async def revoke_others(state: State, session: Session) -> Done:
    await state.sessions.revoke_others(session)
    return Done()
