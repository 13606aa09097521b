"""Per-connection context for log lines (contextvars, declared here and nowhere else)."""

from __future__ import annotations

import contextvars
import itertools
import logging
import os

connection_id: contextvars.ContextVar[str] = contextvars.ContextVar("connection_id", default="-")
_counter = itertools.count(1)
_prefix = f"{os.getpid():x}"


def new_connection_id() -> str:
    """Unique within the host: process id and a counter, e.g. ``3f2a-17``."""
    return f"{_prefix}-{next(_counter)}"


class ConnectionIdFilter(logging.Filter):
    """Adds ``%(conn)s`` to every record, so each log line carries its connection id."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.conn = connection_id.get()
        return True
