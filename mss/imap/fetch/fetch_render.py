"""The value of each FETCH data item for one message (RFC 3501 §7.4.2).

What an item needs decides what is decrypted: metadata items come from the session's view;
ENVELOPE, BODY, BODYSTRUCTURE and header sections from the encrypted summary; the rest from the
content (DESIGN.md "Cryptography": bodies are decrypted only when asked for).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from mss.imap.fetch.encode_body import body, envelope
from mss.imap.fetch.message_sections import header_only, partial, section_octets
from mss.imap.fetch.parse_fetch import (
    BINARY,
    BINARY_SIZE,
    BODY,
    BODYSTRUCTURE,
    ENVELOPE,
    FLAGS,
    INTERNALDATE,
    MODSEQ,
    RFC822,
    RFC822_HEADER,
    RFC822_SIZE,
    RFC822_TEXT,
    UID,
    FetchItem,
)
from mss.imap.wire.codes import NO, UNKNOWN_CTE
from mss.imap.wire.dates import format_date_time
from mss.imap.wire.encode import NIL, flag_list, literal
from mss.imap.wire.errors import CommandError
from mss.mailcrypto import MessageSummary
from mss.mime.sections import decoded_body, find_part
from mss.reading.index import IndexedMessage
from mss.store.records import MessageIndexEntry

# The exact internal date and size are sealed in the summary; the row's are perturbed (mss.coarse).
_SUMMARY_ITEMS = frozenset(
    {ENVELOPE, BODY, BODYSTRUCTURE, RFC822_HEADER, INTERNALDATE, RFC822_SIZE}
)
_CONTENT_ITEMS = frozenset({RFC822, RFC822_TEXT})
# RFC 2045 §6.1 encodings BINARY can undo (the identity ones need nothing undone).
_KNOWN_ENCODINGS = frozenset({"7BIT", "8BIT", "BINARY", "BASE64", "QUOTED-PRINTABLE"})


def needs_summary(items: Iterable[FetchItem]) -> bool:
    """Whether any item needs the decrypted summary (structure and header block)."""
    return any(item.section is not None or item.name in _SUMMARY_ITEMS for item in items)


def needs_content(items: Iterable[FetchItem]) -> bool:
    """Whether any item needs the decrypted message itself."""
    return any(
        item.name in _CONTENT_ITEMS or (item.section is not None and not header_only(item.section))
        for item in items
    )


@dataclass(frozen=True, slots=True)
class FetchSource:
    """One message as FETCH reads it; ``summary`` and ``content`` only when needed."""

    entry: MessageIndexEntry
    flags: frozenset[str]
    summary: MessageSummary | None = None
    content: bytes | None = None
    indexed: IndexedMessage | None = None
    """The message in the mailbox index (mss/reading): its summary, decoded on first use, and
    memoised renderings."""

    def need_summary(self) -> MessageSummary:
        """The summary; loading it is decided by ``needs_summary`` before rendering."""
        if self.summary is None:
            if self.indexed is None:
                raise RuntimeError("the summary was not loaded")
            return self.indexed.summary
        return self.summary

    def memoised(self, name: bytes, make: Callable[[MessageSummary], bytes]) -> bytes:
        """``make(summary)``, kept in the mailbox index when the message is there."""
        if self.indexed is None:
            return make(self.need_summary())
        return self.indexed.rendering(name, make)

    def need_content(self) -> bytes:
        """The content; loading it is decided by ``needs_content`` before rendering."""
        if self.content is None:
            raise RuntimeError("the content was not loaded")
        return self.content


def _section(item: FetchItem, source: FetchSource) -> bytes:
    """BODY[section]<partial>: a literal, or NIL for a part the message does not have."""
    if item.section is None:
        raise RuntimeError("not a section item")
    summary = source.need_summary()
    raw = summary.header if header_only(item.section) else source.need_content()
    data = section_octets(raw, summary.structure, item.section)
    if data is None:
        return NIL
    if item.partial is not None:
        data = partial(data, *item.partial)
    return literal(data)


def _binary(item: FetchItem, source: FetchSource) -> bytes:
    """RFC 3516 §4.2 BINARY[part]<partial> and BINARY.SIZE[part]: the part's content with its
    transfer encoding undone, as a literal8 when it holds NUL octets; NIL for a missing part.

    A multipart or message/rfc822 part has no transfer encoding of its own to undo: it is sent
    as it is, like ``BINARY[]`` for the whole message. An encoding the server cannot undo is
    NO [UNKNOWN-CTE] (RFC 3516 §4.3).
    """
    if item.section is None:
        raise RuntimeError("not a section item")
    structure = source.need_summary().structure
    raw = source.need_content()
    part = structure.body if not item.section.part else find_part(structure, item.section.part)
    if part is None:
        return NIL
    if not item.section.part:
        data = raw
    elif part.children or part.message is not None:
        data = raw[part.body_start : part.end]
    elif part.encoding not in _KNOWN_ENCODINGS:
        raise CommandError(NO, UNKNOWN_CTE, "Unknown Content-Transfer-Encoding")
    else:
        data = decoded_body(raw, part)
    if item.name == BINARY_SIZE:
        return b"%d" % len(data)
    if item.partial is not None:
        data = partial(data, *item.partial)
    return b"~" + literal(data) if b"\0" in data else literal(data)


def _internal_date(summary: MessageSummary) -> bytes:
    exact = datetime.datetime.fromtimestamp(summary.internal_date, datetime.UTC)
    return format_date_time(exact)


def _size(summary: MessageSummary) -> bytes:
    return b"%d" % summary.size


def _envelope(summary: MessageSummary) -> bytes:
    return envelope(summary.structure.envelope)


def _body(summary: MessageSummary) -> bytes:
    return body(summary.structure.body, extended=False)


def _bodystructure(summary: MessageSummary) -> bytes:
    return body(summary.structure.body, extended=True)


def render(item: FetchItem, source: FetchSource) -> bytes:
    """The wire value of ``item`` for the message in ``source``."""
    entry = source.entry
    if item.name in (BINARY, BINARY_SIZE):
        return _binary(item, source)
    if item.section is not None:
        return _section(item, source)
    if item.name == UID:
        return b"%d" % entry.uid
    if item.name == FLAGS:
        return flag_list(sorted(source.flags))
    if item.name == INTERNALDATE:
        return source.memoised(b"imap/internaldate", _internal_date)
    if item.name == RFC822_SIZE:
        return source.memoised(b"imap/size", _size)
    if item.name == MODSEQ:
        return b"(%d)" % entry.modseq  # RFC 7162 §3.1.4.1
    if item.name == ENVELOPE:
        return source.memoised(b"imap/envelope", _envelope)
    if item.name == BODY:
        return source.memoised(b"imap/body", _body)
    if item.name == BODYSTRUCTURE:
        return source.memoised(b"imap/bodystructure", _bodystructure)
    if item.name == RFC822_HEADER:
        return literal(source.need_summary().header)
    if item.name == RFC822_TEXT:
        return literal(source.need_content()[source.need_summary().structure.header_end :])
    return literal(source.need_content())
