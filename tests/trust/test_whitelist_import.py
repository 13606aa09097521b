"""Importing the whitelist keeps the table in step with the file, all or nothing (both stores)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from health_pki import whitelist_xml

from mss.runtime import Runtime
from mss.store.trust_sql import SqlTrustStore
from mss.store.whitelist_sql import SqlWhitelistStore
from mss.whitelist import Changes, WhitelistError, check_removals, parse_whitelist

DN = "CN=mss.operateur.fr,OU=12345678900011,O=OPÉRATEUR SANTÉ,ST=Rhône (69),C=FR"
OTHER_DN = "CN=smtp-2.operateur.fr,OU=12345678900011,O=OPÉRATEUR SANTÉ,ST=Rhône (69),C=FR"


def store_of(runtime: Runtime) -> SqlWhitelistStore:
    return SqlTrustStore(runtime.database, runtime.store.committer).whitelist


def entries(*names: str, dn: str = DN) -> dict[str, dict[str, str]]:
    return parse_whitelist(whitelist_xml([(name, dn) for name in names])).entries


def allow_up_to(share: float, force: bool = False) -> Callable[[Changes], None]:
    def check(changes: Changes) -> None:
        check_removals(changes, share, force)

    return check


async def test_import_adds_removes_and_reports(runtime: Runtime) -> None:
    store = store_of(runtime)
    first = await store.replace(
        entries("a.mssante.fr", "b.mssante.fr", "c.mssante.fr"), allow_up_to(0)
    )
    assert (first.added, first.removed, first.unchanged) == (
        ["a.mssante.fr", "b.mssante.fr", "c.mssante.fr"],
        [],
        0,
    )
    new = entries("a.mssante.fr", "b.mssante.fr", "d.mssante.fr")
    new["b.mssante.fr"] = parse_whitelist(whitelist_xml([("b.mssante.fr", OTHER_DN)])).entries[
        "b.mssante.fr"
    ]
    second = await store.replace(new, allow_up_to(0.5))
    assert second.added == ["d.mssante.fr"]
    assert second.removed == ["c.mssante.fr"]
    assert second.changed == ["b.mssante.fr"]
    assert second.unchanged == 1
    assert await store.entries() == new
    assert await store.dn_keys("c.mssante.fr") == frozenset()
    assert await store.dn_keys("b.mssante.fr") == frozenset(new["b.mssante.fr"])
    [other_key] = new["b.mssante.fr"]
    assert await store.has_dn_key(other_key)
    await store.replace(entries("a.mssante.fr", "b.mssante.fr", "d.mssante.fr"), allow_up_to(0))
    assert not await store.has_dn_key(other_key), "no domain allows that DN any more"


async def test_an_import_removing_most_domains_is_refused_and_changes_nothing(
    runtime: Runtime,
) -> None:
    store = store_of(runtime)
    names = [f"etab{n}.mssante.fr" for n in range(20)]
    await store.replace(entries(*names), allow_up_to(0))
    before = await store.entries()
    # 3 of 20 removed is 15 %: more than the default 10 %.
    with pytest.raises(WhitelistError, match="remove 3 of 20"):
        await store.replace(entries(*names[3:], "nouveau.mssante.fr"), allow_up_to(0.10))
    assert await store.entries() == before
    # 2 of 20 (10 %) is allowed; --force allows more.
    await store.replace(entries(*names[2:]), allow_up_to(0.10))
    forced = await store.replace(entries("seul.mssante.fr"), allow_up_to(0.10, force=True))
    assert len(forced.removed) == 18
    assert list(await store.entries()) == ["seul.mssante.fr"]
