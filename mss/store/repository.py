"""The SQL implementation of the store's interfaces.

Implementation notes. Reads run on the reader engine, each in its own short transaction; every
write is one job of the group :class:`~mss.store.writer.Committer`, so that a method returns only
once its transaction is committed and durable, and its changes are published after that commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from mss.store import (
    account_sql,
    correspondent_sql,
    index_sql,
    mailbox_sql,
    mailpage_sql,
    message_sql,
    recent_sql,
    subscription_sql,
)
from mss.store.appender import AppendBatcher
from mss.store.cache import TtlCache
from mss.store.changes import ChangeFeed
from mss.store.database import Database
from mss.store.errors import NotFound
from mss.store.records import (
    Account,
    AccountKind,
    Appended,
    Credential,
    CredentialKind,
    Domain,
    FlagMode,
    FlagUpdate,
    Mailbox,
    MessageHead,
    MessageIndexEntry,
    MessagePage,
    MessageRecord,
    NewCredential,
    NewMessage,
    SortKey,
)
from mss.store.schema import accounts, contents, credentials, domains, mailboxes
from mss.store.writer import Committer, WriteResult


class SqlStore:
    def __init__(self, database: Database, feed: ChangeFeed) -> None:
        self.database = database
        self.feed = feed
        self.committer = Committer(database.writer, feed, database.thread_writer)
        self.appender = AppendBatcher(self.committer)
        self._lookups: TtlCache[tuple[str, object, object], object] = TtlCache()

    async def close(self) -> None:
        await self.committer.close()

    # Domains and accounts ------------------------------------------------------------------

    async def add_domain(self, name: str, is_patient: bool = False) -> Domain:
        async def job(conn: AsyncConnection) -> WriteResult[Domain]:
            return WriteResult(await account_sql.insert_domain(conn, name, is_patient))

        domain = await self.committer.run(job)
        self._lookups.clear()
        return domain

    async def get_domain(self, name: str) -> Domain | None:
        found, cached = self._lookups.get(("domain", name, None))
        if found:
            return cast(Domain | None, cached)
        async with self.database.reader.connect() as conn:
            row = (await conn.execute(select(domains).where(domains.c.name == name))).first()
        domain = account_sql.domain_from_row(row) if row is not None else None
        self._lookups.put(("domain", name, None), domain)
        return domain

    async def list_domains(self) -> list[Domain]:
        async with self.database.reader.connect() as conn:
            rows = await conn.execute(select(domains).order_by(domains.c.name))
            return [account_sql.domain_from_row(row) for row in rows]

    async def add_account(
        self,
        address: str,
        domain: Domain,
        kind: AccountKind,
        display_name: str,
        encryption_key: bytes,
        signing_key: bytes,
        new_credentials: list[NewCredential],
    ) -> Account:
        async def job(conn: AsyncConnection) -> WriteResult[Account]:
            account = await account_sql.insert_account(
                conn,
                address,
                domain,
                kind,
                display_name,
                encryption_key,
                signing_key,
                new_credentials,
            )
            return WriteResult(account)

        account = await self.committer.run(job)
        self._lookups.clear()
        return account

    async def get_account(self, address: str) -> Account | None:
        found, cached = self._lookups.get(("account", address, None))
        if found:
            return cast(Account | None, cached)
        async with self.database.reader.connect() as conn:
            account = await account_sql.select_one_account(conn, address)
        self._lookups.put(("account", address, None), account)
        return account

    async def get_account_by_id(self, account_id: int) -> Account | None:
        async with self.database.reader.connect() as conn:
            row = (await conn.execute(select(accounts).where(accounts.c.id == account_id))).first()
        return account_sql.account_from_row(row) if row is not None else None

    async def list_accounts(self, domain: Domain | None = None) -> list[Account]:
        query = select(accounts).order_by(accounts.c.address)
        if domain is not None:
            query = query.where(accounts.c.domain_id == domain.id)
        async with self.database.reader.connect() as conn:
            return [account_sql.account_from_row(row) for row in await conn.execute(query)]

    # Credentials -------------------------------------------------------------------------

    async def credentials_of(self, account_id: int, kind: CredentialKind) -> list[Credential]:
        async with self.database.reader.connect() as conn:
            rows = await conn.execute(
                select(credentials)
                .where(credentials.c.account_id == account_id, credentials.c.kind == kind.value)
                .order_by(credentials.c.id)
            )
            return [account_sql.credential_from_row(row) for row in rows]

    async def credential_by_lookup(self, account_id: int, lookup: bytes) -> Credential | None:
        async with self.database.reader.connect() as conn:
            row = (
                await conn.execute(
                    select(credentials).where(
                        credentials.c.account_id == account_id, credentials.c.lookup == lookup
                    )
                )
            ).first()
        return account_sql.credential_from_row(row) if row is not None else None

    async def rewrap_credential(self, credential: Credential, wrapped: bytes) -> None:
        async def job(conn: AsyncConnection) -> WriteResult[None]:
            await account_sql.rewrap_credential(conn, credential, wrapped)
            return WriteResult(None)

        await self.committer.run(job)
        await self.database.scrub()

    async def add_credential(self, account_id: int, credential: NewCredential) -> Credential:
        async def job(conn: AsyncConnection) -> WriteResult[Credential]:
            return WriteResult(await account_sql.insert_credential(conn, account_id, credential))

        return await self.committer.run(job)

    async def replace_credentials(
        self, account_id: int, kind: CredentialKind, credential: NewCredential
    ) -> Credential:
        async def job(conn: AsyncConnection) -> WriteResult[Credential]:
            replaced = await account_sql.replace_credentials(conn, account_id, kind, credential)
            return WriteResult(replaced)

        replaced = await self.committer.run(job)
        await self.database.scrub()
        return replaced

    async def delete_credential(self, account_id: int, credential_id: int) -> None:
        async def job(conn: AsyncConnection) -> WriteResult[None]:
            await account_sql.delete_credential(conn, account_id, credential_id)
            return WriteResult(None)

        await self.committer.run(job)
        await self.database.scrub()

    # Mailboxes ---------------------------------------------------------------------------

    async def list_mailboxes(self, account_id: int) -> list[Mailbox]:
        async with self.database.reader.connect() as conn:
            rows = await conn.execute(
                select(mailboxes)
                .where(mailboxes.c.account_id == account_id)
                .order_by(mailboxes.c.name)
            )
            return [mailbox_sql.mailbox_from_row(row) for row in rows]

    async def get_mailbox(self, account_id: int, name: str) -> Mailbox | None:
        """The mailbox record; its counters (UIDNEXT, HIGHESTMODSEQ) are read fresh."""
        async with self.database.reader.connect() as conn:
            return await mailbox_sql.select_mailbox(conn, account_id, name)

    async def mailbox_id(self, account_id: int, name: str) -> int | None:
        """Just the id of a mailbox, cached: delivery needs nothing else of it."""
        found, cached = self._lookups.get(("mailbox", account_id, name))
        if found:
            return cast(int | None, cached)
        mailbox = await self.get_mailbox(account_id, name)
        mailbox_id = mailbox.id if mailbox is not None else None
        self._lookups.put(("mailbox", account_id, name), mailbox_id)
        return mailbox_id

    async def get_mailbox_by_id(self, mailbox_id: int) -> Mailbox | None:
        async with self.database.reader.connect() as conn:
            row = (
                await conn.execute(select(mailboxes).where(mailboxes.c.id == mailbox_id))
            ).first()
        return mailbox_sql.mailbox_from_row(row) if row is not None else None

    async def find_special_use(self, account_id: int, special_use: str) -> Mailbox | None:
        async with self.database.reader.connect() as conn:
            row = (
                await conn.execute(
                    select(mailboxes).where(
                        mailboxes.c.account_id == account_id,
                        mailboxes.c.special_use == special_use,
                    )
                )
            ).first()
        return mailbox_sql.mailbox_from_row(row) if row is not None else None

    async def create_mailbox(
        self, account_id: int, name: str, special_use: str | None = None
    ) -> Mailbox:
        async def job(conn: AsyncConnection) -> WriteResult[Mailbox]:
            mailbox, changes = await mailbox_sql.insert_mailbox(conn, account_id, name, special_use)
            return WriteResult(mailbox, changes)

        mailbox = await self.committer.run(job)
        self._lookups.clear()
        return mailbox

    async def delete_mailbox(self, account_id: int, name: str) -> None:
        async def job(conn: AsyncConnection) -> WriteResult[None]:
            return WriteResult(None, await mailbox_sql.remove_mailbox(conn, account_id, name))

        await self.committer.run(job)
        self._lookups.clear()

    async def rename_mailbox(self, account_id: int, old: str, new: str) -> None:
        async def job(conn: AsyncConnection) -> WriteResult[None]:
            changes = await mailbox_sql.rename_mailbox(conn, account_id, old, new)
            if old != mailbox_sql.INBOX:  # INBOX stays, emptied (RFC 3501 §6.3.5)
                await subscription_sql.rename(conn, account_id, old, new)
            return WriteResult(None, changes)

        await self.committer.run(job)
        self._lookups.clear()

    async def set_subscribed(self, account_id: int, name: str, subscribed: bool) -> None:
        async def job(conn: AsyncConnection) -> WriteResult[None]:
            changes = await subscription_sql.set_subscribed(conn, account_id, name, subscribed)
            return WriteResult(None, changes)

        await self.committer.run(job)

    async def subscriptions(self, account_id: int) -> list[str]:
        async with self.database.reader.connect() as conn:
            return await subscription_sql.subscribed_names(conn, account_id)

    async def mailbox_counts(self, mailbox_id: int) -> tuple[int, int]:
        async with self.database.reader.connect() as conn:
            return await mailbox_sql.mailbox_counts(conn, mailbox_id)

    async def claim_recent(self, mailbox_id: int, highest_uid: int) -> int:
        async def job(conn: AsyncConnection) -> WriteResult[int]:
            return WriteResult(await recent_sql.claim(conn, mailbox_id, highest_uid))

        return await self.committer.run(job)

    async def recent_claimed(self, mailbox_id: int) -> int:
        async with self.database.reader.connect() as conn:
            return await recent_sql.claimed(conn, mailbox_id)

    # Messages ----------------------------------------------------------------------------

    async def append(self, mailbox_id: int, message: NewMessage) -> Appended:
        """Committed (with whatever other appends arrived meanwhile) before it returns."""
        return await self.appender.append(mailbox_id, message)

    async def append_many(self, mailbox_id: int, messages: Sequence[NewMessage]) -> list[Appended]:
        async def job(conn: AsyncConnection) -> WriteResult[list[Appended]]:
            appended, changes = await message_sql.append_messages(
                conn, [(mailbox_id, message) for message in messages]
            )
            return WriteResult(appended, changes)

        return await self.committer.run(job)

    async def message_index(self, mailbox_id: int) -> list[MessageIndexEntry]:
        async with self.database.reader.connect() as conn:
            return await message_sql.message_index(conn, mailbox_id)

    async def get_messages(self, mailbox_id: int, uids: Sequence[int]) -> list[MessageRecord]:
        async with self.database.reader.connect() as conn:
            return await message_sql.select_messages(conn, mailbox_id, uids)

    async def message_page(
        self,
        mailbox_id: int,
        offset: int,
        limit: int,
        sort: SortKey = SortKey.DATE,
        descending: bool = True,
        unseen_only: bool = False,
    ) -> MessagePage:
        async with self.database.reader.connect() as conn:
            return await mailpage_sql.message_page(
                conn, mailbox_id, offset, limit, sort, descending, unseen_only
            )

    async def newest_heads(self, mailbox_id: int, limit: int) -> list[MessageHead]:
        async with self.database.reader.connect() as conn:
            return await mailpage_sql.newest_heads(conn, mailbox_id, limit)

    async def message_heads(self, mailbox_id: int, uids: Sequence[int]) -> list[MessageHead]:
        async with self.database.reader.connect() as conn:
            return await mailpage_sql.message_heads(conn, mailbox_id, uids)

    async def read_mailbox_index(self, mailbox_id: int) -> tuple[int, bytes] | None:
        async with self.database.reader.connect() as conn:
            return await index_sql.read(conn, mailbox_id)

    async def replace_mailbox_index(self, mailbox_id: int, generation: int, blob: bytes) -> bool:
        async def job(conn: AsyncConnection) -> WriteResult[bool]:
            return WriteResult(await index_sql.replace(conn, mailbox_id, generation, blob))

        return await self.committer.run(job)

    async def get_content(self, object_id: bytes) -> bytes:
        async with self.database.reader.connect() as conn:
            row = (
                await conn.execute(
                    select(contents.c.content).where(contents.c.object_id == object_id)
                )
            ).first()
        if row is None:
            raise NotFound("message content is gone")
        return bytes(row[0])

    async def get_contents(self, object_ids: Sequence[bytes]) -> dict[bytes, bytes]:
        """Several contents in one query per chunk; missing ones are left out."""
        found: dict[bytes, bytes] = {}
        unique = sorted(set(object_ids))
        async with self.database.reader.connect() as conn:
            for start in range(0, len(unique), message_sql.IN_CHUNK):
                rows = await conn.execute(
                    select(contents.c.object_id, contents.c.content).where(
                        contents.c.object_id.in_(unique[start : start + message_sql.IN_CHUNK])
                    )
                )
                found.update((bytes(row[0]), bytes(row[1])) for row in rows)
        return found

    async def store_flags(
        self,
        mailbox_id: int,
        uids: Sequence[int],
        mode: FlagMode,
        flags: frozenset[str],
        unchanged_since: int | None = None,
    ) -> tuple[list[FlagUpdate], list[int]]:
        async def job(conn: AsyncConnection) -> WriteResult[tuple[list[FlagUpdate], list[int]]]:
            updates, failed, changes = await message_sql.store_flags(
                conn, mailbox_id, uids, mode, flags, unchanged_since
            )
            return WriteResult((updates, failed), changes)

        return await self.committer.run(job)

    async def expunge(self, mailbox_id: int, uids: Sequence[int]) -> list[int]:
        async def job(conn: AsyncConnection) -> WriteResult[list[int]]:
            removed, changes = await message_sql.expunge_messages(conn, mailbox_id, uids)
            return WriteResult(removed, changes)

        return await self.committer.run(job)

    async def copy(
        self, source_id: int, uids: Sequence[int], target_id: int
    ) -> tuple[list[tuple[int, int]], int]:
        async def job(conn: AsyncConnection) -> WriteResult[tuple[list[tuple[int, int]], int]]:
            pairs, uidvalidity, changes = await message_sql.copy_messages(
                conn, source_id, uids, target_id
            )
            return WriteResult((pairs, uidvalidity), changes)

        return await self.committer.run(job)

    async def move(
        self, source_id: int, uids: Sequence[int], target_id: int
    ) -> tuple[list[tuple[int, int]], int]:
        """MOVE (RFC 6851): copy and expunge in one transaction, so nothing is lost or doubled."""

        async def job(conn: AsyncConnection) -> WriteResult[tuple[list[tuple[int, int]], int]]:
            pairs, uidvalidity, changes = await message_sql.copy_messages(
                conn, source_id, uids, target_id
            )
            _, expunge_changes = await message_sql.expunge_messages(
                conn, source_id, [source for source, _ in pairs]
            )
            return WriteResult((pairs, uidvalidity), changes + expunge_changes)

        return await self.committer.run(job)

    async def vanished_since(self, mailbox_id: int, modseq: int) -> list[int]:
        async with self.database.reader.connect() as conn:
            return await message_sql.vanished_since(conn, mailbox_id, modseq)

    # Correspondents (keyed tags) -----------------------------------------------------------

    async def replace_correspondent(self, account_id: int, remove: bytes, add: bytes) -> None:
        async def job(conn: AsyncConnection) -> WriteResult[None]:
            await correspondent_sql.remove(conn, account_id, remove)
            await correspondent_sql.add(conn, account_id, add)
            return WriteResult(None)

        await self.committer.run(job)

    async def has_correspondent(self, account_id: int, tag: bytes) -> bool:
        async with self.database.reader.connect() as conn:
            return await correspondent_sql.has(conn, account_id, tag)
