"""Whether a professional's message closes the conversation with a patient.

The trust space's client rules (Référentiel #2, DOMAIN.md "Read receipts") close a conversation
with ``X-MSS-MES: FIN``, or in the patient messaging with a subject that is exactly ``[FIN]``;
the patient then cannot reply until the professional writes again (mss/policy.py).
"""

from __future__ import annotations

from email.errors import HeaderParseError
from email.header import decode_header, make_header

from mss.mime.headers import read_header_block

CLOSING_SUBJECT = "[FIN]"
CLOSING_HEADER = "x-mss-mes"
CLOSING_VALUE = "FIN"


def closes_conversation(raw: bytes) -> bool:
    fields = read_header_block(raw, 0, len(raw)).fields
    marker = fields.get(CLOSING_HEADER)
    if marker is not None and marker.decode("ascii", "replace").strip().upper() == CLOSING_VALUE:
        return True
    subject = fields.get("subject")
    return subject is not None and _decoded(subject).strip() == CLOSING_SUBJECT


def _decoded(value: bytes) -> str:
    """RFC 2047 encoded words decoded; a value that cannot be decoded is compared as it is."""
    text = value.decode("utf-8", "replace")
    try:
        return str(make_header(decode_header(text)))
    except (HeaderParseError, LookupError, UnicodeDecodeError):
        return text
