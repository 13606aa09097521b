"""Key wrapping, token derivation and sealing."""

from __future__ import annotations

import pytest

from crypto import (
    AccountKeys,
    Argon2Params,
    DecryptionError,
    new_content_key,
    open_account_keys,
    open_key,
    seal_account_keys,
    seal_key,
    unwrap_with_key,
    wrap_with_key,
)
from crypto.kdf import derive_password_key, derive_token_key, new_salt, token_lookup
from crypto.keys import verify_signature
from crypto.tokens import new_app_password, new_recovery_key, normalise


def test_password_wrap_round_trip_and_wrong_password() -> None:
    keys = AccountKeys.generate()
    salt = new_salt()
    params = Argon2Params.minimum()
    wrapped = wrap_with_key(keys, derive_password_key("correct horse", salt, params))
    assert unwrap_with_key(wrapped, derive_password_key("correct horse", salt, params)).matches(
        keys.public
    )
    with pytest.raises(DecryptionError):
        unwrap_with_key(wrapped, derive_password_key("wrong horse", salt, params))


def test_app_passwords_have_at_least_128_bits_and_normalise_as_typed() -> None:
    token = new_app_password()
    compact = token.replace("-", "")
    assert len(compact) * 5 >= 128
    assert normalise(token.upper().replace("-", " ")) == compact.encode()
    assert normalise("not a token") is None
    assert len(new_recovery_key().replace("-", "")) * 5 >= 128


def test_token_derivations_differ_for_lookup_and_key() -> None:
    token = normalise(new_app_password())
    assert token is not None
    salt = b"s" * 16
    assert token_lookup(token) != derive_token_key(token, salt)[:16]
    assert derive_token_key(token, salt) != derive_token_key(token, b"t" * 16)


def test_sealed_content_key_opens_only_with_the_owner_key() -> None:
    owner, other = AccountKeys.generate(), AccountKeys.generate()
    key = new_content_key()
    sealed = seal_key(key, owner.public.encryption)
    assert open_key(sealed, owner).raw == key.raw
    with pytest.raises(DecryptionError):
        open_key(sealed, other)


def test_mailbox_keys_sealed_to_a_member() -> None:
    mailbox, member, stranger = (AccountKeys.generate() for _ in range(3))
    sealed = seal_account_keys(mailbox, member.public.encryption)
    assert open_account_keys(sealed, member).matches(mailbox.public)
    with pytest.raises(DecryptionError):
        open_account_keys(sealed, stranger)


def test_signatures() -> None:
    keys = AccountKeys.generate()
    signature = keys.sign(b"document")
    assert verify_signature(keys.public.signing, b"document", signature)
    assert not verify_signature(keys.public.signing, b"documenT", signature)
