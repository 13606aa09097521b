"""Accounts and their credentials: creating, unlocking, app passwords, password changes.

Proving a credential *is* unwrapping the account's keys: no password hash exists anywhere. A
failed unlock takes the same path whether or not the account exists (a decoy wrap is tried for
unknown accounts), and every failure raises the same :class:`AuthenticationFailed`.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from importlib import resources

from zxcvbn import zxcvbn

from crypto import AccountKeys, Argon2Params, DecryptionError, PublicKeys, WrappedKey
from crypto.kdf import (
    derive_password_key,
    derive_token_key,
    new_salt,
    new_token_salt,
    token_lookup,
)
from crypto.tokens import new_app_password, new_recovery_key, normalise
from crypto.wrap import WrapContext, unwrap_with_key, wrap_with_key
from mss.addresses import domain_of, normalise_address
from mss.store.errors import NotFound
from mss.store.interfaces import AccountStore
from mss.store.records import Account, AccountKind, Credential, CredentialKind, NewCredential

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
Publisher = Callable[[Account], Awaitable[None]]


class AuthenticationFailed(Exception):
    """Wrong credential or unknown account: deliberately one error for both."""

    def __init__(self) -> None:
        super().__init__("authentication failed: wrong address or password")


class WeakPassword(ValueError):
    """A new password that would be too easy to guess; the message says what is required."""


@dataclass(frozen=True, slots=True)
class UnlockedAccount:
    """An account with its private keys in memory, for the life of one session."""

    account: Account
    keys: AccountKeys
    via: CredentialKind
    generation: int = 0
    """The account's credential generation at sign-in (mss/generations.py)."""


@dataclass(frozen=True, slots=True)
class CreatedAccount:
    account: Account
    recovery_key: str


