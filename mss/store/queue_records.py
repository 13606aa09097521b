"""Typed rows of the outbound queue and the trust list, handed across the store's boundary."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class RecipientState(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class NewQueuedMessage:
    """A message to queue: its envelope and its content, already encrypted."""

    object_id: bytes
    key_id: bytes
    sealed_key: bytes
    content: bytes
    sender: str
    envid: str | None
    ret: str | None
    size: int
    created_at_ms: int
    account_id: int | None


@dataclass(frozen=True, slots=True)
class NewQueuedRecipient:
    address: str
    domain: str
    notify: str
    orcpt: str | None


@dataclass(frozen=True, slots=True)
class QueuedMessage:
    """A queued message with its encrypted content, as a worker reads it to relay or report."""

    id: int
    object_id: bytes
    key_id: bytes
    sealed_key: bytes
    content: bytes
    sender: str
    envid: str | None
    ret: str | None
    size: int
    created_at_ms: int
    account_id: int | None


@dataclass(frozen=True, slots=True)
class QueuedRecipient:
    id: int
    message_id: int
    address: str
    domain: str
    notify: str
    orcpt: str | None
    state: RecipientState
    attempts: int
    next_attempt_ms: int
    last_attempt_ms: int | None
    status: str | None
    last_error: str | None
    last_reply: str | None
    remote_mta: str | None
    report_due: str | None
    lease_owner: str | None


@dataclass(frozen=True, slots=True)
class RecipientOutcome:
    """What one attempt (or the expiry) did to a recipient; written under its lease."""

    recipient_id: int
    state: RecipientState
    attempts: int
    next_attempt_ms: int
    last_attempt_ms: int
    status: str
    last_error: str | None
    last_reply: str | None
    remote_mta: str | None
    report_due: str | None


@dataclass(frozen=True, slots=True)
class QueueListing:
    """One recipient of a queued message, for ``mss queue list`` (no content)."""

    message_id: int
    sender: str
    size: int
    created_at_ms: int
    recipient: QueuedRecipient


@dataclass(frozen=True, slots=True)
class StoredPeer:
    """A peer of the trust space added with ``mss trust add`` (the table, not the file)."""

    domain: str
    host: str
    port: int
    pem: bytes
    created_at: int
