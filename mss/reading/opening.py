"""Decrypting a batch of messages for a reader, on a few threads beside the event loop.

Implementation notes. Per message, a full sync spends about as long opening the sealed content
key (X25519, ``crypto_box_seal_open``) and decrypting the summary as it does on everything else;
libsodium is called through cffi, which releases the GIL, so a small pool runs that work on the
other cores while the event loop encodes the previous batch. Decrypted data stays in this
process's memory, handed back to the one session that asked; the threads keep nothing. Small
batches (a client reading one message) are opened inline: a thread hop would cost more.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

# Threads for the whole process: one per core, a few at most (the event loop needs one too).
THREADS = max(1, min(4, os.cpu_count() or 1))
# Below this many messages a batch is opened on the event loop itself.
INLINE_BELOW = 16

Item = TypeVar("Item")
Result = TypeVar("Result")

_pool: ThreadPoolExecutor | None = None


def _executor() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="imap-open")
    return _pool


async def run_on_threads(
    function: Callable[..., list[Result]],
    items: list[Item],
    *extra: object,
    parts: int = THREADS,
    inline_below: int = INLINE_BELOW,
) -> list[Result]:
    """``function(items, *extra)``, split in ``parts`` slices run on the opening threads (inline
    for fewer than ``inline_below`` items); the results concatenated in order."""
    if len(items) < inline_below:
        return function(items, *extra)
    loop = asyncio.get_running_loop()
    size = -(-len(items) // parts)
    results = await asyncio.gather(
        *(
            loop.run_in_executor(_executor(), function, items[start : start + size], *extra)
            for start in range(0, len(items), size)
        )
    )
    return [result for part in results for result in part]
