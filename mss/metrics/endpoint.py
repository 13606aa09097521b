"""The Prometheus ``/metrics`` listener: a service of ``mss serve``, off unless configured.

Implementation notes. A scraper sends one GET and reads one answer, so this is the smallest
HTTP/1.1 server that serves it (RFC 9112): one request per connection, answered with
``Connection: close``; a request line and headers bounded in size and time; nothing but
``GET /metrics`` (and HEAD) is served. The queue gauge is read from the database at each scrape,
so it is right even when another process runs the queue. It binds ``listen.metrics_host``
(loopback by default): these figures are for the operator, not for the internet.
"""

from __future__ import annotations

import asyncio
import logging

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from mss.runtime import Runtime
from mss.store.status_sql import SqlStatus

log = logging.getLogger(__name__)

MAX_HEAD_BYTES = 8 * 1024
"""Request line and headers together; a scraper sends a few hundred bytes."""
READ_TIMEOUT_SECONDS = 10.0
PATH = "/metrics"


class MetricsService:
    name = "metrics"

    def __init__(self, runtime: Runtime) -> None:
        self._metrics = runtime.metrics
        self._status = SqlStatus(runtime.database)
        listen = runtime.settings.listen
        self._host = listen.metrics_host
        self._port = listen.metrics_port or 0
        self._server: asyncio.Server | None = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the metrics service is not started")
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._serve, self._host, self._port, limit=MAX_HEAD_BYTES
        )

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    def describe(self) -> list[str]:
        return [f"Prometheus metrics on http://{self._host}:{self.port}{PATH}"]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(READ_TIMEOUT_SECONDS):
                head = await reader.readuntil(b"\r\n\r\n")
            status, body = await self._answer(head)
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            status, body = "400 Bad Request", b""
        try:
            writer.write(
                f"HTTP/1.1 {status}\r\nContent-Type: {CONTENT_TYPE_LATEST}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode("ascii")
                + body
            )
            await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def _answer(self, head: bytes) -> tuple[str, bytes]:
        # RFC 9112 §3: request-line = method SP request-target SP HTTP-version
        parts = head.split(b"\r\n", 1)[0].split(b" ")
        if len(parts) != 3 or not parts[2].startswith(b"HTTP/1."):
            return "400 Bad Request", b""
        method, target = parts[0], parts[1].split(b"?", 1)[0]
        if target != PATH.encode():
            return "404 Not Found", b""
        if method not in (b"GET", b"HEAD"):
            return "405 Method Not Allowed", b""
        await self._refresh()
        body = generate_latest(self._metrics.registry)
        return "200 OK", b"" if method == b"HEAD" else body

    async def _refresh(self) -> None:
        """The gauges kept in the database, read now, and the recent per-minute counts."""
        self._metrics.refresh_recent()
        try:
            figures = await self._status.queue()
        except Exception:
            log.exception("metrics: the queue depth could not be read")
            return
        self._metrics.queue_pending.set(figures.pending + figures.deferred)
