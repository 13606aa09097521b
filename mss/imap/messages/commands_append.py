"""APPEND (RFC 3501 §6.3.11), with several messages at once (MULTIAPPEND, RFC 3502), the
``UTF8 (literal8)`` form of RFC 6855 §4 and messages put together from parts (CATENATE,
RFC 4469)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Self

from mss.imap.wire.command import AuthenticatedCommand, ParseOptions
from mss.imap.wire.dates import date_time
from mss.imap.wire.flags import flag_list
from mss.imap.wire.grammar import Buffer, astring, maybe, parenthesised, sp, token
from mss.imap.wire.mailbox import mailbox


@dataclass(frozen=True, slots=True)
class AppendMessage:
    """One message of an APPEND: its octets, flags and internal date (None: now)."""

    data: bytes
    flags: tuple[str, ...] = ()
    internal_date: datetime.datetime | None = None
    utf8: bool = False
    catenate: tuple[bytes | str, ...] = ()
    """RFC 4469 §5: the parts to join, in order: text (bytes) or an IMAP URL (str); when given,
    ``data`` is empty until the handler has resolved them."""

    def __repr__(self) -> str:
        """Message content is confidential: a log shows its size only."""
        return f"AppendMessage({len(self.data)} octets, flags={self.flags!r})"


def _cat_part(buf: Buffer) -> tuple[bytes | str, Buffer]:
    """RFC 4469 §5 cat-part = text-literal / url; text-literal = "TEXT" SP literal,
    url = "URL" SP astring."""
    after_text = maybe(buf, b"TEXT")
    if after_text is not None:
        rest = sp(after_text)
        if not rest.at_literal():
            raise rest.error("Expected the text as a literal")
        value, rest = rest.take_literal()
        return value.data, rest
    after_url = maybe(buf, b"URL")
    if after_url is None:
        raise buf.error("Expected TEXT or URL")
    url, rest = astring(sp(after_url))
    try:
        return url.decode("ascii"), rest
    except UnicodeDecodeError:
        raise buf.error("An IMAP URL is ASCII") from None


def _append_message(buf: Buffer) -> tuple[AppendMessage, Buffer]:
    """RFC 3502 §6 append-message = [SP flag-list] [SP date-time] SP append-data."""
    rest = sp(buf)
    flags: tuple[str, ...] = ()
    internal_date = None
    if rest.peek() == b"(":
        flags, rest = flag_list(rest)
        rest = sp(rest)
    if rest.peek() == b'"':
        internal_date, rest = date_time(rest)
        rest = sp(rest)
    after_utf8 = maybe(rest, b"UTF8")
    if after_utf8 is not None:
        # RFC 6855 §4: "UTF8" SP "(" literal8 ")" carries a message with UTF-8 headers.
        rest = token(sp(after_utf8), b"(")
        value, rest = rest.take_literal()
        if not value.binary:
            raise rest.error("UTF8 data must be a literal8")
        return AppendMessage(value.data, flags, internal_date, True), token(rest, b")")
    after_catenate = maybe(rest, b"CATENATE")
    if after_catenate is not None:
        parts, rest = parenthesised(sp(after_catenate), _cat_part, allow_empty=False)
        return AppendMessage(b"", flags, internal_date, catenate=parts), rest
    if not rest.at_literal():
        raise rest.error("Expected the message as a literal")
    value, rest = rest.take_literal()
    return AppendMessage(value.data, flags, internal_date), rest


@dataclass(frozen=True, slots=True)
class Append(AuthenticatedCommand):
    """``APPEND mailbox message [message ...]``: all stored, or none (RFC 3502 §3)."""

    name = "APPEND"
    mailbox: str
    messages: tuple[AppendMessage, ...]

    @classmethod
    def parse(cls, tag: str, buf: Buffer, options: ParseOptions) -> tuple[Self, Buffer]:
        name, rest = mailbox(sp(buf), utf8=options.utf8)
        messages: list[AppendMessage] = []
        while not messages or rest.peek() == b" ":
            message, rest = _append_message(rest)
            messages.append(message)
        return cls(tag, name, tuple(messages)), rest
