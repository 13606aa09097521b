"""A test health PKI shaped like IGC-Santé: a root, an intermediate CA, and operator
certificates whose subject DN is the one the whitelist names; also CRLs and whitelist XML."""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from mss.pki import parse_dn

NOW = datetime.datetime.now(datetime.UTC)


def _usage(ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


@dataclass
class Authority:
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def crl(self, revoked: list[x509.Certificate], days: float = 7) -> bytes:
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.certificate.subject)
            .last_update(NOW + datetime.timedelta(days=min(days, 0) - 1))
            .next_update(NOW + datetime.timedelta(days=days))
        )
        for certificate in revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(certificate.serial_number)
                .revocation_date(NOW - datetime.timedelta(minutes=1))
                .build()
            )
        return builder.sign(self.key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def _ca(subject: str, issuer: Authority | None) -> Authority:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Santé de test"),
            x509.NameAttribute(NameOID.COMMON_NAME, subject),
        ]
    )
    signer = issuer.key if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.certificate.subject if issuer else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - datetime.timedelta(days=1))
        .not_valid_after(NOW + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    return Authority(builder.sign(signer, hashes.SHA256()), key)


@dataclass
class HealthPki:
    root: Authority
    intermediate: Authority

    def bundle(self) -> bytes:
        """What an operator configures: the intermediate and the root, in one PEM file."""
        return self.intermediate.pem() + self.root.pem()

    def issue(
        self, dn: str, hostname: str, cert: Path, key_path: Path, issuer: Authority | None = None
    ) -> x509.Certificate:
        """A server-and-client certificate for ``hostname`` with subject ``dn`` (RFC 4514)."""
        authority = issuer or self.intermediate
        key = ec.generate_private_key(ec.SECP256R1())
        names: list[x509.GeneralName] = [x509.DNSName(hostname), x509.DNSName("localhost")]
        names.append(x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
        certificate = (
            x509.CertificateBuilder()
            .subject_name(parse_dn(dn))
            .issuer_name(authority.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOW - datetime.timedelta(days=1))
            .not_valid_after(NOW + datetime.timedelta(days=365))
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(ca=False), critical=True)
            .add_extension(
                x509.ExtendedKeyUsage(
                    [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
                ),
                critical=False,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.key.public_key()),
                critical=False,
            )
            .sign(authority.key, hashes.SHA256())
        )
        cert.parent.mkdir(parents=True, exist_ok=True)
        # The chain up to (not including) the root, as a server presents it.
        chain = certificate.public_bytes(serialization.Encoding.PEM)
        if authority is self.intermediate:
            chain += self.intermediate.pem()
        cert.write_bytes(chain)
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        key_path.chmod(0o600)
        return certificate


def make_health_pki(name: str = "IGC-Santé de test") -> HealthPki:
    root = _ca(f"{name} racine", None)
    return HealthPki(root, _ca(f"{name} serveurs applicatifs", root))


def whitelist_xml(entries: list[tuple[str, str]], generated: str = "2026-12-01T06:00:00Z") -> bytes:
    """A whitelist in the national file's layout, one ``Domaine`` per (name, operator DN)."""
    domains = "".join(
        "<Domaine>"
        f"<Nom>{escape(name)}</Nom><Description>Établissement {escape(name)}</Description>"
        f"<DNCertificatOperateur>{escape(dn)}</DNCertificatOperateur>"
        "<ResponsableContact>01 00 00 00 00, dpo@example.fr</ResponsableContact>"
        "<SupportContact>01 00 00 00 01, support@example.fr</SupportContact>"
        f"<DateMAJ>{generated}</DateMAJ>"
        "</Domaine>"
        for name, dn in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<ListeBlancheMSSante xmlns="https://listeblanche.mssante.fr/schema">'
        f"<DateDeGeneration>{generated}</DateDeGeneration>"
        f"<ListeDomaines>{domains}</ListeDomaines></ListeBlancheMSSante>"
    ).encode()
