"""The byte stream under a session: reads, buffered writes, STARTTLS and COMPRESS=DEFLATE.

Implementation notes. Writes are gathered and sent by ``flush``, so a FETCH of many messages is
a few large writes rather than one per line, and under COMPRESS one deflate flush per batch
(RFC 4978 §4 asks for a flush whenever the server waits for the client). Inflated input is
produced in bounded pieces, so a small compressed burst cannot expand in memory at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import zlib

READ_SIZE = 64 * 1024
# The most octets one inflate step produces; the rest waits for the next read.
INFLATE_STEP = 256 * 1024


class Connection:
    """One client's stream, as the session sees it."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self._out = bytearray()
        self._deflate: zlib._Compress | None = None
        self._inflate: zlib._Decompress | None = None
        self.tls = writer.get_extra_info("ssl_object") is not None

    @property
    def peer(self) -> str:
        """The client's address and port, for logs."""
        address = self._writer.get_extra_info("peername")
        return f"{address[0]}:{address[1]}" if isinstance(address, tuple) else str(address)

    @property
    def ip(self) -> str:
        """The client's address alone, which the authentication throttle counts by."""
        address = self._writer.get_extra_info("peername")
        return str(address[0]) if isinstance(address, tuple) else str(address)

    @property
    def compressed(self) -> bool:
        """Whether COMPRESS=DEFLATE is active."""
        return self._deflate is not None

    async def read(self) -> bytes:
        """The next octets from the client (inflated); b"" once the client has gone."""
        while True:
            if self._inflate is not None and self._inflate.unconsumed_tail:
                return self._inflate.decompress(self._inflate.unconsumed_tail, INFLATE_STEP)
            data = await self._reader.read(READ_SIZE)
            if self._inflate is None or not data:
                return data
            try:
                inflated = self._inflate.decompress(data, INFLATE_STEP)
            except zlib.error:
                return b""
            # A deflate block may carry no data octets; that is not the end of the stream.
            if inflated or self._inflate.eof:
                return inflated

    def write(self, data: bytes) -> None:
        """Queue ``data``; ``flush`` sends it."""
        self._out += data

    async def flush(self) -> None:
        """Send what is queued and wait until the transport has taken it."""
        if not self._out:
            return
        data = bytes(self._out)
        self._out.clear()
        if self._deflate is not None:
            data = self._deflate.compress(data) + self._deflate.flush(zlib.Z_SYNC_FLUSH)
        self._writer.write(data)
        await self._writer.drain()

    async def start_tls(self, context: ssl.SSLContext) -> None:
        """RFC 3501 §6.2.1: the TLS negotiation begins right after the tagged OK.

        Octets the client sent after STARTTLS but before its handshake are plaintext anyone on
        the path could have injected (CVE-2011-0411); those the stream reader already holds
        would otherwise be read as if they had come over TLS, so they are dropped. asyncio
        offers no public way to reach that buffer, hence the private attribute.
        """
        await self.flush()
        pending = getattr(self._reader, "_buffer", None)
        if isinstance(pending, bytearray):
            pending.clear()
        await self._writer.start_tls(context)
        self.tls = True

    def start_compression(self) -> None:
        """RFC 4978 §3: raw DEFLATE (no zlib header) both ways, from the next octet on."""
        self._deflate = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        self._inflate = zlib.decompressobj(-15)

    async def close(self) -> None:
        """Send what is left and close, whatever state the peer left the stream in."""
        # OSError covers every way a peer can leave: reset, broken pipe, TLS errors.
        with contextlib.suppress(OSError):
            await self.flush()
        self._writer.close()
        with contextlib.suppress(OSError):
            await self._writer.wait_closed()