class AccountService:
    def __init__(
        self,
        store: AccountStore,
        argon2: Argon2Params,
        unlock_concurrency: int = 2,
        publishers: list[Publisher] | None = None,
    ) -> None:
        self._store = store
        self._argon2 = argon2
        self._slots = asyncio.Semaphore(unlock_concurrency)
        self._publishers = publishers or []
        decoy_keys = AccountKeys.generate()
        self._decoy_public = decoy_keys.public
        self._decoy_password = self._password_credential_sync(decoy_keys, new_salt().hex())
        self._decoy_token_salt = new_token_salt()
        self._decoy_token_wrap = wrap_with_key(
            decoy_keys,
            bytes(32),
            WrapContext(decoy_keys.public.encryption, "", b"", self._decoy_token_salt),
        ).blob

    def add_publisher(self, publisher: Publisher) -> None:
        self._publishers.append(publisher)

    # Creation ------------------------------------------------------------------------------

    async def create_account(
        self, address: str, kind: AccountKind, password: str, display_name: str = ""
    ) -> CreatedAccount:
        address = normalise_address(address)
        check_password(password, (address,))
        domain = await self._store.get_domain(domain_of(address))
        if domain is None:
            raise NotFound(
                f"domain {domain_of(address)} is not served here: add it first "
                "with `mss domain add`"
            )
        if (kind is AccountKind.PATIENT) != domain.is_patient:
            raise ValueError(
                "patient accounts belong on a patient domain and only there "
                "(`mss domain add --patient DOMAIN`)"
            )
        keys = AccountKeys.generate()
        recovery = new_recovery_key()
        password_credential = await self._password_credential(keys, password)
        recovery_credential = self._token_credential(keys, recovery, CredentialKind.RECOVERY, "")
        account = await self._store.add_account(
            address,
            domain,
            kind,
            display_name,
            keys.public.encryption,
            keys.public.signing,
            [password_credential, recovery_credential],
        )
        for publish in self._publishers:
            await publish(account)
        return CreatedAccount(account, recovery)

    # Unlocking -----------------------------------------------------------------------------

    async def id_of(self, address: str) -> int | None:
        """The id of an enabled account, without unlocking it (mss/signin.py reads the
        credential generation before the secret is checked)."""
        try:
            account = await self._store.get_account(normalise_address(address))
        except ValueError:
            return None
        return None if account is None or account.disabled else account.id

    async def authenticate(self, address: str, secret: str) -> UnlockedAccount:
        """Unlock with the password, an app password or the recovery key."""
        try:
            account = await self._store.get_account(normalise_address(address))
        except ValueError:
            account = None
        if account is not None and account.disabled:
            account = None
        token = normalise(secret)
        if token is not None:
            unlocked = await self._try_token(account, token)
            if unlocked is not None:
                return unlocked
        return await self._try_password(account, secret)

    async def _try_token(self, account: Account | None, token: bytes) -> UnlockedAccount | None:
        # The query runs for unknown accounts too (id -1 matches nothing): same work, same time.
        account_id = account.id if account is not None else -1
        lookup = token_lookup(token)
        credential = await self._store.credential_by_lookup(account_id, lookup)
        salt = credential.salt if credential else self._decoy_token_salt
        blob = credential.wrapped if credential else self._decoy_token_wrap
        owner = account.encryption_key if account else self._decoy_public.encryption
        kind = credential.kind.value if credential else ""
        key = derive_token_key(token, salt)
        context = WrapContext(owner, kind, lookup, salt)
        try:
            keys = unwrap_with_key(WrappedKey(blob), key, context)
        except DecryptionError:
            return None
        if account is None or credential is None or not keys.matches(_public(account)):
            return None
        await self._upgrade_wrap(credential, keys, key, context)
        return UnlockedAccount(account, keys, credential.kind)

    async def _try_password(self, account: Account | None, password: str) -> UnlockedAccount:
        account_id = account.id if account is not None else -1
        found = await self._store.credentials_of(account_id, CredentialKind.PASSWORD)
        credential = found[0] if found else None
        wrap = self._decoy_password if credential is None else credential
        params = Argon2Params(wrap.opslimit or 0, wrap.memlimit or 0)
        async with self._slots:
            key = await asyncio.to_thread(
                derive_password_key, password[:MAX_PASSWORD_LENGTH], wrap.salt, params
            )
        owner = account.encryption_key if account else self._decoy_public.encryption
        context = _password_context(owner, wrap.salt, params)
        try:
            keys = unwrap_with_key(WrappedKey(wrap.wrapped), key, context)
        except DecryptionError:
            raise AuthenticationFailed from None
        if credential is None or account is None or not keys.matches(_public(account)):
            raise AuthenticationFailed
        await self._upgrade_wrap(credential, keys, key, context)
        return UnlockedAccount(account, keys, CredentialKind.PASSWORD)

    async def _upgrade_wrap(
        self, credential: Credential, keys: AccountKeys, key: bytes, context: WrapContext
    ) -> None:
        """A version 1 wrap that just opened is replaced by a version 2 wrap of the same keys
        under the same key, bound to its context (crypto/wrap.py)."""
        if WrappedKey(credential.wrapped).is_legacy:
            upgraded = wrap_with_key(keys, key, context).blob
            await self._store.rewrap_credential(credential, upgraded)

    # App passwords -------------------------------------------------------------------------

    async def add_app_password(
        self, unlocked: UnlockedAccount, label: str
    ) -> tuple[Credential, str]:
        """A new app password, returned once in clear: only its wrap is kept."""
        token = new_app_password()
        credential = self._token_credential(
            unlocked.keys, token, CredentialKind.APP_PASSWORD, label.strip()[:100]
        )
        return await self._store.add_credential(unlocked.account.id, credential), token

    async def list_app_passwords(self, account_id: int) -> list[Credential]:
        return await self._store.credentials_of(account_id, CredentialKind.APP_PASSWORD)

    async def revoke_app_password(self, account_id: int, credential_id: int) -> None:
        """Deleting the wrap is the revocation: nothing else could unlock with it."""
        await self._store.delete_credential(account_id, credential_id)

    # Password and recovery -----------------------------------------------------------------

    async def change_password(self, unlocked: UnlockedAccount, new_password: str) -> None:
        """Re-wrap the same keys: no message needs re-encrypting."""
        check_password(new_password, (unlocked.account.address,))
        credential = await self._password_credential(unlocked.keys, new_password)
        await self._store.replace_credentials(
            unlocked.account.id, CredentialKind.PASSWORD, credential
        )

    async def new_recovery_key(self, unlocked: UnlockedAccount) -> str:
        """Replace the recovery key; the previous one stops working at once."""
        recovery = new_recovery_key()
        credential = self._token_credential(unlocked.keys, recovery, CredentialKind.RECOVERY, "")
        await self._store.replace_credentials(
            unlocked.account.id, CredentialKind.RECOVERY, credential
        )
        return recovery

    # Wrapping ------------------------------------------------------------------------------

    async def _password_credential(self, keys: AccountKeys, password: str) -> NewCredential:
        async with self._slots:
            return await asyncio.to_thread(self._password_credential_sync, keys, password)

    def _password_credential_sync(self, keys: AccountKeys, password: str) -> NewCredential:
        salt = new_salt()
        key = derive_password_key(password, salt, self._argon2)
        context = _password_context(keys.public.encryption, salt, self._argon2)
        return NewCredential(
            kind=CredentialKind.PASSWORD,
            label="",
            lookup=None,
            salt=salt,
            opslimit=self._argon2.opslimit,
            memlimit=self._argon2.memlimit,
            wrapped=wrap_with_key(keys, key, context).blob,
        )

    @staticmethod
    def _token_credential(
        keys: AccountKeys, token_text: str, kind: CredentialKind, label: str
    ) -> NewCredential:
        token = normalise(token_text)
        assert token is not None, "generated tokens always have the token shape"
        salt = new_token_salt()
        lookup = token_lookup(token)
        context = WrapContext(keys.public.encryption, kind.value, lookup, salt)
        return NewCredential(
            kind=kind,
            label=label,
            lookup=lookup,
            salt=salt,
            opslimit=None,
            memlimit=None,
            wrapped=wrap_with_key(keys, derive_token_key(token, salt), context).blob,
        )


