"""The value of each FETCH data item for one message (RFC 3501 §7.4.2).

What an item needs decides what is decrypted: metadata items come from the session's view;
ENVELOPE, BODY, BODYSTRUCTURE and header sections from the encrypted summary; the rest from the
content (DESIGN.md "Cryptography": bodies are decrypted only when asked for).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from mss.imap.dates import format_date_time
from mss.imap.encode import NIL, flag_list, literal
from mss.imap.encode_body import body, envelope
from mss.imap.message_sections import header_only, partial, section_octets
from mss.imap.parse_fetch import (
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
from mss.mailcrypto import MessageSummary
from mss.store.records import MessageIndexEntry

# The exact internal date and size are sealed in the summary; the row's are perturbed (mss.coarse).
_SUMMARY_ITEMS = frozenset(
    {ENVELOPE, BODY, BODYSTRUCTURE, RFC822_HEADER, INTERNALDATE, RFC822_SIZE}
)
_CONTENT_ITEMS = frozenset({RFC822, RFC822_TEXT})


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

    def need_summary(self) -> MessageSummary:
        """The summary; loading it is decided by ``needs_summary`` before rendering."""
        if self.summary is None:
            raise RuntimeError("the summary was not loaded")
        return self.summary

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


def render(item: FetchItem, source: FetchSource) -> bytes:
    """The wire value of ``item`` for the message in ``source``."""
    entry = source.entry
    if item.section is not None:
        return _section(item, source)
    if item.name == UID:
        return b"%d" % entry.uid
    if item.name == FLAGS:
        return flag_list(sorted(source.flags))
    if item.name == INTERNALDATE:
        exact = source.need_summary().internal_date
        return format_date_time(datetime.datetime.fromtimestamp(exact, datetime.UTC))
    if item.name == RFC822_SIZE:
        return b"%d" % source.need_summary().size
    if item.name == MODSEQ:
        return b"(%d)" % entry.modseq  # RFC 7162 §3.1.4.1
    if item.name == ENVELOPE:
        return envelope(source.need_summary().structure.envelope)
    if item.name in (BODY, BODYSTRUCTURE):
        structure = source.need_summary().structure
        return body(structure.body, extended=item.name == BODYSTRUCTURE)
    if item.name == RFC822_HEADER:
        return literal(source.need_summary().header)
    if item.name == RFC822_TEXT:
        return literal(source.need_content()[source.need_summary().structure.header_end :])
    return literal(source.need_content())
