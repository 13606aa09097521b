"""Receiving mail into a local INBOX: the one path that MX delivery and local submission share.

A message is committed first (through :func:`mss.delivery.deliver`), then the policy remembers
who wrote to a patient, then each registered :class:`DeliveryObserver` sees the message while the
server still holds its plaintext: that is the only moment features that act on content (read
receipts, calendar invitations, documents filed in the vault) can do so, since stored mail is
sealed to its owner. Observers run after the commit, so a failing observer never loses or refuses
the message: its error is logged and the next observer runs.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from mss.closing import closes_conversation
from mss.delivery import INBOX, DeliveryStore, deliver
from mss.mime import parse_message
from mss.mime.model import MessageStructure
from mss.policy import Policy, SenderKind
from mss.store.records import Account, Appended

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InboundMessage:
    """A message just committed to ``recipient``'s INBOX, with its plaintext still in memory."""

    sender: str
    """The envelope sender (the Return-Path); empty for the null reverse-path of reports."""
    sender_kind: SenderKind
    recipient: Account
    raw: bytes
    stored: Appended
    extra: dict[str, str] = field(default_factory=dict, compare=False)
    structure: MessageStructure | None = field(default=None, compare=False)
    """``raw`` as parsed at DATA, when the caller had it."""

    @cached_property
    def parsed(self) -> MessageStructure:
        """Parsed once (at DATA, or here on first use) and shared by every observer."""
        return self.structure if self.structure is not None else parse_message(self.raw)

    @property
    def header(self) -> bytes:
        """The top-level header block, for observers that read header fields only: the email
        package would otherwise walk every line of a body of megabytes."""
        return self.raw[: self.parsed.header_end]

    def may_be_report(self) -> bool:
        """False when the message cannot be a ``multipart/report`` (RFC 6522 §3): its header
        block does not even hold the word. Report readers (MDNs, DSNs) skip parsing the whole
        message then; the test is on bytes, so it never skips one the email package accepts."""
        return b"report" in self.header.lower()


class DeliveryObserver(Protocol):
    """A feature that acts on mail as it arrives; registered once on the :class:`InboundService`."""

    name: str

    async def delivered(self, message: InboundMessage) -> None: ...


class InboundService:
    def __init__(self, store: DeliveryStore, policy: Policy) -> None:
        self._store = store
        self._policy = policy
        self._observers: list[DeliveryObserver] = []

    def add_observer(self, observer: DeliveryObserver) -> None:
        self._observers.append(observer)

    async def receive_report(self, recipient: Account, raw: bytes) -> Appended:
        """A report the server writes itself (a DSN of the queue): the null sender of RFC 3464
        §2, and every observer sees it like any delivery."""
        return await self.receive("", SenderKind.ORGANISATION, recipient, raw)

    @property
    def observers(self) -> Sequence[DeliveryObserver]:
        return tuple(self._observers)

    async def receive(
        self,
        sender: str,
        kind: SenderKind,
        recipient: Account,
        raw: bytes,
        structure: MessageStructure | None = None,
    ) -> Appended:
        """Commit ``raw`` to ``recipient``'s INBOX, then let every observer see it.

        ``structure``: ``raw`` already parsed, reused for the summary and by the observers.
        """
        stored = await deliver(self._store, recipient, INBOX, raw, structure=structure)
        await self._policy.record_delivery(sender, kind, recipient, closes_conversation(raw))
        message = InboundMessage(sender, kind, recipient, raw, stored, structure=structure)
        for observer in self._observers:
            try:
                await observer.delivered(message)
            except Exception:
                log.exception(
                    "observer %s failed on uid %s of %s",
                    observer.name,
                    stored.uid,
                    recipient.address,
                )
        return stored
