"""Parsing the authenticated-state commands, from RFC 3501 §6.3 and its extensions."""

from __future__ import annotations

import datetime

import pytest

from mss.imap.mailboxes.commands_auth import (
    Create,
    Delete,
    Examine,
    Idle,
    Namespace,
    QresyncParams,
    Rename,
    Select,
    Status,
    Subscribe,
    Unsubscribe,
)
from mss.imap.mailboxes.commands_list import ListMailboxes, Lsub
from mss.imap.messages.commands_append import Append, AppendMessage
from mss.imap.wire.command import ParseOptions
from mss.imap.wire.errors import CommandError, ParseError
from mss.imap.wire.grammar import Buffer
from mss.imap.wire.parse import parse_command
from mss.imap.wire.sequence import SequenceSet, sequence_set


def seq(text: bytes) -> SequenceSet:
    return sequence_set(Buffer.from_line(text))[0]


def test_select_and_examine() -> None:
    # RFC 3501 §6.3.1, §6.3.2 and §8.
    assert parse_command(b"A142 SELECT INBOX\r\n") == Select("A142", "INBOX")
    assert parse_command(b"a002 select inbox\r\n") == Select("a002", "INBOX")
    examine = parse_command(b"A932 EXAMINE blurdybloop\r\n")
    assert examine == Examine("A932", "blurdybloop")
    assert isinstance(examine, Examine) and examine.readonly


def test_select_condstore() -> None:
    # RFC 7162 §3.1.8.
    assert parse_command(b"A160 SELECT INBOX (CONDSTORE)\r\n") == Select("A160", "INBOX", True)


def test_select_qresync_rfc7162_examples() -> None:
    # RFC 7162 §3.2.5.
    command = parse_command(
        b"A02 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))\r\n"
    )
    assert command == Select(
        "A02",
        "INBOX",
        qresync=QresyncParams(67890007, 20050715194045000, seq(b"41,43:211,214:541")),
    )
    command = parse_command(
        b"B04 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 "
        b"(5000,7500,9000,9990:9999 15000,22500,27000,29970,29973,29976,29979,29982,29985,"
        b"29988,29991,29994,29997)))\r\n"
    )
    assert isinstance(command, Select) and command.qresync is not None
    assert command.qresync.known_uids == seq(b"1:29997")
    assert command.qresync.known_sequences == seq(b"5000,7500,9000,9990:9999")
    assert command.qresync.known_sequence_uids is not None
    assert command.qresync.known_sequence_uids.to_bytes().startswith(b"15000,22500")
    minimal = parse_command(b"a SELECT INBOX (QRESYNC (1 0))\r\n")
    assert minimal == Select("a", "INBOX", qresync=QresyncParams(1, 0))


@pytest.mark.parametrize(
    "line",
    [b"a SELECT INBOX ()", b"a SELECT INBOX (FOO)", b"a SELECT INBOX (QRESYNC (0 1))"],
)
def test_bad_select_parameters(line: bytes) -> None:
    with pytest.raises(ParseError):
        parse_command(line + b"\r\n")


def test_create_delete_rename_subscribe() -> None:
    assert parse_command(b"A003 CREATE owatagusiam/\r\n") == Create("A003", "owatagusiam/")
    assert parse_command(b"A683 DELETE blurdybloop\r\n") == Delete("A683", "blurdybloop")
    assert parse_command(b"A683 RENAME blurdybloop sarasoop\r\n") == Rename(
        "A683", "blurdybloop", "sarasoop"
    )
    assert parse_command(b"A002 SUBSCRIBE #news.comp.mail.mime\r\n") == Subscribe(
        "A002", "#news.comp.mail.mime"
    )
    assert parse_command(b"A002 UNSUBSCRIBE #news.comp.mail.mime\r\n") == Unsubscribe(
        "A002", "#news.comp.mail.mime"
    )


def test_create_special_use_rfc6154_example() -> None:
    # RFC 6154 §5.3: "C: t1 CREATE MySpecial (USE (\Drafts \Sent))".
    assert parse_command(b"t1 CREATE MySpecial (USE (\\Drafts \\Sent))\r\n") == Create(
        "t1", "MySpecial", ("\\Drafts", "\\Sent")
    )


def test_mailbox_names_in_modified_utf7_and_utf8() -> None:
    assert parse_command(b"a CREATE &ZeVnLIqe-\r\n") == Create("a", "日本語")
    utf8 = ParseOptions(utf8=True)
    assert parse_command('a CREATE "日本語"\r\n'.encode(), options=utf8) == Create("a", "日本語")
    with pytest.raises(CommandError, match="modified UTF-7") as caught:
        parse_command(b"a7 CREATE AT&T\r\n")
    assert caught.value.reply() == (
        b"a7 NO [CANNOT] Invalid mailbox name: Mailbox name is not valid modified UTF-7\r\n"
    )


def test_namespace_status_idle() -> None:
    assert parse_command(b"A001 NAMESPACE\r\n") == Namespace("A001")
    assert parse_command(b"A042 STATUS blurdybloop (UIDNEXT MESSAGES)\r\n") == Status(
        "A042", "blurdybloop", ("UIDNEXT", "MESSAGES")
    )
    # RFC 7162 §3.1.4.
    command = parse_command(b"C01 STATUS INBOX (HIGHESTMODSEQ)\r\n")
    assert command == Status("C01", "INBOX", ("HIGHESTMODSEQ",))
    assert parse_command(b"A001 IDLE\r\n") == Idle("A001")
    with pytest.raises(ParseError, match="Unknown STATUS item"):
        parse_command(b"A042 STATUS blurdybloop (SIZES)\r\n")


