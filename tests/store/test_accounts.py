"""Accounts: every credential unlocks the same keys; failures are indistinguishable."""

from __future__ import annotations

import pytest
from nacl.secret import SecretBox
from sqlalchemy import text

import mss.accounts
from crypto import Argon2Params, WrappedKey
from crypto.kdf import derive_password_key, derive_token_key
from crypto.tokens import normalise
from mss.accounts import AuthenticationFailed, WeakPassword, check_password
from mss.runtime import Runtime
from mss.store.errors import NotFound
from mss.store.records import AccountKind, CredentialKind

PASSWORD = "correct horse battery"


async def _account(runtime: Runtime) -> str:
    await runtime.store.add_domain("hopital.example")
    created = await runtime.accounts.create_account(
        "Dr.Martin@Hopital.example", AccountKind.PROFESSIONAL, PASSWORD, "Dr Martin"
    )
    assert created.account.address == "dr.martin@hopital.example"
    return created.recovery_key


async def test_password_app_password_and_recovery_key_unlock_the_same_keys(
    runtime: Runtime,
) -> None:
    recovery = await _account(runtime)
    by_password = await runtime.accounts.authenticate("dr.martin@hopital.example", PASSWORD)
    _, app_password = await runtime.accounts.add_app_password(by_password, "Thunderbird")
    by_app = await runtime.accounts.authenticate("DR.MARTIN@hopital.example", app_password)
    by_recovery = await runtime.accounts.authenticate("dr.martin@hopital.example", recovery)
    publics = {u.keys.public for u in (by_password, by_app, by_recovery)}
    assert len(publics) == 1
    assert by_app.via.value == "app"
    assert by_recovery.via.value == "recovery"


async def test_revoked_app_password_no_longer_unlocks(runtime: Runtime) -> None:
    await _account(runtime)
    unlocked = await runtime.accounts.authenticate("dr.martin@hopital.example", PASSWORD)
    credential, app_password = await runtime.accounts.add_app_password(unlocked, "phone")
    listed = await runtime.accounts.list_app_passwords(unlocked.account.id)
    assert [c.label for c in listed] == ["phone"]
    await runtime.accounts.revoke_app_password(unlocked.account.id, credential.id)
    with pytest.raises(AuthenticationFailed):
        await runtime.accounts.authenticate("dr.martin@hopital.example", app_password)
    with pytest.raises(NotFound):
        await runtime.accounts.revoke_app_password(unlocked.account.id, credential.id)


async def test_wrong_password_and_unknown_account_fail_alike(runtime: Runtime) -> None:
    await _account(runtime)
    errors = []
    for address, secret in [
        ("dr.martin@hopital.example", "wrong password!"),
        ("nobody@hopital.example", PASSWORD),
        ("nobody@elsewhere.example", "wrong password!"),
        ("not an address", PASSWORD),
        ("dr.martin@hopital.example", "aaaa-bbbb-cccc-dddd-eeee-ffff-gggg-hhhh"),
    ]:
        with pytest.raises(AuthenticationFailed) as caught:
            await runtime.accounts.authenticate(address, secret)
        errors.append(str(caught.value))
    assert len(set(errors)) == 1


async def test_password_change_rewraps_and_old_password_stops(runtime: Runtime) -> None:
    await _account(runtime)
    unlocked = await runtime.accounts.authenticate("dr.martin@hopital.example", PASSWORD)
    await runtime.accounts.change_password(unlocked, "a new long passphrase")
    with pytest.raises(AuthenticationFailed):
        await runtime.accounts.authenticate("dr.martin@hopital.example", PASSWORD)
    again = await runtime.accounts.authenticate(
        "dr.martin@hopital.example", "a new long passphrase"
    )
    assert again.keys.public == unlocked.keys.public


