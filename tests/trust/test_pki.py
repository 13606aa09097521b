"""Path validation against the health PKI's bundle, DNs as the whitelist writes them, and CRLs."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from health_pki import HealthPki, make_health_pki

from mss.pki import PkiError, dn_key, load_bundle, parse_dn, verify_client, verify_server

DN = "CN=mss.clinique.fr,OU=12345678900011,O=CLINIQUE DES ÉTANGS,ST=Loire (42),C=FR"


def der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


@pytest.fixture
def pki() -> HealthPki:
    return make_health_pki()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_dns_match_whatever_their_case_spacing_and_order_of_writing() -> None:
    assert dn_key(parse_dn(DN)) == dn_key(
        parse_dn("cn=MSS.Clinique.fr, OU=12345678900011, O=Clinique  des étangs,ST=LOIRE (42),C=fr")
    )
    assert dn_key(parse_dn(DN)) != dn_key(parse_dn(DN.replace("Loire (42)", "Rhône (69)")))
    # A certificate's subject (ASN.1 order, C first) is the whitelist's DN (RFC 4514, CN first).
    asn1_order = x509.Name([*reversed(list(parse_dn(DN)))])
    assert dn_key(asn1_order) != dn_key(parse_dn(DN))
    assert parse_dn(DN).rfc4514_string().startswith("CN=mss.clinique.fr")


def test_a_chain_through_the_intermediate_validates(pki: HealthPki, tmp_path: Path) -> None:
    bundle = load_bundle(write(tmp_path, "bundle.pem", pki.bundle()))
    leaf = pki.issue(DN, "mx.clinique.fr", tmp_path / "c.pem", tmp_path / "c.key")
    assert dn_key(verify_client(bundle, der(leaf))) == dn_key(parse_dn(DN))
    assert verify_server(bundle, der(leaf), "mx.clinique.fr") == leaf.subject
    with pytest.raises(PkiError, match="does not validate"):
        verify_server(bundle, der(leaf), "mx.autre.fr")
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=400)
    with pytest.raises(PkiError, match="does not validate"):
        verify_client(bundle, der(leaf), later)
    # Without the intermediate in the bundle, the leaf alone does not reach the root.
    roots_only = load_bundle(write(tmp_path, "root.pem", pki.root.pem()))
    with pytest.raises(PkiError, match="does not validate"):
        verify_client(roots_only, der(leaf))


def test_a_bundle_without_a_root_is_refused(pki: HealthPki, tmp_path: Path) -> None:
    with pytest.raises(PkiError, match="no self-signed root"):
        load_bundle(write(tmp_path, "b.pem", pki.intermediate.pem()))


def test_crls_when_configured(pki: HealthPki, tmp_path: Path) -> None:
    good = pki.issue(DN, "mx.clinique.fr", tmp_path / "g.pem", tmp_path / "g.key")
    bad = pki.issue(DN, "mx.clinique.fr", tmp_path / "b.pem", tmp_path / "b.key")
    bundle_path = write(tmp_path, "bundle.pem", pki.bundle())
    crls = (
        write(tmp_path, "inter.crl", pki.intermediate.crl([bad])),
        write(tmp_path, "root.crl", pki.root.crl([])),
    )
    bundle = load_bundle(bundle_path, crls)
    verify_client(bundle, der(good))
    with pytest.raises(PkiError, match="revoked"):
        verify_client(bundle, der(bad))
    with pytest.raises(PkiError, match="revoked"):
        verify_server(bundle, der(bad), "mx.clinique.fr")
    # Fail closed: a CA of the chain without a CRL, or with an outdated one.
    missing = load_bundle(bundle_path, crls[:1])
    with pytest.raises(PkiError, match="no CRL"):
        verify_client(missing, der(good))
    stale = write(tmp_path, "stale.crl", pki.intermediate.crl([], days=-1))
    outdated = load_bundle(bundle_path, (stale, crls[1]))
    with pytest.raises(PkiError, match="out of date"):
        verify_client(outdated, der(good))
    # A CRL signed by someone else is not the CA's CRL.
    forged = write(tmp_path, "forged.crl", make_health_pki().intermediate.crl([]))
    with pytest.raises(PkiError, match="no CRL"):
        verify_client(load_bundle(bundle_path, (forged, crls[1])), der(good))
