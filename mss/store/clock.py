"""Store time: whole seconds since the epoch, the same on SQLite and PostgreSQL."""

import time


def now() -> int:
    return int(time.time())
