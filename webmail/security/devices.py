"""The known-device cookie: proof that this browser signed in to an account before.

The sign-in's rule of known devices (mss/signin.py) exempts such a browser from the blocks per
source, so a guesser behind the same NAT cannot lock the owner out. The cookie is a random nonce
and an HMAC over it and the account's address, under a key derived from the server key for this
purpose only: it cannot be forged, says nothing readable, and proves nothing for another
account. It is HttpOnly, SameSite=Strict, and over TLS Secure with the ``__Host-`` prefix
(webmail/security/cookies.py); it lasts a year.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from starlette.requests import HTTPConnection
from starlette.responses import Response

from webmail.security import cookies

DEVICE = "mss_device"
MAX_AGE = 365 * 86400
_PURPOSE = b"mss webmail known-device cookie v1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


class DeviceCookies:
    def __init__(self, server_secret: bytes) -> None:
        self._key = hmac.new(server_secret, _PURPOSE, hashlib.sha256).digest()

    def _tag(self, nonce: str, address: str) -> str:
        message = f"{nonce}\0{address.strip().lower()}".encode()
        return _b64(hmac.new(self._key, message, hashlib.sha256).digest())

    def issue(self, response: Response, connection: HTTPConnection, address: str) -> None:
        nonce = _b64(secrets.token_bytes(16))
        value = f"{nonce}.{self._tag(nonce, address)}"
        cookies.set_cookie(response, connection, DEVICE, value, max_age=MAX_AGE)

    def known(self, connection: HTTPConnection, address: str) -> bool:
        """Whether this browser carries a valid device cookie for ``address``."""
        value = cookies.read(connection, DEVICE)
        if not value or value.count(".") != 1:
            return False
        nonce, tag = value.split(".")
        return hmac.compare_digest(tag, self._tag(nonce, address))
