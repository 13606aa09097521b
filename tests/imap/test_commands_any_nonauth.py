"""Parsing the any-state and not-authenticated commands, from the RFCs' own examples."""

from __future__ import annotations

import base64

import pytest

from mss.imap.mailboxes.commands_auth import Compress, Enable
from mss.imap.session.commands_any import Capability, Id, Logout, Noop
from mss.imap.session.commands_nonauth import (
    Authenticate,
    AuthenticationCancelled,
    Login,
    PlainCredentials,
    StartTls,
    plain_credentials,
    sasl_response,
)
from mss.imap.wire.errors import ParseError
from mss.imap.wire.parse import parse_command


def test_rfc3501_section8_login_and_logout() -> None:
    assert parse_command(b"a001 login mrc secret\r\n") == Login("a001", "mrc", "secret")
    assert parse_command(b"a006 logout\r\n") == Logout("a006")


def test_commands_without_arguments() -> None:
    assert parse_command(b"abcd CAPABILITY\r\n") == Capability("abcd")
    assert parse_command(b"a002 NOOP\r\n") == Noop("a002")
    assert parse_command(b"a002 STARTTLS\r\n") == StartTls("a002")
    with pytest.raises(ParseError, match="Unexpected input"):
        parse_command(b"a002 NOOP now\r\n")


def test_login_with_literals_and_quoted_strings() -> None:
    assert parse_command(b'a LOGIN {5}\r\nSMITH "ses\\"ame"\r\n') == Login("a", "SMITH", 'ses"ame')
    assert parse_command('a LOGIN "jürgen" "pässwörd"\r\n'.encode()) == Login(
        "a", "jürgen", "pässwörd"
    )


def test_login_password_is_never_shown() -> None:
    assert "SESAME" not in repr(parse_command(b"a LOGIN SMITH SESAME\r\n"))


def test_authenticate_without_initial_response() -> None:
    # RFC 3501 §6.2.2.
    assert parse_command(b"A001 AUTHENTICATE GSSAPI\r\n") == Authenticate("A001", "GSSAPI")


def test_authenticate_with_sasl_ir() -> None:
    # RFC 4959 §3: "C: a01 AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=".
    command = parse_command(b"a01 AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=\r\n")
    assert command == Authenticate("a01", "PLAIN", b"test\x00test\x00test")
    assert parse_command(b"a02 AUTHENTICATE plain =\r\n") == Authenticate("a02", "PLAIN", b"")


def test_authenticate_with_bad_base64() -> None:
    with pytest.raises(ParseError, match="base64") as caught:
        parse_command(b"a01 AUTHENTICATE PLAIN dGVzd\r\n")
    assert caught.value.reply().startswith(b"a01 BAD ")


def test_sasl_responses() -> None:
    assert sasl_response(b"") == b""
    assert sasl_response(base64.b64encode(b"\x00u\x00p")) == b"\x00u\x00p"
    with pytest.raises(AuthenticationCancelled):
        sasl_response(b"*")
    with pytest.raises(ParseError, match="base64"):
        sasl_response(b"not base64!")


def test_plain_credentials() -> None:
    # RFC 4616 §4: "\0tim\0tanstaaftanstaaf".
    assert plain_credentials(b"\x00tim\x00tanstaaftanstaaf") == PlainCredentials(
        "", "tim", "tanstaaftanstaaf"
    )
    assert plain_credentials(b"Ursel\x00Kurt\x00xipj3plmq").authzid == "Ursel"
    for bad in (b"tim\x00pass", b"\x00\x00pass", b"\x00tim\x00", b"\x00\xff\x00x"):
        with pytest.raises(ParseError):
            plain_credentials(bad)


def test_id_rfc2971_examples() -> None:
    command = parse_command(
        b'a023 ID ("name" "sodr" "version" "19.34" "vendor" "Pink Floyd Music Limited")\r\n'
    )
    assert command == Id(
        "a023",
        (("name", "sodr"), ("version", "19.34"), ("vendor", "Pink Floyd Music Limited")),
    )
    assert parse_command(b"a ID NIL\r\n") == Id("a", None)
    assert parse_command(b'a ID ("os" NIL)\r\n') == Id("a", (("os", None),))


def test_id_limits() -> None:
    with pytest.raises(ParseError, match="pairs"):
        parse_command(b'a ID ("name")\r\n')
    with pytest.raises(ParseError, match="30 pairs"):
        parse_command(b"a ID (" + b'"n" "v" ' * 31 + b'"n" "v")\r\n')
    with pytest.raises(ParseError, match="1024"):
        parse_command(b'a ID ("n" "' + b"v" * 1025 + b'")\r\n')


def test_enable_rfc5161_example() -> None:
    assert parse_command(b"t2 ENABLE CONDSTORE X-GOOD-IDEA\r\n") == Enable(
        "t2", ("CONDSTORE", "X-GOOD-IDEA")
    )
    assert parse_command(b"t3 enable utf8=accept\r\n") == Enable("t3", ("UTF8=ACCEPT",))
    with pytest.raises(ParseError):
        parse_command(b"t4 ENABLE\r\n")


def test_compress_rfc4978_example() -> None:
    assert parse_command(b"a COMPRESS DEFLATE\r\n") == Compress("a", "DEFLATE")
