"""Reading one patient's mail: folders with counts, pages of a folder, its conversations,
search, one message.

Every summary and content shown comes from the core's read path (mss/reading): the mailbox's
encrypted index, opened messages added to it, so the webmail opens no sealed row itself and a
folder the patient has seen once (here or over IMAP) is listed without one X25519 operation.

Every method takes the signed-in account and looks mailboxes up under it: a mailbox id of
another account is "not found", exactly like one that does not exist, and a UID is only ever
looked up inside a mailbox that passed that check.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Protocol

from crypto.session import SessionToken
from mss.accounts import UnlockedAccount
from mss.mailcrypto import MessageSummary
from mss.mime import iter_text
from mss.reading.index import IndexedMessage
from mss.reading.reader import MailboxReader, ReadingStore
from mss.store.errors import NotFound
from mss.store.interfaces import MailboxStore, MessageListStore
from mss.store.records import Account, Mailbox, MessageHead, SortKey
from webmail.mail.rowcache import RowCache, RowText
from webmail.mail.summaries import ListItem, list_item, matches, row_text, searchable
from webmail.mail.threadcache import MessageKey, ThreadCache
from webmail.mail.threads import Conversation, group

ROLE_ORDER = ("inbox", "drafts", "sent", "archive", "junk", "trash")
_ROLES = {
    "\\Drafts": "drafts",
    "\\Sent": "sent",
    "\\Trash": "trash",
    "\\Junk": "junk",
    "\\Archive": "archive",
}
SEARCH_CHUNK = 100
SEEN = "\\Seen"
THREAD_SCAN = 2000
"""A folder is grouped into conversations from its newest messages up to this many; a larger
one is listed message by message (its rows would cost too much to open on every page)."""


@dataclass(frozen=True, slots=True)
class Folder:
    id: int
    name: str
    role: str
    total: int
    unseen: int


@dataclass(frozen=True, slots=True)
class ListPage:
    items: list[ListItem]
    total: int
    page: int
    pages: int
    per_page: int


@dataclass(frozen=True, slots=True)
class SearchResult:
    items: list[ListItem]
    scanned: int
    complete: bool


@dataclass(frozen=True, slots=True)
class ConversationPage:
    conversations: list[Conversation[ListItem]]
    total: int
    page: int
    pages: int
    per_page: int


class MailStore(MailboxStore, MessageListStore, ReadingStore, Protocol):
    """What the webmail reads of the core's store."""


@dataclass(frozen=True, slots=True)
class OpenedMessage:
    record: MessageHead
    summary: MessageSummary
    raw: bytes


def role_of(mailbox: Mailbox) -> str:
    if mailbox.name == "INBOX":
        return "inbox"
    return _ROLES.get(mailbox.special_use or "", "folder")


