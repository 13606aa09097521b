"""The queue worker: relays due recipients to their peers and delivers the DSNs owed.

Implementation notes. Each of ``[queue] workers`` tasks loops: lease what is due (a write
transaction, see ``mss.store.queue_sql``), relay each (message, domain) group in one SMTP session
— the groups of one lease concurrently —, record every outcome under the lease, then lease and
deliver owed reports. An SMTP session is cut after ``send_budget_seconds``, well inside the
lease, so a recipient is never being sent by two workers; a worker that dies leaves leases that
expire and are taken over. A peer may still receive a message twice if the connection drops
after it accepted the data and before we read its 250: that is SMTP's own limit (RFC 5321 §6.1),
not the queue's. Stopping lets the current round finish (up to :data:`STOP_GRACE_SECONDS`).
A domain of the national whitelist without explicit peer is reached through its MX records,
tried in order (mss/queue/whitelisted.py) within the one session budget.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import secrets
import ssl
from collections.abc import Sequence
from typing import Protocol

from crypto import DecryptionError
from mss.config import ConfigError, Settings
from mss.metrics.tally import NO_TALLY, Tally
from mss.pki import CaBundle
from mss.queue.mx import LookupFailed, MxResolver, NoMailService
from mss.queue.outbound import OutboundQueue
from mss.queue.outcomes import outcome_of
from mss.queue.relay import Attempt, RelayEnvelope, RelayRecipient, Target, Verdict, relay
from mss.queue.reports import ReportInbox, ReportStore, deliver_report
from mss.queue.schedule import lease_ms, now_ms, send_budget_seconds
from mss.queue.sealing import open_queued
from mss.queue.whitelisted import certificate_check
from mss.smtpwire import statuses
from mss.smtpwire.dsn import decode_notify
from mss.store.queue_records import (
    QueuedMessage,
    QueuedRecipient,
    RecipientOutcome,
    RecipientState,
)
from mss.tls import TlsFiles, tls_files
from mss.trust import Peer, Whitelisted

log = logging.getLogger(__name__)

LEASE_BATCH = 32
STOP_GRACE_SECONDS = 10.0


class PeerDirectory(Protocol):
    async def route(self, domain: str) -> Peer | Whitelisted | None: ...

    def bundle(self) -> CaBundle | None: ...


class NoTarget(Exception):
    """No target to try for a domain, and how that attempt fails."""

    def __init__(self, verdict: Verdict, status: str, error: str) -> None:
        super().__init__(error)
        self.attempt = Attempt(verdict, status, error)


def peer_context(files: TlsFiles, peer_pem: bytes) -> ssl.SSLContext:
    """TLS 1.2+ client context presenting our certificate and trusting only the peer's PEM."""
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cadata=peer_pem.decode("ascii"))
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(files.cert, files.key)
    return context


