"""SEARCHRES (RFC 5182): SEARCH RETURN (SAVE) and "$" in later commands, byte for byte."""

from __future__ import annotations

from .harness import Harness
from .messages import simple


async def test_saved_result_is_used_by_later_commands(imap: Harness) -> None:
    for subject in ("un", "deux", "trois", "quatre"):
        await imap.deliver(simple(subject))
    wire = await imap.wire()
    assert b" SEARCHRES " in (await wire.command(b"c1 CAPABILITY"))[0]
    await wire.command(b"a1 SELECT INBOX")
    # RFC 5182 §2.1: "$" before any SAVE is the empty set.
    assert await wire.command(b"a2 FETCH $ UID") == [b"a2 OK FETCH completed\r\n"]
    # RFC 5182 §2.4: SAVE alone sends no ESEARCH.
    assert await wire.command(b"a3 SEARCH RETURN (SAVE) SUBJECT r") == [
        b"a3 OK SEARCH completed\r\n"
    ]
    assert await wire.command(b"a4 FETCH $ (UID)") == [
        b"* 3 FETCH (UID 3)\r\n",
        b"* 4 FETCH (UID 4)\r\n",
        b"a4 OK FETCH completed\r\n",
    ]
    assert await wire.command(b"a5 UID STORE $ +FLAGS.SILENT (\\Flagged)") == [
        b"a5 OK UID STORE completed\r\n"
    ]
    assert (await wire.command(b"a6 SEARCH FLAGGED"))[0] == b"* SEARCH 3 4\r\n"
    # "$" as a search key, combined with others.
    assert (await wire.command(b"a7 SEARCH OR $ 1"))[0] == b"* SEARCH 1 3 4\r\n"
    # With MIN, only the smallest match is saved; the ESEARCH answer still comes.
    assert (await wire.command(b"a8 UID SEARCH RETURN (SAVE MIN) SUBJECT r"))[0] == (
        b'* ESEARCH (TAG "a8") UID MIN 3\r\n'
    )
    assert (await wire.command(b"a9 UID FETCH $ (UID)"))[0] == b"* 3 FETCH (UID 3)\r\n"
    # An expunged saved message drops out of "$".
    await wire.command(b"a10 STORE 3 +FLAGS.SILENT (\\Deleted)")
    await wire.command(b"a11 EXPUNGE")
    assert await wire.command(b"a12 FETCH $ (UID)") == [b"a12 OK FETCH completed\r\n"]
    # RFC 5182 §2.1: SELECT forgets the saved result.
    await wire.command(b"a13 SEARCH RETURN (SAVE) ALL")
    await wire.command(b"a14 SELECT INBOX")
    assert await wire.command(b"a15 FETCH $ (UID)") == [b"a15 OK FETCH completed\r\n"]
    assert (await wire.command(b"a16 FETCH $,1 (UID)"))[0].startswith(b"a16 BAD")
    await wire.close()
