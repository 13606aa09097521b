"""The stolen path revokes the account's API keys too (issue 13, item 3): by default, and the
page offers the box only to an account that has keys."""

from __future__ import annotations

import pytest

from mailserver import DOMAIN, PASSWORD, PATIENT
from mss.api.service import ApiKeyRefused
from mss.store.records import AccountKind

from .harness import Web, sign_in

SECRETARIAT = f"secretariat@{DOMAIN}"
NEW_PASSWORD = "Girafe tisane boussole 2026"


async def _keyed_account(web: Web) -> tuple[str, str]:
    """An organisation account with two live API keys; returns them."""
    runtime = web.runtime
    await runtime.accounts.create_account(SECRETARIAT, AccountKind.ORGANISATION, PASSWORD)
    unlocked = await runtime.accounts.authenticate(SECRETARIAT, PASSWORD)
    first = await runtime.api.issue(unlocked, "Logiciel du cabinet", frozenset({"send"}))
    second = await runtime.api.issue(unlocked, "Agenda en ligne", frozenset({"status"}))
    for key in (first, second):
        assert (await runtime.api.authenticate(key)).unlocked.account.address == SECRETARIAT
    return first, second


@pytest.mark.parametrize("revoke", [True, None, False])
async def test_the_stolen_path_revokes_api_keys(web: Web, revoke: bool | None) -> None:
    keys = await _keyed_account(web)
    owner = await sign_in(web, SECRETARIAT)
    page = await owner.get("/settings/stolen")
    assert 'name="revoke_api_keys" checked' in page.text
    body: dict[str, object] = {"current": PASSWORD, "new": NEW_PASSWORD}
    if revoke is not None:  # None: the API's default
        body["revoke_api_keys"] = revoke
    answer = await owner.post("/api/account/stolen", json=body)
    assert answer.status_code == 200, answer.text
    if revoke is False:
        assert answer.json()["api_keys_revoked"] == 0
        for key in keys:
            caller = await web.runtime.api.authenticate(key)
            assert caller.unlocked.account.address == SECRETARIAT
        return
    assert answer.json()["api_keys_revoked"] == 2
    for key in keys:
        with pytest.raises(ApiKeyRefused):
            await web.runtime.api.authenticate(key)


async def test_a_patient_without_keys_is_not_asked_about_them(web: Web) -> None:
    patient = await sign_in(web, PATIENT)
    page = await patient.get("/settings/stolen")
    assert page.status_code == 200
    assert "Mon compte a été piraté" in page.text
    assert "revoke_api_keys" not in page.text