class QueueWorker:
    name = "queue"

    def __init__(
        self,
        settings: Settings,
        queue: OutboundQueue,
        trust: PeerDirectory,
        store: ReportStore,
        inbox: ReportInbox,
        *,
        relayed: Tally = NO_TALLY,
        failed: Tally = NO_TALLY,
    ) -> None:
        self._settings = settings
        self._relayed = relayed
        self._failed = failed
        self._queue = queue
        self._trust = trust
        self._store = store
        self._inbox = inbox
        self._files = tls_files(settings)
        self._owner = f"{settings.hostname}/{os.getpid()}/{secrets.token_hex(4)}"
        self._contexts: dict[bytes, ssl.SSLContext] = {}
        space = settings.trust_space
        self._resolver = MxResolver(space.dns_servers, space.dns_port)
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()

    async def start(self) -> None:
        self._stopping.clear()
        for index in range(self._settings.queue.workers):
            owner = f"{self._owner}/{index}"
            self._tasks.append(asyncio.create_task(self._loop(owner), name=f"queue-{index}"))

    async def stop(self) -> None:
        self._stopping.set()
        self._queue.wake()
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=STOP_GRACE_SECONDS)
            for task in pending:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    def describe(self) -> list[str]:
        queue = self._settings.queue
        return [
            f"{queue.workers} workers relaying over STARTTLS with our client certificate; "
            f"retries from {queue.retry_initial_seconds:g} s doubling to "
            f"{queue.retry_max_seconds:g} s, expiry after {queue.expire_seconds:g} s"
        ]

    async def _loop(self, owner: str) -> None:
        while not self._stopping.is_set():
            try:
                busy = await self.run_once(owner)
            except Exception:
                log.exception("queue worker %s: round failed; retrying after a pause", owner)
                busy = False
            if not busy and not self._stopping.is_set():
                await self._queue.wait_for_work(self._settings.queue.poll_seconds)

    async def run_once(self, owner: str | None = None) -> bool:
        """One round: relay what is due, then deliver owed reports. True if it found work."""
        who = owner or f"{self._owner}/once"
        settings = self._settings.queue
        store, key_id = self._queue.store, self._queue.key.key_id
        due = await store.lease_due(who, key_id, now_ms(), lease_ms(settings), LEASE_BATCH)
        groups = [list(g) for _, g in itertools.groupby(due, lambda r: (r.message_id, r.domain))]
        results = await asyncio.gather(
            *(self._send(who, g) for g in groups), return_exceptions=True
        )
        for group, result in zip(groups, results, strict=True):
            if isinstance(result, Exception):
                # Its leases expire and another round tries again.
                log.error("queue %d: relay failed", group[0].message_id, exc_info=result)
        owed = await store.lease_reports(who, key_id, now_ms(), lease_ms(settings), LEASE_BATCH)
        for _, of_message in itertools.groupby(owed, key=lambda r: r.message_id):
            await self._report(who, list(of_message))
        return bool(due or owed)

    async def _send(self, owner: str, recipients: Sequence[QueuedRecipient]) -> None:
        first = recipients[0]
        message = await self._queue.store.get_message(first.message_id)
        if message is None:
            return  # dropped by the operator meanwhile
        route = await self._trust.route(first.domain)
        attempts, host = await self._attempt(message, recipients, route)
        now = now_ms()
        outcomes = [
            outcome_of(r, a, message, host, now, self._settings.queue)
            for r, a in zip(recipients, attempts, strict=True)
        ]
        await self._queue.store.record(owner, outcomes)
        self._count(outcomes)
        for recipient, outcome in zip(recipients, outcomes, strict=True):
            log.info(
                "queue %d to %s: %s %s (%s)",
                message.id,
                recipient.address,
                outcome.state.value,
                outcome.status,
                outcome.last_error,
            )

    def _count(self, outcomes: Sequence[RecipientOutcome]) -> None:
        """Recipients relayed and given up on, once their outcome is recorded."""
        for outcome in outcomes:
            if outcome.state is RecipientState.DELIVERED:
                self._relayed.inc()
            elif outcome.state is RecipientState.FAILED:
                self._failed.inc()

    async def _attempt(
        self,
        message: QueuedMessage,
        recipients: Sequence[QueuedRecipient],
        route: Peer | Whitelisted | None,
    ) -> tuple[list[Attempt], str | None]:
        """Every recipient's attempt, and the host that answered (or was tried last)."""
        count = len(recipients)
        if route is None:
            error = f"{recipients[0].domain} is not a domain of the trust space"
            return [Attempt(Verdict.PERMANENT, statuses.STATUS_NO_ROUTE, error)] * count, None
        try:
            raw = open_queued(message, self._queue.key)
        except DecryptionError:
            error = "the queued content cannot be decrypted with this server's queue key"
            return [Attempt(Verdict.PERMANENT, statuses.STATUS_SYSTEM, error)] * count, None
        envelope = RelayEnvelope(
            sender=message.sender,
            recipients=tuple(
                RelayRecipient(r.address, decode_notify(r.notify), r.orcpt) for r in recipients
            ),
            envid=message.envid,
            ret=message.ret,
        )
        try:
            targets = await self._targets(route)
        except NoTarget as exc:
            return [exc.attempt] * count, None
        # One budget for every host tried: the whole session stays inside the lease.
        budget = send_budget_seconds(self._settings.queue)
        target = targets[0]
        try:
            async with asyncio.timeout(budget):
                for index, target in enumerate(targets):
                    attempts = await relay(target, envelope, raw)
                    unanswered = all(
                        a.verdict is Verdict.TRANSIENT and a.reply is None for a in attempts
                    )
                    if not unanswered or index == len(targets) - 1:
                        return attempts, target.host
        except TimeoutError:
            error = f"the session with {target.host}:{target.port} took longer than {budget:g} s"
            attempt = Attempt(Verdict.TRANSIENT, statuses.STATUS_BAD_CONNECTION, error)
            return [attempt] * count, target.host
        raise AssertionError("targets is never empty")

    async def _targets(self, route: Peer | Whitelisted) -> list[Target]:
        """The hosts to try in turn: the explicit peer, or the whitelisted domain's MX hosts."""
        settings = self._settings.queue
        local, timeout = self._settings.hostname, settings.connect_timeout_seconds
        if isinstance(route, Peer):
            try:
                context = self._context(route.pem)
            except (ssl.SSLError, ValueError) as exc:
                error = f"the certificate configured for {route.domain} cannot be used: {exc}"
                raise NoTarget(Verdict.TRANSIENT, statuses.STATUS_TLS_FAILED, error) from exc
            return [Target(route.host, route.port, context, local, timeout)]
        try:
            bundle = self._trust.bundle()
        except ConfigError as exc:
            raise NoTarget(Verdict.TRANSIENT, statuses.STATUS_TLS_FAILED, str(exc)) from exc
        if bundle is None:
            error = f"{route.domain} is whitelisted but trust_space.ca_bundle is not configured"
            raise NoTarget(Verdict.TRANSIENT, statuses.STATUS_TLS_FAILED, error)
        try:
            hosts = await self._resolver.hosts(route.domain)
        except NoMailService as exc:
            raise NoTarget(Verdict.PERMANENT, statuses.STATUS_NO_ROUTE, str(exc)) from exc
        except LookupFailed as exc:
            raise NoTarget(Verdict.TRANSIENT, statuses.STATUS_DNS_FAILED, str(exc)) from exc
        context = self._context(bundle.pem)
        port = self._settings.trust_space.mx_port
        return [
            Target(
                host.name,
                port,
                context,
                local,
                timeout,
                address,
                certificate_check(bundle, route, host),
            )
            for host in hosts
            for address in host.addresses
        ]

    async def _report(self, owner: str, recipients: Sequence[QueuedRecipient]) -> None:
        message = await self._queue.store.get_message(recipients[0].message_id)
        if message is not None:
            await deliver_report(
                self._store,
                self._inbox,
                self._queue.key,
                message,
                recipients,
                self._settings.hostname,
            )
        await self._queue.store.reported(owner, [r.id for r in recipients])

    def _context(self, pem: bytes) -> ssl.SSLContext:
        context = self._contexts.get(pem)
        if context is None:
            context = self._contexts[pem] = peer_context(self._files, pem)
        return context
