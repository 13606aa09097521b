"""The IMAP ENVELOPE of a message (RFC 3501 §7.4.2), built from its header fields."""

from __future__ import annotations

from collections.abc import Mapping

from mss.mime.addresses import parse_address_list
from mss.mime.model import Envelope, EnvelopeAddress

# The header fields an envelope is made of, lower-case as header blocks key them.
ENVELOPE_FIELDS = frozenset(
    {
        "date",
        "subject",
        "from",
        "sender",
        "reply-to",
        "to",
        "cc",
        "bcc",
        "in-reply-to",
        "message-id",
    }
)


def _addresses(headers: Mapping[str, str], name: str) -> tuple[EnvelopeAddress, ...]:
    value = headers.get(name)
    return () if value is None else parse_address_list(value)


def envelope_from_headers(headers: Mapping[str, str]) -> Envelope:
    """Build the envelope from unfolded field values keyed by lower-case field name.

    Values are kept raw, encoded words included: clients decode them (RFC 3501 §7.4.2).
    """
    from_ = _addresses(headers, "from")
    # RFC 3501 §7.4.2: an absent or empty Sender or Reply-To takes the value of From.
    return Envelope(
        date=headers.get("date"),
        subject=headers.get("subject"),
        from_=from_,
        sender=_addresses(headers, "sender") or from_,
        reply_to=_addresses(headers, "reply-to") or from_,
        to=_addresses(headers, "to"),
        cc=_addresses(headers, "cc"),
        bcc=_addresses(headers, "bcc"),
        in_reply_to=headers.get("in-reply-to"),
        message_id=headers.get("message-id"),
    )
