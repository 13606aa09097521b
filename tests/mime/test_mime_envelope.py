"""ENVELOPE of RFC 3501 §7.4.2: raw field values and address lists."""

from __future__ import annotations

from mss.mime import envelope_from_headers, parse_message
from mss.mime.addresses import GROUP_END, MAX_ADDRESS_LIST, parse_address_list
from mss.mime.model import EnvelopeAddress


def test_encoded_subject_is_kept_raw_and_unfolded() -> None:
    raw = (
        b"Subject: =?UTF-8?Q?R=C3=A9sultats?=\r\n"
        b" =?UTF-8?B?ZCdhbmFseXNl?=\r\n"
        b"From: =?ISO-8859-1?Q?Ren=E9?= <rene@labo.example>\r\n"
        b"\r\n"
    )
    envelope = parse_message(raw).envelope
    assert envelope.subject == "=?UTF-8?Q?R=C3=A9sultats?= =?UTF-8?B?ZCdhbmFseXNl?="
    assert envelope.from_ == (
        EnvelopeAddress("=?ISO-8859-1?Q?Ren=E9?=", None, "rene", "labo.example"),
    )


def test_all_fields_and_defaults_for_sender_and_reply_to() -> None:
    envelope = envelope_from_headers(
        {
            "date": "Mon, 3 Jun 2024 10:00:00 +0200",
            "subject": "Hello",
            "from": "alice@hopital.example",
            "sender": "",
            "to": "bob@labo.example, carol@labo.example",
            "cc": "dan@labo.example",
            "bcc": "eve@labo.example",
            "in-reply-to": "<0@labo.example>",
            "message-id": "<1@hopital.example>",
        }
    )
    alice = (EnvelopeAddress(None, None, "alice", "hopital.example"),)
    assert envelope.from_ == envelope.sender == envelope.reply_to == alice
    assert [a.mailbox for a in envelope.to] == ["bob", "carol"]
    assert envelope.cc[0].mailbox == "dan"
    assert envelope.bcc[0].mailbox == "eve"
    assert envelope.date == "Mon, 3 Jun 2024 10:00:00 +0200"
    assert envelope.in_reply_to == "<0@labo.example>"
    assert envelope.message_id == "<1@hopital.example>"


def test_group_syntax() -> None:
    assert parse_address_list("undisclosed-recipients:;") == (
        EnvelopeAddress(None, None, "undisclosed-recipients", None),
        GROUP_END,
    )
    assert parse_address_list('Team: a@x.example, "B, Jr." <b@x.example>; c@y.example') == (
        EnvelopeAddress(None, None, "Team", None),
        EnvelopeAddress(None, None, "a", "x.example"),
        EnvelopeAddress("B, Jr.", None, "b", "x.example"),
        GROUP_END,
        EnvelopeAddress(None, None, "c", "y.example"),
    )


def test_unclosed_group_is_closed_at_the_end() -> None:
    assert parse_address_list("Team: a@x.example")[-1] == GROUP_END


def test_display_names_quotes_comments_and_routes() -> None:
    assert parse_address_list('"Martin, Alice" <alice@h.example>')[0].name == "Martin, Alice"
    assert parse_address_list("John Q. Public <jqp@h.example>")[0].name == "John Q. Public"
    assert parse_address_list("alice@h.example (Alice Martin)")[0] == EnvelopeAddress(
        "Alice Martin", None, "alice", "h.example"
    )
    assert parse_address_list("<@relay.example,@gw.example:bob@h.example>")[0] == EnvelopeAddress(
        None, "@relay.example,@gw.example", "bob", "h.example"
    )
    assert parse_address_list('"a b"@h.example')[0].mailbox == '"a b"'


def test_broken_addresses_still_give_something() -> None:
    assert parse_address_list("") == ()
    assert parse_address_list(",,, ;") == ()
    assert parse_address_list("no-domain") == (EnvelopeAddress(None, None, "no-domain", ""),)
    assert parse_address_list("Name <unterminated@h.example")[0] == EnvelopeAddress(
        "Name", None, "unterminated", "h.example"
    )
    for junk in ('"', "(", "[", "<", ">", "@", ":", "<<>>", '"\\', "(((a)", "a@b@c", "\\"):
        parse_address_list(junk)


def test_overlong_address_lists_stop_at_a_comma_before_the_limit() -> None:
    addresses = parse_address_list("someone@h.example, " * (MAX_ADDRESS_LIST // 10))
    assert 0 < len(addresses) < MAX_ADDRESS_LIST // 10
    assert all(address.host == "h.example" for address in addresses)
