"""``mss serve`` as a separate process in tests: wait until it listens, and fail with its log
(not a bare timeout) when it exits instead."""

from __future__ import annotations

import asyncio
from pathlib import Path

# Up to a minute: on a loaded machine the server's imports alone take tens of seconds.
ATTEMPTS = 1200
PAUSE_SECONDS = 0.05


async def wait_for_port(port: int, server: asyncio.subprocess.Process, log: Path) -> None:
    for _ in range(ATTEMPTS):
        if server.returncode is not None:
            raise AssertionError(await asyncio.to_thread(log.read_text))
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(PAUSE_SECONDS)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise TimeoutError(f"nothing listens on {port}")
