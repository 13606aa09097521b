"""A real HTTP server on a local port that receives webhook requests, as an establishment's
program would: it records each request and answers the next status of a script (200 when the
script is spent), so tests can make an attempt fail, redirect, then succeed."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict[str, Any]:
        value = json.loads(self.body)
        assert isinstance(value, dict)
        return value


@dataclass
class Receiver:
    script: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    _server: asyncio.Server | None = None

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    def url(self, path: str = "/hooks") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def events(self) -> list[str]:
        return [r.json()["type"] for r in self.received]

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            _, path, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name:
                    headers[name.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            self.received.append(Received(path, headers, body))
            status = self.script.pop(0) if self.script else 200
            extra = "Location: /elsewhere\r\n" if 300 <= status < 400 else ""
            head = f"HTTP/1.1 {status} X\r\n{extra}Content-Length: 0\r\nConnection: close\r\n"
            writer.write(head.encode() + b"\r\n")
            await writer.drain()
        finally:
            writer.close()
