"""TOTP second factor (RFC 6238) in the webmail: enrolment with a QR code, verification,
recovery codes.

The secret is sealed to the account's public key, so the server can only read it with keys a
password has just unlocked: a database dump does not give the second factor away. Which codes
are accepted, and when (drift, replay, the enrolment's window, recovery codes), is the core's
rule in :mod:`mss.second_factor`; this module applies it to the patient's sealed secret.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Protocol

import pyotp
import segno

from crypto import DecryptionError
from crypto.session import open_from_account, seal_to_account
from mss.accounts import UnlockedAccount
from mss.second_factor import (
    floor_after_enrolment,
    matching_step,
    new_recovery_codes,
    normalise_recovery_code,
    recovery_digest,
)
from mss.store.webmail_records import TotpRecord

ISSUER = "MSS"


class TotpStore(Protocol):
    """What the second factor needs of the store."""

    async def get_totp(self, account_id: int) -> TotpRecord | None: ...

    async def enrol_totp(self, record: TotpRecord, recovery_digests: Sequence[bytes]) -> None: ...

    async def delete_totp(self, account_id: int) -> None: ...

    async def use_totp_step(self, account_id: int, step: int) -> bool: ...

    async def replace_recovery_codes(self, account_id: int, digests: Sequence[bytes]) -> None: ...

    async def use_recovery_code(self, account_id: int, digest: bytes) -> bool: ...

    async def recovery_codes_left(self, account_id: int) -> int: ...


def new_secret() -> str:
    """160 random bits in base32 (RFC 4226 §4 recommends 160)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, address: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=address, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The enrolment QR code as an SVG data: URI, drawn here without any network."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, light="#fff", dark="#000"))


class TotpManager:
    def __init__(self, store: TotpStore, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._clock = clock

    async def enabled(self, account_id: int) -> bool:
        return await self._store.get_totp(account_id) is not None

    async def enable(self, unlocked: UnlockedAccount, secret: str, code: str) -> list[str] | None:
        """Turn TOTP on once the person has shown a code of ``secret``: the recovery codes to
        show them (this once), or None if the code is wrong."""
        now = self._clock()
        step = matching_step(secret, code, now)
        if step is None:
            return None
        sealed = seal_to_account(secret.encode("ascii"), unlocked.account.encryption_key)
        codes = new_recovery_codes()
        record = TotpRecord(unlocked.account.id, sealed, floor_after_enrolment(step), int(now))
        await self._store.enrol_totp(record, [recovery_digest(secret, c) for c in codes])
        return codes

    async def _secret(self, unlocked: UnlockedAccount) -> str | None:
        record = await self._store.get_totp(unlocked.account.id)
        if record is None:
            return None
        try:
            return open_from_account(record.sealed_secret, unlocked.keys).decode("ascii")
        except (DecryptionError, UnicodeDecodeError):
            return None

    async def verify(self, unlocked: UnlockedAccount, code: str) -> bool:
        secret = await self._secret(unlocked)
        if secret is None:
            return False
        step = matching_step(secret, code, self._clock())
        if step is None:
            return False
        return await self._store.use_totp_step(unlocked.account.id, step)

    async def use_recovery_code(self, unlocked: UnlockedAccount, code: str) -> bool:
        """A recovery code instead of the authenticator's: good once, then gone."""
        secret = await self._secret(unlocked)
        if secret is None or not normalise_recovery_code(code):
            return False
        digest = recovery_digest(secret, code)
        return await self._store.use_recovery_code(unlocked.account.id, digest)

    async def new_recovery_codes(self, unlocked: UnlockedAccount) -> list[str] | None:
        """Fresh recovery codes replacing the old ones; None when TOTP is off."""
        secret = await self._secret(unlocked)
        if secret is None:
            return None
        codes = new_recovery_codes()
        digests = [recovery_digest(secret, c) for c in codes]
        await self._store.replace_recovery_codes(unlocked.account.id, digests)
        return codes

    async def recovery_codes_left(self, account_id: int) -> int:
        return await self._store.recovery_codes_left(account_id)

    async def disable(self, account_id: int) -> None:
        await self._store.delete_totp(account_id)
