"""The trust registry: file and table merged (the file wins), checks on what is added, a short
cache shared by nobody, and the certificate check of mutual TLS."""

from __future__ import annotations

import asyncio
import datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from mss.config import ConfigError, Settings
from mss.runtime import Runtime
from mss.store.errors import AlreadyExists, Conflict, NotFound
from mss.store.trust_sql import SqlTrustStore
from mss.tls import TlsFiles, tls_files
from mss.trust import TrustRegistry, peer_certificate_matches
from queue_support import REMOTE_DOMAIN, make_trust, with_peer


def der(pem_path: Path) -> bytes:
    certificate = x509.load_pem_x509_certificate(pem_path.read_bytes())
    return certificate.public_bytes(serialization.Encoding.DER)


def configured(settings: Settings, remote_pki: TlsFiles) -> Settings:
    (settings.data_dir / "clinique.pem").write_bytes(remote_pki.ca.read_bytes())
    return with_peer(settings, 2525, "clinique.pem")


async def test_file_and_table_are_merged_and_the_file_wins(
    runtime: Runtime, settings: Settings, remote_pki: TlsFiles, our_ca_pem: bytes
) -> None:
    with_file = configured(settings, remote_pki)
    store = SqlTrustStore(runtime.database, runtime.store.committer)
    await store.add_peer(REMOTE_DOMAIN, "old.example", 25, our_ca_pem)
    await store.add_peer("labo.example", "mx.labo.example", 2526, our_ca_pem)
    registry = TrustRegistry(with_file, store)

    peers = await registry.all()
    assert [(p.domain, p.host, p.port, p.source) for p in peers] == [
        (REMOTE_DOMAIN, "127.0.0.1", 2525, "config"),
        ("labo.example", "mx.labo.example", 2526, "database"),
    ]
    assert (await registry.get("Clinique.Example.")) == peers[0]
    assert await registry.get("inconnu.example") is None
    assert await registry.get("not a domain") is None
    assert await registry.is_trusted("labo.example")
    assert await registry.ca_pems() == [remote_pki.ca.read_bytes(), our_ca_pem]


async def test_the_file_is_changed_only_in_the_file(
    runtime: Runtime, settings: Settings, remote_pki: TlsFiles, our_ca_pem: bytes
) -> None:
    registry = make_trust(runtime, configured(settings, remote_pki))
    with pytest.raises(Conflict, match="configuration file"):
        await registry.add(REMOTE_DOMAIN, "h", 25, our_ca_pem)
    with pytest.raises(Conflict, match="configuration file"):
        await registry.remove(REMOTE_DOMAIN)


async def test_a_missing_certificate_file_is_a_configuration_error(
    runtime: Runtime, settings: Settings
) -> None:
    registry = make_trust(runtime, with_peer(settings, 2525, "absent.pem"))
    with pytest.raises(ConfigError, match=r"trust\[0\] \(clinique.example\)"):
        await registry.all()


async def test_what_is_added_is_checked(runtime: Runtime, our_ca_pem: bytes) -> None:
    registry = make_trust(runtime)
    peer = await registry.add("Labo.Example", "mx.labo.example", 2526, our_ca_pem)
    assert (peer.domain, peer.source) == ("labo.example", "database")
    with pytest.raises(AlreadyExists):
        await registry.add("labo.example", "mx.labo.example", 2526, our_ca_pem)
    with pytest.raises(ValueError, match="not a PEM certificate"):
        await registry.add("other.example", "mx.other.example", 25, b"hello")
    with pytest.raises(ValueError, match="port"):
        await registry.add("other.example", "mx.other.example", 0, our_ca_pem)
    with pytest.raises(ValueError, match="host"):
        await registry.add("other.example", "mx other", 25, our_ca_pem)
    with pytest.raises(ValueError, match="not a valid domain"):
        await registry.add("bad/domain", "mx.other.example", 25, our_ca_pem)
    await registry.remove("labo.example")
    with pytest.raises(NotFound):
        await registry.remove("labo.example")
    assert await registry.all() == []


async def test_another_process_sees_a_change_once_its_cache_expires(
    runtime: Runtime, settings: Settings, our_ca_pem: bytes
) -> None:
    other = await Runtime.open(settings)
    try:
        store = SqlTrustStore(other.database, other.store.committer)
        watcher = TrustRegistry(settings, store, cache_seconds=0.2)
        assert await watcher.get("labo.example") is None
        await make_trust(runtime).add("labo.example", "mx.labo.example", 25, our_ca_pem)
        assert await watcher.get("labo.example") is None, "cached"
        await asyncio.sleep(0.25)
        assert await watcher.get("labo.example") is not None
    finally:
        await other.close()


async def test_mutual_tls_identity_checks(
    runtime: Runtime, settings: Settings, remote_pki: TlsFiles, our_ca_pem: bytes
) -> None:
    ours = tls_files(settings)
    our_leaf = der(ours.cert)
    assert peer_certificate_matches(our_leaf, our_ca_pem), "issued by the configured CA"
    assert peer_certificate_matches(our_leaf, ours.cert.read_bytes()), "the configured cert"
    assert not peer_certificate_matches(our_leaf, remote_pki.ca.read_bytes())
    assert not peer_certificate_matches(der(remote_pki.cert), our_ca_pem)
    assert not peer_certificate_matches(b"garbage", our_ca_pem)
    assert not peer_certificate_matches(our_leaf, b"garbage")

    registry = make_trust(runtime)
    await registry.add(REMOTE_DOMAIN, "127.0.0.1", 2525, remote_pki.ca.read_bytes())
    assert await registry.certificate_matches(REMOTE_DOMAIN, der(remote_pki.cert))
    assert not await registry.certificate_matches(REMOTE_DOMAIN, our_leaf)
    assert not await registry.certificate_matches("inconnu.example", der(remote_pki.cert))
    assert await registry.any_certificate_matches(der(remote_pki.cert))
    assert not await registry.any_certificate_matches(our_leaf)


def test_an_expired_certificate_does_not_match(tls_settings: Settings) -> None:
    ours = tls_files(tls_settings)
    ca_cert = x509.load_pem_x509_certificate(ours.ca.read_bytes())
    ca_key = serialization.load_pem_private_key(ours.ca.with_suffix(".key").read_bytes(), None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=30)
    expired = (
        x509.CertificateBuilder()
        .subject_name(ca_cert.subject)
        .issuer_name(ca_cert.subject)
        .public_key(ec.generate_private_key(ec.SECP256R1()).public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(past - datetime.timedelta(days=1))
        .not_valid_after(past)
        .sign(ca_key, hashes.SHA256())
    )
    expired_der = expired.public_bytes(serialization.Encoding.DER)
    assert not peer_certificate_matches(expired_der, ours.ca.read_bytes())
