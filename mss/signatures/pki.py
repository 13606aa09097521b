"""The operator's signing authority: a CA that certifies each signer for one signature.

A signer never holds a long-lived signing certificate: at the moment of signing, the CA issues a
certificate naming them (name, address, RPPS for professionals) for a key pair made for that one
signature and forgotten afterwards. What proves the act is the CA's word that it authenticated
the person (password or second factor) at that time, the timestamp, and the separate Ed25519
evidence made with the account's own key (:mod:`mss.signatures.evidence`).

The CA key, the operator's own certificate (for the certification and final signatures) and the
local development timestamping authority live in ``DATA/keys/`` as PEM files of mode 0600,
created once by whichever process needs them first.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from crypto.keyfile import check_private, create_key_file

_Key = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
CA_YEARS = 10
OPERATOR_YEARS = 3
SIGNER_VALIDITY = datetime.timedelta(days=1)
"""A signer's certificate serves one signature; a day covers clock skew and nothing more."""


@dataclass(frozen=True, slots=True)
class SignerIdentity:
    name: str
    address: str
    rpps: str | None = None


@dataclass(frozen=True, slots=True)
class Issued:
    """A certificate and its private key, in the forms pyHanko takes."""

    certificate: asn1_x509.Certificate
    key: asn1_keys.PrivateKeyInfo


class SigningAuthority:
    """The CA (EC P-256), the operator's certificate and the development TSA (RSA, which the
    RFC 3161 responder of pyHanko requires)."""

    def __init__(self, directory: Path, operator_name: str) -> None:
        self._directory = directory
        self._ca_key = _load_or_create_key(directory / "signing-ca.key", _new_ec)
        self._ca = _load_or_create_cert(
            directory / "signing-ca.pem",
            lambda: _build(
                _name(f"{operator_name} — autorité de signature"),
                self._ca_key,
                self._ca_key,
                None,
                datetime.timedelta(days=365 * CA_YEARS),
                ca=True,
            ),
        )
        self._operator_key = _load_or_create_key(directory / "signing-operator.key", _new_ec)
        self._operator = _load_or_create_cert(
            directory / "signing-operator.pem",
            lambda: self._issue_cert(
                _name(operator_name), self._operator_key, 365 * OPERATOR_YEARS
            ),
        )
        self._tsa_key = _load_or_create_key(directory / "signing-tsa.key", _new_rsa)
        self._tsa = _load_or_create_cert(
            directory / "signing-tsa.pem",
            lambda: self._issue_cert(
                _name(f"{operator_name} — horodatage"),
                self._tsa_key,
                365 * OPERATOR_YEARS,
                tsa=True,
            ),
        )

    @property
    def ca_certificate(self) -> asn1_x509.Certificate:
        return _asn1_cert(self._ca)

    @property
    def ca_pem(self) -> bytes:
        return self._ca.public_bytes(serialization.Encoding.PEM)

    @property
    def operator(self) -> Issued:
        return Issued(_asn1_cert(self._operator), _asn1_key(self._operator_key))

    @property
    def timestamping(self) -> Issued:
        return Issued(_asn1_cert(self._tsa), _asn1_key(self._tsa_key))

    def issue_for(self, who: SignerIdentity) -> Issued:
        """A fresh key pair and a one-day certificate naming ``who``."""
        key = _new_ec()
        attributes = [x509.NameAttribute(NameOID.COMMON_NAME, who.name[:64] or who.address)]
        if who.rpps:
            # The RPPS number identifies a professional in the French health directory.
            attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, f"RPPS{who.rpps}"))
        attributes.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, who.address))
        certificate = _build(
            x509.Name(attributes),
            key,
            self._ca_key,
            self._ca,
            SIGNER_VALIDITY,
            email=who.address,
        )
        return Issued(_asn1_cert(certificate), _asn1_key(key))

    def _issue_cert(
        self,
        name: x509.Name,
        key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey,
        days: int,
        *,
        tsa: bool = False,
    ) -> x509.Certificate:
        return _build(name, key, self._ca_key, self._ca, datetime.timedelta(days=days), tsa=tsa)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64])])


def _build(
    subject: x509.Name,
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey,
    issuer_key: CertificateIssuerPrivateKeyTypes,
    issuer: x509.Certificate | None,
    validity: datetime.timedelta,
    *,
    ca: bool = False,
    tsa: bool = False,
    email: str | None = None,
) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.subject if issuer is not None else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + validity)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if ca:
        usage = dict(key_cert_sign=True, crl_sign=True, digital_signature=False)
    else:
        usage = dict(key_cert_sign=False, crl_sign=False, digital_signature=True)
    builder = builder.add_extension(
        x509.KeyUsage(
            content_commitment=not ca and not tsa,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            encipher_only=False,
            decipher_only=False,
            **usage,
        ),
        critical=True,
    )
    if tsa:
        # RFC 3161 §2.3: a TSA certificate has the critical timeStamping extended key usage.
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    if email:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False
        )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _new_ec() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _new_rsa() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=3072)


def _asn1_cert(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _asn1_key(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> asn1_keys.PrivateKeyInfo:
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return asn1_keys.PrivateKeyInfo.load(der)


def _load_or_create_key(path: Path, make: Callable[[], _Key]) -> _Key:
    if not path.exists():
        key = make()
        create_key_file(
            path,
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
        )
    check_private(path, "signing key")
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise ValueError(f"{path} holds no EC or RSA private key")
    return loaded


def _load_or_create_cert(path: Path, make: Callable[[], x509.Certificate]) -> x509.Certificate:
    if not path.exists():
        certificate = make()
        create_key_file(path, certificate.public_bytes(serialization.Encoding.PEM))
    return x509.load_pem_x509_certificate(path.read_bytes())
