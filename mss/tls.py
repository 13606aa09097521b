"""TLS material: a development CA and server certificate made by ``mss init``, and contexts.

The one server certificate is also this server's client certificate when it relays to another
operator (mutual TLS, DESIGN.md "Policy of the trust space"), hence both extended key usages.
In production the operator configures certificates of the health PKI instead.
"""

from __future__ import annotations

import datetime
import ipaddress
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from mss.config import Settings

CA_DAYS = 3650
CERT_DAYS = 825


@dataclass(frozen=True, slots=True)
class TlsFiles:
    cert: Path
    key: Path
    ca: Path


def tls_files(settings: Settings) -> TlsFiles:
    return TlsFiles(
        cert=settings.data_path(settings.tls.cert),
        key=settings.data_path(settings.tls.key),
        ca=settings.data_path(settings.tls.ca),
    )


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "MSS development"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)


def make_development_pki(files: TlsFiles, hostname: str) -> None:
    """A CA (its key kept beside it, for issuing more certificates) and a server certificate."""
    files.cert.parent.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(_name(f"MSS development CA for {hostname}"))
        .issuer_name(_name(f"MSS development CA for {hostname}"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    issue_certificate(files, hostname, ca_cert, ca_key)
    files.ca.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    _write_key(files.ca.with_suffix(".key"), ca_key)


def issue_certificate(
    files: TlsFiles,
    hostname: str,
    ca_cert: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
) -> None:
    now = datetime.datetime.now(datetime.UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = [x509.DNSName(hostname), x509.DNSName("localhost")]
    names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ("127.0.0.1", "::1")]
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(hostname))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=CERT_DAYS))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    _write_key(files.key, key)


def server_context(files: TlsFiles, client_cas: list[bytes] | None = None) -> ssl.SSLContext:
    """TLS 1.2+ server context; asks for (without requiring) client certificates when CA PEMs
    are given, so that peers of the trust space can be identified and checked by policy."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(files.cert, files.key)
    if client_cas:
        context.verify_mode = ssl.CERT_OPTIONAL
        for pem in client_cas:
            context.load_verify_locations(cadata=pem.decode("ascii"))
    return context


def client_context(files: TlsFiles, server_ca: Path | None = None) -> ssl.SSLContext:
    """Client context presenting our certificate, trusting ``server_ca`` (or our own CA)."""
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(server_ca or files.ca))
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(files.cert, files.key)
    return context
