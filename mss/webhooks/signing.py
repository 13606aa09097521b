"""The signature every webhook request carries, and the check a receiver makes.

Format (one header, ``MSS-Signature``)::

    MSS-Signature: t=1767225600,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd

``t`` is the time of sending in whole seconds since the epoch; ``v1`` is the lowercase hex
HMAC-SHA256 (RFC 2104, FIPS 180-4) keyed by the endpoint's secret (the whole ``whsec_…`` text as
UTF-8 bytes) over ``t`` in decimal, one ASCII dot, then the exact request body bytes. Each retry
is signed afresh with its own ``t``. A receiver recomputes ``v1`` over the body it received,
compares in constant time, and refuses a ``t`` older or newer than its tolerance (five minutes
here): a captured request replayed later is refused even though its signature is genuine. Within
the window, the body's ``id`` (the same on every retry of one event) lets the receiver drop what
it already handled.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

HEADER = "MSS-Signature"
SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
TOLERANCE_SECONDS = 300


class SignatureMismatch(ValueError):
    """The header is malformed, the signature does not match, or the time is out of window."""


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The header's value for ``body`` sent at ``timestamp``."""
    return f"t={timestamp},v1={_mac(secret, timestamp, body)}"


def verify(
    secret: str, header: str, body: bytes, now: int, tolerance: int = TOLERANCE_SECONDS
) -> int:
    """The receiver's check; returns the timestamp or raises :class:`SignatureMismatch`."""
    fields: dict[str, list[str]] = {}
    for item in header.split(","):
        name, separator, value = item.strip().partition("=")
        if separator:
            fields.setdefault(name, []).append(value)
    stamps = fields.get("t", [])
    if len(stamps) != 1 or not stamps[0].isdigit():
        raise SignatureMismatch("no timestamp")
    timestamp = int(stamps[0])
    expected = _mac(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, given) for given in fields.get("v1", [])):
        raise SignatureMismatch("signature does not match")
    if abs(now - timestamp) > tolerance:
        raise SignatureMismatch("timestamp outside the tolerance: replayed or clock skew")
    return timestamp
