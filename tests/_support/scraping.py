"""Reading a server's /metrics as Prometheus does."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from mailserver import MailServer

Samples = dict[tuple[str, tuple[str, ...]], float]


async def scrape(server: MailServer) -> tuple[str, Samples]:
    """The /metrics text and its samples by (name, label values)."""
    url = f"http://127.0.0.1:{server.service('metrics').port}/metrics"
    async with httpx.AsyncClient(trust_env=False) as client:
        response = await client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    samples = {
        (sample.name, tuple(sample.labels.values())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }
    return response.text, samples
