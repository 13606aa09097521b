"""A byte-level IMAP client for transcript tests: what is sent and received, exactly."""

from __future__ import annotations

import asyncio
import contextlib
import re
import ssl
import zlib

_LITERAL = re.compile(rb"\{(\d+)\}\r\n\Z")


class Wire:
    """One connection; ``command`` sends a line and returns every line up to its completion."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self._deflate: zlib._Compress | None = None
        self._inflate: zlib._Decompress | None = None
        self._buffer = b""

    @classmethod
    async def open(cls, port: int, tls: ssl.SSLContext | None = None) -> Wire:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=tls)
        return cls(reader, writer)

    async def _more(self) -> None:
        data = await asyncio.wait_for(self.reader.read(65536), 5)
        if not data:
            raise ConnectionError("server closed the connection")
        if self._inflate is not None:
            data = self._inflate.decompress(data)
        self._buffer += data

    async def line(self) -> bytes:
        """One response line, literals included, CRLF kept."""
        while True:
            end = self._buffer.find(b"\r\n")
            if end >= 0:
                break
            await self._more()
        line, self._buffer = self._buffer[: end + 2], self._buffer[end + 2 :]
        match = _LITERAL.search(line)
        if match:
            size = int(match.group(1))
            while len(self._buffer) < size:
                await self._more()
            data, self._buffer = self._buffer[:size], self._buffer[size:]
            return line + data + await self.line()
        return line

    def send(self, data: bytes) -> None:
        if self._deflate is not None:
            data = self._deflate.compress(data) + self._deflate.flush(zlib.Z_SYNC_FLUSH)
        self.writer.write(data)

    async def command(self, line: bytes) -> list[bytes]:
        """Send ``line`` (its tag first) and read through the tagged completion."""
        tag = line.split(b" ", 1)[0]
        self.send(line + b"\r\n")
        return await self.until(tag)

    async def until(self, tag: bytes) -> list[bytes]:
        lines = []
        while True:
            line = await self.line()
            lines.append(line)
            if line.startswith(tag + b" "):
                return lines

    async def starttls(self, context: ssl.SSLContext) -> None:
        await self.writer.start_tls(context, server_hostname="localhost")

    def compress(self) -> None:
        self._deflate = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        self._inflate = zlib.decompressobj(-15)

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(OSError):
            await self.writer.wait_closed()
