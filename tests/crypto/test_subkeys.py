"""Per-purpose subkeys of the web session key (issue 13, item 4): known-answer vectors, and each
use of a session token shown to run under its own subkey and under no other key."""

from __future__ import annotations

import base64

import pytest
from nacl.encoding import RawEncoder
from nacl.hash import blake2b

from crypto.content import ContentKey, decrypt
from crypto.errors import CryptoError, DecryptionError
from crypto.keys import AccountKeys
from crypto.session import SessionToken
from crypto.subkeys import Purpose, derive_subkey

SESSION_ID = bytes(range(32))
SESSION_KEY = bytes(range(32, 64))
VECTORS = {
    Purpose.SESSION_WRAP: "83bc62d1ae9674840d399d89023aeb670a0d2397ef95f5c640717963ea11b660",
    Purpose.SESSION_CACHE: "6cd4f1b9f217b97523f983e43888d13a82bdb980708d402a497ada76b2163a79",
    Purpose.SESSION_CSRF: "6b19d25337390234bba563708cdefd76dffb2e4006acc1a3b4bd08f6fc3968c0",
}


def test_known_answers_and_what_they_depend_on() -> None:
    for purpose, expected in VECTORS.items():
        subkey = derive_subkey(SESSION_KEY, purpose)
        assert subkey.hex() == expected, purpose
        assert subkey != SESSION_KEY
        unpersonalised = blake2b(purpose.value, digest_size=32, key=SESSION_KEY, encoder=RawEncoder)
        assert subkey != bytes(unpersonalised), "the personalisation is part of the derivation"
        assert derive_subkey(bytes(32), purpose) != subkey, "the master key is"
    assert len(set(VECTORS.values())) == len(Purpose), "every purpose has its own subkey"
    assert all(len(p.value) <= 16 for p in Purpose), "BLAKE2b personalisations are 16 bytes"


def test_a_master_key_of_the_wrong_length_is_refused() -> None:
    for master in (b"", bytes(31), bytes(33)):
        with pytest.raises(CryptoError):
            derive_subkey(master, Purpose.SESSION_WRAP)


def test_the_session_wrap_uses_its_subkey_and_not_the_session_key() -> None:
    token = SessionToken(SESSION_ID, SESSION_KEY)
    keys = AccountKeys.generate()
    sealed = token.seal_keys(keys)
    aad = b"mss/v1/web-session/" + token.lookup
    wrap_key = ContentKey(bytes.fromhex(VECTORS[Purpose.SESSION_WRAP]))
    assert decrypt(wrap_key, sealed, aad) == keys.secret()
    for other in (SESSION_KEY, bytes.fromhex(VECTORS[Purpose.SESSION_CACHE])):
        with pytest.raises(DecryptionError):
            decrypt(ContentKey(other), sealed, aad)


def test_the_cache_uses_its_subkey_and_not_the_session_key() -> None:
    token = SessionToken(SESSION_ID, SESSION_KEY)
    blob = token.encrypt(b"row", b"ctx")
    aad = b"mss/v1/web-session-cache/" + token.lookup + b"ctx"
    cache_key = ContentKey(bytes.fromhex(VECTORS[Purpose.SESSION_CACHE]))
    assert decrypt(cache_key, blob, aad) == b"row"
    for other in (SESSION_KEY, bytes.fromhex(VECTORS[Purpose.SESSION_WRAP])):
        with pytest.raises(DecryptionError):
            decrypt(ContentKey(other), blob, aad)


def test_the_csrf_token_is_keyed_by_its_subkey() -> None:
    token = SessionToken(SESSION_ID, SESSION_KEY)
    csrf_key = bytes.fromhex(VECTORS[Purpose.SESSION_CSRF])

    def mac(key: bytes) -> str:
        digest = blake2b(
            SESSION_ID, digest_size=24, key=key, person=b"mss-web-csrf", encoder=RawEncoder
        )
        return base64.urlsafe_b64encode(bytes(digest)).decode("ascii")

    assert token.csrf_token() == mac(csrf_key) == "P6z59qe0QvGzan6BRZitH7BHBldBh8BA"
    assert token.csrf_token() != mac(SESSION_KEY)
