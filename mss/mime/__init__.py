"""MIME: raw RFC 5322 octets to the parsed model IMAP and the webmail answer from, and back
out of the compact JSON kept in each message's summary."""

from mss.mime.codec import StructureFormatError, structure_from_json, structure_to_json
from mss.mime.envelope import envelope_from_headers
from mss.mime.sections import (
    AttachmentInfo,
    attachments,
    decoded_body,
    find_part,
    iter_text,
    text_of,
)
from mss.mime.structure import MAX_DEPTH, MAX_PARTS, parse_message

__all__ = [
    "MAX_DEPTH",
    "MAX_PARTS",
    "AttachmentInfo",
    "StructureFormatError",
    "attachments",
    "decoded_body",
    "envelope_from_headers",
    "find_part",
    "iter_text",
    "parse_message",
    "structure_from_json",
    "structure_to_json",
    "text_of",
]
