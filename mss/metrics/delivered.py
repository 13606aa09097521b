"""Counting local deliveries as an observer of the one receiving path.

An observer runs after the commit, so the count is of messages really stored; every way mail
reaches an INBOX (MX, submission to a local account, the queue's reports) passes through
:class:`mss.inbound.InboundService`.
"""

from __future__ import annotations

from mss.inbound import InboundMessage
from mss.metrics.counters import Metrics


class DeliveryCount:
    name = "delivery count"

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    async def delivered(self, message: InboundMessage) -> None:
        self._metrics.delivered()
