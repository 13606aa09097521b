"""What the protocol front-ends may ask of the store (``typing.Protocol``).

SMTP, IMAP and the webmail are typed against these, never against SQL; :class:`SqlStore`
implements all of them on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

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


class AccountStore(Protocol):
    async def add_domain(self, name: str, is_patient: bool = False) -> Domain: ...

    async def get_domain(self, name: str) -> Domain | None: ...

    async def list_domains(self) -> list[Domain]: ...

    async def add_account(
        self,
        address: str,
        domain: Domain,
        kind: AccountKind,
        display_name: str,
        encryption_key: bytes,
        signing_key: bytes,
        new_credentials: list[NewCredential],
    ) -> Account: ...

    async def get_account(self, address: str) -> Account | None: ...

    async def get_account_by_id(self, account_id: int) -> Account | None: ...

    async def list_accounts(self, domain: Domain | None = None) -> list[Account]: ...

    async def credentials_of(self, account_id: int, kind: CredentialKind) -> list[Credential]: ...

    async def credential_by_lookup(self, account_id: int, lookup: bytes) -> Credential | None: ...

    async def rewrap_credential(self, credential: Credential, wrapped: bytes) -> None:
        """Replace the wrap of ``credential`` if it still holds the one read (a password change
        in between wins)."""

    async def add_credential(self, account_id: int, credential: NewCredential) -> Credential: ...

    async def replace_credentials(
        self, account_id: int, kind: CredentialKind, credential: NewCredential
    ) -> Credential: ...

    async def delete_credential(self, account_id: int, credential_id: int) -> None: ...


class MailboxStore(Protocol):
    async def list_mailboxes(self, account_id: int) -> list[Mailbox]: ...

    async def get_mailbox(self, account_id: int, name: str) -> Mailbox | None: ...

    async def mailbox_id(self, account_id: int, name: str) -> int | None:
        """Just the id of a mailbox, cached: delivery needs nothing else of it."""
        ...

    async def get_mailbox_by_id(self, mailbox_id: int) -> Mailbox | None: ...

    async def find_special_use(self, account_id: int, special_use: str) -> Mailbox | None: ...

    async def create_mailbox(
        self, account_id: int, name: str, special_use: str | None = None
    ) -> Mailbox: ...

    async def delete_mailbox(self, account_id: int, name: str) -> None: ...

    async def rename_mailbox(self, account_id: int, old: str, new: str) -> None: ...

    async def set_subscribed(self, account_id: int, name: str, subscribed: bool) -> None:
        """Adds or removes a name on the subscription list, whether or not a mailbox has it."""
        ...

    async def subscriptions(self, account_id: int) -> list[str]:
        """The subscribed names (RFC 3501 §6.3.6), including those of vanished mailboxes."""
        ...

    async def mailbox_counts(self, mailbox_id: int) -> tuple[int, int]: ...

    async def claim_recent(self, mailbox_id: int, highest_uid: int) -> int:
        """Takes the UIDs up to ``highest_uid`` as recent (RFC 3501 §2.3.2); returns the
        highest UID taken before, atomically across sessions and processes."""
        ...

    async def recent_claimed(self, mailbox_id: int) -> int:
        """The highest UID some session has taken as recent (0: none yet)."""
        ...


class MessageStore(Protocol):
    async def append(self, mailbox_id: int, message: NewMessage) -> Appended: ...

    async def append_many(self, mailbox_id: int, messages: Sequence[NewMessage]) -> list[Appended]:
        """All of ``messages`` in one transaction, or none of them (MULTIAPPEND, RFC 3502)."""
        ...

    async def message_index(self, mailbox_id: int) -> list[MessageIndexEntry]: ...

    async def get_messages(self, mailbox_id: int, uids: Sequence[int]) -> list[MessageRecord]: ...

    async def get_content(self, object_id: bytes) -> bytes: ...

    async def get_contents(self, object_ids: Sequence[bytes]) -> dict[bytes, bytes]:
        """Several contents in one query per chunk; missing ones are left out."""
        ...

    async def store_flags(
        self,
        mailbox_id: int,
        uids: Sequence[int],
        mode: FlagMode,
        flags: frozenset[str],
        unchanged_since: int | None = None,
    ) -> tuple[list[FlagUpdate], list[int]]: ...

    async def expunge(self, mailbox_id: int, uids: Sequence[int]) -> list[int]: ...

    async def copy(
        self, source_id: int, uids: Sequence[int], target_id: int
    ) -> tuple[list[tuple[int, int]], int]: ...

    async def move(
        self, source_id: int, uids: Sequence[int], target_id: int
    ) -> tuple[list[tuple[int, int]], int]:
        """MOVE (RFC 6851): copy and expunge in one transaction, so nothing is lost or doubled."""
        ...

    async def vanished_since(self, mailbox_id: int, modseq: int) -> list[int]: ...


class MessageListStore(Protocol):
    """Messages' clear columns, as lists show them (their summaries come from mss/reading)."""

    async def message_page(
        self,
        mailbox_id: int,
        offset: int,
        limit: int,
        sort: SortKey = SortKey.DATE,
        descending: bool = True,
        unseen_only: bool = False,
    ) -> MessagePage:
        """One page, sorted on the clear date (arrival order) or size, and the total."""
        ...

    async def newest_heads(self, mailbox_id: int, limit: int) -> list[MessageHead]:
        """Up to ``limit`` messages, newest first."""
        ...

    async def message_heads(self, mailbox_id: int, uids: Sequence[int]) -> list[MessageHead]:
        """The messages of ``uids`` still in the mailbox, by UID."""
        ...


class IndexStore(Protocol):
    """The encrypted mailbox indexes (mss/reading/index.py): sealed blobs, never opened here."""

    async def read_mailbox_index(self, mailbox_id: int) -> tuple[int, bytes] | None:
        """The generation and blob of the mailbox's index, if it has one."""
        ...

    async def replace_mailbox_index(self, mailbox_id: int, generation: int, blob: bytes) -> bool:
        """Store ``blob`` if the stored index is still at ``generation`` (0: none yet)."""
        ...


class Store(AccountStore, MailboxStore, MessageStore, MessageListStore, IndexStore, Protocol):
    """The whole store, as the services that assemble the server hold it."""
