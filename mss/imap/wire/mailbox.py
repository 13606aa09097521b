"""Mailbox names on the wire: modified UTF-7 both ways, raw UTF-8, and the INBOX rule.

Inside the server a mailbox name is a ``str`` of Unicode characters. On the wire it is modified
UTF-7 (RFC 3501 §5.1.3) unless the client enabled UTF8=ACCEPT, in which case it is UTF-8
(RFC 6855 §3). Clients that never enabled it still send 8-bit names now and then; such a name
cannot be modified UTF-7, so it is read as UTF-8 rather than refused.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Final

from mss.imap.wire.codes import CANNOT, NO
from mss.imap.wire.errors import CommandError
from mss.imap.wire.grammar import Buffer, astring, list_mailbox

INBOX: Final = "INBOX"

# RFC 3501 §5.1.3: printable US-ASCII stands for itself ("&" is written "&-"); anything else is
# UTF-16BE in base64 with "," for "/", no padding, between "&" and "-".
_PIECE = re.compile(rb"&([A-Za-z0-9+,]*)-|[\x20-\x25\x27-\x7e]+")


class MailboxNameError(ValueError):
    """A name that is not valid modified UTF-7 or UTF-8."""


def encode_mutf7(name: str) -> bytes:
    """A mailbox name in modified UTF-7 (RFC 3501 §5.1.3)."""
    out = bytearray()
    pending: list[str] = []

    def flush() -> None:
        if pending:
            utf16 = "".join(pending).encode("utf-16-be")
            out.extend(b"&" + base64.b64encode(utf16).rstrip(b"=").replace(b"/", b",") + b"-")
            pending.clear()

    for char in name:
        if " " <= char <= "~":
            flush()
            out.extend(b"&-" if char == "&" else char.encode("ascii"))
        else:
            pending.append(char)
    flush()
    return bytes(out)


def decode_mutf7(data: bytes) -> str:
    """A modified UTF-7 name as text; anything but the one canonical encoding is refused.

    RFC 3501 §5.1.3 forbids base64 for printable ASCII and null shifts ("-&"); comparing with the
    re-encoding catches those and every other non-canonical form in one test, so that two
    spellings never name one mailbox.
    """
    parts: list[str] = []
    pos = 0
    while pos < len(data):
        match = _PIECE.match(data, pos)
        if match is None:
            raise MailboxNameError("Mailbox name is not valid modified UTF-7")
        if match.group(1) is None:
            parts.append(match.group().decode("ascii"))
        elif not match.group(1):
            parts.append("&")
        else:
            parts.append(_decode_shifted(match.group(1)))
        pos = match.end()
    name = "".join(parts)
    if encode_mutf7(name) != data:
        raise MailboxNameError("Mailbox name is not in canonical modified UTF-7")
    return name


def _decode_shifted(chunk: bytes) -> str:
    padded = chunk.replace(b",", b"/") + b"=" * (-len(chunk) % 4)
    try:
        return base64.b64decode(padded, validate=True).decode("utf-16-be")
    except (binascii.Error, UnicodeDecodeError):
        raise MailboxNameError("Mailbox name is not valid modified UTF-7") from None


def normalise(name: str) -> str:
    """INBOX is case-insensitive (RFC 3501 §5.1): any spelling of it is the one INBOX."""
    return INBOX if name.upper() == INBOX else name


def decode_name(raw: bytes, *, utf8: bool) -> str:
    """A mailbox name as the client sent it, decoded, checked and normalised."""
    if utf8 or any(octet >= 0x80 for octet in raw):
        try:
            name = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise MailboxNameError("Mailbox name is not valid UTF-8") from None
    else:
        name = decode_mutf7(raw)
    # RFC 6855 §3 and RFC 5198: names are Net-Unicode, without control characters.
    if any(ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 for char in name):
        raise MailboxNameError("Mailbox name contains a control character")
    return normalise(name)


def encode_name(name: str, *, utf8: bool) -> bytes:
    """A mailbox name for the wire: UTF-8 once UTF8=ACCEPT is enabled (RFC 6855 §3)."""
    return name.encode("utf-8") if utf8 else encode_mutf7(name)


def mailbox(buf: Buffer, *, utf8: bool) -> tuple[str, Buffer]:
    """RFC 3501 §9 mailbox = "INBOX" / astring.

    A well-formed astring that names no possible mailbox is a command that cannot be carried out,
    not a syntax error: NO [CANNOT] (RFC 5530 §3), as for the other invalid names in ``names``.
    """
    raw, rest = astring(buf)
    try:
        return decode_name(raw, utf8=utf8), rest
    except MailboxNameError as exc:
        raise CommandError(NO, CANNOT, f"Invalid mailbox name: {exc}") from None


def list_pattern(buf: Buffer, *, utf8: bool) -> tuple[str, Buffer]:
    """RFC 3501 §9 list-mailbox: a name that may hold the wildcards "%" and "*".

    A pattern is a filter, not a name: one that is not valid modified UTF-7 (a bare "&", say) is
    still a well-formed list-mailbox, so it is taken character for character and the command
    completes OK, listing whatever it matches (RFC 3501 §6.3.8 never makes a pattern an error).
    """
    raw, rest = list_mailbox(buf)
    if not raw:
        return "", rest
    try:
        return decode_name(raw, utf8=utf8), rest
    except MailboxNameError:
        return normalise(raw.decode("utf-8", errors="replace")), rest
