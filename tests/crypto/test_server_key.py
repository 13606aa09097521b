"""The server key (the secret behind correspondent tags and signature-request tags) is kept like
the queue key: created once and atomically, readable by its owner only, refused when a copy has
lost that protection (issue 13)."""

from __future__ import annotations

import base64
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from crypto.queuekey import load_or_create_queue_key
from mss.serverkey import load_or_create_secret


def test_created_private_in_a_private_directory(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "server.key"
    secret = load_or_create_secret(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert load_or_create_secret(path) == secret
    assert [p.name for p in path.parent.iterdir()] == ["server.key"], "no temporary left"


def test_a_copy_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "server.key"
    load_or_create_secret(path)
    path.chmod(0o644)
    with pytest.raises(PermissionError, match="chmod 600"):
        load_or_create_secret(path)


def test_a_file_that_is_no_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "server.key"
    path.write_bytes(b"short")
    path.chmod(0o600)
    with pytest.raises(ValueError, match="not an MSS server key"):
        load_or_create_secret(path)


def test_processes_racing_to_create_it_share_one_key(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "server.key"
    with ThreadPoolExecutor(8) as pool:
        secrets = set(pool.map(lambda _: load_or_create_secret(path), range(16)))
    assert len(secrets) == 1


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    path.chmod(0o600)
    return path


def test_the_file_names_its_kind_and_is_read_exactly(tmp_path: Path) -> None:
    """One line with a magic, like the queue key: a file that is almost right is refused."""
    path = tmp_path / "server.key"
    secret = load_or_create_secret(path)
    magic, encoded = path.read_bytes().split()
    assert magic == b"MSS-SERVER-KEY-1" and base64.b64decode(encoded) == secret
    good = base64.b64encode(bytes(range(32)))
    assert load_or_create_secret(_write(path, b"MSS-SERVER-KEY-1 " + good + b"\n")) == bytes(
        range(32)
    )
    for content in (
        b"MSS-SERVER-KEY-2 " + good + b"\n",
        b"MSS-QUEUE-KEY-1 " + good + b"\n",
        b"MSS-SERVER-KEY-1 " + good[:-2] + b"!!\n",
        b"MSS-SERVER-KEY-1 " + base64.b64encode(bytes(31)) + b"\n",
        b"MSS-SERVER-KEY-1 " + base64.b64encode(bytes(33)) + b"\n",
        b"MSS-SERVER-KEY-1\n",
        bytes(33),
    ):
        with pytest.raises(ValueError, match="not an MSS server key"):
            load_or_create_secret(_write(path, content))


def test_a_queue_key_in_its_place_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "server.key"
    load_or_create_queue_key(path)
    with pytest.raises(ValueError, match="not an MSS server key"):
        load_or_create_secret(path)


def test_a_key_written_before_the_magic_still_reads(tmp_path: Path) -> None:
    path = _write(tmp_path / "server.key", bytes(range(32)))
    assert load_or_create_secret(path) == bytes(range(32))
