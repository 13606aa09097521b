"""The response encoder: strings in the right form, lists, and whole response lines.

RFC 3501 §4.3 lets a server send a string quoted or as a literal; a quoted string can hold
neither CR, LF, NUL nor (before UTF8=ACCEPT, RFC 6855 §3) an 8-bit octet, so those, and long
values, go as literals. Values are ``bytes`` or ``str`` (sent as UTF-8); every function returns
wire bytes, which may contain ``{n}`` CRLF literals, as the grammar of responses allows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from mss.imap.wire.codes import Code, as_code
from mss.imap.wire.errors import safe_text
from mss.imap.wire.grammar import ASTRING_CHAR
from mss.imap.wire.mailbox import encode_name

CRLF = b"\r\n"
NIL = b"NIL"
# Values longer than this go as literals, which keeps response lines short and cheap to scan.
MAX_QUOTED = 1024

_ASTRING_ATOM = re.compile(ASTRING_CHAR + b"+")
# What a quoted string carries as it is: ASCII without NUL, CR, LF, quote or backslash.
_PLAIN_QUOTED = re.compile(rf"[\x01-\x09\x0b\x0c\x0e-\x21\x23-\x5b\x5d-\x7f]{{0,{MAX_QUOTED}}}")


def _octets(value: bytes | str) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else value


def literal(value: bytes | str) -> bytes:
    """RFC 3501 §4.3 literal: ``{n}`` CRLF and the n octets."""
    data = _octets(value)
    return b"{%d}\r\n" % len(data) + data


def string(value: bytes | str, *, utf8: bool = False) -> bytes:
    """RFC 3501 §9 string: quoted when that can carry the value, a literal otherwise.

    ``utf8``: UTF8=ACCEPT is enabled, so a quoted string may hold UTF-8 (RFC 6855 §3). The
    tests are plain ``bytes`` methods: this runs for every field of every ENVELOPE and
    BODYSTRUCTURE of a full mailbox sync.
    """
    if isinstance(value, str) and _PLAIN_QUOTED.fullmatch(value):
        return b'"' + value.encode("ascii") + b'"'  # the common case, in one C-level test
    data = _octets(value)
    if (
        len(data) > MAX_QUOTED
        or b"\r" in data
        or b"\n" in data
        or b"\x00" in data
        or not (utf8 or data.isascii())
    ):
        return literal(data)
    if b"\\" in data or b'"' in data:
        data = data.replace(b"\\", b"\\\\").replace(b'"', b'\\"')
    return b'"' + data + b'"'


def nstring(value: bytes | str | None, *, utf8: bool = False) -> bytes:
    """RFC 3501 §9 nstring = string / nil."""
    return NIL if value is None else string(value, utf8=utf8)


def astring(value: bytes | str, *, utf8: bool = False) -> bytes:
    """RFC 3501 §9 astring: a bare atom when that is unambiguous, else a string.

    "NIL" is quoted so that it cannot be read as nil where an nstring could also stand.
    """
    data = _octets(value)
    if _ASTRING_ATOM.fullmatch(data) and data.upper() != NIL:
        return data
    return string(data, utf8=utf8)


def number(value: int) -> bytes:
    """RFC 3501 §9 number."""
    return b"%d" % value


def plist(items: Iterable[bytes]) -> bytes:
    """A parenthesised list of already encoded items."""
    return b"(" + b" ".join(items) + b")"


def flag_list(flags: Iterable[str]) -> bytes:
    """RFC 3501 §9 flag-list; flags are atoms (or backslash-atoms) and go as they are."""
    return plist(flag.encode("ascii") for flag in flags)


def mailbox_name(name: str, *, utf8: bool = False) -> bytes:
    """A mailbox name: modified UTF-7, or UTF-8 under UTF8=ACCEPT, as an astring."""
    return astring(encode_name(name, utf8=utf8), utf8=utf8)


def resp_text(text: str, code: str | Code | None = None) -> bytes:
    """RFC 3501 §9 resp-text = ["[" resp-text-code "]" SP] text."""
    found = as_code(code)
    prefix = found.render() + b" " if found is not None else b""
    return prefix + safe_text(text)


def untagged(*parts: bytes) -> bytes:
    """``* parts...`` CRLF: data (``* 3 EXISTS``) or status (``* OK [...] text``)."""
    return b"* " + b" ".join(parts) + CRLF


def untagged_status(status: str, text: str, code: str | Code | None = None) -> bytes:
    """RFC 3501 §7.1: ``* OK|NO|BAD|PREAUTH|BYE [code] text``."""
    return untagged(status.encode("ascii"), resp_text(text, code))


def tagged(tag: str, status: str, text: str, code: str | Code | None = None) -> bytes:
    """RFC 3501 §7.1: the tagged completion of a command."""
    return tag.encode("ascii") + b" " + status.encode("ascii") + b" " + resp_text(text, code) + CRLF


def continuation(text: str = "Ready") -> bytes:
    """RFC 3501 §7.5 command continuation request: ``+ text``."""
    return b"+ " + safe_text(text) + CRLF


def continuation_data(data: bytes) -> bytes:
    """A continuation carrying data, such as a base64 SASL challenge (RFC 3501 §6.2.2)."""
    return b"+ " + data + CRLF


def capability_data(capabilities: Sequence[str]) -> bytes:
    """The capability list, for ``* CAPABILITY`` and the CAPABILITY response code."""
    return " ".join(capabilities).encode("ascii")


def fetch_response(number_: int, items: Sequence[tuple[bytes, bytes]]) -> bytes:
    """RFC 3501 §7.4.2: ``* n FETCH (name value name value ...)`` CRLF."""
    body = b" ".join(name + b" " + value for name, value in items)
    return b"* %d FETCH (" % number_ + body + b")" + CRLF
