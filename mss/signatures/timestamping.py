"""RFC 3161 timestamps for PAdES B-T: a configured authority, or the local development one.

An operator in production points ``[signatures] tsa_url`` at a qualified authority. Without
one, ``mss`` answers its own requests with the development TSA that the signing authority
keeps in ``DATA/keys/``: valid RFC 3161 tokens, trusted only by whoever trusts this operator's
CA, which is what a development or test deployment needs.
"""

from __future__ import annotations

from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from mss.signatures.pki import SigningAuthority


def timestamper(authority: SigningAuthority, tsa_url: str = "") -> TimeStamper:
    if tsa_url:
        return HTTPTimeStamper(tsa_url, timeout=30)
    tsa = authority.timestamping
    return DummyTimeStamper(
        tsa_cert=tsa.certificate,
        tsa_key=tsa.key,
        certs_to_embed=SimpleCertificateStore.from_certs([authority.ca_certificate]),
    )
