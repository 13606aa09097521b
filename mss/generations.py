"""Credential generations: a per-account counter that every front end consults.

A session opened by IMAP, SMTP, CalDAV or the webmail holds an unlocked account for as long as
it lives. When the owner says the account was stolen, every such session opened before must stop
at its next command, whatever the protocol and whichever process serves it: so the rule lives
here, in the core, and the counter in the database (``credential_generations``). A sign-in
records the account's generation; a credential change that ends other sessions bumps it; a
session whose generation is older than the account's is over.

Implementation notes. Sessions ask before every command, so answers are cached in process for
at most :data:`CACHE_SECONDS`, and the cache never hides a bump for longer than that:

- a bump made here replaces this process's entry at once (seen at once by this process);
- a bump is published on the change feed after its commit (kind ``credentials``); every process
  drops its entry when the change arrives (on PostgreSQL, LISTEN/NOTIFY: within milliseconds);
- if a notification is lost (connection down, or SQLite files shared by two processes, which
  have no feed between them), an entry still expires after :data:`CACHE_SECONDS`, so another
  process sees the bump within a second.

A sign-in reads the database itself, never the cache: a session opened with a new password just
after a bump made elsewhere must not record the old generation and be ended by its own bump.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from mss.store.changes import Change, ChangeFeed

CACHE_SECONDS = 0.5
"""Under one second, as promised to other processes, with room for the check's own delay."""

KIND = "credentials"


class GenerationStore(Protocol):
    async def current(self, account_id: int) -> int: ...

    async def bump(self, account_id: int) -> int:
        """Add one and publish a ``credentials`` change after the commit."""
        ...


class CredentialGenerations:
    def __init__(
        self,
        store: GenerationStore,
        feed: ChangeFeed,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._clock = clock
        self._cache: dict[int, tuple[int, float]] = {}
        feed.listen(self._on_change)

    async def fresh(self, account_id: int) -> int:
        """The committed generation, read now (for a sign-in)."""
        value = await self._store.current(account_id)
        self._cache[account_id] = (value, self._clock())
        return value

    async def current(self, account_id: int) -> int:
        """The generation, at most :data:`CACHE_SECONDS` old (for a check before a command)."""
        cached = self._cache.get(account_id)
        if cached is not None and self._clock() - cached[1] < CACHE_SECONDS:
            return cached[0]
        return await self.fresh(account_id)

    async def bump(self, account_id: int) -> int:
        """End every session of the account opened until now, in every process; the new
        generation."""
        value = await self._store.bump(account_id)
        self._cache[account_id] = (value, self._clock())
        return value

    def _on_change(self, change: Change) -> None:
        if change.kind == KIND:
            self._cache.pop(change.account_id, None)
