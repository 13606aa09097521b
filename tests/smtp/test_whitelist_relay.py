"""Two MSS instances whose domains are on each other's whitelist, with no explicit peer: the
sender finds the recipient's MX in the DNS (a DNS server on a socket), relays over TLS verified
against the health PKI, and the recipient's MX accepts the sender's PKI certificate. An MX whose
certificate carries a DN the whitelist does not allow for its domain gets nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from dns_stub import DnsStub, start_dns_stub
from health_pki import HealthPki, make_health_pki, whitelist_xml

from mailserver import PASSWORD, MailServer, read_mailbox
from mss.runtime import Runtime
from mss.services import build_services
from mss.smtpwire import statuses
from mss.store.migrate import upgrade
from mss.store.records import AccountKind
from mss.store.trust_sql import SqlTrustStore
from mss.tls import tls_files
from mss.whitelist import parse_whitelist
from support import make_settings

QUEUE_TIMING = {"poll_seconds": 0.05, "retry_initial_seconds": 0.2, "retry_max_seconds": 1}
ALPHA_DN = "CN=mx.alpha.example,OU=11111111100011,O=OPÉRATEUR ALPHA,ST=Loire (42),C=FR"
BETA_DN = "CN=mx.beta.example,OU=22222222200022,O=OPÉRATEUR BÊTA,ST=Rhône (69),C=FR"
OTHER_DN = "CN=mx.beta.example,OU=33333333300033,O=UN AUTRE OPÉRATEUR,ST=Rhône (69),C=FR"


async def instance(
    root: Path,
    database_url: str,
    name: str,
    pki: HealthPki,
    dn: str,
    whitelist: list[tuple[str, str]],
    trust_space: dict[str, Any],
) -> MailServer:
    bundle = root / "igc-sante.pem"
    bundle.write_bytes(pki.bundle())
    settings = make_settings(
        root / name,
        database_url,
        hostname=f"mx.{name}.example",
        queue=QUEUE_TIMING,
        trust_space={"ca_bundle": str(bundle), **trust_space},
    )
    files = tls_files(settings)
    pki.issue(dn, f"mx.{name}.example", files.cert, files.key)
    files.ca.write_bytes(pki.root.pem())
    runtime = await Runtime.open(settings)
    await upgrade(runtime.database)
    store = SqlTrustStore(runtime.database, runtime.store.committer).whitelist
    await store.replace(parse_whitelist(whitelist_xml(whitelist)).entries, lambda changes: None)
    await runtime.store.add_domain(f"{name}.example")
    server = MailServer(runtime, [])
    account = await runtime.accounts.create_account(
        f"dr@{name}.example", AccountKind.PROFESSIONAL, PASSWORD
    )
    server.accounts[account.account.address] = account.account
    for service in build_services(runtime):
        if service.name in ("smtp", "queue"):
            await service.start()
            server.services.append(service)
    return server


async def submit(server: MailServer, sender: str, recipient: str, subject: str) -> None:
    raw = (
        f"From: <{sender}>\r\nTo: <{recipient}>\r\nSubject: {subject}\r\n"
        f"Message-ID: <{subject}@test>\r\n\r\nBonjour de {sender}.\r\n"
    ).encode()
    async with server.submission_client() as client:
        await client.login(sender, PASSWORD)
        await client.sendmail(sender, [recipient], raw)


@pytest.fixture
async def dns() -> AsyncIterator[DnsStub]:
    stub = await start_dns_stub(
        {
            # The preferred MX does not answer (nothing listens there): the next one is tried.
            ("beta.example", "MX"): ["20 mx.beta.example.", "10 mx0.beta.example."],
            ("mx0.beta.example", "A"): ["127.0.0.2"],
            ("mx.beta.example", "A"): ["127.0.0.1"],
        }
    )
    try:
        yield stub
    finally:
        stub.close()


async def pair(
    root: Path, database_url: str, dns: DnsStub, beta_dn: str, revoke_beta: bool = False
) -> tuple[MailServer, MailServer]:
    """Beta (the recipient) first: alpha's settings need the port of beta's MX. With
    ``revoke_beta``, alpha's CRLs list beta's certificate as revoked."""
    pki = make_health_pki()
    beta = await instance(
        root,
        database_url.replace("mss.db", "b.db"),
        "beta",
        pki,
        beta_dn,
        [("alpha.example", ALPHA_DN)],
        {},
    )
    crls: list[str] = []
    if revoke_beta:
        beta_cert = x509.load_pem_x509_certificate(
            tls_files(beta.runtime.settings).cert.read_bytes()
        )
        for name, crl in (
            ("inter.crl", pki.intermediate.crl([beta_cert])),
            ("root.crl", pki.root.crl([])),
        ):
            (root / name).write_bytes(crl)
            crls.append(str(root / name))
    alpha = await instance(
        root,
        database_url.replace("mss.db", "a.db"),
        "alpha",
        pki,
        ALPHA_DN,
        [("BETA.example", BETA_DN)],
        {
            "dns_servers": ["127.0.0.1"],
            "dns_port": dns.port,
            "mx_port": beta.port("mx"),
            "crls": crls,
        },
    )
    return alpha, beta


async def stop(*servers: MailServer) -> None:
    for server in servers:
        await server.stop()
        await server.runtime.close()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_mail_reaches_a_whitelisted_domain_through_its_mx(
    tmp_path: Path, database_url: str, dns: DnsStub
) -> None:
    alpha, beta = await pair(tmp_path, database_url, dns, BETA_DN)
    try:
        await submit(alpha, "dr@alpha.example", "dr@beta.example", "par-mx")
        for _ in range(200):
            received = await read_mailbox(beta.runtime, "dr@beta.example")
            if received:
                break
            await asyncio.sleep(0.05)
        [message] = received
        assert b"Subject: par-mx" in message
        assert b"by mx.beta.example (MSS) with ESMTPS" in message
        assert ("beta.example", "MX") in dns.queries
    finally:
        await stop(alpha, beta)


@pytest.mark.parametrize(
    ("beta_dn", "revoked", "reason"),
    [(OTHER_DN, False, "whitelist does not allow"), (BETA_DN, True, "is revoked")],
    ids=["other-dn", "revoked"],
)
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_an_mx_certified_for_another_operator_or_revoked_gets_nothing(
    tmp_path: Path, database_url: str, dns: DnsStub, beta_dn: str, revoked: bool, reason: str
) -> None:
    alpha, beta = await pair(tmp_path, database_url, dns, beta_dn, revoked)
    try:
        await submit(alpha, "dr@alpha.example", "dr@beta.example", "refuse")
        for _ in range(200):
            [entry] = await alpha.runtime.queue.store.listing()
            if entry.recipient.last_error:
                break
            await asyncio.sleep(0.05)
        assert entry.recipient.status == statuses.STATUS_TLS_FAILED
        assert reason in (entry.recipient.last_error or "")
        assert await read_mailbox(beta.runtime, "dr@beta.example") == []
    finally:
        await stop(alpha, beta)