class MailReader:
    def __init__(
        self,
        store: MailStore,
        rows: RowCache,
        threads: ThreadCache | None = None,
    ) -> None:
        self._store = store
        self._rows = rows
        self._threads = threads or ThreadCache()

    def _readers(
        self, owner: UnlockedAccount, mailboxes: list[Mailbox]
    ) -> dict[int, MailboxReader]:
        """A reader per folder, for one request (the folder's index is loaded once in it)."""
        return {m.id: MailboxReader(self._store, owner.keys, m) for m in mailboxes}

    async def _rows_of(
        self,
        owner: UnlockedAccount,
        token: SessionToken,
        readers: dict[int, MailboxReader],
        heads: list[MessageHead],
    ) -> dict[MessageKey, ListItem]:
        """Rows of ``heads``: cached ones as they are, the others from their summaries, read
        through each folder's index."""
        texts: dict[MessageKey, RowText] = {}
        missing: dict[int, list[MessageHead]] = {}
        for head in heads:
            cached = self._rows.get(token, head.object_id)
            if cached is None:
                missing.setdefault(head.mailbox_id, []).append(head)
            else:
                texts[head.mailbox_id, head.uid] = cached
        for mailbox_id, found in missing.items():
            reader = readers[mailbox_id]
            opened = await reader.messages([head.uid for head in found])
            await reader.settle()
            for head in found:
                message = opened.get(head.uid)
                if message is None:
                    continue  # expunged meanwhile
                text = row_text(message.summary)
                self._rows.put(token, head.object_id, text)
                texts[mailbox_id, head.uid] = text
        return {
            (h.mailbox_id, h.uid): list_item(h, texts[h.mailbox_id, h.uid])
            for h in heads
            if (h.mailbox_id, h.uid) in texts
        }

    async def _grouped(
        self, owner: UnlockedAccount, token: SessionToken, mailboxes: list[Mailbox]
    ) -> tuple[dict[MessageKey, MessageHead], list[list[MessageKey]]] | None:
        """The messages of ``mailboxes`` and their conversations (newest first, each newest
        first); None when one folder holds over THREAD_SCAN messages. The grouping is reused
        from the session's thread cache while the folders hold the same messages."""
        heads: dict[MessageKey, MessageHead] = {}
        for mailbox in mailboxes:
            found = await self._store.newest_heads(mailbox.id, THREAD_SCAN + 1)
            if len(found) > THREAD_SCAN:
                return None
            heads.update(((h.mailbox_id, h.uid), h) for h in found)
        ids = [mailbox.id for mailbox in mailboxes]
        groups = self._threads.get(token, ids, list(heads))
        if groups is None:
            rows = await self._rows_of(
                owner, token, self._readers(owner, mailboxes), list(heads.values())
            )
            found_groups = group(rows.values())
            groups = [[(m.mailbox_id, m.uid) for m in c.messages] for c in found_groups]
            self._threads.put(token, ids, list(heads), groups)
        return heads, groups

    async def _conversations(
        self,
        owner: UnlockedAccount,
        token: SessionToken,
        mailboxes: list[Mailbox],
        heads: dict[MessageKey, MessageHead],
        groups: list[list[MessageKey]],
    ) -> list[Conversation[ListItem]]:
        """The rows of ``groups`` (only theirs are read), as conversations."""
        rows = await self._rows_of(
            owner, token, self._readers(owner, mailboxes), [heads[k] for g in groups for k in g]
        )
        built = [tuple(rows[k] for k in members if k in rows) for members in groups]
        return [Conversation(messages) for messages in built if messages]

    async def conversations(
        self,
        owner: UnlockedAccount,
        token: SessionToken,
        mailbox: Mailbox,
        page: int,
        per_page: int,
        unseen_only: bool = False,
    ) -> ConversationPage | None:
        """One page of the folder's conversations, newest first (an unread filter keeps those
        with an unread message); None for a folder too large to group."""
        grouped = await self._grouped(owner, token, [mailbox])
        if grouped is None:
            return None
        heads, groups = grouped
        if unseen_only:
            groups = [g for g in groups if any(SEEN not in heads[k].flags for k in g)]
        pages = max((len(groups) + per_page - 1) // per_page, 1)
        page = min(max(page, 1), pages)
        start = (page - 1) * per_page
        shown = await self._conversations(
            owner, token, [mailbox], heads, groups[start : start + per_page]
        )
        return ConversationPage(shown, len(groups), page, pages, per_page)

    async def thread(
        self,
        owner: UnlockedAccount,
        token: SessionToken,
        mailboxes: list[Mailbox],
        mailbox: Mailbox,
        uid: int,
    ) -> Conversation[ListItem] | None:
        """The conversation of message ``uid`` of ``mailbox``, gathered over ``mailboxes`` (the
        folder and the Sent one, so the patient's own replies show in it)."""
        grouped = await self._grouped(owner, token, mailboxes)
        if grouped is None:
            return None
        heads, groups = grouped
        for members in groups:
            if (mailbox.id, uid) in members:
                built = await self._conversations(owner, token, mailboxes, heads, [members])
                return built[0] if built else None
        return None

    async def folders(self, account: Account) -> list[Folder]:
        found = []
        for mailbox in await self._store.list_mailboxes(account.id):
            total, unseen = await self._store.mailbox_counts(mailbox.id)
            found.append(Folder(mailbox.id, mailbox.name, role_of(mailbox), total, unseen))
        rank = {role: index for index, role in enumerate(ROLE_ORDER)}
        return sorted(found, key=lambda f: (rank.get(f.role, len(rank)), f.name.casefold()))

    async def mailbox(self, account: Account, mailbox_id: int) -> Mailbox:
        mailbox = await self._store.get_mailbox_by_id(mailbox_id)
        if mailbox is None or mailbox.account_id != account.id:
            raise NotFound("no such folder")
        return mailbox

    async def special(self, account: Account, role: str) -> Mailbox:
        if role == "inbox":
            found = await self._store.get_mailbox(account.id, "INBOX")
        else:
            use = next((use for use, name in _ROLES.items() if name == role), "")
            found = await self._store.find_special_use(account.id, use)
        if found is None:
            raise NotFound(f"no {role} folder")
        return found

    async def page(
        self,
        owner: UnlockedAccount,
        token: SessionToken,
        mailbox: Mailbox,
        page: int,
        per_page: int,
        sort: SortKey = SortKey.DATE,
        descending: bool = True,
        unseen_only: bool = False,
    ) -> ListPage:
        page = max(page, 1)
        result = await self._store.message_page(
            mailbox.id, (page - 1) * per_page, per_page, sort, descending, unseen_only
        )
        rows = await self._rows_of(owner, token, self._readers(owner, [mailbox]), result.heads)
        items = [rows[k] for k in ((h.mailbox_id, h.uid) for h in result.heads) if k in rows]
        pages = max((result.total + per_page - 1) // per_page, 1)
        return ListPage(items, result.total, page, pages, per_page)

    async def search(
        self,
        owner: UnlockedAccount,
        token: SessionToken,
        mailbox: Mailbox,
        query: str,
        limit: int,
        scan_limit: int,
    ) -> SearchResult:
        """Newest first, every word in the headers or the text; the server can only search
        what it decrypts, so at most ``scan_limit`` messages are read. Contents are decrypted
        only for the messages whose headers do not match already."""
        words = [word.casefold() for word in query.split()]
        heads = await self._store.newest_heads(mailbox.id, scan_limit + 1)
        complete = len(heads) <= scan_limit
        heads = heads[:scan_limit]
        found: list[ListItem] = []
        scanned = 0
        reader = MailboxReader(self._store, owner.keys, mailbox)
        for start in range(0, len(heads), SEARCH_CHUNK):
            chunk = heads[start : start + SEARCH_CHUNK]
            rows = await self._rows_of(owner, token, {mailbox.id: reader}, chunk)
            items = [rows[k] for k in ((h.mailbox_id, h.uid) for h in chunk) if k in rows]
            unmatched = [i.uid for i in items if not matches(searchable(i), words)]
            bodies = await reader.contents(unmatched)
            for item in items:
                scanned += 1
                if _found(item, bodies.get(item.uid), words):
                    found.append(item)
                    if len(found) >= limit:
                        return SearchResult(found, scanned, False)
            await asyncio.sleep(0)
        return SearchResult(found, scanned, complete)

    async def open(self, owner: UnlockedAccount, mailbox: Mailbox, uid: int) -> OpenedMessage:
        heads = await self._store.message_heads(mailbox.id, [uid])
        reader = MailboxReader(self._store, owner.keys, mailbox)
        read = await reader.contents([uid]) if heads else {}
        if uid not in read:
            raise NotFound("no such message")
        await reader.settle()
        message, raw = read[uid]
        return OpenedMessage(heads[0], message.summary, raw)


def _found(item: ListItem, body: tuple[IndexedMessage, bytes] | None, words: list[str]) -> bool:
    """Every word in the headers, or in the headers and text parts of ``body`` together."""
    headers = searchable(item)
    if body is None or matches(headers, words):
        return matches(headers, words)
    message, raw = body
    text = "\n".join(iter_text(raw, message.summary.structure)).casefold()
    return matches(headers + "\n" + text, words)