async def test_new_recovery_key_replaces_the_old_one(runtime: Runtime) -> None:
    old = await _account(runtime)
    unlocked = await runtime.accounts.authenticate("dr.martin@hopital.example", PASSWORD)
    new = await runtime.accounts.new_recovery_key(unlocked)
    with pytest.raises(AuthenticationFailed):
        await runtime.accounts.authenticate("dr.martin@hopital.example", old)
    assert (await runtime.accounts.authenticate("dr.martin@hopital.example", new)).via.value == (
        "recovery"
    )


async def test_weak_password_and_wrong_domain_are_refused_with_reasons(runtime: Runtime) -> None:
    await runtime.store.add_domain("hopital.example")
    with pytest.raises(WeakPassword, match="at least 10"):
        await runtime.accounts.create_account(
            "a@hopital.example", AccountKind.PROFESSIONAL, "short"
        )
    with pytest.raises(NotFound, match="mss domain add"):
        await runtime.accounts.create_account("a@other.example", AccountKind.PROFESSIONAL, PASSWORD)
    with pytest.raises(ValueError, match="patient domain"):
        await runtime.accounts.create_account("p@hopital.example", AccountKind.PATIENT, PASSWORD)


async def test_every_account_gets_the_special_use_folders(runtime: Runtime) -> None:
    await _account(runtime)
    account = await runtime.store.get_account("dr.martin@hopital.example")
    assert account is not None
    folders = {m.name: m.special_use for m in await runtime.store.list_mailboxes(account.id)}
    assert folders == {
        "INBOX": None,
        "Drafts": "\\Drafts",
        "Sent": "\\Sent",
        "Trash": "\\Trash",
        "Junk": "\\Junk",
        "Archive": "\\Archive",
    }


@pytest.mark.parametrize(
    "password",
    ["motdepasse", "azertyuiop12", "soleil2024!", "jeanne.martin2024", "Marseille13013"],
)
def test_guessable_passwords_are_refused(password: str) -> None:
    with pytest.raises(WeakPassword, match="too easy to guess"):
        check_password(password, ("jeanne.martin@hopital.example",))


def test_a_phrase_of_unusual_words_is_accepted() -> None:
    check_password("girafe tisane boussole", ("jeanne.martin@hopital.example",))


async def test_a_replaced_password_wrap_leaves_no_copy_in_the_database_files(
    runtime: Runtime,
) -> None:
    """issue 13: old wraps lingered in the WAL after a password change (SQLite)."""
    if not runtime.database.is_sqlite:
        pytest.skip("PostgreSQL keeps old row versions until VACUUM (README)")
    await _account(runtime)
    unlocked = await runtime.accounts.authenticate("dr.martin@hopital.example", PASSWORD)
    (old,) = await runtime.store.credentials_of(unlocked.account.id, CredentialKind.PASSWORD)
    await runtime.accounts.change_password(unlocked, "a new long passphrase")
    (new,) = await runtime.store.credentials_of(unlocked.account.id, CredentialKind.PASSWORD)
    files = b"".join(
        path.read_bytes() for path in runtime.settings.data_dir.glob("mss.db*") if path.is_file()
    )
    assert new.wrapped in files
    assert old.wrapped not in files


async def test_a_revoked_app_password_leaves_no_wrap_in_the_database_files(
    runtime: Runtime,
) -> None:
    if not runtime.database.is_sqlite:
        pytest.skip("PostgreSQL keeps old row versions until VACUUM (README)")
    await _account(runtime)
    unlocked = await runtime.accounts.authenticate("dr.martin@hopital.example", PASSWORD)
    credential, _ = await runtime.accounts.add_app_password(unlocked, "Thunderbird")
    await runtime.database.scrub()  # as SQLite's own checkpoints do while the password lives
    await runtime.accounts.revoke_app_password(unlocked.account.id, credential.id)
    files = b"".join(
        path.read_bytes() for path in runtime.settings.data_dir.glob("mss.db*") if path.is_file()
    )
    assert credential.wrapped not in files


