"""TOTP second factor (RFC 6238): enrolment with a QR code, verification, replay refusal.

The secret is sealed to the account's public key, so the server can only read it with keys a
password has just unlocked: a database dump does not give the second factor away. A code is
accepted for the current time step or one step either side (RFC 6238 §5.2 allows for clock
drift), and each step at most once (§5.2: "MUST NOT accept the second attempt"), enforced by one
conditional UPDATE of the last step used.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable

import pyotp
import segno

from crypto import DecryptionError
from crypto.session import open_from_account, seal_to_account
from mss.accounts import UnlockedAccount
from mss.store.webmail_records import TotpRecord
from mss.store.webmail_repository import SqlWebmailStore

ISSUER = "MSS"
STEP_SECONDS = 30  # RFC 6238 §4.1 default X
DRIFT_STEPS = 1
DIGITS = 6


def new_secret() -> str:
    """160 random bits in base32 (RFC 4226 §4 recommends 160)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, address: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=address, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The enrolment QR code as an SVG data: URI, drawn here without any network."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, light="#fff", dark="#000"))


def matching_step(secret: str, code: str, now: float) -> int | None:
    """The time step whose code is ``code``, within the allowed drift, or None."""
    candidate = "".join(code.split())
    if len(candidate) != DIGITS or not candidate.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    current = int(now // STEP_SECONDS)
    found = None
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), candidate):
            found = step
    return found


class TotpManager:
    def __init__(self, store: SqlWebmailStore, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._clock = clock

    async def enabled(self, account_id: int) -> bool:
        return await self._store.get_totp(account_id) is not None

    async def enable(self, unlocked: UnlockedAccount, secret: str, code: str) -> bool:
        """Turn TOTP on once the person has shown a code of ``secret``; False if it is wrong."""
        step = matching_step(secret, code, self._clock())
        if step is None:
            return False
        sealed = seal_to_account(secret.encode("ascii"), unlocked.account.encryption_key)
        await self._store.set_totp(
            TotpRecord(unlocked.account.id, sealed, step, int(self._clock()))
        )
        return True

    async def verify(self, unlocked: UnlockedAccount, code: str) -> bool:
        record = await self._store.get_totp(unlocked.account.id)
        if record is None:
            return False
        try:
            secret = open_from_account(record.sealed_secret, unlocked.keys).decode("ascii")
        except (DecryptionError, UnicodeDecodeError):
            return False
        step = matching_step(secret, code, self._clock())
        if step is None:
            return False
        return await self._store.use_totp_step(unlocked.account.id, step)

    async def disable(self, account_id: int) -> None:
        await self._store.delete_totp(account_id)
