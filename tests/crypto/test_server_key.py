"""The server key (the secret behind correspondent tags and signature-request tags) is kept like
the queue key: created once and atomically, readable by its owner only, refused when a copy has
lost that protection (issue 13)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

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
    with pytest.raises(ValueError, match="32-byte key"):
        load_or_create_secret(path)


def test_processes_racing_to_create_it_share_one_key(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "server.key"
    with ThreadPoolExecutor(8) as pool:
        secrets = set(pool.map(lambda _: load_or_create_secret(path), range(16)))
    assert len(secrets) == 1
