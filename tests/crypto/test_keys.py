"""Key wrapping, token derivation and sealing."""

from __future__ import annotations

from dataclasses import replace

import pytest
from nacl.secret import SecretBox

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
from crypto.wrap import WrapContext, WrappedKey


def test_password_wrap_round_trip_and_wrong_password() -> None:
    keys = AccountKeys.generate()
    salt = new_salt()
    params = Argon2Params.minimum()
    context = WrapContext(keys.public.encryption, "password", b"", salt, 1, 8192)
    wrapped = wrap_with_key(keys, derive_password_key("correct horse", salt, params), context)
    assert not wrapped.is_legacy
    opened = unwrap_with_key(wrapped, derive_password_key("correct horse", salt, params), context)
    assert opened.matches(keys.public)
    with pytest.raises(DecryptionError):
        unwrap_with_key(wrapped, derive_password_key("wrong horse", salt, params), context)


@pytest.mark.parametrize(
    "change",
    [
        {"owner": AccountKeys.generate().public.encryption},
        {"kind": "app"},
        {"lookup": b"\x01" * 16},
        {"salt": b"\x02" * 16},
        {"opslimit": 2},
        {"memlimit": 4096},
    ],
    ids=["owner", "kind", "lookup", "salt", "opslimit", "memlimit"],
)
def test_a_wrap_opens_only_in_its_own_context(change: dict[str, object]) -> None:
    """A wrap moved to another account's row, another kind of credential, or beside weakened
    Argon2 parameters does not open, even with the right wrapping key."""
    keys = AccountKeys.generate()
    key = bytes(range(32))
    context = WrapContext(keys.public.encryption, "password", b"", b"\x00" * 16, 3, 65536)
    wrapped = wrap_with_key(keys, key, context)
    assert unwrap_with_key(wrapped, key, context).matches(keys.public)
    with pytest.raises(DecryptionError):
        unwrap_with_key(wrapped, key, replace(context, **change))  # type: ignore[arg-type]


def test_associated_data_is_framed_and_pinned() -> None:
    """Known answer: the bytes a version 2 wrap is bound to (a change here strands every wrap
    already stored), with length framing so that parts cannot run into each other."""
    context = WrapContext(b"\xaa" * 32, "app", b"\xbb" * 16, b"\xcc" * 16, 0, 0)
    assert context.associated_data() == (
        b"mss/wrap/v2"
        + b"\x00\x00\x00\x20" + b"\xaa" * 32
        + b"\x00\x00\x00\x03app"
        + b"\x00\x00\x00\x10" + b"\xbb" * 16
        + b"\x00\x00\x00\x10" + b"\xcc" * 16
        + b"\x00\x00\x00\x08" + bytes(8)
        + b"\x00\x00\x00\x08" + bytes(8)
    )  # fmt: skip
    shifted = WrapContext(b"\xaa" * 32, "ap", b"p" + b"\xbb" * 16, b"\xcc" * 16, 0, 0)
    assert shifted.associated_data() != context.associated_data()


def test_a_version_1_wrap_still_opens_and_is_told_apart() -> None:
    keys = AccountKeys.generate()
    key = bytes(range(32))
    legacy = WrappedKey(bytes(SecretBox(key).encrypt(keys.secret())))
    assert legacy.is_legacy
    context = WrapContext(keys.public.encryption, "password", b"", b"\x00" * 16)
    assert unwrap_with_key(legacy, key, context).matches(keys.public)
    with pytest.raises(DecryptionError):
        unwrap_with_key(WrappedKey(b"\x03" + legacy.blob), key, context)


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
