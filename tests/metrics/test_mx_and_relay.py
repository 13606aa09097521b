"""Mail accepted by the MX from a peer of the trust space, and the queue's relay outcomes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiosmtplib
import pytest
from scraping import scrape

from mailserver import DOCTOR, MailServer, message, start_mail_server
from mss.metrics.counters import Metrics
from mss.queue import QueueWorker
from mss.runtime import Runtime
from mss.store.queue_records import RecipientOutcome, RecipientState
from mss.tls import TlsFiles, make_development_pki
from support import make_settings

PEER_DOMAIN = "clinique.example"


@pytest.fixture
def peer(tmp_path: Path) -> TlsFiles:
    files = TlsFiles(tmp_path / "peer.pem", tmp_path / "peer.key", tmp_path / "peer-ca.pem")
    make_development_pki(files, f"mx.{PEER_DOMAIN}")
    return files


@pytest.fixture
async def mx_server(tmp_path: Path, database_url: str, peer: TlsFiles) -> AsyncIterator[MailServer]:
    trust = [{"domain": PEER_DOMAIN, "host": "127.0.0.1", "port": 9, "cert": str(peer.ca)}]
    settings = make_settings(tmp_path / "mss", database_url, trust=trust)
    settings = settings.model_copy(
        update={"listen": settings.listen.model_copy(update={"metrics_port": 0})}
    )
    runtime = await Runtime.open(settings)
    started = await start_mail_server(runtime, only=("smtp", "metrics"))
    try:
        yield started
    finally:
        await started.stop()
        await runtime.close()


async def test_mail_from_a_peer_is_counted_on_the_mx_listener(
    mx_server: MailServer, peer: TlsFiles
) -> None:
    context = mx_server.client_context()
    context.load_cert_chain(peer.cert, peer.key)
    sender = f"dr.house@{PEER_DOMAIN}"
    async with aiosmtplib.SMTP(
        hostname="localhost", port=mx_server.port("mx"), start_tls=True, tls_context=context
    ) as client:
        errors, _ = await client.sendmail(sender, [DOCTOR], message(sender, DOCTOR, "Relayed"))
    assert errors == {}
    text, samples = await scrape(mx_server)
    assert samples[("mss_smtp_messages_accepted_total", ("mx",))] == 1
    assert samples[("mss_smtp_messages_accepted_total", ("submission",))] == 0
    assert samples[("mss_messages_delivered_local_total", ())] == 1
    assert PEER_DOMAIN not in text and "house" not in text


def _outcome(state: RecipientState) -> RecipientOutcome:
    return RecipientOutcome(1, state, 1, 0, 0, "2.0.0", None, None, None, None)


def test_relay_outcomes_count_delivered_and_failed_apart(runtime: Runtime) -> None:
    """The worker counts each recipient's recorded outcome; a pending one is neither."""
    metrics = Metrics()
    worker = QueueWorker(
        runtime.settings,
        runtime.queue,
        runtime.trust,
        runtime.store,
        runtime.inbound,
        relayed=metrics.relayed,
        failed=metrics.failed,
    )
    worker._count(
        [_outcome(s) for s in (RecipientState.DELIVERED, RecipientState.DELIVERED)]
        + [_outcome(RecipientState.FAILED), _outcome(RecipientState.PENDING)]
    )
    assert metrics.registry.get_sample_value("mss_queue_recipients_relayed_total") == 2
    assert metrics.registry.get_sample_value("mss_queue_recipients_failed_total") == 1
