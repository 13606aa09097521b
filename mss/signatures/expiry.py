"""Closing signature requests past their deadline: the one part of signatures that runs
unattended. It holds no key, so it changes only the clear states; participants see "expirée"
when they next open the request, and no one can view, sign or decline it any more."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Protocol

from mss.periodic import PeriodicWorker
from mss.signatures.lifecycle import Request, RequestState, Signer, SignerState
from mss.store.signature_records import SignatureRow


class ExpiringStore(Protocol):
    async def due_to_expire(self, now: int, open_state: str) -> list[SignatureRow]: ...

    async def set_states(
        self,
        public_id: bytes,
        expected_revision: int,
        from_state: str,
        state: str,
        signer_states: tuple[str, ...],
    ) -> bool: ...


ExpiredHook = Callable[[str], Awaitable[None]]
"""Told the hex id of each request just expired (webhooks)."""


async def expire_due(
    store: ExpiringStore, now: datetime, on_expired: ExpiredHook | None = None
) -> int:
    """Expire every open request whose deadline has passed; how many were."""
    expired = 0
    for row in await store.due_to_expire(int(now.timestamp()), RequestState.SENT.value):
        signers = tuple(Signer("", SignerState(state)) for state in row.signer_states)
        request = Request(signers, row.ordered, datetime.fromtimestamp(row.expires_at, UTC))
        done = request.expired(now)
        if await store.set_states(
            row.public_id, row.revision, row.state, done.state.value, row.signer_states
        ):
            expired += 1
            if on_expired is not None:
                await on_expired(row.public_id.hex())
    return expired


class DueReminders(Protocol):
    async def send_due(self) -> int: ...


class ExpiryWorker(PeriodicWorker):
    """Deadlines, then the reminders due (mss/signatures/reminders.py), in one round."""

    name = "signatures"

    def __init__(
        self,
        store: ExpiringStore,
        poll_seconds: float,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        on_expired: ExpiredHook | None = None,
        reminders: DueReminders | None = None,
    ) -> None:
        super().__init__(poll_seconds)
        self._store = store
        self._clock = clock
        self._on_expired = on_expired
        self._reminders = reminders

    def describe(self) -> list[str]:
        return [f"signature deadlines and reminders: checked every {self._poll:g} s"]

    async def run_once(self) -> int:
        handled = await expire_due(self._store, self._clock(), self._on_expired)
        if self._reminders is not None:
            handled += await self._reminders.send_due()
        return handled
