"""Every counter and gauge of one server process, on a registry of its own.

Labels name a listener, a protocol, a channel or an outcome, never an account, an address or a
domain: the metrics must not tell who writes to whom (DESIGN.md). A registry per runtime, not the
library's global one, so several runtimes in one process (the tests) do not add up.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge

from mss.metrics.per_minute import PerMinute


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self.smtp_accepted = Counter(
            "mss_smtp_messages_accepted",
            "Messages accepted with 250 after DATA, by listener (submission or mx).",
            ["listener"],
            registry=registry,
        )
        self.delivered_local = Counter(
            "mss_messages_delivered_local",
            "Messages committed to a local INBOX (one per recipient).",
            registry=registry,
        )
        self.queued = Counter(
            "mss_messages_queued",
            "Messages put in the outbound queue for other operators.",
            registry=registry,
        )
        self.relayed = Counter(
            "mss_queue_recipients_relayed",
            "Queued recipients accepted by the remote operator.",
            registry=registry,
        )
        self.failed = Counter(
            "mss_queue_recipients_failed",
            "Queued recipients given up on (permanent refusal or expiry).",
            registry=registry,
        )
        self.stored_per_minute = PerMinute()
        self.recent_deliveries = Gauge(
            "mss_messages_delivered_local_recent",
            "Messages committed to a local INBOX in each of the last minutes (0 is the current).",
            ["minutes_ago"],
            registry=registry,
        )
        self.queue_pending = Gauge(
            "mss_queue_recipients_pending",
            "Recipients waiting in the outbound queue, read from the database at each scrape.",
            registry=registry,
        )
        self.connections = Gauge(
            "mss_connections_open",
            "Client connections open now, by protocol.",
            ["protocol"],
            registry=registry,
        )
        self.signin_failures = Counter(
            "mss_signin_failures",
            "Failed sign-ins on every protocol (wrong password, unknown account, wrong code).",
            registry=registry,
        )
        self.signin_throttled = Counter(
            "mss_signin_throttled",
            "Sign-ins refused untried because the source failed too often.",
            registry=registry,
        )
        self.webhook_deliveries = Counter(
            "mss_webhook_deliveries",
            "Webhook notifications posted, by outcome (delivered, retried, abandoned).",
            ["outcome"],
            registry=registry,
        )

    def delivered(self) -> None:
        """One message committed to a local INBOX."""
        self.delivered_local.inc()
        self.stored_per_minute.inc()

    def refresh_recent(self) -> None:
        """Copy the per-minute counts into their gauge, before a scrape."""
        for ago, count in enumerate(self.stored_per_minute.recent()):
            self.recent_deliveries.labels(str(ago)).set(count)
