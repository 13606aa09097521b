"""Edges of the crypto layer that round trips alone do not pin (issue 18): the framing chosen at
the chunk size, the number of stream chunks, the messages people and operators read, key files
in directories that do not exist yet, and CSRF candidates that are not valid text."""

from __future__ import annotations

from pathlib import Path

import pytest
from nacl import pwhash

from crypto import DecryptionError
from crypto.content import CHUNK_BYTES, decrypt, encrypt, new_content_key
from crypto.errors import CryptoError
from crypto.kdf import Argon2Params, derive_password_key
from crypto.queuekey import QueueKey, load_or_create_queue_key
from crypto.session import SessionToken
from crypto.tokens import new_app_password, new_recovery_key, normalise

NONCE, HEADER, TAG_ONE_SHOT, TAG_CHUNK = 24, 24, 16, 17


@pytest.mark.parametrize(
    ("size", "length"),
    [
        (CHUNK_BYTES, 1 + NONCE + CHUNK_BYTES + TAG_ONE_SHOT),
        (CHUNK_BYTES + 1, 1 + HEADER + CHUNK_BYTES + 1 + 2 * TAG_CHUNK),
        (2 * CHUNK_BYTES - 1, 1 + HEADER + 2 * CHUNK_BYTES - 1 + 2 * TAG_CHUNK),
        (2 * CHUNK_BYTES, 1 + HEADER + 2 * CHUNK_BYTES + 2 * TAG_CHUNK),
    ],
)
def test_framing_and_chunk_count(size: int, length: int) -> None:
    key = new_content_key()
    blob = encrypt(key, bytes(size), b"aad")
    assert blob[:1] == (b"\x01" if size <= CHUNK_BYTES else b"\x02")
    assert len(blob) == length
    assert decrypt(key, blob, b"aad") == bytes(size)


def test_messages_people_and_operators_read() -> None:
    assert str(DecryptionError()) == "decryption failed: wrong key, or data altered or moved"
    with pytest.raises(CryptoError) as wrong_salt:
        derive_password_key("x", b"", Argon2Params.minimum())
    assert str(wrong_salt.value) == "password salt has the wrong length"
    assert repr(QueueKey.generate()) == "QueueKey(<secret>)"
    assert Argon2Params.interactive() == Argon2Params(
        pwhash.argon2id.OPSLIMIT_INTERACTIVE, pwhash.argon2id.MEMLIMIT_INTERACTIVE
    )
    assert Argon2Params.moderate() == Argon2Params(
        pwhash.argon2id.OPSLIMIT_MODERATE, pwhash.argon2id.MEMLIMIT_MODERATE
    )


def test_recovery_keys_are_shown_in_capitals_and_app_passwords_in_lower_case() -> None:
    recovery, app = new_recovery_key(), new_app_password()
    assert recovery == recovery.upper() and recovery != recovery.lower()
    assert app == app.lower()
    assert normalise(recovery) == recovery.replace("-", "").lower().encode()


def test_queue_key_file_in_missing_directories_and_its_refusal(tmp_path: Path) -> None:
    path = tmp_path / "data" / "keys" / "queue.key"
    key = load_or_create_queue_key(path)
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert load_or_create_queue_key(path).public == key.public
    path.chmod(0o640)
    refusal = r"^queue key file .* \(mode 640\): run `chmod 600` on it$"
    with pytest.raises(PermissionError, match=refusal):
        load_or_create_queue_key(path)


def test_csrf_candidates_that_are_not_valid_text_are_refused() -> None:
    token = SessionToken.generate()
    assert not token.check_csrf("\ud800")
    assert not token.check_csrf(token.csrf_token()[:-1] + "\udfff")
