"""Sending mail as an authenticated account: the one path SMTP submission and the webmail share.

Local recipients are delivered at once through :func:`mss.delivery.deliver`; recipients at other
operators go to the durable outbound queue; a copy lands in the sender's Sent folder. Each step
commits before the next, and the caller acknowledges only after all of them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from mss.accounts import UnlockedAccount
from mss.delivery import DeliveryStore, deliver
from mss.inbound import InboundService
from mss.mime import parse_message
from mss.mime.model import MessageStructure
from mss.mime.prefix import with_prefix
from mss.policy import (
    LocalRoute,
    Policy,
    PolicyError,
    Refusal,
    RemoteRoute,
    Route,
)
from mss.store.records import Account, Appended, SpecialUse

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Recipient:
    """An envelope recipient with its DSN parameters (RFC 3461 §4)."""

    address: str
    notify: tuple[str, ...] = ()
    orcpt: str | None = None


@dataclass(frozen=True, slots=True)
class Envelope:
    mail_from: str
    recipients: tuple[Recipient, ...]
    env_id: str | None = None
    ret: str | None = None


@dataclass(slots=True)
class SubmitResult:
    delivered: list[str] = field(default_factory=list)
    queued: list[str] = field(default_factory=list)


class SentTracker(Protocol):
    """Sender-side tracking (mss/receipts/tracking.py): told of every message sent."""

    async def expect(self, account: Account, raw: bytes) -> bool: ...

    async def sent(
        self,
        account: Account,
        raw: bytes,
        delivered: Sequence[str],
        queued: Sequence[str],
        copy: Appended | None,
    ) -> None: ...


class Outbox(Protocol):
    """The outbound queue, as submission needs it."""

    async def enqueue(
        self,
        sender: str,
        recipients: Sequence[Recipient],
        raw: bytes,
        *,
        envid: str | None = None,
        ret: str | None = None,
        account_id: int | None = None,
    ) -> int: ...


class SubmissionService:
    def __init__(
        self,
        store: DeliveryStore,
        policy: Policy,
        outbox: Outbox,
        inbound: InboundService,
        tracker: SentTracker,
    ) -> None:
        self._store = store
        self._tracker = tracker
        self._inbound = inbound
        self._policy = policy
        self._outbox = outbox

    @property
    def policy(self) -> Policy:
        return self._policy

    def check_sender(self, account: Account, mail_from: str) -> None:
        self._policy.check_own_address(account, mail_from)

    async def check_recipient(self, account: Account, address: str) -> Route:
        route = await self._policy.route(address)
        kind = self._policy.kind_of_account(account)
        await self._policy.check_patient_rules(account.address, kind, route, account)
        return route

    async def submit(
        self,
        sender: UnlockedAccount,
        envelope: Envelope,
        raw: bytes,
        trace: bytes = b"",
        checked: Sequence[Route] | None = None,
    ) -> SubmitResult:
        """Deliver, queue and file ``raw``; ``trace`` (a Received field) heads delivered copies.

        ``checked`` are the recipients' routes when the caller has just checked them (SMTP does
        so at RCPT); otherwise every recipient is checked here.
        """
        account = sender.account
        self.check_sender(account, envelope.mail_from)
        # Parsed once: the From check, every delivered copy, the Sent copy and the observers.
        structure = parse_message(raw)
        self._check_from_header(account, structure)
        if checked is None:
            checked = [await self.check_recipient(account, r.address) for r in envelope.recipients]
        routes = list(zip(envelope.recipients, checked, strict=True))
        kind = self._policy.kind_of_account(account)
        local = [route for _, route in routes if isinstance(route, LocalRoute)]
        remote = [r for r, route in routes if isinstance(route, RemoteRoute)]
        tracked = await self._expect(account, raw)
        traced = with_prefix(trace, raw, structure) if local else structure
        # Every copy is committed before this returns; started together, they share commits.
        *_, copy = await asyncio.gather(
            *(
                self._inbound.receive(account.address, kind, route.account, trace + raw, traced)
                for route in local
            ),
            self._queue_remote(envelope, remote, trace + raw, account.id),
            self._file_sent_copy(account, raw, structure),
        )
        result = SubmitResult(
            delivered=[route.address for route in local], queued=[r.address for r in remote]
        )
        if tracked:
            await self._track(account, raw, result, copy)
        return result

    async def _expect(self, account: Account, raw: bytes) -> bool:
        """Tracking never decides whether mail is sent: its failures are logged, not turned
        into a failed send that the client would retry."""
        try:
            return await self._tracker.expect(account, raw)
        except Exception:
            log.exception("tracking of a message sent by %s failed", account.address)
            return False

    async def _track(
        self, account: Account, raw: bytes, result: SubmitResult, copy: Appended | None
    ) -> None:
        try:
            await self._tracker.sent(account, raw, result.delivered, result.queued, copy)
        except Exception:
            log.exception("tracking of a message sent by %s failed", account.address)

    async def send_report(self, account: Account, to: str, raw: bytes) -> None:
        """Send a report the server writes for ``account`` (an automatic MDN) to ``to``.

        RFC 8098 §3: an MDN's envelope sender is null (<>), so nothing ever answers it, and its
        From is the account it speaks for; no Sent copy, since its owner did not write it. The
        recipient passes the same routing and patient rules as any submission.
        """
        structure = parse_message(raw)
        self._check_from_header(account, structure)
        route = await self.check_recipient(account, to)
        if isinstance(route, LocalRoute):
            await self._inbound.receive(
                "", self._policy.kind_of_account(account), route.account, raw, structure
            )
        else:
            await self._outbox.enqueue("", [Recipient(route.address)], raw, account_id=account.id)

    async def _queue_remote(
        self, envelope: Envelope, remote: list[Recipient], raw: bytes, account_id: int
    ) -> None:
        if remote:
            await self._outbox.enqueue(
                envelope.mail_from,
                remote,
                raw,
                envid=envelope.env_id,
                ret=envelope.ret,
                account_id=account_id,
            )

    def _check_from_header(self, account: Account, structure: MessageStructure) -> None:
        """RFC 5322 §3.6.2: every From address must be the account's own."""
        envelope = structure.envelope
        addresses = [
            f"{a.mailbox}@{a.host}" for a in envelope.from_ if a.host is not None and a.mailbox
        ]
        if not addresses:
            raise PolicyError(Refusal.NOT_YOUR_ADDRESS, "The message has no From address")
        for address in addresses:
            try:
                self._policy.check_own_address(account, address)
            except PolicyError as error:
                # A malformed From is still a From that is not the account's: 550, not the
                # 553 of a malformed envelope address.
                raise PolicyError(Refusal.NOT_YOUR_ADDRESS, error.text) from error

    async def _file_sent_copy(
        self, account: Account, raw: bytes, structure: MessageStructure
    ) -> Appended | None:
        sent = await self._store.find_special_use(account.id, SpecialUse.SENT.value)
        if sent is None:
            return None
        return await deliver(
            self._store, account, sent, raw, flags=("\\Seen",), structure=structure
        )
