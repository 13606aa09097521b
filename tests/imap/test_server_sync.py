"""Two sessions on one mailbox: each learns of the other's changes only when RFC 3501 §5.2
and §7.4.1 allow, and IDLE pushes them as they happen (RFC 2177)."""

from __future__ import annotations

import asyncio
import time

from .harness import Harness
from .messages import simple


async def test_expunge_is_reported_only_when_allowed(imap: Harness) -> None:
    for subject in ("un", "deux", "trois"):
        await imap.deliver(simple(subject))
    one, two = await imap.wire(), await imap.wire()
    await one.command(b"a1 SELECT INBOX")
    await two.command(b"b1 SELECT INBOX")
    await two.command(b"b2 STORE 1 +FLAGS.SILENT (\\Deleted)")
    assert await two.command(b"b3 EXPUNGE") == [b"* 1 EXPUNGE\r\n", b"b3 OK EXPUNGE completed\r\n"]
    # RFC 3501 §7.4.1: no EXPUNGE during FETCH, STORE or SEARCH, and the numbers do not move:
    # message 2 is still "deux" for the first session.
    [line, done] = await one.command(b"a2 FETCH 2 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    assert line == b"* 2 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {17}\r\nSubject: deux\r\n\r\n)\r\n"
    assert done == b"a2 OK FETCH completed\r\n"
    assert await one.command(b"a3 SEARCH ALL") == [
        b"* SEARCH 2 3\r\n",
        b"a3 OK SEARCH completed\r\n",
    ]
    assert await one.command(b"a4 STORE 3 +FLAGS (\\Seen)") == [
        b"* 3 FETCH (FLAGS (\\Seen))\r\n",
        b"a4 OK STORE completed\r\n",
    ]
    # A message expunged meanwhile cannot be fetched (RFC 2180 §4.1.2).
    assert await one.command(b"a5 FETCH 1 BODY.PEEK[]") == [
        b"a5 NO [EXPUNGEISSUED] Some of the requested messages no longer exist\r\n"
    ]
    # NOOP is the moment (RFC 3501 §6.1.2).
    assert await one.command(b"a6 NOOP") == [b"* 1 EXPUNGE\r\n", b"a6 OK NOOP completed\r\n"]
    assert await one.command(b"a7 FETCH 1 UID") == [
        b"* 1 FETCH (UID 2)\r\n",
        b"a7 OK FETCH completed\r\n",
    ]
    await one.close()
    await two.close()


async def test_new_messages_and_flags_reach_the_other_session(imap: Harness) -> None:
    await imap.deliver(simple("un"))
    one, two = await imap.wire(), await imap.wire()
    await one.command(b"a1 SELECT INBOX")
    await two.command(b"b1 SELECT INBOX")
    await two.command(b"b2 STORE 1 +FLAGS.SILENT (\\Answered)")
    appended = await two.command(b"b3 APPEND INBOX {7+}\r\nSalut!\r\n")
    assert appended[-1].startswith(b"b3 OK [APPENDUID")
    # RFC 3501 §5.2: EXISTS and flag changes come at the end of any command; the new message
    # is recent in the session that learned of it first, here the one that appended it.
    assert await one.command(b"a2 CHECK") == [
        b"* 2 EXISTS\r\n",
        b"* 1 FETCH (UID 1 FLAGS (\\Answered))\r\n",
        b"a2 OK CHECK completed\r\n",
    ]
    await one.close()
    await two.close()


async def test_idle_pushes_a_delivery_within_a_second(imap: Harness) -> None:
    await imap.deliver(simple("un"), flags=("\\Deleted",))
    wire = await imap.wire()
    await wire.command(b"a1 SELECT INBOX")
    wire.send(b"a2 IDLE\r\n")
    assert await wire.line() == b"+ idling\r\n"
    started = time.monotonic()
    await imap.deliver(simple("deux"), recent=True)
    assert await wire.line() == b"* 2 EXISTS\r\n"
    assert await wire.line() == b"* 1 RECENT\r\n"
    assert time.monotonic() - started < 1.0
    other = await imap.wire()
    await other.command(b"b1 SELECT INBOX")
    await other.command(b"b2 EXPUNGE")
    # RFC 2177 §3: while idling, expunges are pushed too.
    assert await wire.line() == b"* 1 EXPUNGE\r\n"
    wire.send(b"DONE\r\n")
    assert await wire.until(b"a2") == [b"a2 OK IDLE terminated\r\n"]
    await wire.close()
    await other.close()


async def test_idle_keepalive_and_bad_end(imap: Harness) -> None:
    from dataclasses import replace

    imap.use(replace(imap.settings, idle_keepalive_seconds=0.05))
    wire = await imap.wire()
    await wire.command(b"a1 SELECT INBOX")
    wire.send(b"a2 IDLE\r\n")
    assert await wire.line() == b"+ idling\r\n"
    assert await wire.line() == b"* OK Still here\r\n"
    wire.send(b"STOP\r\n")
    lines = await wire.until(b"a2")
    assert lines[-1] == b"a2 BAD Expected DONE to end IDLE\r\n"
    await wire.close()


async def test_qresync_select_reports_what_changed(imap: Harness) -> None:
    for subject in ("un", "deux", "trois"):
        await imap.deliver(simple(subject))
    uidvalidity = await imap.uidvalidity("INBOX")
    wire = await imap.wire()
    await wire.command(b"a1 ENABLE QRESYNC")
    lines = await wire.command(b"a2 SELECT INBOX")
    assert b"* OK [HIGHESTMODSEQ 4] Highest\r\n" in lines
    await wire.command(b"a3 STORE 3 +FLAGS.SILENT (\\Deleted)")
    await wire.command(b"a4 EXPUNGE")
    await wire.command(b"a5 STORE 1 +FLAGS.SILENT (\\Seen)")
    # RFC 7162 §3.2.5.1: VANISHED (EARLIER) for UIDs gone, a FETCH for each one changed.
    lines = await wire.command(b"a6 SELECT INBOX (QRESYNC (%d 4 1:3))" % uidvalidity)
    assert lines[0] == b"* OK [CLOSED] Previous mailbox closed\r\n"
    assert lines[-3:] == [
        b"* VANISHED (EARLIER) 3\r\n",
        b"* 1 FETCH (UID 1 FLAGS (\\Seen) MODSEQ (7))\r\n",
        b"a6 OK [READ-WRITE] SELECT completed\r\n",
    ]
    stale = await wire.command(b"a7 SELECT INBOX (QRESYNC (1 4))")
    assert b"VANISHED" not in b"".join(stale)
    await wire.command(b"a8 STORE 1 +FLAGS.SILENT (\\Deleted)")
    # RFC 7162 §3.2.10: with QRESYNC on, VANISHED replaces EXPUNGE.
    assert await wire.command(b"a9 EXPUNGE") == [
        b"* VANISHED 1\r\n",
        b"a9 OK EXPUNGE completed\r\n",
    ]
    await wire.close()


async def test_qresync_needs_enable(imap: Harness) -> None:
    wire = await imap.wire()
    assert await wire.command(b"a1 SELECT INBOX (QRESYNC (1 1))") == [
        b"a1 BAD QRESYNC is not enabled\r\n"
    ]
    await asyncio.sleep(0)
    await wire.close()
