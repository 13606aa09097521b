"""The meeting point of Radicale's threads and the server's event loop.

Radicale is a WSGI application: each request runs in a worker thread, and its plugins are
synchronous. They call the core's coroutines on the server's loop through :meth:`DavBridge.call`,
and find the account that this request unlocked in :attr:`DavBridge.current` (thread-local:
one request is one thread from sign-in to response).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

from mss.accounts import UnlockedAccount
from mss.calendar.service import CalendarService
from mss.signin import SignInService

T = TypeVar("T")
CALL_TIMEOUT = 60.0


class _Current(threading.local):
    unlocked: UnlockedAccount | None = None
    peer: str = ""
    """The client's address, for the sign-in's throttle."""


@dataclass
class DavBridge:
    signin: SignInService
    calendar: CalendarService
    loop: asyncio.AbstractEventLoop | None = None
    """The server's loop, known from the first request on (the app is built before it runs)."""
    current: _Current = field(default_factory=_Current)

    def call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        if self.loop is None:
            coroutine.close()
            raise RuntimeError("the CalDAV bridge has not seen the server's loop yet")
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(CALL_TIMEOUT)

    def unlocked(self, user: str) -> UnlockedAccount:
        """The account this request signed in as, and only for its own paths."""
        current = self.current.unlocked
        if current is None or current.account.address != user:
            raise PermissionError(user)
        return current
