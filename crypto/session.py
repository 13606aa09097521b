"""Webmail sessions and second factors: the secrets a browser holds and what the server keeps.

A session is two random values that only the browser's cookie holds together: the session id
and the session key. The server stores

- ``lookup``: a BLAKE2b hash of the session id, to find the row (never the id itself);
- the account's private keys encrypted under a subkey of the session key (XChaCha20-Poly1305,
  with the lookup as associated data so a wrap cannot be moved to another session's row).

A database dump therefore holds no usable session, and a server node holds the keys only while it
answers a request carrying the cookie. The CSRF token is derived from both halves of the cookie:
the server recomputes it on each request and stores nothing.

The session key itself is used for nothing: each purpose (the wrap in the row, the rows cached in
memory, the CSRF token) has its own subkey (``crypto.subkeys``), so the token shown in every page
and the ciphertexts kept in memory bear on no other use of the key.

TOTP secrets and session labels are sealed to the account's X25519 public key
(``crypto_box_seal``): the server can write them while the account is locked, and reads them
only with keys that a credential has unlocked.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass, field

from nacl.encoding import RawEncoder
from nacl.exceptions import CryptoError as NaclCryptoError
from nacl.hash import blake2b
from nacl.public import PublicKey, SealedBox
from nacl.utils import random

from crypto.content import ContentKey, decrypt, encrypt
from crypto.errors import DecryptionError
from crypto.keys import AccountKeys
from crypto.subkeys import Purpose, derive_subkey

PART_BYTES = 32
LOOKUP_BYTES = 32
_LOOKUP_PERSON = b"mss-web-session"
_CSRF_PERSON = b"mss-web-csrf"
_AAD_PREFIX = b"mss/v1/web-session/"
_CACHE_PREFIX = b"mss/v1/web-session-cache/"


@dataclass(frozen=True, slots=True)
class SessionToken:
    """What the cookie carries: the session id and the session key, never stored server-side."""

    session_id: bytes
    session_key: bytes
    # The hash under which the server files this session (computed once: every cached row of
    # a page is keyed by it).
    lookup: bytes = field(init=False, compare=False)
    # One subkey per purpose of the session key (computed once, like the lookup).
    _wrap_key: ContentKey = field(init=False, compare=False)
    _cache_key: ContentKey = field(init=False, compare=False)
    _csrf_key: bytes = field(init=False, compare=False)

    def __post_init__(self) -> None:
        digest = blake2b(
            self.session_id, digest_size=LOOKUP_BYTES, person=_LOOKUP_PERSON, encoder=RawEncoder
        )
        object.__setattr__(self, "lookup", bytes(digest))
        wrap = derive_subkey(self.session_key, Purpose.SESSION_WRAP)
        cache = derive_subkey(self.session_key, Purpose.SESSION_CACHE)
        object.__setattr__(self, "_wrap_key", ContentKey(wrap))
        object.__setattr__(self, "_cache_key", ContentKey(cache))
        object.__setattr__(self, "_csrf_key", derive_subkey(self.session_key, Purpose.SESSION_CSRF))

    def __repr__(self) -> str:
        return "SessionToken(<secret>)"

    @classmethod
    def generate(cls) -> SessionToken:
        return cls(random(PART_BYTES), random(PART_BYTES))

    def encode(self) -> str:
        """URL-safe base64 without padding: a valid cookie value."""
        raw = self.session_id + self.session_key
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

    @classmethod
    def decode(cls, text: str) -> SessionToken | None:
        """The token in a cookie value, or None for anything that cannot be one."""
        if len(text) != 86:
            return None
        try:
            raw = base64.urlsafe_b64decode(text + "==")
        except (binascii.Error, ValueError):
            return None
        if len(raw) != 2 * PART_BYTES:
            return None
        return cls(raw[:PART_BYTES], raw[PART_BYTES:])

    def csrf_token(self) -> str:
        """Synchroniser token for state-changing requests, recomputed from the cookie."""
        mac = blake2b(
            self.session_id,
            digest_size=24,
            key=self._csrf_key,
            person=_CSRF_PERSON,
            encoder=RawEncoder,
        )
        return base64.urlsafe_b64encode(bytes(mac)).decode("ascii")

    def check_csrf(self, candidate: str) -> bool:
        return hmac.compare_digest(self.csrf_token().encode(), candidate.encode("utf-8", "replace"))

    def encrypt(self, data: bytes, context: bytes) -> bytes:
        """Anything kept for this session outside the database (see the webmail's row cache)
        is kept only like this: readable again only with the cookie."""
        return encrypt(self._cache_key, data, _CACHE_PREFIX + self.lookup + context)

    def decrypt(self, blob: bytes, context: bytes) -> bytes:
        return decrypt(self._cache_key, blob, _CACHE_PREFIX + self.lookup + context)

    def seal_keys(self, keys: AccountKeys) -> bytes:
        """The account's private keys, readable only with this cookie's session key."""
        return encrypt(self._wrap_key, keys.secret(), _AAD_PREFIX + self.lookup)

    def open_keys(self, sealed: bytes) -> AccountKeys:
        secret = decrypt(self._wrap_key, sealed, _AAD_PREFIX + self.lookup)
        return AccountKeys.from_secret(secret)


def random_token(size: int = PART_BYTES) -> str:
    """A random URL-safe string (pre-login CSRF cookie, request nonces)."""
    return base64.urlsafe_b64encode(random(size)).rstrip(b"=").decode("ascii")


def seal_to_account(data: bytes, public_key: bytes) -> bytes:
    """``crypto_box_seal`` of a small secret (TOTP secret, session label) to an account."""
    return bytes(SealedBox(PublicKey(public_key)).encrypt(data))


def open_from_account(sealed: bytes, keys: AccountKeys) -> bytes:
    try:
        return bytes(SealedBox(keys.encryption).decrypt(sealed))
    except (NaclCryptoError, ValueError, TypeError) as exc:
        raise DecryptionError from exc
