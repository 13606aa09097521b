"""API keys in the store: found by their public identifier, revoked once, never stored in clear."""

from __future__ import annotations

from crypto.tags import new_secret
from mss.api.keys import issue_key, key_matches
from mss.runtime import Runtime
from mss.store.records import AccountKind


async def test_key_is_stored_as_a_tag_found_by_lookup_and_revoked(runtime: Runtime) -> None:
    await runtime.store.add_domain("labo.example")
    created = await runtime.accounts.create_account(
        "resultats@labo.example", AccountKind.ORGANISATION, "correct horse battery", "Labo"
    )
    secret = new_secret()
    issued = issue_key(secret)
    await runtime.api_keys.add(
        created.account.id,
        issued.lookup,
        issued.tag,
        "Logiciel",
        frozenset({"send"}),
        1,
        salt=bytes(16),
        wrapped=b"wrap",
    )
    found = await runtime.api_keys.by_lookup(issued.lookup)
    assert found is not None and found.scopes == {"send"} and found.revoked_at is None
    assert key_matches(secret, issued.text, found.tag)
    assert issued.text.encode() not in found.tag
    assert await runtime.api_keys.revoke(issued.lookup, 2)
    assert not await runtime.api_keys.revoke(issued.lookup, 3)
    listed = await runtime.api_keys.of_account(created.account.id)
    assert [key.revoked_at for key in listed] == [2]
