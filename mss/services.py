"""The long-running services of ``mss serve``, each switchable in ``[services]``.

Each service starts its listeners (or workers) on the shared runtime and stops them cleanly; the
server process is nothing more than this list run on one event loop.
"""

from __future__ import annotations

from asyncio import sslproto
from typing import Protocol

from mss.calendar.worker import ReminderWorker
from mss.imap.session.server import ImapService
from mss.metrics.endpoint import MetricsService
from mss.queue import QueueWorker
from mss.runtime import Runtime
from mss.signatures.expiry import ExpiryWorker
from mss.signatures.reminders import SignatureReminders
from mss.smtp.mx import MxHandler
from mss.smtp.service import SmtpService
from mss.smtp.submission_handler import SubmissionHandler
from mss.store.signature_reminder_sql import SqlSignatureReminderStore
from mss.store.signature_sql import SqlSignatureStore
from mss.store.webhook_sql import SqlWebhookStore
from mss.webhooks.dispatch import WebhookWorker
from mss.webhooks.events import expired_hook
from webmail.service import WebService


class Service(Protocol):
    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def describe(self) -> list[str]:
        """One line per listener, for the operator: what listens where."""
        ...


# asyncio gives every TLS connection a read buffer of SSLProtocol.max_size (256 KiB): with
# thousands of idle IMAP IDLE connections that is hundreds of MiB held for nothing. 32 KiB per
# read still moves large messages at full speed (measured in bench/imap.py).
TLS_READ_BUFFER = 32 * 1024


def tune_tls_read_buffer() -> None:
    """Process-wide, so called once by ``mss serve`` before any listener starts."""
    sslproto.SSLProtocol.max_size = TLS_READ_BUFFER


def build_services(runtime: Runtime) -> list[Service]:
    """The services enabled in the configuration."""
    settings = runtime.settings
    enabled = settings.services
    metrics = runtime.metrics
    services: list[Service] = []
    if enabled.mx or enabled.submission:
        services.append(
            SmtpService(
                settings,
                MxHandler(
                    settings,
                    runtime.inbound,
                    runtime.policy,
                    runtime.trust,
                    runtime.queue,
                    accepted=metrics.smtp_accepted.labels("mx"),
                ),
                SubmissionHandler(
                    settings,
                    runtime.signin,
                    runtime.submission,
                    accepted=metrics.smtp_accepted.labels("submission"),
                ),
                runtime.trust,
                connections=metrics.connections.labels("smtp"),
            )
        )
    if enabled.imap:
        services.append(ImapService(runtime))
    if enabled.web:
        services.append(WebService(runtime))
    if enabled.queue:
        services.append(
            QueueWorker(
                settings,
                runtime.queue,
                runtime.trust,
                runtime.store,
                runtime.inbound,
                relayed=metrics.relayed,
                failed=metrics.failed,
            )
        )
    if enabled.reminders:
        services.append(
            ReminderWorker(
                runtime.calendar.store, runtime.store, settings.calendar.reminder_poll_seconds
            )
        )
    if enabled.signatures:
        services.append(
            ExpiryWorker(
                SqlSignatureStore(runtime.database, runtime.store.committer),
                settings.signatures.expiry_poll_seconds,
                on_expired=expired_hook(runtime.webhooks),
                reminders=SignatureReminders(
                    SqlSignatureReminderStore(runtime.database, runtime.store.committer),
                    runtime.queue.key,
                    runtime.store,
                    runtime.inbound,
                ),
            )
        )
    if enabled.webhooks:
        services.append(
            WebhookWorker(
                SqlWebhookStore(runtime.database, runtime.store.committer),
                runtime.queue.key,
                settings.webhooks,
                outcomes=metrics.webhook_deliveries,
            )
        )
    if settings.listen.metrics_port is not None:
        services.append(MetricsService(runtime))
    return services
