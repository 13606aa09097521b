"""The encrypted mailbox index (mss/reading): what it saves, what it refuses, and that it stays
right under concurrent delivery, expunge and flag changes."""

from __future__ import annotations

from sqlalchemy import update

from mss.accounts import UnlockedAccount
from mss.config import Settings
from mss.delivery import deliver
from mss.reading.reader import IndexCache, MailboxReader
from mss.runtime import Runtime
from mss.store.records import AccountKind, FlagMode, Mailbox
from mss.store.schema import messages
from queue_support import dump_database
from support import sample_message

PASSWORD = "correct horse battery"


async def _owner(runtime: Runtime, local: str = "a") -> UnlockedAccount:
    if await runtime.store.get_domain("hopital.example") is None:
        await runtime.store.add_domain("hopital.example")
    address = f"{local}@hopital.example"
    await runtime.accounts.create_account(address, AccountKind.PROFESSIONAL, PASSWORD)
    return await runtime.accounts.authenticate(address, PASSWORD)


async def _mailbox(runtime: Runtime, owner: UnlockedAccount, name: str = "INBOX") -> Mailbox:
    mailbox = await runtime.store.get_mailbox(owner.account.id, name)
    assert mailbox is not None
    return mailbox


async def _live(runtime: Runtime, mailbox: Mailbox) -> list[int]:
    return [entry.uid for entry in await runtime.store.message_index(mailbox.id)]


async def _break_sealed_keys(runtime: Runtime, mailbox: Mailbox) -> None:
    """Replace every row's sealed content key by garbage: only the index can open them now."""
    async with runtime.database.writer.begin() as conn:
        await conn.execute(
            update(messages)
            .where(messages.c.mailbox_id == mailbox.id)
            .values(sealed_key=b"\x00" * 80)
        )


def _reader(runtime: Runtime, owner: UnlockedAccount, mailbox: Mailbox) -> MailboxReader:
    """A reader with a cache of its own, as a session of another process would have."""
    return MailboxReader(runtime.store, owner.keys, mailbox, IndexCache())


async def test_saved_index_opens_every_message_without_its_sealed_key(runtime: Runtime) -> None:
    owner = await _owner(runtime)
    for number in range(5):
        await deliver(runtime.store, owner.account, "INBOX", sample_message(f"m{number}"))
    inbox = await _mailbox(runtime, owner)
    live = await _live(runtime, inbox)
    first = _reader(runtime, owner, inbox)
    opened = await first.messages(live)
    await first.save(live)
    assert (await runtime.store.read_mailbox_index(inbox.id)) is not None
    await _break_sealed_keys(runtime, inbox)
    later = _reader(runtime, owner, inbox)
    again = await later.contents(live)
    assert sorted(again) == live
    for uid in live:
        message, raw = again[uid]
        assert message.summary.header == opened[uid].summary.header
        assert f"Subject: Résultats m{uid - 1}".encode() in raw


async def test_index_moved_to_another_mailbox_or_account_does_not_open(runtime: Runtime) -> None:
    owner = await _owner(runtime)
    other = await _owner(runtime, "b")
    await deliver(runtime.store, owner.account, "INBOX", sample_message("moved"))
    await deliver(runtime.store, owner.account, "Archive", sample_message("moved"))
    await deliver(runtime.store, other.account, "INBOX", sample_message("moved"))
    inbox, archive = await _mailbox(runtime, owner), await _mailbox(runtime, owner, "Archive")
    foreign = await _mailbox(runtime, other)
    reader = _reader(runtime, owner, inbox)
    await reader.messages([1])
    await reader.save([1])
    stored = await runtime.store.read_mailbox_index(inbox.id)
    assert stored is not None
    for target, keys_of in ((archive, owner), (foreign, other)):
        assert await runtime.store.replace_mailbox_index(target.id, 0, stored[1])
        moved = _reader(runtime, keys_of, target)
        assert (await moved.index()).entries == {}, "a blob of another mailbox opened"


async def test_index_stays_right_under_concurrent_sessions(
    runtime: Runtime, settings: Settings
) -> None:
    owner = await _owner(runtime)
    for number in range(6):
        await deliver(runtime.store, owner.account, "INBOX", sample_message(f"m{number}"))
    inbox = await _mailbox(runtime, owner)
    # Two sessions as in two server processes: each its own runtime (engines, writer, cache).
    other = await Runtime.open(settings)
    try:
        await _concurrent(runtime, other, owner, inbox)
    finally:
        await other.close()


