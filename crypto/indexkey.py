"""The account's index key, and the sealing of a mailbox index under it.

A mailbox index (mss/reading/index.py) holds the opened summaries and content keys of a whole
mailbox in one blob, so that a session opens it with one symmetric decryption instead of one
X25519 operation per message. Its key is derived from the account's X25519 private key with
keyed BLAKE2b (personalised, so it equals no other key derived from that secret): whoever can
open the account's messages can open its indexes, and nobody else, with no new secret to store.
Delivery, which runs without the owner's keys, never writes an index.

The blob is bound, as associated data, to its account and to its mailbox's id and UIDVALIDITY:
copied to another mailbox, to another account's row, or kept across a re-created mailbox that
reused the id, it does not decrypt.
"""

from __future__ import annotations

from nacl.encoding import RawEncoder
from nacl.hash import blake2b

from crypto.content import KEY_BYTES, ContentKey, decrypt, encrypt
from crypto.keys import AccountKeys
from crypto.objects import associated_data

_PERSON = b"mss/index/key/v1"  # 16 octets, BLAKE2b's personalisation length


def index_key(keys: AccountKeys) -> ContentKey:
    """The account's symmetric index key; the same for every session of the account."""
    raw = blake2b(
        b"", digest_size=KEY_BYTES, key=bytes(keys.encryption), person=_PERSON, encoder=RawEncoder
    )
    return ContentKey(raw)


def _aad(account_id: int, mailbox_id: int, uidvalidity: int) -> bytes:
    return associated_data(
        b"index",
        account_id.to_bytes(8, "big"),
        mailbox_id.to_bytes(8, "big"),
        uidvalidity.to_bytes(8, "big"),
    )


def seal_index(
    key: ContentKey, plaintext: bytes, account_id: int, mailbox_id: int, uidvalidity: int
) -> bytes:
    return encrypt(key, plaintext, _aad(account_id, mailbox_id, uidvalidity))


def open_index(
    key: ContentKey, blob: bytes, account_id: int, mailbox_id: int, uidvalidity: int
) -> bytes:
    """The index's plaintext; :class:`~crypto.errors.DecryptionError` when ``blob`` is not this
    account's index of this mailbox."""
    return decrypt(key, blob, _aad(account_id, mailbox_id, uidvalidity))
