"""The server's queue key: a 0600 file made once, the same key for every process, and content
sealed to it that only it opens, bound to its queue row."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from crypto import DecryptionError
from crypto.queuekey import QueueKey, load_or_create_queue_key
from mss.queue.sealing import open_queued, seal_queued
from mss.store.queue_records import QueuedMessage


def test_created_once_private_and_read_back_the_same(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "queue.key"
    first = load_or_create_queue_key(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert load_or_create_queue_key(path).public == first.public
    assert len(first.key_id) == 16 and "secret" in repr(first)


def test_concurrent_first_use_agrees_on_one_key(tmp_path: Path) -> None:
    path = tmp_path / "queue.key"
    with ThreadPoolExecutor(8) as pool:
        keys = list(pool.map(lambda _: load_or_create_queue_key(path).public, range(16)))
    assert len(set(keys)) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["queue.key"], "no temporary file is left"


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "queue.key"
    load_or_create_queue_key(path)
    path.chmod(0o644)
    with pytest.raises(PermissionError, match="chmod 600"):
        load_or_create_queue_key(path)


def test_a_file_that_is_not_a_queue_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "queue.key"
    path.write_text("hello\n")
    path.chmod(0o600)
    with pytest.raises(ValueError, match="not an MSS queue key"):
        load_or_create_queue_key(path)


def queued(raw: bytes, key: QueueKey) -> QueuedMessage:
    sealed = seal_queued(raw, key)
    return QueuedMessage(
        id=1,
        object_id=sealed.object_id,
        key_id=sealed.key_id,
        sealed_key=sealed.sealed_key,
        content=sealed.content,
        sender="a@b.example",
        envid=None,
        ret=None,
        size=len(raw),
        created_at_ms=0,
        account_id=None,
    )


def test_sealed_content_opens_only_with_its_key_and_in_its_row() -> None:
    key, other = QueueKey.generate(), QueueKey.generate()
    message = queued(b"Subject: secret\r\n\r\nbody\r\n", key)
    assert b"secret" not in message.content and message.key_id == key.key_id
    assert open_queued(message, key) == b"Subject: secret\r\n\r\nbody\r\n"
    with pytest.raises(DecryptionError):
        open_queued(message, other)
    moved = dataclasses.replace(message, object_id=queued(b"x", key).object_id)
    with pytest.raises(DecryptionError):
        open_queued(moved, key)
