"""Reminding signers who have not acted yet, on the request's schedule.

The reminders are written when the request is made, one message per signer and per date, and
sealed to the server's queue key (mss/queuesealed.py): the worker that sends them runs with
nobody signed in and cannot open the request itself. When a reminder falls due, it goes only to
the signers whose turn it is and who have neither signed nor declined, and only while the
request is still open (the clear states of the request say so); a reminder is claimed before it
is sent, so it goes at most once even with several workers.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Protocol

from crypto import DecryptionError
from crypto.queuekey import QueueKey
from mss.policy import SenderKind
from mss.queuesealed import open_json, seal_json
from mss.signatures.lifecycle import RequestState, SignerState
from mss.signatures.ports import AccountLookup, Receiver
from mss.store.signature_reminder_sql import DueReminder

MAX_REMINDERS = 10
BATCH = 100
ROLE = "signature-reminder"
_WAITING_FOR = frozenset({SignerState.SENT.value, SignerState.VIEWED.value})


class ReminderStore(Protocol):
    async def add(self, public_id: bytes, reminders: list[tuple[int, bytes]]) -> None: ...

    async def due(self, now: int, limit: int) -> list[DueReminder]: ...

    async def mark_sent(self, reminder_id: int, now: int) -> bool: ...


def _name(public_id: bytes, due: int) -> str:
    return f"{public_id.hex()}/{due}"


class SignatureReminders:
    def __init__(
        self,
        store: ReminderStore,
        queue_key: QueueKey,
        accounts: AccountLookup,
        receiver: Receiver,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._store = store
        self._queue_key = queue_key
        self._accounts = accounts
        self._receiver = receiver
        self._clock = clock

    async def schedule(
        self,
        public_id: bytes,
        organisation: str,
        dates: Sequence[datetime],
        messages: Sequence[tuple[str, bytes]],
    ) -> None:
        """Keep one reminder per date: ``messages`` are (signer address, raw) in signer order."""
        signers = [
            {"address": address, "raw": base64.b64encode(raw).decode("ascii")}
            for address, raw in messages
        ]
        rows = []
        for date in sorted(set(dates))[:MAX_REMINDERS]:
            due = int(date.timestamp())
            value = {"organisation": organisation, "signers": signers}
            rows.append(
                (due, seal_json(self._queue_key.public, ROLE, _name(public_id, due), value))
            )
        await self._store.add(public_id, rows)

    async def send_due(self) -> int:
        """Send every reminder due now; how many messages went out."""
        now = int(self._clock().timestamp())
        sent = 0
        for reminder in await self._store.due(now, BATCH):
            if not await self._store.mark_sent(reminder.id, now):
                continue
            if reminder.state != RequestState.SENT.value:
                continue
            try:
                value = open_json(
                    self._queue_key,
                    ROLE,
                    _name(reminder.public_id, reminder.due_at),
                    reminder.sealed,
                )
            except DecryptionError:
                continue
            for item, state in zip(value["signers"], reminder.signer_states, strict=True):
                account = await self._accounts.get_account(item["address"])
                if state not in _WAITING_FOR or account is None or account.disabled:
                    continue
                raw = base64.b64decode(item["raw"])
                await self._receiver.receive(
                    value["organisation"], SenderKind.ORGANISATION, account, raw
                )
                sent += 1
        return sent
