"""A credential wrap copied from another account's row unlocks nothing (issue 18).

Someone with write access to the database copies account B's password, app-password or
recovery-key wrap into account A's rows, hoping to sign in as A with B's secret: the unwrap
succeeds (it is B's genuine wrap) but the keys are not A's, and the sign-in is refused.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from mss.accounts import AuthenticationFailed
from mss.runtime import Runtime
from mss.store.records import AccountKind, CredentialKind
from mss.store.schema import credentials

PASSWORD_A = "correct horse battery"
PASSWORD_B = "purple elephant anvil"
A = "a@hopital.example"
B = "b@hopital.example"


async def _two_accounts(runtime: Runtime) -> tuple[int, int, str]:
    await runtime.store.add_domain("hopital.example")
    a = await runtime.accounts.create_account(A, AccountKind.PROFESSIONAL, PASSWORD_A)
    b = await runtime.accounts.create_account(B, AccountKind.PROFESSIONAL, PASSWORD_B)
    return a.account.id, b.account.id, b.recovery_key


async def test_a_copied_password_wrap_is_refused(runtime: Runtime) -> None:
    a_id, b_id, _ = await _two_accounts(runtime)
    async with runtime.database.writer.begin() as conn:
        row = (
            await conn.execute(
                select(credentials).where(
                    credentials.c.account_id == b_id,
                    credentials.c.kind == CredentialKind.PASSWORD.value,
                )
            )
        ).one()
        await conn.execute(
            update(credentials)
            .where(
                credentials.c.account_id == a_id,
                credentials.c.kind == CredentialKind.PASSWORD.value,
            )
            .values(
                salt=row.salt, opslimit=row.opslimit, memlimit=row.memlimit, wrapped=row.wrapped
            )
        )
    with pytest.raises(AuthenticationFailed):
        await runtime.accounts.authenticate(A, PASSWORD_B)
    assert (await runtime.accounts.authenticate(B, PASSWORD_B)).account.id == b_id


async def test_copied_app_password_and_recovery_wraps_are_refused(runtime: Runtime) -> None:
    a_id, b_id, recovery_b = await _two_accounts(runtime)
    unlocked_b = await runtime.accounts.authenticate(B, PASSWORD_B)
    _, app_password_b = await runtime.accounts.add_app_password(unlocked_b, "phone")
    for secret in (app_password_b, recovery_b):
        assert (await runtime.accounts.authenticate(B, secret)).account.id == b_id
    async with runtime.database.writer.begin() as conn:
        await conn.execute(
            update(credentials)
            .where(
                credentials.c.account_id == b_id,
                credentials.c.kind != CredentialKind.PASSWORD.value,
            )
            .values(account_id=a_id)
        )
    for secret in (app_password_b, recovery_b):
        with pytest.raises(AuthenticationFailed):
            await runtime.accounts.authenticate(A, secret)


async def test_token_unlocks_name_their_account_and_unknown_addresses_fail_alike(
    runtime: Runtime,
) -> None:
    a_id, b_id, recovery_b = await _two_accounts(runtime)
    unlocked_b = await runtime.accounts.authenticate(B, PASSWORD_B)
    credential, app_password_b = await runtime.accounts.add_app_password(unlocked_b, "x" * 150)
    assert credential.label == "x" * 100
    by_app = await runtime.accounts.authenticate(B, app_password_b)
    assert (by_app.account.id, by_app.via) == (b_id, CredentialKind.APP_PASSWORD)
    by_recovery = await runtime.accounts.authenticate(B, recovery_b)
    assert (by_recovery.account.id, by_recovery.via) == (b_id, CredentialKind.RECOVERY)
    for address in ("nobody@hopital.example", "not an address", ""):
        for secret in (app_password_b, recovery_b, PASSWORD_B):
            with pytest.raises(AuthenticationFailed) as failed:
                await runtime.accounts.authenticate(address, secret)
            assert str(failed.value) == "authentication failed: wrong address or password"
    assert a_id != b_id
