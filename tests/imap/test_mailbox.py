"""Mailbox names: modified UTF-7 (RFC 3501 §5.1.3), UTF-8 (RFC 6855) and INBOX."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mss.imap.wire.errors import CommandError
from mss.imap.wire.grammar import Buffer
from mss.imap.wire.mailbox import (
    MailboxNameError,
    decode_mutf7,
    decode_name,
    encode_mutf7,
    encode_name,
    mailbox,
)


def test_rfc3501_example() -> None:
    # RFC 3501 §5.1.3: "~peter/mail/台北/日本語".
    name = "~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e"
    assert encode_mutf7(name) == b"~peter/mail/&U,BTFw-/&ZeVnLIqe-"
    assert decode_mutf7(b"~peter/mail/&U,BTFw-/&ZeVnLIqe-") == name


def test_ampersand_is_written_amp_dash() -> None:
    assert encode_mutf7("Tom & Jerry") == b"Tom &- Jerry"
    assert decode_mutf7(b"Tom &- Jerry") == "Tom & Jerry"


def test_characters_outside_the_bmp_use_surrogate_pairs() -> None:
    assert decode_mutf7(encode_mutf7("mail \U0001f600")) == "mail \U0001f600"


@pytest.mark.parametrize(
    "data",
    [
        b"AT&T",  # a bare "&" starts a shift that never ends
        b"&AGE-&AGI-",  # RFC 3501 §5.1.3: null shifts are not permitted
        b"&AEE-",  # base64 for the printable "A"
        b"&U,BTF2-",  # bits left over
        b"&2D0-",  # a lone surrogate
        b"tab\there",  # a control character
    ],
)
def test_non_canonical_or_invalid_modified_utf7_is_refused(data: bytes) -> None:
    with pytest.raises(MailboxNameError):
        decode_mutf7(data)


def test_inbox_is_case_insensitive() -> None:
    assert decode_name(b"inbox", utf8=False) == "INBOX"
    assert decode_name(b"InBoX", utf8=True) == "INBOX"
    assert decode_name(b"inbox/sub", utf8=False) == "inbox/sub"


def test_8bit_names_are_utf8_even_before_utf8_accept() -> None:
    assert decode_name("Entwürfe".encode(), utf8=False) == "Entwürfe"


def test_under_utf8_accept_names_are_not_modified_utf7() -> None:
    # RFC 6855 §3: once enabled, names travel as UTF-8.
    assert decode_name(b"&ZeVnLIqe-", utf8=True) == "&ZeVnLIqe-"
    assert encode_name("日本語", utf8=True) == "日本語".encode()
    assert encode_name("日本語", utf8=False) == b"&ZeVnLIqe-"


def test_control_characters_are_refused_whatever_the_encoding() -> None:
    with pytest.raises(MailboxNameError):
        decode_name(b"&AAE-", utf8=False)
    with pytest.raises(MailboxNameError):
        decode_name("a\x85b".encode(), utf8=True)


def test_the_mailbox_production_refuses_bad_names_with_no() -> None:
    with pytest.raises(CommandError, match="modified UTF-7"):
        mailbox(Buffer.from_line(b"AT&T"), utf8=False)


@given(st.text())
def test_modified_utf7_round_trips_any_text(name: str) -> None:
    encoded = encode_mutf7(name)
    assert all(0x20 <= octet <= 0x7E for octet in encoded)
    assert decode_mutf7(encoded) == name


@given(st.binary(max_size=40))
def test_decoding_arbitrary_octets_only_raises_mailbox_name_error(data: bytes) -> None:
    try:
        name = decode_mutf7(data)
    except MailboxNameError:
        return
    assert encode_mutf7(name) == data