async def test_version_1_wraps_are_rewrapped_at_the_next_sign_in(runtime: Runtime) -> None:
    """Wraps written before associated data (SecretBox, crypto/wrap.py version 1) still open,
    and the sign-in that opens one replaces it with a version 2 wrap bound to its context."""
    await _account(runtime)
    address = "dr.martin@hopital.example"
    unlocked = await runtime.accounts.authenticate(address, PASSWORD)
    _, app_password = await runtime.accounts.add_app_password(unlocked, "Thunderbird")
    account_id = unlocked.account.id
    (password,) = await runtime.store.credentials_of(account_id, CredentialKind.PASSWORD)
    (app,) = await runtime.store.credentials_of(account_id, CredentialKind.APP_PASSWORD)
    token = normalise(app_password)
    assert token is not None
    keys = {
        password.id: derive_password_key(
            PASSWORD, password.salt, Argon2Params(password.opslimit or 0, password.memlimit or 0)
        ),
        app.id: derive_token_key(token, app.salt),
    }
    for credential in (password, app):
        legacy = bytes(SecretBox(keys[credential.id]).encrypt(unlocked.keys.secret()))
        await runtime.store.rewrap_credential(credential, legacy)

    for kind, secret in (
        (CredentialKind.PASSWORD, PASSWORD),
        (CredentialKind.APP_PASSWORD, app_password),
    ):
        (before,) = await runtime.store.credentials_of(account_id, kind)
        assert WrappedKey(before.wrapped).is_legacy
        again = await runtime.accounts.authenticate(address, secret)
        assert again.keys.public == unlocked.keys.public
        (after,) = await runtime.store.credentials_of(account_id, kind)
        assert not WrappedKey(after.wrapped).is_legacy, f"the {kind} wrap was upgraded"
        assert (
            await runtime.accounts.authenticate(address, secret)
        ).keys.public == again.keys.public


async def test_a_wrap_moved_to_another_account_opens_nothing(runtime: Runtime) -> None:
    """A database writer moves an app password's row to another account: the wrap, bound to its
    owner's public key, opens nothing there."""
    await _account(runtime)
    other = await runtime.accounts.create_account(
        "dr.durand@hopital.example", AccountKind.PROFESSIONAL, PASSWORD, "Dr Durand"
    )
    owner = await runtime.accounts.authenticate("dr.martin@hopital.example", PASSWORD)
    _, app_password = await runtime.accounts.add_app_password(owner, "Thunderbird")
    (moved,) = await runtime.store.credentials_of(owner.account.id, CredentialKind.APP_PASSWORD)
    async with runtime.database.writer.begin() as conn:
        await conn.execute(
            text("UPDATE credentials SET account_id = :other WHERE id = :id"),
            {"other": other.account.id, "id": moved.id},
        )
    with pytest.raises(AuthenticationFailed):
        await runtime.accounts.authenticate("dr.durand@hopital.example", app_password)


async def test_an_unknown_account_costs_one_argon2_run_at_the_configured_cost(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The decoy wrap (issue 13): a sign-in for an address that has no account derives a
    password key exactly as one for a real account, so its answer takes as long; without the
    decoy, the unknown address is answered at once and its absence shows in the time."""
    await _account(runtime)
    runs: list[tuple[str, Argon2Params]] = []

    def counted(password: str, salt: bytes, params: Argon2Params) -> bytes:
        runs.append((password, params))
        return derive_password_key(password, salt, params)

    monkeypatch.setattr(mss.accounts, "derive_password_key", counted)
    for address in ("dr.martin@hopital.example", "nobody@hopital.example", "not an address"):
        with pytest.raises(AuthenticationFailed):
            await runtime.accounts.authenticate(address, "wrong password!")
    assert len(runs) == 3, "one Argon2 run per attempt, known account or not"
    assert runs[1][1] == runs[2][1] == runs[0][1], "at the cost of a real account's wrap"
