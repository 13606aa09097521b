"""MULTIAPPEND (RFC 3502): several messages in one APPEND, all stored or none, byte for byte."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from mss.mailcrypto import seal_message

from .harness import Harness
from .messages import simple


async def test_multiappend_stores_all_or_nothing(imap: Harness) -> None:
    one, two = simple("un"), simple("deux")
    drafts = await imap.uidvalidity("Drafts")
    wire = await imap.wire()
    assert b" MULTIAPPEND " in (await wire.command(b"c1 CAPABILITY"))[0]
    # RFC 3502 §6: append-message repeats; RFC 4315 §3: APPENDUID with a UID set.
    assert await wire.command(
        b"a1 APPEND Drafts (\\Seen) {%d+}\r\n%s (\\Draft) {%d+}\r\n%s"
        % (len(one), one, len(two), two)
    ) == [b"a1 OK [APPENDUID %d 1:2] APPEND completed\r\n" % drafts]
    # RFC 3502 §3: when one message cannot be appended, none is.
    assert await wire.command(b"a2 APPEND Drafts {%d+}\r\n%s {0+}\r\n" % (len(one), one)) == [
        b"a2 NO [CANNOT] Empty message\r\n"
    ]
    assert (await wire.command(b"a3 SELECT Drafts"))[0] == b"* 2 EXISTS\r\n"
    assert await wire.command(b"a4 FETCH 1:* (FLAGS RFC822.SIZE)") == [
        b"* 1 FETCH (FLAGS (\\Recent \\Seen) RFC822.SIZE %d)\r\n" % len(one),
        b"* 2 FETCH (FLAGS (\\Draft \\Recent) RFC822.SIZE %d)\r\n" % len(two),
        b"a4 OK FETCH completed\r\n",
    ]
    await wire.close()


async def test_a_failing_transaction_stores_none(imap: Harness) -> None:
    """The store writes the whole batch in one transaction: a fault on the second message (its
    content id taken by the first) leaves the first out as well."""
    box = await imap.runtime.store.get_mailbox(imap.account.id, "INBOX")
    assert box is not None
    sealed = seal_message(simple("un"), imap.account.encryption_key, frozenset(), 0)
    with pytest.raises(IntegrityError):
        await imap.runtime.store.append_many(box.id, [sealed, sealed])
    assert await imap.runtime.store.message_index(box.id) == []
