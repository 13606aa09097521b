"""The webmail session token (crypto.session): what the cookie holds, what it opens, and nothing
more (issue 18: these checks were reached only through the webmail's tests)."""

from __future__ import annotations

import base64

import pytest

from crypto import DecryptionError
from crypto.keys import AccountKeys
from crypto.session import (
    SessionToken,
    open_from_account,
    random_token,
    seal_to_account,
)


def test_cookie_value_round_trips_and_refuses_anything_else() -> None:
    token = SessionToken.generate()
    assert len(token.session_id) == 32 and len(token.session_key) == 32
    assert token.session_id != token.session_key
    text = token.encode()
    assert len(text) == 86 and "=" not in text
    assert base64.urlsafe_b64decode(text + "==") == token.session_id + token.session_key
    assert SessionToken.decode(text) == token
    assert SessionToken.decode(text[:-1]) is None
    assert SessionToken.decode(text + "A") is None
    assert SessionToken.decode("!" * 86) is None
    assert SessionToken.decode("") is None
    assert repr(token) == "SessionToken(<secret>)"
    assert token != SessionToken.generate()


def test_sealed_keys_open_only_with_this_token() -> None:
    token = SessionToken.generate()
    keys = AccountKeys.generate()
    sealed = token.seal_keys(keys)
    assert keys.secret() not in sealed
    assert token.open_keys(sealed).public == keys.public
    same_key_other_id = SessionToken(SessionToken.generate().session_id, token.session_key)
    other_key = SessionToken(token.session_id, SessionToken.generate().session_key)
    for stranger in (same_key_other_id, other_key):
        with pytest.raises(DecryptionError):
            stranger.open_keys(sealed)
    with pytest.raises(DecryptionError):
        token.open_keys(sealed[:-1])


def test_cached_rows_open_only_in_their_context() -> None:
    token = SessionToken.generate()
    blob = token.encrypt(b"row", b"inbox/1")
    assert token.decrypt(blob, b"inbox/1") == b"row"
    with pytest.raises(DecryptionError):
        token.decrypt(blob, b"inbox/2")
    with pytest.raises(DecryptionError):
        SessionToken(token.session_id, bytes(32)).decrypt(blob, b"inbox/1")
    # Not interchangeable with the sealed keys' framing either.
    keys = AccountKeys.generate()
    with pytest.raises(DecryptionError):
        token.decrypt(token.seal_keys(keys), b"")


def test_csrf_check_is_exact() -> None:
    token = SessionToken.generate()
    good = token.csrf_token()
    assert len(good) == 32
    assert token.check_csrf(good)
    assert not token.check_csrf(good[:-1])
    assert not token.check_csrf(good + "A")
    assert not token.check_csrf("é" * 32)
    assert not SessionToken.generate().check_csrf(good)


def test_random_tokens_and_sealing_to_an_account() -> None:
    first, second = random_token(), random_token()
    assert first != second and len(first) == 43 and "=" not in first
    assert len(random_token(16)) == 22
    keys = AccountKeys.generate()
    sealed = seal_to_account(b"label", keys.public.encryption)
    assert open_from_account(sealed, keys) == b"label"
    with pytest.raises(DecryptionError):
        open_from_account(sealed, AccountKeys.generate())
    with pytest.raises(DecryptionError):
        open_from_account(b"short", keys)