def check_password(password: str, context: Sequence[str] = ()) -> None:
    """Refuse passwords an attacker would guess: zxcvbn's estimate, fed French words and the
    account's own address (``context``), must reach :data:`MIN_PASSWORD_SCORE`."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword(f"the password must have at most {MAX_PASSWORD_LENGTH} characters")
    words = [*_french_words(), *(part for item in context for part in _parts(item))]
    if zxcvbn(password[:MAX_SCORED_LENGTH], user_inputs=words)["score"] < MIN_PASSWORD_SCORE:
        raise WeakPassword(
            "the password is too easy to guess: use several unusual words, or a longer phrase"
        )


MIN_PASSWORD_SCORE = 3
"""zxcvbn's "safely unguessable" band: about 10^8 guesses or more (Wheeler, USENIX 2016)."""
MAX_SCORED_LENGTH = 72
"""zxcvbn's cost grows with the length, and zxcvbn 4.5 raises ValueError beyond 72 characters
(its default ``max_length``): only the first 72 are scored; beyond them a password is long
enough anyway."""


@functools.cache
def _french_words() -> tuple[str, ...]:
    text = resources.files("mss.data").joinpath("french_passwords.txt").read_text("utf-8")
    return tuple(line for line in text.splitlines() if line and not line.startswith("#"))


def _parts(address: str) -> list[str]:
    local, _, domain = address.lower().partition("@")
    return [address.lower(), local, *local.replace("-", ".").split("."), *domain.split(".")]


def _password_context(owner: bytes, salt: bytes, params: Argon2Params) -> WrapContext:
    return WrapContext(
        owner, CredentialKind.PASSWORD.value, b"", salt, params.opslimit, params.memlimit
    )


def _public(account: Account) -> PublicKeys:
    return PublicKeys(account.encryption_key, account.signing_key)
