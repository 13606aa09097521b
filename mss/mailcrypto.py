"""Which key and which associated data protect each part of a stored message.

A message is one random content key sealed to its owner, and two ciphertexts under it: the
summary (structure, envelope, header block, exact internal date and size, a one-line preview
of the text) and the content (the
raw RFC 5322 bytes). Both are bound to the message's random object id and to their role, so
neither can be moved to another row or swapped with the other.

Both are padded by a random amount, and the row's clear date and size are perturbed
(``mss.coarse``), so that the copies of one message cannot be linked from a dump. Rows written
before that (roles ``summary`` and ``content``, unpadded) are still read: the padded role is
tried first, then the first one.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from crypto import (
    AccountKeys,
    ContentKey,
    DecryptionError,
    decrypt,
    encrypt,
    new_content_key,
    open_key,
    seal_key,
)
from crypto.objects import associated_data, new_object_id
from mss.coarse import clear_date, clear_size, content_padding, summary_padding
from mss.mime import parse_message, structure_from_json, structure_to_json
from mss.mime.model import MessageStructure
from mss.mime.preview import preview_of
from mss.store.records import MessageRecord, NewMessage

_LENGTH = struct.Struct(">I")
_EXACT = struct.Struct(">qQ")
_SUMMARY, _SUMMARY_PADDED = b"summary", b"summary/padded"
_CONTENT, _CONTENT_PADDED = b"content", b"content/padded"


@dataclass(frozen=True, slots=True)
class MessageSummary:
    structure: MessageStructure
    header: bytes
    internal_date: int
    size: int
    preview: str = ""
    """The start of the body's text (``mss.mime.preview``); "" for messages delivered before
    previews were kept."""


def _aad(object_id: bytes, role: bytes) -> bytes:
    return associated_data(b"message", object_id, role)


def encode_summary(summary: MessageSummary, padding: int = 0) -> bytes:
    """Exact date and size, structure, header block, preview, then ``padding`` zero octets.

    The preview comes last, length first: in a summary written before it was kept, the same
    place holds padding (zero octets, so a zero length) or nothing, which both read as none.
    """
    encoded = structure_to_json(summary.structure)
    preview = summary.preview.encode()
    return b"".join(
        (
            _EXACT.pack(summary.internal_date, summary.size),
            _LENGTH.pack(len(encoded)),
            encoded,
            _LENGTH.pack(len(summary.header)),
            summary.header,
            _LENGTH.pack(len(preview)),
            preview,
            bytes(padding),
        )
    )


def decode_summary(data: bytes) -> MessageSummary:
    internal_date, size = _EXACT.unpack_from(data)
    start = _EXACT.size
    (length,) = _LENGTH.unpack_from(data, start)
    start += _LENGTH.size
    structure = structure_from_json(data[start : start + length])
    start += length
    (header_length,) = _LENGTH.unpack_from(data, start)
    start += _LENGTH.size
    header = data[start : start + header_length]
    start += header_length
    return MessageSummary(structure, header, internal_date, size, _preview(data, start))


def _preview(data: bytes, start: int) -> str:
    """The preview at ``start``; "" where an older summary has only padding, or nothing."""
    if len(data) - start < _LENGTH.size:
        return ""
    (length,) = _LENGTH.unpack_from(data, start)
    start += _LENGTH.size
    if length > len(data) - start:
        return ""
    return data[start : start + length].decode("utf-8", "replace")


def _decode_unpadded(data: bytes, record: MessageRecord) -> MessageSummary:
    """A summary written before padding: its row's clear date and size were then exact."""
    (length,) = _LENGTH.unpack_from(data)
    start = _LENGTH.size
    structure = structure_from_json(data[start : start + length])
    return MessageSummary(structure, data[start + length :], record.internal_date, record.size)


def seal_message(
    raw: bytes,
    owner_key: bytes,
    flags: frozenset[str],
    internal_date: int,
    structure: MessageStructure | None = None,
) -> NewMessage:
    """Summarise and encrypt ``raw`` for the owner of public key ``owner_key``.

    ``structure`` is ``raw`` already parsed (SMTP parses once at DATA); otherwise it is parsed here.
    """
    if structure is None:
        structure = parse_message(raw)
    summary = MessageSummary(
        structure, raw[: structure.header_end], internal_date, len(raw), preview_of(raw, structure)
    )
    object_id = new_object_id()
    key = new_content_key()
    pad = content_padding(len(raw))
    padded = raw + bytes(pad) + _LENGTH.pack(pad)
    return NewMessage(
        object_id=object_id,
        sealed_key=seal_key(key, owner_key),
        summary=encrypt(
            key,
            encode_summary(summary, summary_padding()),
            _aad(object_id, _SUMMARY_PADDED),
        ),
        content=encrypt(key, padded, _aad(object_id, _CONTENT_PADDED)),
        size=clear_size(len(raw)),
        internal_date=clear_date(internal_date),
        flags=flags,
    )


def open_content_key(record: MessageRecord, keys: AccountKeys) -> ContentKey:
    return open_key(record.sealed_key, keys)


def open_summary(record: MessageRecord, key: ContentKey) -> MessageSummary:
    try:
        data = decrypt(key, record.summary, _aad(record.object_id, _SUMMARY_PADDED))
    except DecryptionError:
        data = decrypt(key, record.summary, _aad(record.object_id, _SUMMARY))
        return _decode_unpadded(data, record)
    return decode_summary(data)


def open_content_of(object_id: bytes, key: ContentKey, blob: bytes) -> bytes:
    """The raw message of object ``object_id`` (its key known, e.g. from a mailbox index)."""
    try:
        padded = decrypt(key, blob, _aad(object_id, _CONTENT_PADDED))
    except DecryptionError:
        return decrypt(key, blob, _aad(object_id, _CONTENT))
    (pad,) = _LENGTH.unpack_from(padded, len(padded) - _LENGTH.size)
    return padded[: len(padded) - _LENGTH.size - pad]
