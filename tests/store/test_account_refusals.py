"""Refusals of the account service that other tests leave open (issue 18): a disabled account
unlocks with nothing and fails like a wrong password; a version 1 wrap (no associated data, so
it opens wherever it is put) copied from another account is refused by the public-key check; a
new password made of the account's own address is refused as a first one is."""

from __future__ import annotations

import pytest
from nacl.secret import SecretBox
from sqlalchemy import update

from crypto import Argon2Params
from crypto.kdf import derive_password_key, derive_token_key
from crypto.tokens import normalise
from mss.accounts import AuthenticationFailed, WeakPassword
from mss.runtime import Runtime
from mss.store.records import AccountKind, CredentialKind
from mss.store.schema import accounts, credentials

DOMAIN = "clinique-saint-leu.example"
A = f"gaspard.quillebeuf@{DOMAIN}"
B = f"b@{DOMAIN}"
PASSWORD_A = "correct horse battery"
PASSWORD_B = "purple elephant anvil"


async def _two_accounts(runtime: Runtime) -> tuple[int, int, str]:
    await runtime.store.add_domain(DOMAIN)
    a = await runtime.accounts.create_account(A, AccountKind.PROFESSIONAL, PASSWORD_A)
    b = await runtime.accounts.create_account(B, AccountKind.PROFESSIONAL, PASSWORD_B)
    return a.account.id, b.account.id, a.recovery_key


async def test_a_disabled_account_unlocks_with_nothing(runtime: Runtime) -> None:
    await runtime.store.add_domain(DOMAIN)
    created = await runtime.accounts.create_account(A, AccountKind.PROFESSIONAL, PASSWORD_A)
    recovery = created.recovery_key
    unlocked = await runtime.accounts.authenticate(A, PASSWORD_A)
    _, app_password = await runtime.accounts.add_app_password(unlocked, "phone")
    async with runtime.database.writer.begin() as conn:
        await conn.execute(
            update(accounts).where(accounts.c.id == created.account.id).values(disabled=True)
        )
    # No store method disables an account yet; adding one empties the store's lookup cache.
    await runtime.accounts.create_account(B, AccountKind.PROFESSIONAL, PASSWORD_B)
    for secret in (PASSWORD_A, app_password, recovery):
        with pytest.raises(AuthenticationFailed) as failed:
            await runtime.accounts.authenticate(A, secret)
        assert str(failed.value) == "authentication failed: wrong address or password"
    assert (await runtime.accounts.authenticate(B, PASSWORD_B)).account.address == B


async def test_copied_version_1_wraps_open_but_are_refused(runtime: Runtime) -> None:
    """Version 1 wraps are bound to no owner: only the public-key check stands between another
    account's copied wrap and a sign-in as this account with that account's secret."""
    a_id, b_id, _ = await _two_accounts(runtime)
    unlocked_b = await runtime.accounts.authenticate(B, PASSWORD_B)
    _, app_password_b = await runtime.accounts.add_app_password(unlocked_b, "phone")
    token = normalise(app_password_b)
    assert token is not None
    (password,) = await runtime.store.credentials_of(b_id, CredentialKind.PASSWORD)
    (app,) = await runtime.store.credentials_of(b_id, CredentialKind.APP_PASSWORD)
    params = Argon2Params(password.opslimit or 0, password.memlimit or 0)
    secret = unlocked_b.keys.secret()
    legacy_password = bytes(
        SecretBox(derive_password_key(PASSWORD_B, password.salt, params)).encrypt(secret)
    )
    legacy_app = bytes(SecretBox(derive_token_key(token, app.salt)).encrypt(secret))
    async with runtime.database.writer.begin() as conn:
        await conn.execute(
            update(credentials)
            .where(
                credentials.c.account_id == a_id,
                credentials.c.kind == CredentialKind.PASSWORD.value,
            )
            .values(
                salt=password.salt,
                opslimit=password.opslimit,
                memlimit=password.memlimit,
                wrapped=legacy_password,
            )
        )
        await conn.execute(
            update(credentials)
            .where(credentials.c.id == app.id)
            .values(account_id=a_id, wrapped=legacy_app)
        )
    for secret_b in (PASSWORD_B, app_password_b):
        with pytest.raises(AuthenticationFailed):
            await runtime.accounts.authenticate(A, secret_b)
    by_password = await runtime.accounts.authenticate(B, PASSWORD_B)
    assert (by_password.account.id, by_password.via) == (b_id, CredentialKind.PASSWORD)


async def test_a_new_password_made_of_the_address_is_refused(runtime: Runtime) -> None:
    await _two_accounts(runtime)
    unlocked = await runtime.accounts.authenticate(A, PASSWORD_A)
    with pytest.raises(WeakPassword, match="too easy to guess"):
        await runtime.accounts.change_password(unlocked, "QuillebeufGaspard")
    assert (await runtime.accounts.authenticate(A, PASSWORD_A)).account.address == A
    await runtime.accounts.change_password(unlocked, "quillebeuf-saint-leu")
    assert (await runtime.accounts.authenticate(A, "quillebeuf-saint-leu")).account.address == A
