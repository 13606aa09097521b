"""FETCH and SEARCH read through the encrypted mailbox index: once a session has read a mailbox,
the next one opens no sealed content key (issue 15)."""

from __future__ import annotations

from sqlalchemy import update

from mss.store.schema import messages

from .harness import Harness
from .messages import NESTED, simple

SYNC = b"UID FETCH 1:* (UID FLAGS ENVELOPE BODYSTRUCTURE)"


async def test_second_session_reads_from_the_index_alone(imap: Harness) -> None:
    raws = [NESTED] + [simple(f"Compte rendu {n}", f"Examen {n} normal.") for n in range(1, 20)]
    for raw in raws:
        await imap.deliver(raw)
    first = await imap.wire()
    await first.command(b"a1 SELECT INBOX")
    synced = await first.command(b"a2 " + SYNC)
    await first.close()
    inbox = await imap.runtime.store.get_mailbox(imap.account.id, "INBOX")
    assert inbox is not None
    assert await imap.runtime.store.read_mailbox_index(inbox.id) is not None
    # Garbage in every sealed key: a message opened from its row now fails.
    async with imap.runtime.database.writer.begin() as conn:
        await conn.execute(
            update(messages)
            .where(messages.c.mailbox_id == inbox.id)
            .values(sealed_key=b"\x00" * 80)
        )
    late = simple("Arrive ensuite", "Delivre apres l'index.")
    await imap.deliver(late)
    second = await imap.wire()
    await second.command(b"b1 SELECT INBOX")
    again = await second.command(b"b2 " + SYNC)
    assert again[: len(synced) - 1] == synced[:-1]
    assert b'"Arrive ensuite"' in again[len(synced) - 1]
    bodies = b"".join(await second.command(b"b3 UID FETCH 1:* (BODY.PEEK[])"))
    for raw in [*raws, late]:
        assert raw in bodies
    [found, done] = await second.command(b'b4 UID SEARCH BODY "Examen 7"')
    assert found == b"* SEARCH 8\r\n" and done.startswith(b"b4 OK")
    await second.close()
