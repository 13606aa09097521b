"""Registering webhook endpoints, and turning events into queued deliveries.

An endpoint belongs to an organisation or application account; the store knows the owner only
as a keyed hash under the server secret, and the URL and signing secret only sealed to the
queue key (mss/queuesealed.py). The secret is returned once, at registration. An event
becomes one delivery per endpoint of its owner, written durably before :meth:`emit` returns;
the worker (mss/webhooks/dispatch.py) sends them. Things whose events arrive later (a message's
receipts and replies, a signature request's changes) are *watched*: a keyed hash of the subject
points to the sealed owner, so an event found by an unattended part of the server still reaches
the right account and nobody else.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from crypto.queuekey import QueueKey
from crypto.tags import keyed_tag
from mss.queuesealed import open_json, seal_json
from mss.store.clock import now as store_now
from mss.store.webhook_sql import DeliveryRow, EndpointRow, NewDelivery
from mss.webhooks.signing import new_secret
from mss.webhooks.targets import resolve

MAX_ENDPOINTS = 10
LOG_LENGTH = 100


class TooManyEndpoints(ValueError):
    """An account has as many endpoints as it may."""


class WebhookStore(Protocol):
    async def add_endpoint(
        self, public_id: str, owner_tag: bytes, sealed: bytes, now: int
    ) -> None: ...

    async def endpoints(self, owner_tag: bytes) -> list[EndpointRow]: ...

    async def remove_endpoint(self, owner_tag: bytes, public_id: str) -> bool: ...

    async def enqueue(self, deliveries: list[NewDelivery], now: int) -> None: ...

    async def deliveries(self, endpoint_id: int, limit: int) -> list[DeliveryRow]: ...

    async def add_watch(self, tag: bytes, sealed: bytes, now: int) -> None: ...

    async def watch(self, tag: bytes) -> bytes | None: ...


@dataclass(frozen=True, slots=True)
class Endpoint:
    id: str
    url: str
    created_at: int


@dataclass(frozen=True, slots=True)
class Registered:
    endpoint: Endpoint
    secret: str


@dataclass(frozen=True, slots=True)
class Watched:
    owner_id: int
    reference: dict[str, Any]


class WebhookService:
    def __init__(
        self,
        store: WebhookStore,
        queue_key: QueueKey,
        server_secret: bytes,
        allow_private: bool,
        clock: Callable[[], int] = store_now,
    ) -> None:
        self._store = store
        self._queue_key = queue_key
        self._secret = server_secret
        self._allow_private = allow_private
        self._clock = clock

    def _owner_tag(self, owner_id: int) -> bytes:
        return keyed_tag(self._secret, b"webhook-owner", str(owner_id).encode())

    async def register(self, owner_id: int, url: str) -> Registered:
        """Check the URL (mss/webhooks/targets.py), store it sealed; the secret is shown once."""
        await resolve(url, self._allow_private)
        if len(await self._store.endpoints(self._owner_tag(owner_id))) >= MAX_ENDPOINTS:
            raise TooManyEndpoints(
                f"au plus {MAX_ENDPOINTS} points d'accès / at most {MAX_ENDPOINTS}"
            )
        public_id = "wh_" + secrets.token_hex(12)
        secret = new_secret()
        now = self._clock()
        sealed = seal_json(
            self._queue_key.public,
            "webhook-endpoint",
            public_id,
            {"url": url, "secret": secret},
        )
        await self._store.add_endpoint(public_id, self._owner_tag(owner_id), sealed, now)
        return Registered(Endpoint(public_id, url, now), secret)

    async def _rows(self, owner_id: int) -> list[tuple[EndpointRow, dict[str, Any]]]:
        rows = await self._store.endpoints(self._owner_tag(owner_id))
        return [
            (row, open_json(self._queue_key, "webhook-endpoint", row.public_id, row.sealed))
            for row in rows
        ]

    async def endpoints(self, owner_id: int) -> list[Endpoint]:
        return [
            Endpoint(row.public_id, meta["url"], row.created_at)
            for row, meta in await self._rows(owner_id)
        ]

    async def remove(self, owner_id: int, endpoint_id: str) -> bool:
        return await self._store.remove_endpoint(self._owner_tag(owner_id), endpoint_id)

    async def deliveries(self, owner_id: int, endpoint_id: str) -> list[DeliveryRow] | None:
        """The endpoint's delivery log, newest first; ``None`` when it is not the owner's."""
        for row, _ in await self._rows(owner_id):
            if row.public_id == endpoint_id:
                return await self._store.deliveries(row.id, LOG_LENGTH)
        return None

    async def emit(self, owner_id: int, event_type: str, data: dict[str, Any]) -> int:
        """Queue ``event_type`` for every endpoint of the owner; how many deliveries."""
        rows = await self._rows(owner_id)
        if not rows:
            return 0
        now = self._clock()
        body = {
            "id": "evt_" + secrets.token_hex(12),
            "type": event_type,
            "created": now,
            "data": data,
        }
        queued = []
        for row, _ in rows:
            public_id = "dlv_" + secrets.token_hex(12)
            sealed = seal_json(self._queue_key.public, "webhook-delivery", public_id, body)
            queued.append(NewDelivery(public_id, row.id, event_type, sealed))
        await self._store.enqueue(queued, now)
        return len(queued)

    def _watch_tag(self, subject: str) -> bytes:
        return keyed_tag(self._secret, b"webhook-watch", subject.encode())

    async def watch(self, subject: str, owner_id: int, reference: dict[str, Any]) -> None:
        """Remember that events about ``subject`` belong to ``owner_id``."""
        tag = self._watch_tag(subject)
        name = tag.hex()
        sealed = seal_json(
            self._queue_key.public,
            "webhook-watch",
            name,
            {"owner": owner_id, "reference": reference},
        )
        await self._store.add_watch(tag, sealed, self._clock())

    async def watched(self, subject: str) -> Watched | None:
        tag = self._watch_tag(subject)
        sealed = await self._store.watch(tag)
        if sealed is None:
            return None
        value = open_json(self._queue_key, "webhook-watch", tag.hex(), sealed)
        return Watched(int(value["owner"]), dict(value["reference"]))
