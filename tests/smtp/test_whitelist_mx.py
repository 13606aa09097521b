"""The MX and the national whitelist: a whitelisted domain's peer is accepted when its client
certificate validates up to the configured health PKI and carries a DN the whitelist allows for
that domain; anything else is refused at MAIL (or at the TLS handshake)."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiosmtplib
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from health_pki import Authority, HealthPki, make_health_pki, whitelist_xml

from mailserver import DOCTOR, MailServer, message, read_mailbox, start_mail_server
from mss.runtime import Runtime
from mss.store.migrate import upgrade
from mss.store.trust_sql import SqlTrustStore
from mss.tls import TlsFiles, make_development_pki
from mss.whitelist import parse_whitelist
from support import make_settings

CLINIQUE = "clinique.mssante.fr"
LABO = "labo.mssante.fr"
PINNED = "pinned.example"
CLINIQUE_DN = "CN=mss.clinique.fr,OU=12345678900011,O=CLINIQUE DES ÉTANGS,ST=Loire (42),C=FR"
LABO_DN = "CN=smtp.labo.fr,OU=98765432100022,O=LABORATOIRE DU RHÔNE,ST=Rhône (69),C=FR"


@dataclass
class Setup:
    server: MailServer
    pki: HealthPki
    pinned_ca: Authority
    directory: Path

    def client(self, dn: str, issuer: Authority | None = None, name: str = "c") -> ssl.SSLContext:
        cert, key = self.directory / f"{name}.pem", self.directory / f"{name}.key"
        self.pki.issue(dn, "mx.peer.example", cert, key, issuer)
        context = self.server.client_context()
        context.load_cert_chain(cert, key)
        return context


@pytest.fixture
async def setup(tmp_path: Path, database_url: str) -> AsyncIterator[Setup]:
    pki = make_health_pki()
    bundle = tmp_path / "igc-sante.pem"
    bundle.write_bytes(pki.bundle())
    # An explicit peer pinned by its own (development) CA, as `mss trust add` configures one.
    pinned = TlsFiles(tmp_path / "p/cert.pem", tmp_path / "p/key.pem", tmp_path / "p/ca.pem")
    make_development_pki(pinned, "mx.pinned.example")
    pinned_key = serialization.load_pem_private_key(
        pinned.ca.with_suffix(".key").read_bytes(), None
    )
    assert isinstance(pinned_key, ec.EllipticCurvePrivateKey)
    pinned_ca = Authority(x509.load_pem_x509_certificate(pinned.ca.read_bytes()), pinned_key)
    trust = [{"domain": PINNED, "host": "127.0.0.1", "port": 9, "cert": str(pinned.ca)}]
    settings = make_settings(
        tmp_path / "mss", database_url, trust=trust, trust_space={"ca_bundle": str(bundle)}
    )
    runtime = await Runtime.open(settings)
    await upgrade(runtime.database)
    whitelist = parse_whitelist(
        whitelist_xml([(CLINIQUE, CLINIQUE_DN), (LABO, LABO_DN), (PINNED, CLINIQUE_DN)])
    )
    await SqlTrustStore(runtime.database, runtime.store.committer).whitelist.replace(
        whitelist.entries, lambda changes: None
    )
    server = await start_mail_server(runtime, only=("smtp",))
    try:
        yield Setup(server, pki, pinned_ca, tmp_path)
    finally:
        await server.stop()
        await runtime.close()


async def relay(
    server: MailServer, context: ssl.SSLContext, sender: str
) -> list[aiosmtplib.SMTPResponse]:
    async with aiosmtplib.SMTP(
        hostname="localhost", port=server.port("mx"), start_tls=True, tls_context=context
    ) as client:
        await client.ehlo()
        replies = [await client.execute_command(f"MAIL FROM:<{sender}>".encode())]
        if replies[-1].code == 250:
            replies.append(await client.execute_command(f"RCPT TO:<{DOCTOR}>".encode()))
        if replies[-1].code == 250:
            replies.append(await client.data(message(sender or "x@y", DOCTOR, "liste blanche")))
        return replies


async def test_a_whitelisted_peer_certified_by_the_pki_delivers(setup: Setup) -> None:
    context = setup.client(CLINIQUE_DN)
    replies = await relay(setup.server, context, f"dr.martin@{CLINIQUE}")
    assert [r.code for r in replies] == [250, 250, 250]
    [stored] = await read_mailbox(setup.server.runtime, DOCTOR)
    assert b"Subject: liste blanche" in stored
    # The null sender (a DSN) is accepted from any whitelisted operator's certificate.
    assert [r.code for r in await relay(setup.server, context, "")] == [250, 250, 250]


async def test_a_certificate_with_another_operators_dn_is_refused(setup: Setup) -> None:
    context = setup.client(LABO_DN)
    [mail] = await relay(setup.server, context, f"dr.martin@{CLINIQUE}")
    assert (mail.code, mail.message[:5]) == (550, "5.7.1")
    # The same certificate is right for the domain that names its DN.
    assert [r.code for r in await relay(setup.server, context, f"bio@{LABO}")] == [250, 250, 250]


async def test_a_certificate_with_an_unlisted_dn_is_refused_even_for_a_null_sender(
    setup: Setup,
) -> None:
    context = setup.client("CN=mss.inconnu.fr,O=INCONNU,C=FR")
    [mail] = await relay(setup.server, context, "")
    assert (mail.code, mail.message[:5]) == (550, "5.7.1")


async def test_a_certificate_outside_the_pki_is_refused(setup: Setup) -> None:
    stranger = make_health_pki("IGC étrangère")
    context = setup.client(CLINIQUE_DN, issuer=stranger.intermediate)
    try:
        replies = await relay(setup.server, context, f"dr.martin@{CLINIQUE}")
    except aiosmtplib.SMTPException:
        replies = []  # refused at the handshake: OpenSSL does not know the issuer
    assert [r.code for r in replies] in ([], [550])
    assert await read_mailbox(setup.server.runtime, DOCTOR) == []


async def test_a_certificate_from_a_pinned_peers_ca_does_not_pass_for_a_whitelisted_domain(
    setup: Setup,
) -> None:
    # The TLS layer accepts it (the pinned peer's CA is trusted for that peer), but it does not
    # chain to the health PKI: the whitelisted DN it carries must not open the domain to it.
    context = setup.client(CLINIQUE_DN, issuer=setup.pinned_ca)
    [mail] = await relay(setup.server, context, f"dr.martin@{CLINIQUE}")
    assert (mail.code, mail.message[:5]) == (550, "5.7.1")


async def test_an_explicit_peer_wins_over_the_whitelist(setup: Setup) -> None:
    # pinned.example is whitelisted with the clinic's DN too, but its explicit entry decides.
    context = setup.client(CLINIQUE_DN)
    [mail] = await relay(setup.server, context, f"dr@{PINNED}")
    assert (mail.code, mail.message[:5]) == (550, "5.7.1")
    pinned = setup.client("CN=mx.pinned.example,O=PINNED", issuer=setup.pinned_ca, name="p")
    assert [r.code for r in await relay(setup.server, pinned, f"dr@{PINNED}")] == [250, 250, 250]
