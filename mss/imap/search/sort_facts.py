"""What SORT and THREAD order by (RFC 5256), read from a message's header block.

The header block comes from the message's sealed summary, opened in memory for the command and
dropped with it: nothing here is stored.
"""

from __future__ import annotations

import contextlib
import email.utils
import re
from dataclasses import dataclass

from mss.imap.fetch.message_sections import header_items
from mss.imap.search.search_eval import decoded_header_value
from mss.mime.addresses import parse_address_list
from mss.mime.charset import header_str

# RFC 5256 §5: subj-blob, subj-refwd, subj-leader and subj-trailer.
_BLOB = r"\[[^\[\]]*\][ \t]*"
_REFWD = re.compile(rf"(?:{_BLOB})*(?:re|fwd?)[ \t]*(?:{_BLOB})?:", re.IGNORECASE)
_BLOB_ONLY = re.compile(_BLOB)
_TRAILER = re.compile(r"(?:[ \t]*\(fwd\))+[ \t]*$|[ \t]+$", re.IGNORECASE)
_MSG_ID = re.compile(r"<[^<>\s]+>")


def base_subject(raw: bytes) -> tuple[str, bool]:
    """RFC 5256 §2.1: the base subject, and whether the subject marked a reply or forward.

    Encoded words are decoded and white space runs become one space (step 1); trailers
    "(fwd)" (step 2), leaders "Re:", "Fw:", "[blob]" (steps 3 and 4) and the "[fwd: ...]"
    wrapper (step 5) are removed until nothing changes. The result is upper-cased for the
    i;unicode-casemap comparison (RFC 5051).
    """
    text = " ".join(decoded_header_value(raw).split())
    marked = False
    while True:
        before = text
        trailer = _TRAILER.search(text)
        while trailer is not None and trailer.group():
            marked = marked or "(" in trailer.group()
            text = text[: trailer.start()]
            trailer = _TRAILER.search(text)
        while True:
            text = text.lstrip(" \t")
            leader = _REFWD.match(text)
            if leader is not None:
                marked = True
                text = text[leader.end() :]
                continue
            blob = _BLOB_ONLY.match(text)
            if blob is not None and text[blob.end() :].strip():
                text = text[blob.end() :]
                continue
            break
        if text[:5].upper() == "[FWD:" and text.endswith("]"):
            text, marked = text[5:-1], True
            continue
        if text == before:
            return text.upper(), marked


def _first_mailbox(raw: bytes | None) -> str:
    """RFC 5256 §3: the addr-mailbox of the first address, upper-cased (i;ascii-casemap)."""
    if raw is None:
        return ""
    for address in parse_address_list(header_str(raw)):
        if address.mailbox is not None:
            return address.mailbox.upper()
    return ""


def _display(raw: bytes | None) -> str:
    """RFC 5957 §3: the display name of the first address, or its addr-spec when it has none;
    a group stands by its name (as Dovecot sorts it)."""
    if raw is None:
        return ""
    for address in parse_address_list(header_str(raw)):
        if address.mailbox is None:
            continue  # the end marker of a group
        if address.name:
            return decoded_header_value(address.name.encode()).upper()
        if address.host is None:
            return address.mailbox.upper()  # a group's name, or a bare local part
        return f"{address.mailbox}@{address.host}".upper()
    return ""


def message_ids(raw: bytes | None) -> list[str]:
    """The msg-ids of a References or In-Reply-To field, in order (RFC 5322 §3.6.4)."""
    return [] if raw is None else _MSG_ID.findall(header_str(raw))


@dataclass(frozen=True, slots=True)
class SortFacts:
    """One message's sort and thread keys."""

    seq: int
    uid: int
    arrival: int
    size: int
    sent: float
    subject: str
    reply: bool
    from_: str
    to: str
    cc: str
    display_from: str
    display_to: str
    message_id: str | None
    references: tuple[str, ...]


def sort_facts(seq: int, uid: int, header: bytes, arrival: int, size: int) -> SortFacts:
    """The keys of one message; RFC 5256 §2.2: a sent date that cannot be read is the
    internal date."""
    fields: dict[str, bytes] = {}
    for name, value in header_items(header):
        fields.setdefault(name, value)
    sent = float(arrival)
    if "DATE" in fields:
        with contextlib.suppress(TypeError, ValueError, IndexError, OverflowError):
            sent = email.utils.parsedate_to_datetime(header_str(fields["DATE"])).timestamp()
    subject, reply = base_subject(fields.get("SUBJECT", b""))
    ids = message_ids(fields.get("MESSAGE-ID"))
    references = message_ids(fields.get("REFERENCES")) or message_ids(fields.get("IN-REPLY-TO"))[:1]
    return SortFacts(
        seq, uid, arrival, size, sent, subject, reply,
        _first_mailbox(fields.get("FROM")), _first_mailbox(fields.get("TO")),
        _first_mailbox(fields.get("CC")), _display(fields.get("FROM")),
        _display(fields.get("TO")), ids[0] if ids else None, tuple(references),
    )  # fmt: skip
