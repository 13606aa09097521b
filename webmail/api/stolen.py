"""« J'ai perdu le contrôle de mon compte »: take the account back after a theft, in one step.

Implementation notes. After re-authentication (the current password, and the TOTP code when the
account has one), the password is changed, and by default every app password is deleted, every
other web session is ended, every API key of the account (mss/api/keys.py) is revoked, the
recovery key is replaced (the new one is shown once, in the reply) and the account's credential
generation is bumped (mss/generations.py), so that IMAP and SMTP sessions opened before stop at
their next command, in every process. The bump comes last: a session that signed in with a
credential revoked here recorded the generation before it. Each revocation can be declined, but
none is by default: after a theft, the thief's mail client and browser must stop working.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field

from webmail.api.account import confirm_password
from webmail.api.auth import client_ip
from webmail.api.deps import Session, State, require_csrf
from webmail.pages.render import translator

router = APIRouter(prefix="/api/account", tags=["account"], dependencies=[Depends(require_csrf)])


class Recover(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current: str = Field(max_length=1024)
    code: str = Field(default="", max_length=16)
    new: str = Field(max_length=1024)
    revoke_app_passwords: bool = True
    end_other_sessions: bool = True
    revoke_api_keys: bool = True
    new_recovery_key: bool = True


class Recovered(BaseModel):
    recovery_key: str | None
    """Shown once: only its wrap is kept."""
    app_passwords_revoked: int
    sessions_ended: int
    api_keys_revoked: int


@router.post("/stolen", response_model=Recovered, responses={403: {}, 422: {}, 429: {}})
async def recover(request: Request, state: State, session: Session, body: Recover) -> Recovered:
    await confirm_password(request, state, session, body.current)
    account_id, address = session.account.id, session.account.address
    has_totp = await state.totp.enabled(account_id)
    if has_totp and not await state.totp.verify(session.unlocked, body.code):
        await state.throttle.failed(client_ip(request), address)
        raise HTTPException(403, translator(request)("error.bad_code"))
    await state.accounts.change_password(session.unlocked, body.new)
    revoked = 0
    if body.revoke_app_passwords:
        for credential in await state.accounts.list_app_passwords(account_id):
            await state.accounts.revoke_app_password(account_id, credential.id)
            revoked += 1
    ended = await state.sessions.revoke_others(session) if body.end_other_sessions else 0
    keys = 0
    if body.revoke_api_keys:
        for key in await state.runtime.api.list(account_id):
            if key.revoked_at is None and await state.runtime.api.revoke(key.lookup):
                keys += 1
    recovery = (
        await state.accounts.new_recovery_key(session.unlocked) if body.new_recovery_key else None
    )
    await state.signin.end_sessions(session.unlocked)
    return Recovered(
        recovery_key=recovery,
        app_passwords_revoked=revoked,
        sessions_ended=ended,
        api_keys_revoked=keys,
    )
