"""The directory's routers behind a real uvicorn server on an ephemeral port."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import httpx
import uvicorn
from directory_rows import RowFactory
from directory_web import TOKEN, make_app

from directory.service import DirectoryService


async def test_search_over_a_real_socket(
    service: DirectoryService, rows: RowFactory, tmp_path: Path
) -> None:
    path = tmp_path / "x.txt"
    path.write_text(rows.text([rows.person("Élodie", "Lefèvre")]), encoding="utf-8")
    await service.import_file(path)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    config = uvicorn.Config(make_app(service), log_level="warning", ws="auto", lifespan="off")
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve(sockets=[listener]))
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            refused = await http.get("/api/directory/search", params={"q": "lefevre"})
            assert refused.status_code == 401
            response = await http.get(
                "/api/directory/search",
                params={"q": "LEFEVRE elo"},
                headers={"Authorization": f"Bearer {TOKEN}"},
            )
        assert response.status_code == 200
        assert [e["display_name"] for e in response.json()["entries"]] == ["Élodie Lefèvre"]
    finally:
        server.should_exit = True
        await serving
        listener.close()
