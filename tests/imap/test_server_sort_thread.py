"""SORT and THREAD (RFC 5256), ESORT (RFC 5267) and SORT=DISPLAY (RFC 5957), byte for byte."""

from __future__ import annotations

from .harness import Harness


def message(
    subject: str, sender: str, date: str, message_id: str, references: str = "", body: str = ""
) -> bytes:
    head = (
        f"From: {sender}\r\nTo: jeanne@hopital.example\r\nSubject: {subject}\r\n"
        f"Date: {date}\r\nMessage-ID: {message_id}\r\n"
    )
    if references:
        head += f"References: {references}\r\n"
    return (head + "\r\n" + (body or "Bonjour.") + "\r\n").encode()


async def deliver_thread(imap: Harness) -> None:
    """1 and 3 are a question and its answer; 2 answers a message that is not there; 4 shares
    1's subject without any reference."""
    await imap.deliver(
        message("Bilan", "Zoe <zoe@a.example>", "Mon, 23 Nov 2026 10:00:00 +0000", "<q@a>")
    )
    await imap.deliver(
        message(
            "Re: [labo] Resultats",
            "Bob <albert@b.example>",
            "Mon, 23 Nov 2026 09:00:00 +0000",
            "<r@b>",
            "<absent@x>",
            body="x" * 400,
        )
    )
    await imap.deliver(
        message("Re: Bilan", "marc@c.example", "Mon, 23 Nov 2026 11:00:00 +0000", "<a@c>", "<q@a>")
    )
    await imap.deliver(
        message("Fwd: bilan (fwd)", "yves@d.example", "Mon, 23 Nov 2026 08:00:00 +0000", "<f@d>")
    )


async def test_sort_by_each_key_and_reverse(imap: Harness) -> None:
    await deliver_thread(imap)
    wire = await imap.wire()
    capabilities = (await wire.command(b"c1 CAPABILITY"))[0]
    for name in (b" SORT ", b" SORT=DISPLAY ", b" THREAD=REFERENCES ", b" ESORT "):
        assert name in capabilities
    await wire.command(b"a1 SELECT INBOX")
    # RFC 5256 §2.1: the base subject drops "Re:", "Fwd:", "[blob]" and "(fwd)"; ties go to the
    # sequence number.
    assert await wire.command(b"a2 SORT (SUBJECT) UTF-8 ALL") == [
        b"* SORT 1 3 4 2\r\n",
        b"a2 OK SORT completed\r\n",
    ]
    # RFC 5256 §3: DATE is the sent date (in UTC); REVERSE turns one criterion around.
    assert (await wire.command(b"a3 SORT (DATE) US-ASCII ALL"))[0] == b"* SORT 4 2 1 3\r\n"
    assert (await wire.command(b"a4 SORT (REVERSE DATE) US-ASCII ALL"))[0] == (
        b"* SORT 3 1 2 4\r\n"
    )
    # FROM compares the first address's mailbox (local part): albert, marc, yves, zoe.
    assert (await wire.command(b"a5 SORT (FROM) US-ASCII ALL"))[0] == b"* SORT 2 3 4 1\r\n"
    # RFC 5957: DISPLAYFROM compares the display name, else the address: bob, marc, yves, zoe.
    assert (await wire.command(b"a6 SORT (DISPLAYFROM) US-ASCII ALL"))[0] == (b"* SORT 2 3 4 1\r\n")
    assert (await wire.command(b"a7 SORT (REVERSE SIZE) US-ASCII ALL"))[0] == (
        b"* SORT 2 3 4 1\r\n"
    )
    # Search keys select first; UID SORT answers UIDs.
    assert (await wire.command(b"a8 UID SORT (SUBJECT DATE) US-ASCII NOT FROM zoe"))[0] == (
        b"* SORT 4 3 2\r\n"
    )
    # RFC 5267 §3.2: ESORT answers ESEARCH in sort order.
    assert (await wire.command(b"a9 SORT RETURN (MIN MAX COUNT ALL) (DATE) US-ASCII ALL"))[0] == (
        b'* ESEARCH (TAG "a9") MIN 4 MAX 3 ALL 4,2,1,3 COUNT 4\r\n'
    )
    assert (await wire.command(b"a10 SORT RETURN () (ARRIVAL) US-ASCII ALL"))[0] == (
        b'* ESEARCH (TAG "a10") ALL 1:4\r\n'
    )
    assert (await wire.command(b"a11 SORT (BOGUS) US-ASCII ALL"))[0].startswith(b"a11 BAD")
    await wire.close()


async def test_thread_references_and_orderedsubject(imap: Harness) -> None:
    await deliver_thread(imap)
    wire = await imap.wire()
    await wire.command(b"a1 SELECT INBOX")
    # RFC 5256 §3 REFERENCES: 3 is 1's child by its References; 4 joins by subject (step 5:
    # a reply or forward goes under the thread's root); the dummy parent of 2 is pruned.
    # Threads are in date order of their first message, siblings too (4 was sent first).
    assert await wire.command(b"a2 THREAD REFERENCES UTF-8 ALL") == [
        b"* THREAD (2)(1 (4)(3))\r\n",
        b"a2 OK THREAD completed\r\n",
    ]
    # ORDEREDSUBJECT: by base subject only, the earliest first, the others its children.
    assert (await wire.command(b"a3 THREAD ORDEREDSUBJECT UTF-8 ALL"))[0] == (
        b"* THREAD (4 (1)(3))(2)\r\n"
    )
    assert (await wire.command(b"a4 UID THREAD ORDEREDSUBJECT UTF-8 1:3"))[0] == (
        b"* THREAD (2)(1 3)\r\n"
    )
    assert (await wire.command(b"a5 THREAD REFERENCES UTF-8 SUBJECT nothing"))[0] == (
        b"* THREAD\r\n"
    )
    assert (await wire.command(b"a6 THREAD BOGUS UTF-8 ALL"))[0].startswith(b"a6 BAD")
    await wire.close()