async def _concurrent(
    runtime: Runtime, other: Runtime, owner: UnlockedAccount, inbox: Mailbox
) -> None:
    one, two = _reader(runtime, owner, inbox), _reader(other, owner, inbox)
    await one.messages(await _live(runtime, inbox))
    await two.index()
    await one.save(await _live(runtime, inbox))
    # Meanwhile: new mail, an expunge, flag changes. Session two reads only the new mail and
    # saves from its stale generation: refused, it merges what session one stored and writes.
    for number in range(6, 9):
        await deliver(runtime.store, owner.account, "INBOX", sample_message(f"m{number}"))
    assert await runtime.store.expunge(inbox.id, [2, 3]) == [2, 3]
    await runtime.store.store_flags(inbox.id, [1, 4], FlagMode.ADD, frozenset({"\\Seen"}))
    live = await _live(runtime, inbox)
    await two.messages([7, 8, 9])
    await two.save(live)
    stored = await runtime.store.read_mailbox_index(inbox.id)
    assert stored is not None and stored[0] == 2, "the second writer lost its write"
    # Session one, now behind, saves again (it holds expunged entries): it must not overwrite
    # session two's entries.
    await one.save(live)
    await _break_sealed_keys(runtime, inbox)
    fresh = _reader(runtime, owner, inbox)
    assert sorted((await fresh.index()).entries) == live, "expunged entries kept or new ones lost"
    read = await fresh.contents(live)
    for uid in live:
        assert f"Subject: Résultats m{uid - 1}".encode() in read[uid][1]


async def test_dump_holds_no_word_of_an_indexed_summary(runtime: Runtime, canary: str) -> None:
    owner = await _owner(runtime)
    raw = (
        f"From: <dr.{canary.lower()}@hopital.example>\r\nTo: <a@hopital.example>\r\n"
        f"Subject: Bilan {canary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Corps {canary}\r\n"
    ).encode()
    await deliver(runtime.store, owner.account, "INBOX", raw)
    inbox = await _mailbox(runtime, owner)
    reader = _reader(runtime, owner, inbox)
    [(message, _)] = (await reader.contents([1])).values()
    assert canary in message.summary.header.decode() and canary in message.summary.preview
    await reader.save([1])
    assert (await runtime.store.read_mailbox_index(inbox.id)) is not None
    dump = await dump_database(runtime)
    assert canary.encode() not in dump
    assert canary.lower().encode() not in dump


async def test_renderings_are_kept_with_the_index(runtime: Runtime) -> None:
    owner = await _owner(runtime)
    await deliver(runtime.store, owner.account, "INBOX", sample_message("rendered"))
    inbox = await _mailbox(runtime, owner)
    reader = _reader(runtime, owner, inbox)
    [message] = (await reader.messages([1])).values()
    message.rendering(b"test/subject", lambda s: (s.structure.envelope.subject or "").encode())
    await reader.save([1])
    index = await _reader(runtime, owner, inbox).index()
    stored = index.entries[1]
    assert stored.renderings == {b"test/subject": "Résultats rendered".encode()}
    assert not index.stale([1])
    # A rendering added later makes the index worth writing again.
    stored.rendering(b"test/other", lambda s: b"x")
    assert index.stale([1])


async def test_settle_writes_what_a_request_opened_and_nothing_else(runtime: Runtime) -> None:
    """The webmail's readers live for one request: ``settle`` stores the index only when they
    opened messages, and keeps only the mailbox's messages of now."""
    owner = await _owner(runtime)
    for number in range(3):
        await deliver(runtime.store, owner.account, "INBOX", sample_message(f"m{number}"))
    inbox = await _mailbox(runtime, owner)
    idle = _reader(runtime, owner, inbox)
    await idle.index()
    await idle.settle()
    assert await runtime.store.read_mailbox_index(inbox.id) is None
    request = _reader(runtime, owner, inbox)
    await request.messages([1, 2])
    assert await runtime.store.expunge(inbox.id, [2]) == [2]
    await request.settle()
    await _break_sealed_keys(runtime, inbox)
    later = _reader(runtime, owner, inbox)
    assert set((await later.index()).entries) == {1}
    [(message, raw)] = (await later.contents([1])).values()
    assert b"Subject: R" in raw and message.summary.size == len(raw)
