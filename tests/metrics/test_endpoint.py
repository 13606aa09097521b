"""/metrics scraped as Prometheus does, after real SMTP and IMAP traffic."""

from __future__ import annotations

import asyncio

import aiosmtplib
import httpx
import pytest
from scraping import scrape

from mailserver import DOCTOR, DOMAIN, NURSE, PASSWORD, PATIENT, MailServer, message
from mss.queue import QueueRecipient

ELSEWHERE = "dr.b@ailleurs.example"


async def _wait_for(server: MailServer, key: tuple[str, tuple[str, ...]], value: float) -> None:
    for _ in range(200):
        _, samples = await scrape(server)
        if samples.get(key) == value:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{key} never reached {value}: {samples.get(key)}")


async def test_submissions_sign_in_failures_and_connections_are_counted(
    server: MailServer,
) -> None:
    before_text, before = await scrape(server)
    assert before[("mss_smtp_messages_accepted_total", ("submission",))] == 0
    async with server.submission_client() as client:
        await client.login(DOCTOR, PASSWORD)
        for subject in ("Avis cardio", "Planning"):
            errors, _ = await client.sendmail(DOCTOR, [NURSE], message(DOCTOR, NURSE, subject))
            assert errors == {}
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port("imap"))
        await reader.readline()  # the greeting: the session is open
        _, open_now = await scrape(server)
        writer.close()
    assert open_now[("mss_connections_open", ("imap",))] == 1
    assert open_now[("mss_connections_open", ("smtp",))] == 1

    # One AUTH PLAIN each (login() would try every mechanism offered). The settings allow two
    # failures from one source, then refuse untried.
    for password, code in (("wrong password", 535), ("wrong again", 535), (PASSWORD, 454)):
        async with server.submission_client() as client:
            await client.ehlo()
            with pytest.raises(aiosmtplib.SMTPAuthenticationError) as refused:
                await client.auth_plain(NURSE, password)
            assert refused.value.code == code

    text, after = await scrape(server)
    assert after[("mss_smtp_messages_accepted_total", ("submission",))] == 2
    assert after[("mss_smtp_messages_accepted_total", ("mx",))] == 0
    assert after[("mss_messages_delivered_local_total", ())] == 2
    assert after[("mss_signin_failures_total", ())] == 2
    assert after[("mss_signin_throttled_total", ())] == 1
    await _wait_for(server, ("mss_connections_open", ("imap",)), 0)
    await _wait_for(server, ("mss_connections_open", ("smtp",)), 0)
    for secret in (DOCTOR, NURSE, PATIENT, DOMAIN, "@", "Avis", "Planning"):
        assert secret not in text, f"{secret} leaks into the metrics"
    assert "@" not in before_text


async def test_queued_and_failed_relays_and_the_queue_depth(server: MailServer) -> None:
    runtime = server.runtime
    worker = server.service("queue")
    await worker.stop()  # held still while the queue depth is read
    await runtime.queue.enqueue(
        DOCTOR, [QueueRecipient(ELSEWHERE)], message(DOCTOR, ELSEWHERE, "Courrier")
    )
    text, samples = await scrape(server)
    assert samples[("mss_messages_queued_total", ())] == 1
    assert samples[("mss_queue_recipients_pending", ())] == 1
    assert "ailleurs" not in text
    await worker.start()  # ailleurs.example is outside the trust space: refused for good
    await _wait_for(server, ("mss_queue_recipients_failed_total", ()), 1)
    _, samples = await scrape(server)
    assert samples[("mss_queue_recipients_relayed_total", ())] == 0
    assert samples[("mss_queue_recipients_pending", ())] == 0


async def test_only_get_metrics_is_served_and_only_on_loopback(server: MailServer) -> None:
    service = server.service("metrics")
    assert service.describe() == [f"Prometheus metrics on http://127.0.0.1:{service.port}/metrics"]
    async with httpx.AsyncClient(trust_env=False) as client:
        base = f"http://127.0.0.1:{service.port}"
        assert (await client.get(f"{base}/")).status_code == 404
        assert (await client.post(f"{base}/metrics")).status_code == 405
        assert (await client.head(f"{base}/metrics")).status_code == 200
    reader, writer = await asyncio.open_connection("127.0.0.1", service.port)
    writer.write(b"nonsense\r\n\r\n")
    assert (await reader.readline()).startswith(b"HTTP/1.1 400 ")
    writer.close()
