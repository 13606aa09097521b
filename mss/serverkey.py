"""Server-held secrets in files under the data directory, never in the database.

A database dump alone then reveals nothing these secrets protect; an operator backs the key
files up separately (and shares them between processes that share a database).
"""

from __future__ import annotations

from pathlib import Path

from crypto.keyfile import check_private, create_key_file
from crypto.tags import SECRET_BYTES, new_secret


def load_or_create_secret(path: Path) -> bytes:
    """Read the key at ``path``, creating it (0600, in a 0700 directory) if it is missing.

    Raises :class:`PermissionError` when the file is accessible to group or others and
    :class:`ValueError` when it does not hold a key.
    """
    if not path.exists():
        create_key_file(path, new_secret())
    check_private(path, "server key")
    secret = path.read_bytes()
    if len(secret) != SECRET_BYTES:
        raise ValueError(f"{path}: expected a {SECRET_BYTES}-byte key, found {len(secret)}")
    return secret
