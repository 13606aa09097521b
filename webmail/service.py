"""The webmail service of ``mss serve``: uvicorn serving the FastAPI app on the shared loop.

Implementation notes. uvicorn runs programmatically (``Server.serve`` as a task of the process's
event loop) rather than as its own process, so the app uses the same runtime, store and change
feed as SMTP and IMAP. ``start`` returns once the socket is bound, which is what lets tests ask
for port 0 and read the real port from ``.port``. ``stop`` asks uvicorn to exit, gives open
requests and websockets a short grace, then cancels what remains. Forwarded headers
(X-Forwarded-Proto, -For) are trusted only from the proxies uvicorn trusts by default (127.0.0.1):
that is how cookies become Secure behind a TLS-terminating proxy.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator

import uvicorn

from mss.runtime import Runtime
from mss.tls import tls_files
from webmail.app import create_app
from webmail.redirect import RedirectToHttps
from webmail.settings import WebSettings

log = logging.getLogger(__name__)
GRACE_SECONDS = 5.0
# A browser tab reuses its connection between clicks; uvicorn's default (5 s) would close it
# between two reads of the same message list.
KEEP_ALIVE_SECONDS = 30


class _Server(uvicorn.Server):
    """uvicorn without its signal handlers: ``mss serve`` owns SIGINT and SIGTERM and stops
    every service in order."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class WebService:
    name = "web"

    def __init__(self, runtime: Runtime, settings: WebSettings | None = None) -> None:
        self.settings = settings or WebSettings.from_settings(runtime.settings)
        self.app = create_app(runtime, self.settings)
        tls = tls_files(runtime.settings) if self.settings.tls else None
        self._config = uvicorn.Config(
            self.app,
            host=self.settings.host,
            port=self.settings.port,
            ws="auto",
            lifespan="off",
            log_config=None,
            access_log=False,
            server_header=False,
            proxy_headers=True,
            timeout_graceful_shutdown=int(GRACE_SECONDS),
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
            ssl_certfile=str(tls.cert) if tls else None,
            ssl_keyfile=str(tls.key) if tls else None,
        )
        self._server: _Server | None = None
        self._task: asyncio.Task[None] | None = None
        self._redirect: _Server | None = None
        self._redirect_task: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        if self._server is None or not self._server.servers:
            raise RuntimeError("the web service is not started")
        sockets = self._server.servers[0].sockets
        return int(sockets[0].getsockname()[1])

    @property
    def redirect_port(self) -> int:
        """The plain HTTP port that only redirects to HTTPS."""
        if self._redirect is None or not self._redirect.servers:
            raise RuntimeError("the web service has no redirect listener")
        return int(self._redirect.servers[0].sockets[0].getsockname()[1])

    @property
    def scheme(self) -> str:
        return "https" if self.settings.tls else "http"

    async def start(self) -> None:
        self._server, self._task = await _started(
            self._config, "web", self._shared(self.settings.port)
        )
        if self.settings.tls and self.settings.redirect_port is not None:
            redirect = uvicorn.Config(
                RedirectToHttps(self.settings.public_host, self.port),
                host=self.settings.host,
                port=self.settings.redirect_port,
                lifespan="off",
                log_config=None,
                access_log=False,
                server_header=False,
                timeout_keep_alive=KEEP_ALIVE_SECONDS,
            )
            self._redirect, self._redirect_task = await _started(
                redirect, "web-redirect", self._shared(self.settings.redirect_port)
            )

    async def stop(self) -> None:
        if self._redirect is not None and self._redirect_task is not None:
            self._redirect.should_exit = True
            await _finish(self._redirect_task)
            self._redirect = self._redirect_task = None
        if self._server is None or self._task is None:
            return
        self._server.should_exit = True
        await _finish(self._task)
        await self.app.state.web.sessions.settle()
        self._server = None
        self._task = None

    def _shared(self, port: int) -> list[socket.socket] | None:
        """With ``reuse_port``, a socket other worker processes bind too; uvicorn has no option
        for SO_REUSEPORT, but serves on the sockets it is given. None: uvicorn binds its own."""
        if not self.settings.reuse_port:
            return None
        family, kind, proto, _, address = socket.getaddrinfo(
            self.settings.host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        shared = socket.socket(family, kind, proto)
        shared.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        shared.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        shared.bind(address)
        shared.listen(self._config.backlog)
        return [shared]

    def describe(self) -> list[str]:
        host = self.settings.host
        lines = [f"webmail on {self.scheme}://{host}:{self.port}/"]
        if self._redirect is not None:
            lines.append(f"webmail redirect from http://{host}:{self.redirect_port}/")
        return lines


async def _started(
    config: uvicorn.Config, name: str, sockets: list[socket.socket] | None
) -> tuple[_Server, asyncio.Task[None]]:
    """A uvicorn server serving on the loop, returned once its socket is bound."""
    server = _Server(config)
    task = asyncio.create_task(server.serve(sockets), name=name)
    while not server.started:
        if task.done():
            await task
            raise RuntimeError(f"the {name} service stopped while starting")
        await asyncio.sleep(0.01)
    return server, task


async def _finish(task: asyncio.Task[None]) -> None:
    """Open requests get a grace period after ``should_exit``, then are cancelled."""
    try:
        await asyncio.wait_for(asyncio.shield(task), GRACE_SECONDS + 1)
    except TimeoutError:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
