"""MX lookup for whitelisted domains against a DNS server on a real socket (RFC 5321 §5.1)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from dns_stub import start_dns_stub

from mss.queue.mx import LookupFailed, MxResolver, NoMailService

RECORDS = {
    ("hopital.example", "MX"): ["20 mx2.hopital.example.", "10 mx1.hopital.example."],
    ("mx1.hopital.example", "A"): ["127.0.0.11"],
    ("mx2.hopital.example", "A"): ["127.0.0.12"],
    ("mx2.hopital.example", "AAAA"): ["::1"],
    ("equal.example", "MX"): ["10 a.equal.example.", "10 b.equal.example."],
    ("a.equal.example", "A"): ["127.0.0.21"],
    ("b.equal.example", "A"): ["127.0.0.22"],
    ("sans-mx.example", "A"): ["127.0.0.31"],
    ("null.example", "MX"): ["0 ."],
    ("lost.example", "MX"): ["10 nowhere.lost.example."],
    ("nowhere.lost.example", "TXT"): ['"no address"'],
}


@pytest.fixture
async def resolver() -> AsyncIterator[MxResolver]:
    stub = await start_dns_stub(RECORDS)
    try:
        yield MxResolver(("127.0.0.1",), stub.port, lifetime=2)
    finally:
        stub.close()


async def test_hosts_come_in_order_of_preference_with_their_addresses(
    resolver: MxResolver,
) -> None:
    hosts = await resolver.hosts("hopital.example")
    assert [(h.name, h.addresses) for h in hosts] == [
        ("mx1.hopital.example", ("127.0.0.11",)),
        ("mx2.hopital.example", ("127.0.0.12", "::1")),
    ]


async def test_hosts_of_equal_preference_are_tried_in_random_order(resolver: MxResolver) -> None:
    firsts = {(await resolver.hosts("equal.example"))[0].name for _ in range(40)}
    assert firsts == {"a.equal.example", "b.equal.example"}


async def test_a_domain_without_mx_is_its_own_implicit_mx(resolver: MxResolver) -> None:
    [host] = await resolver.hosts("sans-mx.example")
    assert (host.name, host.addresses) == ("sans-mx.example", ("127.0.0.31",))


async def test_no_mail_for_a_null_mx_or_a_missing_domain(resolver: MxResolver) -> None:
    with pytest.raises(NoMailService, match="RFC 7505"):
        await resolver.hosts("null.example")
    with pytest.raises(NoMailService, match="does not exist"):
        await resolver.hosts("absent.example")
    with pytest.raises(LookupFailed, match="no address"):
        await resolver.hosts("lost.example")
