"""Where the importer gets its validated batches from: worker processes, or a thread for small
files.

Both run `directory.import_worker.prepare_chunks` over the file. A large file is read by
`WORKERS` processes of their own (``python -m directory.import_worker``), each taking every
n-th chunk, so that parsing runs on every core beside the database writes, not in turns with
them under the interpreter lock; a small file, where starting a process would cost more than it
saves, is read in a thread of this process. Batches come out in file order with absolute line
numbers (`Numbering`).
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
from directory.import_worker import PreparedBatch, PreparedLine, prepare_chunks

# Files up to this size are read in a thread.
INLINE_BYTES = 256 * 1024
# Worker processes for a large file: one per core, at most 4 (the writer needs a core too, and
# each worker holds about one chunk's batches).
WORKERS = max(1, min(4, os.cpu_count() or 1))
# Bytes of the file per chunk: a few thousand lines, so that each worker's next chunk is
# ready by the time the writer reaches it.
CHUNK_BYTES = 2 * 1024 * 1024
# A chunk size that makes the whole file one chunk.
_WHOLE_FILE = 1 << 62
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
    return ProcessReader(path, batch_size, WORKERS)


class Numbering:
    """Turns the chunk-relative line numbers of batches read in file order into absolute ones."""

    def __init__(self) -> None:
        self._offset = 1  # the header

    def place(self, batch: PreparedBatch) -> PreparedBatch:
        """Renumber ``batch`` in place; after a chunk's last batch, move past the chunk."""
        offset = self._offset
        batch.lines = [PreparedLine(line[0] + offset, *line[1:]) for line in batch.lines]
        batch.rejected = [(number + offset, reason) for number, reason in batch.rejected]
        if batch.chunk_lines is not None:
            self._offset += batch.chunk_lines
        return batch


class ThreadReader:
    """Reads the file in a worker thread, one batch per call."""

    def __init__(self, path: Path, batch_size: int) -> None:
        self._path = path
        self._batch_size = batch_size
        self._stream: BinaryIO | None = None
        self._batches: Iterator[PreparedBatch] | None = None
        self._numbering = Numbering()

    async def __aenter__(self) -> ThreadReader:
        self._stream = await asyncio.to_thread(self._path.open, "rb")
        self._batches = prepare_chunks(self._stream, self._batch_size, 0, 1, _WHOLE_FILE)
        return self

    async def next(self) -> PreparedBatch | None:
        """The next batch, None at the end of the file."""
        assert self._batches is not None
        batch = await asyncio.to_thread(next, self._batches, None)
        return None if batch is None else self._numbering.place(batch)

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._stream is not None:
            self._stream.close()


class ProcessReader:
    """The worker processes (`directory.import_worker`) and the reading ends of their stdout."""

    def __init__(self, path: Path, batch_size: int, workers: int) -> None:
        self._path = str(path)
        self._batch_size = batch_size
        self._workers = workers
        self._processes: list[asyncio.subprocess.Process] = []
        self._chunk = 0  # the chunk being read, from worker chunk % workers
        self._numbering = Numbering()
        self._done = False

    async def __aenter__(self) -> ProcessReader:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, (str(_PACKAGE_ROOT), env.get("PYTHONPATH")))
        )
        for worker in range(self._workers):
            args = (self._batch_size, worker, self._workers, CHUNK_BYTES)
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "directory.import_worker",
                self._path,
                *map(str, args),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=env,
            )
            self._processes.append(process)
        return self

    async def next(self) -> PreparedBatch | None:
        """The next batch in file order, None at the end of the file."""
        if self._done:
            return None
        process = self._processes[self._chunk % self._workers]
        assert process.stdout is not None
        try:
            size = int.from_bytes(await process.stdout.readexactly(4), "big")
            if size == 0:
                # This worker has no chunk number self._chunk: the file ends before it.
                self._done = True
                return None
            batch = PreparedBatch.decode(await process.stdout.readexactly(size))
        except asyncio.IncompleteReadError:
            detail = await self._failure(process)
            raise DirectoryError(f"reading the extraction failed: {detail}") from None
        if batch.chunk_lines is not None:
            self._chunk += 1
        return self._numbering.place(batch)

    @staticmethod
    async def _failure(process: asyncio.subprocess.Process) -> str:
        assert process.stderr is not None
        await process.wait()
        lines = (await process.stderr.read()).decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else f"reader exited with status {process.returncode}"

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for process in self._processes:
            if process.returncode is None:
                process.kill()
            await process.communicate()
