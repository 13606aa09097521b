"""The health PKI (IGC-Santé) as peers of the trust space use it: full path validation of their
certificates against the configured CA bundle, revocation by CRL, and their subject DN in the
form the national whitelist names it (``DNCertificatOperateur``).

Implementation notes. Path validation is cryptography's RFC 5280 verifier (``PolicyBuilder``):
chain building, validity periods, basic constraints, key usage and extended key usage
(``clientAuth`` for a peer's MX client, ``serverAuth`` and the host name for its MX). Python
3.11's ``ssl`` gives only the peer's leaf certificate, so the bundle must hold the intermediate
CAs as well as the roots (the IGC-Santé chain is published that way): self-signed certificates
are the trust anchors, the others are offered as intermediates. When CRLs are configured every
CA of a validated chain must have a current one (fail closed): a revoked certificate, a CA
without a CRL or an outdated CRL refuses the peer.
"""

from __future__ import annotations

import datetime
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.x509 import DNSName
from cryptography.x509.oid import NameOID
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

# Attribute names met in operators' DNs beyond those RFC 4514 §3 lists.
_EXTRA_NAMES = {
    "E": NameOID.EMAIL_ADDRESS,
    "EMAILADDRESS": NameOID.EMAIL_ADDRESS,
    "SERIALNUMBER": NameOID.SERIAL_NUMBER,
    "ORGANIZATIONIDENTIFIER": NameOID.ORGANIZATION_IDENTIFIER,
}

# An attribute type: at the start or after an unescaped separator, with optional spaces.
_TYPE = re.compile(r"(^|(?<!\\)[,+])\s*([A-Za-z][A-Za-z0-9-]*)\s*=")


class PkiError(ValueError):
    """A certificate the trust space does not accept; the message says why."""


def parse_dn(text: str) -> x509.Name:
    """A DN written as RFC 4514 says (most specific first, as the whitelist writes it); types in
    any case (§3: they are case-insensitive) and spaces around separators ("CN=a, O=b", a
    common way of writing DNs) are tolerated."""
    try:
        compact = _TYPE.sub(lambda m: f"{m.group(1)}{m.group(2).upper()}=", text.strip())
        return x509.Name.from_rfc4514_string(compact, _EXTRA_NAMES)
    except ValueError as exc:
        raise PkiError(f"{text!r} is not a distinguished name (RFC 4514): {exc}") from exc


def dn_key(name: x509.Name) -> str:
    """A canonical text of ``name`` for equality: attribute types by OID, values compared
    ignoring case and runs of spaces (RFC 4518 §2.6.1 insignificant space, caseIgnoreMatch)."""
    rdns = []
    for rdn in reversed(name.rdns):
        parts = sorted(
            f"{attribute.oid.dotted_string}={_escape(_fold(attribute.value))}" for attribute in rdn
        )
        rdns.append("+".join(parts))
    return ",".join(rdns)


def _fold(value: str | bytes) -> str:
    text = value if isinstance(value, str) else value.hex()
    return " ".join(text.split()).casefold()


def _escape(value: str) -> str:
    return "".join("\\" + char if char in '\\,+="<>;#' else char for char in value)


@dataclass(frozen=True, slots=True)
class CaBundle:
    """The trust anchors, the intermediates and the CRLs of the configured PKI."""

    path: Path
    pem: bytes
    roots: tuple[x509.Certificate, ...]
    intermediates: tuple[x509.Certificate, ...]
    crls: tuple[x509.CertificateRevocationList, ...]


def load_bundle(path: Path, crl_paths: tuple[Path, ...] = ()) -> CaBundle:
    """Read the CA bundle and the CRLs; ``PkiError`` naming the file that cannot be used."""
    try:
        pem = path.read_bytes()
        certificates = x509.load_pem_x509_certificates(pem)
    except (OSError, ValueError) as exc:
        raise PkiError(f"CA bundle {path}: {exc}") from exc
    roots = tuple(c for c in certificates if _self_signed(c))
    if not roots:
        raise PkiError(f"CA bundle {path}: no self-signed root certificate")
    intermediates = tuple(c for c in certificates if not _self_signed(c))
    return CaBundle(path, pem, roots, intermediates, tuple(_load_crl(p) for p in crl_paths))


def _self_signed(certificate: x509.Certificate) -> bool:
    if certificate.subject != certificate.issuer:
        return False
    try:
        certificate.verify_directly_issued_by(certificate)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _load_crl(path: Path) -> x509.CertificateRevocationList:
    try:
        data = path.read_bytes()
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_crl(data)
        return x509.load_der_x509_crl(data)
    except (OSError, ValueError) as exc:
        raise PkiError(f"CRL {path}: {exc}") from exc


def verify_client(
    bundle: CaBundle, der: bytes, moment: datetime.datetime | None = None
) -> x509.Name:
    """Validate a peer's TLS client certificate (DER) up to the bundle; its subject if valid."""
    leaf = _load(der)
    builder = _builder(bundle, moment)
    try:
        verified = builder.build_client_verifier().verify(leaf, list(bundle.intermediates))
    except VerificationError as exc:
        raise PkiError(f"certificate {_subject(leaf)} does not validate: {exc}") from exc
    _check_revocation(bundle, verified.chain, moment)
    return leaf.subject


def verify_server(
    bundle: CaBundle, der: bytes, hostname: str, moment: datetime.datetime | None = None
) -> x509.Name:
    """Validate a peer MX's server certificate (DER) for ``hostname``; its subject if valid."""
    leaf = _load(der)
    builder = _builder(bundle, moment)
    try:
        verifier = builder.build_server_verifier(DNSName(hostname))
        chain = verifier.verify(leaf, list(bundle.intermediates))
    except (VerificationError, ValueError) as exc:
        error = f"certificate {_subject(leaf)} for {hostname} does not validate: {exc}"
        raise PkiError(error) from exc
    _check_revocation(bundle, chain, moment)
    return leaf.subject


def _load(der: bytes) -> x509.Certificate:
    try:
        return x509.load_der_x509_certificate(der)
    except ValueError as exc:
        raise PkiError(f"unreadable certificate: {exc}") from exc


def _subject(certificate: x509.Certificate) -> str:
    return certificate.subject.rfc4514_string()


def _builder(bundle: CaBundle, moment: datetime.datetime | None) -> PolicyBuilder:
    return (
        PolicyBuilder()
        .store(Store(list(bundle.roots)))
        .time(moment or datetime.datetime.now(datetime.UTC))
    )


def _check_revocation(
    bundle: CaBundle, chain: list[x509.Certificate], moment: datetime.datetime | None
) -> None:
    """RFC 5280 §6.3, with the CRLs as configured: each certificate below the anchor is checked
    against a current CRL signed by its issuer."""
    if not bundle.crls:
        return
    at = moment or datetime.datetime.now(datetime.UTC)
    for certificate, issuer in itertools.pairwise(chain):
        crl = next(
            (
                c
                for c in bundle.crls
                if c.issuer == issuer.subject and c.is_signature_valid(issuer.public_key())  # type: ignore[arg-type]
            ),
            None,
        )
        if crl is None:
            raise PkiError(f"no CRL of {_subject(issuer)} is configured")
        if crl.next_update_utc is not None and crl.next_update_utc < at:
            raise PkiError(f"the CRL of {_subject(issuer)} is out of date")
        if crl.get_revoked_certificate_by_serial_number(certificate.serial_number) is not None:
            raise PkiError(f"certificate {_subject(certificate)} is revoked")
