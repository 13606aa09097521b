"""Server-held secrets in files under the data directory, never in the database.

A database dump alone then reveals nothing these secrets protect; an operator backs the key
files up separately (and shares them between processes that share a database).

The file is kept like the queue key (crypto/queuekey.py): one line,
``MSS-SERVER-KEY-1 <base64 of the 32-byte secret>``, created atomically with mode 0600 in a 0700
directory, refused when others may read it, when its magic is another key's (a queue key copied
in its place) or when it does not hold exactly 32 bytes. Files written before the magic existed
hold the 32 raw bytes alone; they are still read, as they are.
"""

from __future__ import annotations

from pathlib import Path

from crypto.keyfile import check_private, create_key_file, key_file_content, parse_key_file
from crypto.tags import SECRET_BYTES, new_secret

_MAGIC = "MSS-SERVER-KEY-1"


def load_or_create_secret(path: Path) -> bytes:
    """Read the key at ``path``, creating it (0600, in a 0700 directory) if it is missing.

    Raises :class:`PermissionError` when the file is accessible to group or others and
    :class:`ValueError` when it does not hold a server key.
    """
    if not path.exists():
        create_key_file(path, key_file_content(_MAGIC, new_secret()))
    check_private(path, "server key")
    return _parse(path, path.read_bytes())


def _parse(path: Path, content: bytes) -> bytes:
    if len(content) == SECRET_BYTES and not content.startswith(_MAGIC.encode("ascii") + b" "):
        return content  # written before the magic: the raw secret
    return parse_key_file(path, content, _MAGIC, SECRET_BYTES, "server key")
