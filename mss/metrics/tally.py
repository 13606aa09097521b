"""What the core needs of a counter: something to add to.

The core (sign-in, queue, delivery) counts through this Protocol, so it depends on no metrics
library; :class:`mss.metrics.counters.Metrics` hands it Prometheus counters, tests may hand it
anything with ``inc``.
"""

from __future__ import annotations

from typing import Protocol


class Tally(Protocol):
    def inc(self, amount: float = 1) -> None: ...


class Level(Tally, Protocol):
    """A figure that also goes down: open connections."""

    def dec(self, amount: float = 1) -> None: ...


class Tallies(Protocol):
    """A family of tallies told apart by a label (an outcome, a listener), never by a person."""

    def labels(self, *values: str) -> Tally: ...


class NoTally:
    """Counts nothing: the default of a component built outside a server (the CLI, unit tests)."""

    def inc(self, amount: float = 1) -> None:
        return None

    def dec(self, amount: float = 1) -> None:
        return None

    def labels(self, *values: str) -> NoTally:
        return self


NO_TALLY = NoTally()
