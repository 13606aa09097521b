"""Files that hold server secrets (the queue key, the server key): created once, atomically,
readable by the owner only, and refused when a copy has lost that protection.

Each holds one line, ``MAGIC <base64 of the secret>``: the magic names the kind of key, so one
key file copied in place of another is refused rather than used.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path

KEY_FILE_MODE = 0o600
KEY_DIR_MODE = 0o700


def create_key_file(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` unless it exists. The file appears whole or not at all (a
    hard link of a synced temporary file); when two processes race, the first one's key wins."""
    path.parent.mkdir(mode=KEY_DIR_MODE, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, KEY_FILE_MODE)
    try:
        os.write(descriptor, content)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass  # another process created it first: theirs is the key
    finally:
        temporary.unlink()
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def check_private(path: Path, what: str) -> None:
    """Raise :class:`PermissionError` when group or others may read or write the file."""
    mode = path.stat().st_mode
    if mode & 0o077:
        raise PermissionError(
            f"{what} file {path} is accessible to other users (mode {mode & 0o777:o}): "
            "run `chmod 600` on it"
        )


def key_file_content(magic: str, secret: bytes) -> bytes:
    """The line a key file holds (see the module's docstring)."""
    return f"{magic} {base64.b64encode(secret).decode('ascii')}\n".encode("ascii")


def parse_key_file(path: Path, content: bytes, magic: str, size: int, what: str) -> bytes:
    """The ``size``-byte secret of a key file of kind ``magic``; :class:`ValueError` otherwise."""
    found, _, encoded = content.strip().partition(b" ")
    try:
        secret = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        secret = b""
    if found != magic.encode("ascii") or len(secret) != size:
        raise ValueError(f"{path} is not an MSS {what} file ({size}-byte key)")
    return secret
