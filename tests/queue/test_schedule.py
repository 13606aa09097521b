"""Backoff arithmetic: doubling from the initial delay, capped, never past the expiry."""

from __future__ import annotations

from mss.config import QueueSettings
from mss.queue.schedule import (
    expires_at_ms,
    lease_ms,
    next_attempt_ms,
    retry_delay_seconds,
    send_budget_seconds,
)

SETTINGS = QueueSettings(
    retry_initial_seconds=60,
    retry_max_seconds=3600,
    expire_seconds=86400,
    connect_timeout_seconds=30,
)


def test_delays_double_from_the_initial_one_up_to_the_cap() -> None:
    delays = [retry_delay_seconds(n, SETTINGS) for n in range(1, 10)]
    assert delays == [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]
    assert retry_delay_seconds(10_000, SETTINGS) == 3600


def test_next_attempt_is_now_plus_the_delay() -> None:
    created = 1_000_000
    assert next_attempt_ms(created + 5_000, 1, created, SETTINGS) == created + 5_000 + 60_000
    assert next_attempt_ms(created + 5_000, 3, created, SETTINGS) == created + 5_000 + 240_000


def test_no_attempt_is_scheduled_past_the_expiry() -> None:
    created = 1_000_000
    expiry = expires_at_ms(created, SETTINGS)
    assert expiry == created + 86_400_000
    assert next_attempt_ms(expiry - 1_000, 7, created, SETTINGS) == expiry


def test_a_send_always_ends_inside_its_lease() -> None:
    assert send_budget_seconds(SETTINGS) * 1000 < lease_ms(SETTINGS)
