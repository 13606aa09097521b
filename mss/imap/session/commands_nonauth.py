"""Commands valid only before authentication: STARTTLS, LOGIN and AUTHENTICATE (RFC 3501 §6.2),
with the SASL initial response of RFC 4959 and the PLAIN mechanism of RFC 4616."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Self

from mss.imap.wire.command import NotAuthenticatedCommand, ParseOptions
from mss.imap.wire.errors import ParseError
from mss.imap.wire.grammar import Buffer, astring_text, atom, sp

_BASE64 = re.compile(rb"[A-Za-z0-9+/]*={0,2}")


@dataclass(frozen=True, slots=True)
class StartTls(NotAuthenticatedCommand):
    """RFC 3501 §6.2.1."""

    name = "STARTTLS"


@dataclass(frozen=True, slots=True)
class Login(NotAuthenticatedCommand):
    """RFC 3501 §6.2.3: ``LOGIN userid password``, both astrings, read as UTF-8."""

    name = "LOGIN"
    userid: str
    password: str

    @classmethod
    def parse(cls, tag: str, buf: Buffer, options: ParseOptions) -> tuple[Self, Buffer]:
        userid, rest = astring_text(sp(buf), "User name")
        password, rest = astring_text(sp(rest), "Password")
        return cls(tag, userid, password), rest

    def __repr__(self) -> str:
        """Never show a password in a log or a traceback."""
        return f"Login(tag={self.tag!r}, userid={self.userid!r}, password=<hidden>)"


@dataclass(frozen=True, slots=True)
class Authenticate(NotAuthenticatedCommand):
    """RFC 3501 §6.2.2 ``AUTHENTICATE mechanism``, and RFC 4959 §3 ``[SP initial-response]``.

    ``initial_response`` is the decoded octets (``=`` is the empty response), or None when the
    client will wait for the server's first challenge.
    """

    name = "AUTHENTICATE"
    mechanism: str
    initial_response: bytes | None = None

    @classmethod
    def parse(cls, tag: str, buf: Buffer, options: ParseOptions) -> tuple[Self, Buffer]:
        mechanism, rest = atom(sp(buf))
        if rest.peek() != b" ":
            return cls(tag, mechanism.upper()), rest
        rest = sp(rest)
        if rest.peek() == b"=":
            return cls(tag, mechanism.upper(), b""), rest.skip(1)
        match = rest.match(_BASE64)
        if match is None or not match.group():
            raise rest.error("Expected a base64 initial response or '='")
        return cls(tag, mechanism.upper(), _decode(match.group(), rest)), rest.after(match)

    def __repr__(self) -> str:
        """The initial response holds the password for PLAIN: never shown."""
        return f"Authenticate(tag={self.tag!r}, mechanism={self.mechanism!r})"


class AuthenticationCancelled(ParseError):
    """RFC 3501 §6.2.2: the client answered a challenge with ``*``; the reply is BAD."""


def _decode(data: bytes, buf: Buffer) -> bytes:
    try:
        return base64.b64decode(data, validate=True)
    except binascii.Error:
        raise buf.error("Invalid base64") from None


def sasl_response(line: bytes) -> bytes:
    """A client's answer to a challenge (RFC 3501 §6.2.2): base64 on a line of its own.

    Raises ``AuthenticationCancelled`` for ``*`` and ``ParseError`` for anything not base64.
    """
    if line == b"*":
        raise AuthenticationCancelled("Authentication cancelled")
    buf = Buffer.from_line(line)
    match = buf.match(_BASE64)
    if match is None or match.end() != len(line):
        raise buf.error("Expected a base64 response")
    return _decode(line, buf)


@dataclass(frozen=True, slots=True)
class PlainCredentials:
    """RFC 4616 §2: ``[authzid] NUL authcid NUL passwd``."""

    authzid: str
    authcid: str
    password: str

    def __repr__(self) -> str:
        return f"PlainCredentials(authzid={self.authzid!r}, authcid={self.authcid!r})"


def plain_credentials(message: bytes) -> PlainCredentials:
    """The identities and password of a PLAIN message, or ``ParseError`` if malformed."""
    parts = message.split(b"\x00")
    if len(parts) != 3 or not parts[1] or not parts[2]:
        raise ParseError("Malformed PLAIN response")
    try:
        authzid, authcid, password = (part.decode("utf-8") for part in parts)
    except UnicodeDecodeError:
        raise ParseError("PLAIN response is not UTF-8") from None
    return PlainCredentials(authzid, authcid, password)
