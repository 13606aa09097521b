"""Delivering reminders when they fall due: the one service of the agenda that runs unattended.

A reminder is already a message sealed to its owner, so the worker appends it to the owner's
INBOX without reading it (the change feed then pushes it to open IMAP and webmail sessions).
Claims are leases: a worker that dies after appending and before deleting leaves a reminder that
is delivered again after the lease, never one that is lost.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from mss.delivery import INBOX
from mss.periodic import PeriodicWorker
from mss.store.calendar_records import ReminderRecord
from mss.store.records import Appended, NewMessage

LEASE_SECONDS = 300
BATCH = 100


class DueReminders(Protocol):
    async def claim_due(self, now: int, lease: int, limit: int) -> list[ReminderRecord]: ...

    async def delete_reminder(self, reminder_id: int) -> None: ...


class Inboxes(Protocol):
    async def mailbox_id(self, account_id: int, name: str) -> int | None: ...

    async def append(self, mailbox_id: int, message: NewMessage) -> Appended: ...


class ReminderWorker(PeriodicWorker):
    name = "reminders"

    def __init__(
        self,
        reminders: DueReminders,
        inboxes: Inboxes,
        poll_seconds: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(poll_seconds)
        self._reminders = reminders
        self._inboxes = inboxes
        self._clock = clock

    def describe(self) -> list[str]:
        return [f"reminders: checked every {self._poll:g} s"]

    async def run_once(self) -> int:
        """Deliver what is due now; how many reminders were delivered."""
        due = await self._reminders.claim_due(int(self._clock()), LEASE_SECONDS, BATCH)
        for reminder in due:
            inbox = await self._inboxes.mailbox_id(reminder.account_id, INBOX)
            if inbox is not None:
                await self._inboxes.append(inbox, reminder.message)
            await self._reminders.delete_reminder(reminder.id)
        return len(due)
