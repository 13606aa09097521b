"""CONTEXT=SEARCH (RFC 5267 §4): PARTIAL results, and searches kept up to date with ADDTO and
REMOVEFROM until CANCELUPDATE, byte for byte."""

from __future__ import annotations

from .harness import Harness
from .messages import simple


async def test_partial_returns_a_window_of_the_results(imap: Harness) -> None:
    for number in range(5):
        await imap.deliver(simple(f"m{number}"))
    wire = await imap.wire()
    assert b" CONTEXT=SEARCH " in (await wire.command(b"c1 CAPABILITY"))[0]
    await wire.command(b"a0 SELECT INBOX")
    # RFC 5267 §4.4: positions from 1, either way round; NIL past the end.
    for request, answer in (
        (b"2:4", b"2:4 2:4"),
        (b"4:2", b"2:4 2:4"),
        (b"1:9", b"1:9 1:5"),
        (b"6:6", b"6:6 NIL"),
    ):
        assert await wire.command(b"a1 SEARCH RETURN (PARTIAL %s) ALL" % request) == [
            b'* ESEARCH (TAG "a1") PARTIAL (%s)\r\n' % answer,
            b"a1 OK SEARCH completed\r\n",
        ]
    assert (await wire.command(b"a2 SEARCH RETURN (PARTIAL 2:3) 1:2,4:5"))[0] == (
        b'* ESEARCH (TAG "a2") PARTIAL (2:3 2,4)\r\n'
    )
    assert (await wire.command(b"a3 UID SEARCH RETURN (PARTIAL 5:5) ALL"))[0] == (
        b'* ESEARCH (TAG "a3") UID PARTIAL (5:5 5)\r\n'
    )
    # RFC 5267 §4.4 partial-range: two non-zero numbers, no "*".
    for bad in (b"1", b"1:*", b"0:2"):
        reply = await wire.command(b"a4 SEARCH RETURN (PARTIAL %s) ALL" % bad)
        assert reply[-1].startswith(b"a4 BAD"), reply
    # The same window of a sorted result, in sort order.
    assert (await wire.command(b"a5 SORT RETURN (PARTIAL 2:3) (REVERSE SUBJECT) UTF-8 ALL"))[
        0
    ] == b'* ESEARCH (TAG "a5") PARTIAL (2:3 4,3)\r\n'
    await wire.close()


async def test_update_follows_flag_changes_expunges_and_arrivals(imap: Harness) -> None:
    for number in range(4):
        await imap.deliver(simple(f"m{number}"))
    wire = await imap.wire()
    await wire.command(b"a0 SELECT INBOX")
    await wire.command(b"a1 STORE 1 +FLAGS.SILENT (\\Seen)")
    assert await wire.command(b"a2 SEARCH RETURN (UPDATE ALL) SEEN") == [
        b'* ESEARCH (TAG "a2") ALL 1\r\n',
        b"a2 OK SEARCH completed\r\n",
    ]
    # RFC 5267 §4.3: unsolicited ADDTO / REMOVEFROM as the result changes.
    assert await wire.command(b"a3 STORE 2:3 +FLAGS.SILENT (\\Seen)") == [
        b'* ESEARCH (TAG "a2") ADDTO (0 2:3)\r\n',
        b"a3 OK STORE completed\r\n",
    ]
    # An expunged match leaves the result before its EXPUNGE, numbered as it still was.
    await wire.command(b"a4 STORE 2 +FLAGS.SILENT (\\Deleted)")
    assert await wire.command(b"a5 EXPUNGE") == [
        b'* ESEARCH (TAG "a2") REMOVEFROM (0 2)\r\n',
        b"* 2 EXPUNGE\r\n",
        b"a5 OK EXPUNGE completed\r\n",
    ]
    # A message another session delivers: EXISTS first, then ADDTO with its new number.
    await imap.deliver(simple("m4"), flags=("\\Seen",))
    assert await wire.command(b"a6 NOOP") == [
        b"* 4 EXISTS\r\n",
        b'* ESEARCH (TAG "a2") ADDTO (0 4)\r\n',
        b"a6 OK NOOP completed\r\n",
    ]
    assert await wire.command(b'a7 CANCELUPDATE "a2"') == [b"a7 OK CANCELUPDATE completed\r\n"]
    assert await wire.command(b"a8 STORE 1:4 -FLAGS.SILENT (\\Seen)") == [
        b"a8 OK STORE completed\r\n"
    ]
    await wire.close()


async def test_uid_update_reports_uids_and_ends_with_the_selection(imap: Harness) -> None:
    for number in range(3):
        await imap.deliver(simple(f"m{number}"))
    wire = await imap.wire()
    await wire.command(b"a0 SELECT INBOX")
    assert (await wire.command(b"a1 UID SEARCH RETURN (UPDATE) FLAGGED"))[0] == (
        b'* ESEARCH (TAG "a1") UID\r\n'
    )
    assert (await wire.command(b"a2 STORE 3 +FLAGS.SILENT (\\Flagged)"))[0] == (
        b'* ESEARCH (TAG "a1") UID ADDTO (0 3)\r\n'
    )
    await wire.command(b"a3 SELECT INBOX")
    assert await wire.command(b"a4 STORE 1 +FLAGS.SILENT (\\Flagged)") == [
        b"a4 OK STORE completed\r\n"
    ]
    await wire.close()
