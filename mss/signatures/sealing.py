"""Which key protects a signature request.

A request has one random content key, sealed once to each participant (the organisation that
sent it and every signer): they alone can read the document, the audit trail and the evidence,
and the server, which files the request while they are away, cannot read it afterwards. The
request's public id and its revision are in the associated data, so a body or a document cannot
be moved to another request, nor an older document paired with a newer body.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from crypto import AccountKeys, ContentKey, DecryptionError, decrypt, encrypt, open_key, seal_key


class NotParticipant(Exception):
    """The account holds no key to this request: it neither sent it nor is asked to sign it."""


def _aad(role: bytes, public_id: bytes, revision: int) -> bytes:
    return b"mss/v1/signature/" + role + b"/" + public_id + b"/" + str(revision).encode()


def seal_for(key: ContentKey, public_keys: Iterable[bytes]) -> tuple[bytes, ...]:
    return tuple(seal_key(key, public) for public in public_keys)


def open_for(sealed_keys: Iterable[bytes], keys: AccountKeys) -> ContentKey:
    """Anonymous sealed boxes name no recipient: the participant's own key is the one that opens."""
    for sealed in sealed_keys:
        try:
            return open_key(sealed, keys)
        except DecryptionError:
            continue
    raise NotParticipant


def seal_body(key: ContentKey, public_id: bytes, revision: int, body: dict[str, Any]) -> bytes:
    data = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    return encrypt(key, data, _aad(b"body", public_id, revision))


def open_body(key: ContentKey, public_id: bytes, revision: int, blob: bytes) -> dict[str, Any]:
    value = json.loads(decrypt(key, blob, _aad(b"body", public_id, revision)))
    if not isinstance(value, dict):
        raise DecryptionError
    return value


def seal_document(key: ContentKey, public_id: bytes, revision: int, pdf: bytes) -> bytes:
    return encrypt(key, pdf, _aad(b"document", public_id, revision))


def open_document(key: ContentKey, public_id: bytes, revision: int, blob: bytes) -> bytes:
    return decrypt(key, blob, _aad(b"document", public_id, revision))
