"""The CalDAV application mounted at ``/dav`` of the web server.

Radicale builds its plugins from its configuration; ours need the running server, so the
application is built with harmless built-in plugins and its storage and sign-in are then
replaced by the bridged ones. Radicale's own web interface is off; rights are ``owner_only``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from a2wsgi import WSGIMiddleware
from radicale import config
from radicale.app import Application
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from mss.dav.auth import MssAuth
from mss.dav.bridge import DavBridge
from mss.dav.storage import MssStorage
from mss.runtime import Runtime

MAX_REQUEST_BYTES = 2 * 1024 * 1024
WORKER_THREADS = 4


class DavApp:
    """ASGI entry: remembers the server's loop for the bridge, then hands over to Radicale."""

    def __init__(self, runtime: Runtime) -> None:
        configuration = config.load()
        configuration.update(
            {
                "auth": {"type": "denyall", "delay": "0", "cache_logins": "False"},
                "rights": {"type": "owner_only"},
                "web": {"type": "none"},
                "storage": {"type": "multifilesystem_nolock"},
                "server": {
                    "max_content_length": str(MAX_REQUEST_BYTES),
                    "max_resource_size": str(MAX_REQUEST_BYTES * 8 // 10),
                },
                "logging": {"mask_passwords": "True"},
            },
            "mss",
            privileged=True,
        )
        self._bridge = DavBridge(runtime.signin, runtime.calendar)
        # The placeholder plugins' start-up warnings ("authentication blocked") would mislead
        # an operator: they are replaced on the next lines.
        radicale_log = logging.getLogger("radicale")
        level = radicale_log.level
        radicale_log.setLevel(logging.ERROR)
        try:
            application = Application(configuration)
        finally:
            radicale_log.setLevel(level)
        application._auth = MssAuth(configuration, self._bridge)
        application._storage = MssStorage(configuration, self._bridge)
        self._wsgi = WSGIMiddleware(_with_peer(application, self._bridge), workers=WORKER_THREADS)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self._bridge.loop is None:
            self._bridge.loop = asyncio.get_running_loop()
        await self._wsgi(scope, receive, _advertise_scheduling(send))


def _with_peer(application: Any, bridge: DavBridge) -> Any:
    """Radicale's sign-in does not see the request: the client's address reaches it through the
    bridge's thread-local, set in the worker thread that runs the request."""

    def wrapped(environ: dict[str, Any], start_response: Any) -> Any:
        bridge.current.peer = str(environ.get("REMOTE_ADDR", ""))
        return application(environ, start_response)

    return wrapped


def _advertise_scheduling(send: Any) -> Any:
    """RFC 6638 §2: ``calendar-auto-schedule`` in the DAV header tells clients that the server
    sends the iMIP messages (mss.calendar.scheduling), so that they do not mail them twice."""

    async def wrapped(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            headers = []
            for name, value in message.get("headers", []):
                if name.lower() == b"dav" and b"calendar-auto-schedule" not in value:
                    value = value + b", calendar-auto-schedule"
                headers.append((name, value))
            message = {**message, "headers": headers}
        await send(message)

    return wrapped


async def well_known(request: Request) -> Response:
    """RFC 6764 §5: clients find the CalDAV context path from /.well-known/caldav."""
    return RedirectResponse("/dav/", status_code=301)
