"""Closing signature requests past their deadline: the one part of signatures that runs
unattended. It holds no key, so it changes only the clear states; participants see "expirée"
when they next open the request, and no one can view, sign or decline it any more."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from mss.signatures.lifecycle import Request, RequestState, Signer, SignerState
from mss.store.signature_records import SignatureRow

log = logging.getLogger(__name__)


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


async def expire_due(store: ExpiringStore, now: datetime) -> int:
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
    return expired


class ExpiryWorker:
    name = "signatures"

    def __init__(
        self,
        store: ExpiringStore,
        poll_seconds: float,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._store = store
        self._poll = poll_seconds
        self._clock = clock
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._loop(), name="signatures")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def describe(self) -> list[str]:
        return [f"signature deadlines: checked every {self._poll:g} s"]

    async def _loop(self) -> None:
        while True:
            try:
                await expire_due(self._store, self._clock())
            except Exception:
                log.exception("closing expired signature requests failed; retrying")
            await asyncio.sleep(self._poll)