def test_list_rfc3501_examples() -> None:
    assert parse_command(b'A101 LIST "" ""\r\n') == ListMailboxes("A101", "", ("",))
    assert parse_command(b'A102 LIST #news.comp.mail.misc ""\r\n') == ListMailboxes(
        "A102", "#news.comp.mail.misc", ("",)
    )
    assert parse_command(b"A202 LIST ~/Mail/ %\r\n") == ListMailboxes("A202", "~/Mail/", ("%",))
    assert parse_command(b'A002 LSUB "#news." "comp.mail.*"\r\n') == Lsub(
        "A002", "#news.", "comp.mail.*"
    )


def test_list_extended_rfc5258_examples() -> None:
    command = parse_command(b'A01 LIST (SUBSCRIBED RECURSIVEMATCH) "" "%" RETURN (CHILDREN)\r\n')
    assert command == ListMailboxes(
        "A01", "", ("%",), frozenset({"SUBSCRIBED", "RECURSIVEMATCH"}), frozenset({"CHILDREN"})
    )
    assert isinstance(command, ListMailboxes) and command.extended
    command = parse_command(b'A04 LIST "" ("INBOX" "Drafts" "Sent/%")\r\n')
    assert command == ListMailboxes("A04", "", ("INBOX", "Drafts", "Sent/%"))
    plain = parse_command(b'A05 LIST () "" %\r\n')
    assert isinstance(plain, ListMailboxes) and not plain.extended


def test_list_status_rfc5819_and_special_use_rfc6154() -> None:
    command = parse_command(b'A01 LIST "" % RETURN (STATUS (MESSAGES UNSEEN))\r\n')
    assert command == ListMailboxes(
        "A01", "", ("%",), return_options=frozenset({"STATUS"}), status_items=("MESSAGES", "UNSEEN")
    )
    command = parse_command(b't1 LIST (SPECIAL-USE) "" "*"\r\n')
    assert command == ListMailboxes("t1", "", ("*",), select_options=frozenset({"SPECIAL-USE"}))
    command = parse_command(b't3 LIST "" "%" RETURN (SPECIAL-USE)\r\n')
    assert command == ListMailboxes("t3", "", ("%",), return_options=frozenset({"SPECIAL-USE"}))


@pytest.mark.parametrize(
    "line",
    [
        b'a LIST (RECURSIVEMATCH) "" %',
        b'a LIST (FOO) "" %',
        b'a LIST "" % RETURN (BAR)',
        b'a LIST "" ()',
        b'a LIST "" % RETURN (STATUS ())',
    ],
)
def test_bad_list_commands(line: bytes) -> None:
    with pytest.raises(ParseError):
        parse_command(line + b"\r\n")


def test_append_rfc3501_example() -> None:
    message = (
        b"Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\n"
        b"From: Fred Foobar <foobar@Blurdybloop.COM>\r\n"
        b"Subject: afternoon meeting\r\n"
        b"To: mooch@owatagu.siam.edu\r\n"
        b"Message-Id: <B27397-0100000@Blurdybloop.COM>\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n"
        b"\r\n"
        b"Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n"
    )
    assert len(message) == 310
    command = parse_command(b"A003 APPEND saved-messages (\\Seen) {310}\r\n" + message + b"\r\n")
    assert command == Append("A003", "saved-messages", (AppendMessage(message, ("\\Seen",)),))


def test_append_with_date_time_and_literal_plus() -> None:
    command = parse_command(b'a APPEND INBOX () "17-Jul-1996 02:44:25 -0700" {3+}\r\nabc\r\n')
    zone = datetime.timezone(-datetime.timedelta(hours=7))
    when = datetime.datetime(1996, 7, 17, 2, 44, 25, tzinfo=zone)
    assert command == Append("a", "INBOX", (AppendMessage(b"abc", (), when),))


def test_multiappend_rfc3502_example() -> None:
    command = parse_command(
        b"A003 APPEND saved-messages (\\Seen) {3}\r\none (\\Seen) {3}\r\ntwo\r\n"
    )
    assert command == Append(
        "A003",
        "saved-messages",
        (AppendMessage(b"one", ("\\Seen",)), AppendMessage(b"two", ("\\Seen",))),
    )


def test_append_utf8_rfc6855() -> None:
    command = parse_command(b"a APPEND INBOX UTF8 (~{4+}\r\n\xc3\xa9t\xc3)\r\n")
    assert command == Append("a", "INBOX", (AppendMessage(b"\xc3\xa9t\xc3", utf8=True),))


@pytest.mark.parametrize(
    "line",
    [
        b"a APPEND INBOX",
        b'a APPEND INBOX "abc"',
        b"a APPEND INBOX (\\Recent) {1+}\r\nx",
        b"a APPEND INBOX UTF8 ({1+}\r\nx)",
        b"a APPEND INBOX {1+}\r\nx junk",
    ],
)
def test_bad_append_commands(line: bytes) -> None:
    with pytest.raises(ParseError):
        parse_command(line + b"\r\n")


def test_append_message_content_is_never_shown() -> None:
    assert "secret" not in repr(parse_command(b"a APPEND INBOX {6+}\r\nsecret\r\n"))
