"""API keys as credentials: issuing one wraps the account's private keys under the key's secret,
presenting one unwraps them for the duration of one request.

An API key is to an establishment's program what an app password is to a mail client: the
server cannot read the account's mail without it. Beside the keyed tag that finds and checks the
key (mss/api/keys.py), each key keeps a wrap of the account's keys under a key derived from its
secret part, exactly as app passwords do (``derive_token_key``). Only organisation and
application accounts get keys: a professional or a patient signs in in person.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from crypto import DecryptionError, PublicKeys, WrappedKey
from crypto.kdf import derive_token_key, new_token_salt
from crypto.wrap import WrapContext, unwrap_with_key, wrap_with_key
from mss.accounts import UnlockedAccount
from mss.api.keys import KeyFormatError, issue_key, key_tag, split_key
from mss.store.api_repository import ApiKeyRecord
from mss.store.clock import now as store_now
from mss.store.records import Account, AccountKind, CredentialKind

KEY_KINDS = frozenset({AccountKind.ORGANISATION, AccountKind.APPLICATION})


class ApiKeyRefused(Exception):
    """Missing, malformed, unknown or revoked key: one error for all (answered 401)."""

    def __init__(self) -> None:
        super().__init__(
            "clé d'API absente, inconnue ou révoquée / missing, unknown or revoked API key"
        )


class KeyNotAllowed(ValueError):
    """The account is of a kind that never gets API keys."""


class ApiKeyStore(Protocol):
    async def add(
        self,
        account_id: int,
        lookup: str,
        tag: bytes,
        label: str,
        scopes: frozenset[str],
        now: int,
        *,
        salt: bytes,
        wrapped: bytes,
    ) -> int: ...

    async def by_lookup(self, lookup: str) -> ApiKeyRecord | None: ...

    async def of_account(self, account_id: int) -> list[ApiKeyRecord]: ...

    async def revoke(self, lookup: str, now: int) -> bool: ...


class AccountLookup(Protocol):
    async def get_account_by_id(self, account_id: int) -> Account | None: ...


@dataclass(frozen=True, slots=True)
class ApiCaller:
    """Who is calling: the unlocked account, what the key allows, and the key's identifier."""

    unlocked: UnlockedAccount
    scopes: frozenset[str]
    lookup: str


class ApiKeyService:
    def __init__(
        self,
        store: ApiKeyStore,
        accounts: AccountLookup,
        server_secret: bytes,
        clock: Callable[[], int] = store_now,
    ) -> None:
        self._store = store
        self._accounts = accounts
        self._secret = server_secret
        self._clock = clock

    async def issue(self, unlocked: UnlockedAccount, label: str, scopes: frozenset[str]) -> str:
        """A new key for an unlocked organisation or application account, returned once."""
        if unlocked.account.kind not in KEY_KINDS:
            raise KeyNotAllowed(
                "seuls les comptes d'organisation et d'application ont des clés d'API / "
                "only organisation and application accounts get API keys"
            )
        issued = issue_key(self._secret)
        _, secret_part = split_key(issued.text)
        salt = new_token_salt()
        context = _key_context(unlocked.account.encryption_key, issued.lookup, salt)
        wrapped = wrap_with_key(
            unlocked.keys, derive_token_key(secret_part.encode(), salt), context
        )
        await self._store.add(
            unlocked.account.id,
            issued.lookup,
            issued.tag,
            label.strip()[:200],
            scopes,
            self._clock(),
            salt=salt,
            wrapped=wrapped.blob,
        )
        return issued.text

    async def authenticate(self, text: str | None) -> ApiCaller:
        """Check a presented key and unlock its account, or raise :class:`ApiKeyRefused`."""
        if not text:
            raise ApiKeyRefused
        try:
            lookup, secret_part = split_key(text.strip())
        except KeyFormatError:
            raise ApiKeyRefused from None
        record = await self._store.by_lookup(lookup)
        if (
            record is None
            or record.revoked_at is not None
            or record.salt is None
            or record.wrapped is None
            or not hmac.compare_digest(key_tag(self._secret, lookup, secret_part), record.tag)
        ):
            raise ApiKeyRefused
        account = await self._accounts.get_account_by_id(record.account_id)
        if account is None or account.disabled or account.kind not in KEY_KINDS:
            raise ApiKeyRefused
        try:
            keys = unwrap_with_key(
                WrappedKey(record.wrapped),
                derive_token_key(secret_part.encode(), record.salt),
                _key_context(account.encryption_key, lookup, record.salt),
            )
        except DecryptionError:
            raise ApiKeyRefused from None
        if not keys.matches(PublicKeys(account.encryption_key, account.signing_key)):
            raise ApiKeyRefused
        return ApiCaller(
            UnlockedAccount(account, keys, CredentialKind.API_KEY), record.scopes, lookup
        )

    async def list(self, account_id: int) -> list[ApiKeyRecord]:
        return await self._store.of_account(account_id)

    async def revoke(self, lookup: str) -> bool:
        """Revoked keys stay listed (when, by whom) but unlock nothing from now on."""
        return await self._store.revoke(lookup, self._clock())


def _key_context(owner: bytes, lookup: str, salt: bytes) -> WrapContext:
    return WrapContext(owner, CredentialKind.API_KEY.value, lookup.encode(), salt)
