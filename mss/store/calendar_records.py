"""Typed rows of the agenda."""

from __future__ import annotations

from dataclasses import dataclass

from mss.store.records import NewMessage


@dataclass(frozen=True, slots=True)
class EntryRecord:
    id: int
    account_id: int
    event_tag: bytes
    object_id: bytes
    sealed_key: bytes
    body: bytes


@dataclass(frozen=True, slots=True)
class NewReminder:
    """A reminder message sealed to the owner, to be appended to their INBOX at ``due_at``."""

    event_tag: bytes
    due_at: int
    schedule: bytes
    message: NewMessage


@dataclass(frozen=True, slots=True)
class ReminderRecord:
    id: int
    account_id: int
    event_tag: bytes
    due_at: int
    schedule: bytes
    message: NewMessage
