"""Work that ``mss serve`` repeats unattended (reminders falling due, signature deadlines): one
loop that survives a failing round, logs it and tries again at the next tick."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod

log = logging.getLogger(__name__)


class PeriodicWorker(ABC):
    name: str

    def __init__(self, poll_seconds: float) -> None:
        self._poll = poll_seconds
        self._task: asyncio.Task[None] | None = None

    @abstractmethod
    async def run_once(self) -> int:
        """One round; how many items it handled."""

    async def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._loop(), name=self.name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:
                log.exception("%s: a round failed; retrying", self.name)
            await asyncio.sleep(self._poll)
