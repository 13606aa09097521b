"""The parsed shape of a stored message, kept (encrypted) in each message's summary.

IMAP answers ENVELOPE, BODYSTRUCTURE and BODY[section] from this model without decrypting
whole bodies, and the webmail lists attachments from it. Offsets point into the raw RFC 5322
bytes exactly as they were delivered, so a section can be sliced out of the decrypted content.
"""

from __future__ import annotations

from dataclasses import dataclass

Params = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class EnvelopeAddress:
    """One address of an ENVELOPE list (RFC 3501 §7.4.2).

    Group syntax is encoded as IMAP does: a start marker with ``host=None`` and ``mailbox`` set to
    the group name, and an end marker with both ``mailbox`` and ``host`` set to None.
    """

    name: str | None
    route: str | None
    mailbox: str | None
    host: str | None


@dataclass(frozen=True, slots=True)
class Envelope:
    """Header fields of RFC 3501 §7.4.2, raw (encoded words are left as they were)."""

    date: str | None
    subject: str | None
    from_: tuple[EnvelopeAddress, ...]
    sender: tuple[EnvelopeAddress, ...]
    reply_to: tuple[EnvelopeAddress, ...]
    to: tuple[EnvelopeAddress, ...]
    cc: tuple[EnvelopeAddress, ...]
    bcc: tuple[EnvelopeAddress, ...]
    in_reply_to: str | None
    message_id: str | None


@dataclass(frozen=True, slots=True)
class BodyPart:
    """One MIME entity (RFC 2045) with its place in the raw message."""

    content_type: str
    subtype: str
    params: Params
    content_id: str | None
    description: str | None
    encoding: str
    size: int
    lines: int | None
    md5: str | None
    disposition: tuple[str, Params] | None
    language: tuple[str, ...] | None
    location: str | None
    header_start: int
    body_start: int
    end: int
    children: tuple[BodyPart, ...] = ()
    envelope: Envelope | None = None
    message: BodyPart | None = None


@dataclass(frozen=True, slots=True)
class MessageStructure:
    """A whole message: its envelope, its root body, and where its header block ends."""

    envelope: Envelope
    body: BodyPart
    header_end: int
