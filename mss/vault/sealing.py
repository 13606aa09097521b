"""Which key and which associated data protect a vault document (as ``mss.mailcrypto`` does for
a message).

A document is one random content key sealed to its owner's public key (so delivery, which holds
no private key, can file one) and two ciphertexts under it: the metadata (everything a person
wrote or that names the document) and the content. Both are bound to the document's random
object id and to their role, so neither can be moved to another row or swapped with the other.
Identical content is recognised by a tag keyed with the server secret and the owner's id: a
dump shows neither the content's hash nor that two patients hold the same document.
"""

from __future__ import annotations

from crypto import AccountKeys, decrypt, encrypt, new_content_key, open_key, seal_key
from crypto.objects import associated_data, new_object_id
from crypto.tags import keyed_tag
from mss.store.vault_records import DocumentRecord, NewDocument
from mss.vault.model import DocumentMeta, decode_meta, encode_meta


def _aad(object_id: bytes, role: bytes) -> bytes:
    return associated_data(b"vault", object_id, role)


def content_tag(secret: bytes, account_id: int, content: bytes) -> bytes:
    return keyed_tag(secret, b"vault-content", str(account_id).encode(), content)


def seal_document(
    meta: DocumentMeta, content: bytes, owner_key: bytes, created_at: int, tag: bytes
) -> NewDocument:
    object_id = new_object_id()
    key = new_content_key()
    return NewDocument(
        object_id=object_id,
        sealed_key=seal_key(key, owner_key),
        meta=encrypt(key, encode_meta(meta), _aad(object_id, b"meta")),
        content=encrypt(key, content, _aad(object_id, b"content")),
        size=len(content),
        created_at=created_at,
        content_tag=tag,
    )


def open_meta(record: DocumentRecord, keys: AccountKeys) -> DocumentMeta:
    key = open_key(record.sealed_key, keys)
    return decode_meta(decrypt(key, record.meta, _aad(record.object_id, b"meta")))


def reseal_meta(record: DocumentRecord, keys: AccountKeys, meta: DocumentMeta) -> bytes:
    """New metadata under the document's own content key (a rename re-encrypts nothing else)."""
    key = open_key(record.sealed_key, keys)
    return encrypt(key, encode_meta(meta), _aad(record.object_id, b"meta"))


def open_content(record: DocumentRecord, keys: AccountKeys, blob: bytes) -> bytes:
    key = open_key(record.sealed_key, keys)
    return decrypt(key, blob, _aad(record.object_id, b"content"))
