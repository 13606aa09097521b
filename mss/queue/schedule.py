"""When to try again, when to give up, and how long a lease lasts.

RFC 5321 §4.5.4.1 asks for retries spaced out over at least 4-5 days. We space them
exponentially: the n-th failed attempt waits ``retry_initial_seconds × 2^(n-1)``, capped at
``retry_max_seconds``; no attempt is scheduled past the expiry (``expire_seconds`` after
queueing), so the last one happens at the expiry itself and a message never waits longer than
configured before its failure is reported.
"""

from __future__ import annotations

import time

from mss.config import QueueSettings

MS = 1000
MAX_EXPONENT = 60  # beyond this the cap has long applied; keeps the float finite
# A lease outlives any attempt: the whole SMTP session is cut at SEND_TIMEOUTS timeouts, the lease
# lasts LEASE_TIMEOUTS of them, so no other worker can take a recipient still being sent.
SEND_TIMEOUTS = 8
LEASE_TIMEOUTS = 10


def now_ms() -> int:
    return int(time.time() * MS)


def retry_delay_seconds(attempts: int, settings: QueueSettings) -> float:
    """The wait after the ``attempts``-th failed attempt (1 for the first)."""
    exponent = min(max(attempts - 1, 0), MAX_EXPONENT)
    return float(min(settings.retry_initial_seconds * 2.0**exponent, settings.retry_max_seconds))


def expires_at_ms(created_at_ms: int, settings: QueueSettings) -> int:
    return created_at_ms + int(settings.expire_seconds * MS)


def next_attempt_ms(now: int, attempts: int, created_at_ms: int, settings: QueueSettings) -> int:
    """The next attempt after a transient failure, never later than the expiry."""
    wanted = now + int(retry_delay_seconds(attempts, settings) * MS)
    return min(wanted, expires_at_ms(created_at_ms, settings))


def send_budget_seconds(settings: QueueSettings) -> float:
    """The most one SMTP session to a peer may take, connection to QUIT."""
    return SEND_TIMEOUTS * settings.connect_timeout_seconds


def lease_ms(settings: QueueSettings) -> int:
    return int(LEASE_TIMEOUTS * settings.connect_timeout_seconds * MS)
