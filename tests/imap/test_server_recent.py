"""\\Recent (RFC 3501 §2.3.2): a message is recent in the one session first told of it, whichever
server process that session runs in."""

from __future__ import annotations

import asyncio

from mss.runtime import Runtime

from .harness import Harness
from .messages import simple
from .wire import Wire


async def until_told(wire: Wire, tag: bytes) -> list[bytes]:
    """NOOP until the delivery's change notice has reached the session (PostgreSQL NOTIFY)."""
    for attempt in range(50):
        lines = await wire.command(tag + b"%d NOOP" % attempt)
        if len(lines) > 1:
            return lines
        await asyncio.sleep(0.05)
    raise AssertionError("the delivery never reached the session")


async def test_recent_is_taken_by_the_first_session_only(imap: Harness) -> None:
    await imap.deliver(simple("un"), recent=True)
    await imap.deliver(simple("deux"), recent=True)
    first, second = await imap.wire(), await imap.wire()
    # RFC 3501 §6.3.10: STATUS counts the messages no session has taken yet.
    assert (await first.command(b"s1 STATUS INBOX (RECENT)"))[0] == (
        b"* STATUS INBOX (RECENT 2)\r\n"
    )
    # RFC 3501 §6.3.2: EXAMINE shows them as recent without taking them.
    assert b"* 2 RECENT\r\n" in await second.command(b"e1 EXAMINE INBOX")
    # RFC 3501 §6.3.1: SELECT reports and takes them.
    assert b"* 2 RECENT\r\n" in await first.command(b"a1 SELECT INBOX")
    assert await first.command(b"a2 FETCH 1:2 FLAGS") == [
        b"* 1 FETCH (FLAGS (\\Recent))\r\n",
        b"* 2 FETCH (FLAGS (\\Recent))\r\n",
        b"a2 OK FETCH completed\r\n",
    ]
    # RFC 3501 §6.4.4: RECENT, NEW (recent and unseen) and OLD (not recent).
    await first.command(b"a3 STORE 2 +FLAGS.SILENT (\\Seen)")
    assert (await first.command(b"a4 SEARCH RECENT"))[0] == b"* SEARCH 1 2\r\n"
    assert (await first.command(b"a5 SEARCH NEW"))[0] == b"* SEARCH 1\r\n"
    assert (await first.command(b"a6 SEARCH OLD"))[0] == b"* SEARCH\r\n"
    # Any other session, opened before or after, sees them as old.
    assert b"* 0 RECENT\r\n" in await second.command(b"b1 SELECT INBOX")
    assert (await second.command(b"b2 SEARCH OLD"))[0] == b"* SEARCH 1 2\r\n"
    assert (await second.command(b"b3 SEARCH RECENT"))[0] == b"* SEARCH\r\n"
    assert (await second.command(b"b4 STATUS INBOX (RECENT)"))[0] == (
        b"* STATUS INBOX (RECENT 0)\r\n"
    )
    # A delivery while both are selected is recent in one of them only.
    await imap.deliver(simple("trois"), recent=True)
    told_first = await until_told(first, b"a7")
    told_second = await until_told(second, b"b5")
    assert b"* 3 EXISTS\r\n" in told_first and b"* 3 EXISTS\r\n" in told_second
    assert (b"* 3 RECENT\r\n" in told_first) != (b"* 1 RECENT\r\n" in told_second)
    await first.close()
    await second.close()


async def test_a_claim_made_by_another_process_holds(imap: Harness) -> None:
    appended = await imap.deliver(simple("un"), recent=True)
    # A second runtime on the same database stands for another server process.
    other = await Runtime.open(imap.runtime.settings)
    try:
        assert await other.store.claim_recent(appended.mailbox_id, appended.uid) == 0
    finally:
        await other.close()
    wire = await imap.wire()
    assert b"* 0 RECENT\r\n" in await wire.command(b"a1 SELECT INBOX")
    assert (await wire.command(b"a2 SEARCH NEW"))[0] == b"* SEARCH\r\n"
    await wire.close()
