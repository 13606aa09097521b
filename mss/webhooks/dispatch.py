"""Sending queued webhook deliveries: signed, with a timeout, never following a redirect, retried
with exponential backoff until the last attempt.

Each round takes the due deliveries and claims each attempt in the store (a lease as long as the
request's timeout, so a worker that dies mid-request leaves it to be retried). An endpoint's
deliveries go one after the other in the order of their events (endpoints in parallel); each
checks the target again (mss/webhooks/targets.py) and goes to the checked address. Any 2xx
answer delivers;
anything else, a redirect included, is a failed attempt, tried again after
``first_retry_seconds × 2^(attempt−1)`` (capped at six hours) until ``max_attempts``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Protocol

import httpx

from crypto import DecryptionError
from crypto.queuekey import QueueKey
from mss.config import WebhookSettings
from mss.metrics.tally import NO_TALLY, Tallies
from mss.periodic import PeriodicWorker
from mss.queuesealed import open_json
from mss.store.clock import now as store_now
from mss.store.webhook_sql import DELIVERED, FAILED, PENDING, DeliveryRow, EndpointRow
from mss.webhooks.signing import HEADER, sign
from mss.webhooks.targets import TargetRefused, resolve

BATCH = 50
PARALLEL = 8
MAX_DELAY = 6 * 3600
USER_AGENT = "MSS-Webhooks/1"


class DispatchStore(Protocol):
    """What the worker needs of the store (``SqlWebhookStore``)."""

    async def due(self, now: int, limit: int) -> list[DeliveryRow]: ...

    async def claim(self, delivery: DeliveryRow, lease_until: int) -> bool: ...

    async def endpoint(self, endpoint_id: int) -> EndpointRow | None: ...

    async def record(
        self,
        delivery_id: int,
        state: str,
        next_at: int,
        status: int | None,
        error: str,
        finished_at: int | None,
    ) -> None: ...


def retry_delay(settings: WebhookSettings, attempts: int) -> int:
    """Seconds before the attempt after ``attempts`` failed ones."""
    return int(min(MAX_DELAY, settings.first_retry_seconds * 2 ** (attempts - 1)))


class WebhookWorker(PeriodicWorker):
    name = "webhooks"

    def __init__(
        self,
        store: DispatchStore,
        queue_key: QueueKey,
        settings: WebhookSettings,
        clock: Callable[[], int] = store_now,
        *,
        outcomes: Tallies = NO_TALLY,
    ) -> None:
        super().__init__(settings.poll_seconds)
        self._outcomes = outcomes
        self._store = store
        self._queue_key = queue_key
        self._settings = settings
        self._clock = clock

    def describe(self) -> list[str]:
        return [f"webhooks: due deliveries sent every {self._poll:g} s"]

    async def run_once(self) -> int:
        now = self._clock()
        lease = now + int(self._settings.timeout_seconds) + 30
        claimed = [
            d for d in await self._store.due(now, BATCH) if await self._store.claim(d, lease)
        ]
        if not claimed:
            return 0
        by_endpoint: dict[int, list[DeliveryRow]] = {}
        for delivery in claimed:
            by_endpoint.setdefault(delivery.endpoint_id, []).append(delivery)
        gate = asyncio.Semaphore(PARALLEL)
        timeout = httpx.Timeout(self._settings.timeout_seconds)
        async with httpx.AsyncClient(
            timeout=timeout, follow_redirects=False, trust_env=False
        ) as client:

            async def in_order(deliveries: list[DeliveryRow]) -> None:
                async with gate:
                    for delivery in deliveries:
                        await self._attempt(client, delivery)

            await asyncio.gather(*(in_order(group) for group in by_endpoint.values()))
        return len(claimed)

    async def _attempt(self, client: httpx.AsyncClient, delivery: DeliveryRow) -> None:
        attempts = delivery.attempts + 1
        status: int | None = None
        endpoint = await self._store.endpoint(delivery.endpoint_id)
        if endpoint is None:
            await self._store.record(
                delivery.id, FAILED, 0, None, "endpoint removed", self._clock()
            )
            return
        try:
            meta = open_json(
                self._queue_key, "webhook-endpoint", endpoint.public_id, endpoint.sealed
            )
            value = open_json(
                self._queue_key, "webhook-delivery", delivery.public_id, delivery.sealed
            )
        except DecryptionError:
            await self._store.record(delivery.id, FAILED, 0, None, "unreadable", self._clock())
            return
        body = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
        try:
            target = await resolve(meta["url"], self._settings.allow_private_targets)
            response = await client.post(
                target.pinned_url(),
                content=body,
                headers={
                    "Host": _host_header(target.url),
                    "Content-Type": "application/json",
                    "User-Agent": USER_AGENT,
                    "MSS-Event-Id": str(value["id"]),
                    HEADER: sign(meta["secret"], self._clock(), body),
                },
                extensions={"sni_hostname": target.host},
            )
            status = response.status_code
            error = "" if 200 <= status < 300 else f"HTTP {status}"
        except TargetRefused as refused:
            error = str(refused)
        except httpx.HTTPError as failure:
            error = type(failure).__name__
        now = self._clock()
        if not error:
            await self._store.record(delivery.id, DELIVERED, now, status, "", now)
            self._outcomes.labels("delivered").inc()
        elif attempts >= self._settings.max_attempts:
            await self._store.record(delivery.id, FAILED, now, status, error, now)
            self._outcomes.labels("abandoned").inc()
        else:
            next_at = now + retry_delay(self._settings, attempts)
            await self._store.record(delivery.id, PENDING, next_at, status, error, None)
            self._outcomes.labels("retried").inc()


def _host_header(url: str) -> str:
    return httpx.URL(url).netloc.decode("ascii")
