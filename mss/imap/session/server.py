"""The IMAP service of ``mss serve``: STARTTLS on the plain port, implicit TLS on the other.

Implementation notes. Each connection is one asyncio task running one ``Session``; the
service keeps the tasks so that ``stop`` can end them. The connection id of
``mss.context`` is set inside each task, so every log line names its connection. The
TLS context is loaded once at start; a missing certificate leaves only the plain port, where
LOGINDISABLED then stays in force (RFC 3501 §6.2.3): no password ever travels in clear.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl

from mss import context
from mss.imap.selected.recent import RecentTracker
from mss.imap.session.connection import Connection
from mss.imap.session.session import Session
from mss.imap.session.settings import ImapSettings
from mss.imap.session.state import ImapServices
from mss.runtime import Runtime
from mss.tls import server_context, tls_files

log = logging.getLogger(__name__)

HANDSHAKE_TIMEOUT = 30.0


def load_tls(runtime: Runtime) -> ssl.SSLContext | None:
    """The server's TLS context, or None (logged) when no certificate is configured."""
    try:
        return server_context(tls_files(runtime.settings))
    except (OSError, ssl.SSLError) as error:
        log.warning("IMAP without TLS: %s", error)
        return None


class ImapService:
    """Listeners on the IMAP (STARTTLS) and IMAPS ports; a ``mss.services.Service``."""

    name = "imap"

    def __init__(
        self,
        runtime: Runtime,
        settings: ImapSettings | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self._listen = runtime.settings.listen
        self.services = ImapServices(
            store=runtime.store,
            signin=runtime.signin,
            feed=runtime.feed,
            settings=settings or ImapSettings.from_settings(runtime.settings),
            tls=tls if tls is not None else load_tls(runtime),
            recent=RecentTracker(runtime.store),
        )
        self._servers: list[asyncio.Server] = []
        self._sessions: set[asyncio.Task[None]] = set()
        self._open = runtime.metrics.connections.labels("imap")
        self.ports: dict[str, int] = {}

    async def start(self) -> None:
        """Open the plain port, and the implicit TLS port when a certificate is available."""
        host = self._listen.host
        reuse_port = self._listen.reuse_port or None
        plain = await asyncio.start_server(
            self._serve, host, self._listen.imap_port, reuse_port=reuse_port
        )
        self._servers.append(plain)
        self.ports["imap"] = plain.sockets[0].getsockname()[1]
        if self.services.tls is not None:
            implicit = await asyncio.start_server(
                self._serve,
                host,
                self._listen.imaps_port,
                ssl=self.services.tls,
                ssl_handshake_timeout=HANDSHAKE_TIMEOUT,
                reuse_port=reuse_port,
            )
            self._servers.append(implicit)
            self.ports["imaps"] = implicit.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening and end every session."""
        for server in self._servers:
            server.close()
        for task in list(self._sessions):
            task.cancel()
        for task in list(self._sessions):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for server in self._servers:
            await server.wait_closed()
        self._servers.clear()

    def describe(self) -> list[str]:
        """One line per listener."""
        host = self._listen.host
        lines = [f"IMAP with STARTTLS on {host}:{self.ports.get('imap')}"]
        if "imaps" in self.ports:
            lines.append(f"IMAPS on {host}:{self.ports['imaps']}")
        return lines

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Run the session in a task of its own, which ``stop`` may cancel.

        The task asyncio creates for this callback must not be the one cancelled: asyncio
        inspects its exception when it ends, and a cancelled one would be logged as an error.
        """
        connection = Connection(reader, writer)
        context.connection_id.set(context.new_connection_id())
        task = asyncio.ensure_future(Session(connection, self.services).run())
        self._sessions.add(task)
        self._open.inc()
        try:
            await task
        except asyncio.CancelledError:
            if not task.cancelled():
                raise
        finally:
            self._open.dec()
            self._sessions.discard(task)
