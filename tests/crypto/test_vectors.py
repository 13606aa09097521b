"""Known-answer vectors for every key derivation and keyed tag (issue 18).

A derivation that loses its personalisation, its digest size, its key or its length framing still
"works" (round trips pass) yet changes every stored lookup, tag and wrap: the bytes are pinned
here, computed once from the code, and each test also shows that the variant without one of
those inputs gives other bytes, so the pin really depends on it. The queue key file's format is
checked the same way, against files that are almost right.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from nacl.encoding import RawEncoder
from nacl.hash import blake2b
from nacl.public import PrivateKey

from crypto.errors import CryptoError
from crypto.kdf import Argon2Params, derive_password_key, derive_token_key, token_lookup
from crypto.keys import AccountKeys
from crypto.queuekey import QueueKey, load_or_create_queue_key
from crypto.session import SessionToken
from crypto.tags import keyed_tag
from mss.correspondents import CorrespondentBook, CorrespondentStore

SECRET = bytes(range(32))
TOKEN = b"abcdefghijklmnopqrstuvwxyz234567"


def _blake(data: bytes, **options: object) -> bytes:
    return bytes(blake2b(data, encoder=RawEncoder, **options))  # type: ignore[arg-type]


def test_keyed_tag_vector_and_framing() -> None:
    tag = keyed_tag(SECRET, b"a", b"bc")
    assert tag.hex() == "3a6508415c700993b335ea7c283446e60dd56d2d12ed1ba943a90f4fef02d500"
    assert keyed_tag(SECRET, b"ab", b"c") != tag, "length framing keeps the parts apart"
    assert keyed_tag(bytes(32), b"a", b"bc") != tag
    framed = b"\x00\x00\x00\x01a\x00\x00\x00\x02bc"
    assert _blake(framed, digest_size=32, key=SECRET, person=b"mss-keyed-tag") == tag
    assert _blake(framed, digest_size=32, key=SECRET) != tag
    assert _blake(b"abc", digest_size=32, key=SECRET, person=b"mss-keyed-tag") != tag


def test_token_key_and_lookup_vectors() -> None:
    salt = bytes(range(16))
    key = derive_token_key(TOKEN, salt)
    assert key.hex() == "36531f8ccc33b2fd931a2a70c442c8548e4d588b3f975abf6a9b6ae8f3d8b56b"
    assert _blake(TOKEN, digest_size=32, key=salt) != key, "personalisation matters"
    lookup = token_lookup(TOKEN)
    assert lookup.hex() == "55b733da708f341a0d79f4d3be03c8ae"
    assert _blake(TOKEN, digest_size=16) != lookup
    assert _blake(TOKEN, digest_size=16, person=b"mss-token-kdf")[:16] != lookup


def test_password_key_vector() -> None:
    key = derive_password_key("correct horse", bytes(range(16)), Argon2Params.minimum())
    assert key.hex() == "3bfa796a86260b73457e1290b51695931a17e266f601d0fb45563e282fb6865b"
    assert Argon2Params.minimum() == Argon2Params(1, 8192)
    assert derive_password_key("correct horse", bytes(16), Argon2Params.minimum()) != key
    with pytest.raises(CryptoError, match="salt"):
        derive_password_key("correct horse", bytes(15), Argon2Params.minimum())


def test_session_lookup_and_csrf_vectors() -> None:
    token = SessionToken(bytes(range(32)), bytes(range(32, 64)))
    assert token.lookup.hex() == (
        "d16725ff59d58dc4d5adc3c44a97c385606dd76a48acee23f6692de5ad76dc26"
    )
    assert token.csrf_token() == "P6z59qe0QvGzan6BRZitH7BHBldBh8BA"
    assert _blake(token.session_id, digest_size=32) != token.lookup
    # The CSRF token depends on the session key, its personalisation and its size.
    other_key = SessionToken(token.session_id, bytes(32))
    assert other_key.csrf_token() != token.csrf_token()
    unpersonalised = _blake(token.session_id, digest_size=24, key=token.session_key)
    assert base64.urlsafe_b64encode(unpersonalised).decode() != token.csrf_token()
    assert token.check_csrf(token.csrf_token())
    assert not token.check_csrf(other_key.csrf_token())
    assert not token.check_csrf("")


def test_queue_key_id_and_account_key_vectors() -> None:
    queue = QueueKey(PrivateKey(SECRET))
    assert queue.public.hex() == (
        "8f40c5adb68f25624ae5b214ea767a6ec94d829d3d7b5e1ad1ba6f3e2138285f"
    )
    assert queue.key_id.hex() == "1fc796bae187bba3245558f5f401fb05"
    assert _blake(queue.public, digest_size=16) != queue.key_id
    keys = AccountKeys.from_secret(bytes(range(64)))
    assert keys.public.signing.hex() == (
        "29acbae141bccaf0b22e1a94d34d0bc7361e526d0bfe12c89794bc9322966dd7"
    )
    assert keys.sign(b"mss").hex() == (
        "3d282cf485f9ab8006e20d5d209098f9856df94a549f6e71d6e8466288041d89"
        "2c0941b4af40f38f419ff3ff49cd8c599480bc89c22f920fc28eedcebe19600e"
    )


class _Tags(CorrespondentStore):
    """Keeps the tags the book computes, to compare them."""

    def __init__(self) -> None:
        self.tags: list[tuple[int, bytes]] = []

    async def replace_correspondent(self, account_id: int, remove: bytes, add: bytes) -> None:
        if (account_id, remove) in self.tags:
            self.tags.remove((account_id, remove))
        self.tags.append((account_id, add))

    async def has_correspondent(self, account_id: int, tag: bytes) -> bool:
        return (account_id, tag) in self.tags


async def test_correspondent_tags_bind_secret_patient_and_address() -> None:
    store = _Tags()
    book = CorrespondentBook(store, SECRET)
    await book.add(42, "Dr.Martin@Hopital.example")
    assert store.tags == [
        (42, bytes.fromhex("0e835da04a38da22e52dd017d8a6d0b25a2931616869542ce208fb140dd1db9d"))
    ]
    assert await book.has(42, "dr.martin@hopital.example"), "addresses compare without case"
    assert not await book.has(4, "2dr.martin@hopital.example"), "(4, '2a') is not (42, 'a')"
    store.tags.append((4, store.tags[0][1]))
    assert not await book.has(4, "dr.martin@hopital.example"), "the tag names the patient"
    assert not await CorrespondentBook(store, bytes(32)).has(42, "dr.martin@hopital.example")
    store.tags.remove((4, store.tags[0][1]))
    await book.close(42, "dr.martin@hopital.example")
    assert store.tags == [
        (42, bytes.fromhex("fa4a0ede28c49173340ed804626e58ebb362baddbc489a95d3d94c9dff025ef6"))
    ], "a closed conversation keeps only its own tag (mss/closing.py)"
    assert not await book.has(42, "dr.martin@hopital.example")
    assert await book.closed(42, "dr.martin@hopital.example")


def _key_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "queue.key"
    path.write_text(text, encoding="ascii")
    path.chmod(0o600)
    return path


def test_queue_key_file_is_read_exactly(tmp_path: Path) -> None:
    encoded = base64.b64encode(SECRET).decode()
    good = load_or_create_queue_key(_key_file(tmp_path, f"MSS-QUEUE-KEY-1 {encoded}\n"))
    assert good.public == QueueKey(PrivateKey(SECRET)).public
    for text in (
        f"MSS-QUEUE-KEY-2 {encoded}\n",
        f"MSS-SERVER-KEY-1 {encoded}\n",
        f"MSS-QUEUE-KEY-1 {encoded[:-2]}!!\n",
        f"MSS-QUEUE-KEY-1 {encoded[:10]}!{encoded[10:]}\n",
        f"MSS-QUEUE-KEY-1 {encoded[:10]}\t{encoded[10:]}\n",
        f"MSS-QUEUE-KEY-1 {base64.b64encode(SECRET[:31]).decode()}\n",
        f"MSS-QUEUE-KEY-1 {base64.b64encode(SECRET + b'x').decode()}\n",
        "MSS-QUEUE-KEY-1\n",
    ):
        with pytest.raises(ValueError, match="not an MSS queue key"):
            load_or_create_queue_key(_key_file(tmp_path, text))
