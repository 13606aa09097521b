"""Which key and which associated data protect each part of a stored message.

A message is one random content key sealed to its owner, and two ciphertexts under it: the
summary (structure, envelope, header block) and the content (the raw RFC 5322 bytes). Both are
bound to the message's random object id and to their role, so neither can be moved to another
row or swapped with the other.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from crypto import AccountKeys, ContentKey, decrypt, encrypt, new_content_key, open_key, seal_key
from crypto.objects import associated_data, new_object_id
from mss.mime import parse_message, structure_from_json, structure_to_json
from mss.mime.model import MessageStructure
from mss.store.records import MessageRecord, NewMessage

_LENGTH = struct.Struct(">I")


@dataclass(frozen=True, slots=True)
class MessageSummary:
    structure: MessageStructure
    header: bytes


def _aad(object_id: bytes, role: bytes) -> bytes:
    return associated_data(b"message", object_id, role)


def encode_summary(summary: MessageSummary) -> bytes:
    encoded = structure_to_json(summary.structure)
    return _LENGTH.pack(len(encoded)) + encoded + summary.header


def decode_summary(data: bytes) -> MessageSummary:
    (length,) = _LENGTH.unpack_from(data)
    start = _LENGTH.size
    return MessageSummary(structure_from_json(data[start : start + length]), data[start + length :])


def seal_message(
    raw: bytes, owner_key: bytes, flags: frozenset[str], internal_date: int
) -> NewMessage:
    """Parse, summarise and encrypt ``raw`` for the owner of public key ``owner_key``."""
    structure = parse_message(raw)
    summary = MessageSummary(structure, raw[: structure.header_end])
    object_id = new_object_id()
    key = new_content_key()
    return NewMessage(
        object_id=object_id,
        sealed_key=seal_key(key, owner_key),
        summary=encrypt(key, encode_summary(summary), _aad(object_id, b"summary")),
        content=encrypt(key, raw, _aad(object_id, b"content")),
        size=len(raw),
        internal_date=internal_date,
        flags=flags,
    )


def open_content_key(record: MessageRecord, keys: AccountKeys) -> ContentKey:
    return open_key(record.sealed_key, keys)


def open_summary(record: MessageRecord, key: ContentKey) -> MessageSummary:
    return decode_summary(decrypt(key, record.summary, _aad(record.object_id, b"summary")))


def open_content(record: MessageRecord, key: ContentKey, blob: bytes) -> bytes:
    return decrypt(key, blob, _aad(record.object_id, b"content"))
