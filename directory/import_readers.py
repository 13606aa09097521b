"""Where the importer gets its validated batches from: a worker process, or a thread for small
files.

Both run `directory.import_worker.prepare` over the file. A large file is read by a process of
its own (``python -m directory.import_worker``) so that parsing runs beside the database
writes, not in turns with them under the interpreter lock; a small file, where starting a
process would cost more than it saves, is read in a thread of this process.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Iterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Protocol

from directory.errors import DirectoryError
from directory.import_worker import PreparedBatch, prepare

# Files up to this size are read in a thread.
INLINE_BYTES = 256 * 1024
# Put on the worker's PYTHONPATH so that it imports this very copy of the package.
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent


class Reader(Protocol):
    """A source of batches, in file order."""

    async def next(self) -> PreparedBatch | None:
        """The next batch, None at the end of the file."""


def open_reader(path: Path, batch_size: int, size: int) -> AbstractAsyncContextManager[Reader]:
    """A reader of ``path`` fit for its ``size``."""
    if size <= INLINE_BYTES:
        return ThreadReader(path, batch_size)
    return ProcessReader(path, batch_size)


class ThreadReader:
    """Reads the file in a worker thread, one batch per call."""

    def __init__(self, path: Path, batch_size: int) -> None:
        self._path = path
        self._batch_size = batch_size
        self._stream: BinaryIO | None = None
        self._batches: Iterator[PreparedBatch] | None = None

    async def __aenter__(self) -> ThreadReader:
        self._stream = await asyncio.to_thread(self._path.open, "rb")
        self._batches = prepare(self._stream, self._batch_size)
        return self

    async def next(self) -> PreparedBatch | None:
        """The next batch, None at the end of the file."""
        assert self._batches is not None
        return await asyncio.to_thread(next, self._batches, None)

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._stream is not None:
            self._stream.close()


class ProcessReader:
    """The worker process (`directory.import_worker`) and the reading end of its stdout."""

    def __init__(self, path: Path, batch_size: int) -> None:
        self._args = (str(path), str(batch_size))
        self._process: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> ProcessReader:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, (str(_PACKAGE_ROOT), env.get("PYTHONPATH")))
        )
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "directory.import_worker",
            *self._args,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
        )
        return self

    async def next(self) -> PreparedBatch | None:
        """The next batch, None at the end of the file."""
        assert self._process is not None and self._process.stdout is not None
        try:
            size = int.from_bytes(await self._process.stdout.readexactly(4), "big")
            if size == 0:
                return None
            return PreparedBatch.decode(await self._process.stdout.readexactly(size))
        except asyncio.IncompleteReadError:
            detail = await self._failure()
            raise DirectoryError(f"reading the extraction failed: {detail}") from None

    async def _failure(self) -> str:
        assert self._process is not None and self._process.stderr is not None
        await self._process.wait()
        lines = (await self._process.stderr.read()).decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else f"reader exited with status {self._process.returncode}"

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        process = self._process
        if process is None:
            return
        if process.returncode is None:
            process.kill()
        await process.communicate()
