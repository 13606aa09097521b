"""Server-held secrets in files under the data directory, never in the database.

A database dump alone then reveals nothing these secrets protect; an operator backs the key
files up separately (and shares them between processes that share a database).
"""

from __future__ import annotations

import os
from pathlib import Path

from crypto.tags import SECRET_BYTES, new_secret


def load_or_create_secret(path: Path) -> bytes:
    if path.exists():
        secret = path.read_bytes()
        if len(secret) != SECRET_BYTES:
            raise ValueError(f"{path}: expected a {SECRET_BYTES}-byte key, found {len(secret)}")
        return secret
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = new_secret()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(secret)
        file.flush()
        os.fsync(file.fileno())
    return secret
