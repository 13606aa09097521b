"""API keys for application and organisation accounts: format, keyed hash, scopes, rate limit.

A key is shown once when created and never stored: the database keeps only a keyed tag under a
server secret held in a file (mss/serverkey.py), so a dump of the database alone can neither
reveal a key nor test guesses against it. The key carries a short public identifier so the
server finds the row without scanning, then compares tags in constant time.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from crypto.tags import keyed_tag
from mss.ratelimit import SlidingWindow

PREFIX = "mss_"
LOOKUP_BYTES = 6
SECRET_BYTES = 24
SCOPES = frozenset({"send", "status", "webhooks"})


class KeyFormatError(ValueError):
    """A presented key is not of the form this server issues."""


class ScopeError(ValueError):
    """A requested scope does not exist."""


@dataclass(frozen=True)
class IssuedKey:
    """What `mss api-key add` prints once (``text``) and what the store keeps (the rest)."""

    text: str
    lookup: str
    tag: bytes


def parse_scopes(spec: str) -> frozenset[str]:
    """Read ``send,status`` into a set, refusing unknown and empty scopes."""
    scopes = frozenset(part.strip() for part in spec.split(",") if part.strip())
    if not scopes:
        raise ScopeError("au moins un droit est requis / at least one scope is required")
    unknown = scopes - SCOPES
    if unknown:
        raise ScopeError(f"droits inconnus / unknown scopes: {', '.join(sorted(unknown))}")
    return scopes


def key_tag(server_secret: bytes, lookup: str, secret_part: str) -> bytes:
    """The keyed tag stored for a key; the lookup is bound in so tags cannot be swapped."""
    return keyed_tag(server_secret, b"api-key", lookup.encode(), secret_part.encode())


def issue_key(server_secret: bytes) -> IssuedKey:
    lookup = secrets.token_hex(LOOKUP_BYTES)
    secret_part = secrets.token_urlsafe(SECRET_BYTES)
    text = f"{PREFIX}{lookup}_{secret_part}"
    return IssuedKey(text=text, lookup=lookup, tag=key_tag(server_secret, lookup, secret_part))


def split_key(text: str) -> tuple[str, str]:
    """Return (lookup, secret part) of a presented key, or raise KeyFormatError."""
    if not text.startswith(PREFIX):
        raise KeyFormatError("not an MSS API key")
    lookup, separator, secret_part = text[len(PREFIX) :].partition("_")
    if not separator or len(lookup) != 2 * LOOKUP_BYTES or not secret_part:
        raise KeyFormatError("not an MSS API key")
    try:
        bytes.fromhex(lookup)
    except ValueError as error:
        raise KeyFormatError("not an MSS API key") from error
    return lookup, secret_part


def key_matches(server_secret: bytes, text: str, stored_tag: bytes) -> bool:
    """Constant-time check of a presented key against the tag stored for its lookup."""
    try:
        lookup, secret_part = split_key(text)
    except KeyFormatError:
        return False
    return hmac.compare_digest(key_tag(server_secret, lookup, secret_part), stored_tag)


class KeyRateLimit:
    """Requests per key in a sliding window, so one establishment's runaway program is slowed
    without touching the others (answered 429 by the API)."""

    def __init__(self, per_window: int, window: float) -> None:
        self._window = SlidingWindow(per_window, window)

    def allow(self, lookup: str) -> bool:
        if self._window.exceeded(lookup):
            return False
        self._window.record(lookup)
        return True
