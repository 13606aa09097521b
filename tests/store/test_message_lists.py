"""The core store's message lists (MessageListStore): clear columns only, sorted and filtered
on what is stored in the clear, never another mailbox's rows."""

from __future__ import annotations

from mss.delivery import deliver
from mss.runtime import Runtime
from mss.store.records import AccountKind, FlagMode, SortKey

PASSWORD = "correct horse battery"


async def test_pages_heads_and_lookups_stay_in_their_mailbox(runtime: Runtime) -> None:
    await runtime.store.add_domain("hopital.example")
    created = await runtime.accounts.create_account(
        "a@hopital.example", AccountKind.PROFESSIONAL, PASSWORD
    )
    account = created.account
    sizes = [3, 1, 2]
    for number, size in enumerate(sizes):
        raw = f"Subject: m{number}\r\n\r\n".encode() + b"x" * (size * 200_000)
        await deliver(runtime.store, account, "INBOX", raw)
    inbox = await runtime.store.get_mailbox(account.id, "INBOX")
    other = await runtime.store.create_mailbox(account.id, "Autre")
    assert inbox is not None
    await deliver(runtime.store, account, other, b"Subject: ailleurs\r\n\r\nx\r\n")
    await runtime.store.store_flags(inbox.id, [1], FlagMode.ADD, frozenset({"\\Seen"}))

    newest = await runtime.store.message_page(inbox.id, 0, 2)
    assert newest.total == 3 and [h.uid for h in newest.heads] == [3, 2]
    by_size = await runtime.store.message_page(inbox.id, 0, 10, SortKey.SIZE, descending=False)
    assert [h.uid for h in by_size.heads] == [2, 3, 1]
    unseen = await runtime.store.message_page(inbox.id, 0, 10, unseen_only=True)
    assert unseen.total == 2 and [h.uid for h in unseen.heads] == [3, 2]

    heads = await runtime.store.newest_heads(inbox.id, 2)
    assert [(h.mailbox_id, h.uid) for h in heads] == [(inbox.id, 3), (inbox.id, 2)]
    [first] = await runtime.store.message_heads(inbox.id, [1, 9])
    assert first.flags == frozenset({"\\Seen"}) and first.uid == 1
    assert [h.mailbox_id for h in await runtime.store.message_heads(other.id, [1, 2])] == [other.id]
