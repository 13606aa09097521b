"""API keys as credentials: a key unlocks its organisation's keys, nothing else does."""

from __future__ import annotations

import dataclasses

import pytest

from mss.accounts import UnlockedAccount
from mss.api.service import ApiKeyRefused, KeyNotAllowed
from mss.runtime import Runtime
from mss.store.records import AccountKind, CredentialKind
from queue_support import dump_database, encodings_of

PASSWORD = "correct horse battery"


async def _unlocked(runtime: Runtime, address: str, kind: AccountKind) -> UnlockedAccount:
    domain = address.partition("@")[2]
    if await runtime.store.get_domain(domain) is None:
        await runtime.store.add_domain(domain)
    await runtime.accounts.create_account(address, kind, PASSWORD, "Labo")
    return await runtime.accounts.authenticate(address, PASSWORD)


async def test_a_key_unlocks_its_account_until_revoked(runtime: Runtime) -> None:
    unlocked = await _unlocked(runtime, "resultats@labo.example", AccountKind.ORGANISATION)
    text = await runtime.api.issue(unlocked, "Logiciel", frozenset({"send", "status"}))
    caller = await runtime.api.authenticate(text)
    assert caller.unlocked.account.id == unlocked.account.id
    assert caller.unlocked.keys.matches(unlocked.keys.public)
    assert caller.unlocked.via is CredentialKind.API_KEY
    assert caller.scopes == {"send", "status"}
    assert await runtime.api.revoke(caller.lookup)
    with pytest.raises(ApiKeyRefused):
        await runtime.api.authenticate(text)
    (record,) = await runtime.api.list(unlocked.account.id)
    assert record.revoked_at is not None and record.wrapped is None


async def test_wrong_missing_and_malformed_keys_are_refused(runtime: Runtime) -> None:
    unlocked = await _unlocked(runtime, "app@labo.example", AccountKind.APPLICATION)
    text = await runtime.api.issue(unlocked, "Logiciel", frozenset({"send"}))
    lookup_part, _, secret_part = text.rpartition("_")
    other_secret = ("A" if secret_part[0] != "A" else "B") + secret_part[1:]
    for presented in (None, "", "Bearer x", "mss_zz_zz", f"{lookup_part}_{other_secret}"):
        with pytest.raises(ApiKeyRefused):
            await runtime.api.authenticate(presented)


async def test_a_wrap_not_matching_the_account_is_refused(runtime: Runtime) -> None:
    """A key whose wrap holds other keys (a row swapped between accounts) unlocks nothing."""
    first = await _unlocked(runtime, "a@labo.example", AccountKind.ORGANISATION)
    second = await _unlocked(runtime, "b@labo.example", AccountKind.ORGANISATION)
    forged = dataclasses.replace(second, account=first.account)
    text = await runtime.api.issue(forged, "Logiciel", frozenset({"send"}))
    with pytest.raises(ApiKeyRefused):
        await runtime.api.authenticate(text)


@pytest.mark.parametrize("kind", [AccountKind.PATIENT, AccountKind.PROFESSIONAL])
async def test_only_organisations_and_applications_get_keys(
    runtime: Runtime, kind: AccountKind
) -> None:
    if kind is AccountKind.PATIENT:
        await runtime.store.add_domain("patient.example", is_patient=True)
        address = "jeanne@patient.example"
    else:
        address = "dr@labo.example"
    unlocked = await _unlocked(runtime, address, kind)
    with pytest.raises(KeyNotAllowed):
        await runtime.api.issue(unlocked, "Logiciel", frozenset({"send"}))


async def test_the_database_holds_no_key(runtime: Runtime) -> None:
    unlocked = await _unlocked(runtime, "resultats@labo.example", AccountKind.ORGANISATION)
    text = await runtime.api.issue(unlocked, "Logiciel", frozenset({"send"}))
    secret_part = text.split("_", 2)[2]  # mss_<public id>_<secret>: the secret may hold "_"
    dump = await dump_database(runtime)
    for needle in encodings_of(secret_part, secret_part.encode()):
        assert needle not in dump
