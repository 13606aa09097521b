"""One object-id and associated-data scheme: the bytes each kind of row was sealed with before
the scheme was shared are unchanged, so every stored ciphertext still opens."""

from __future__ import annotations

from crypto.objects import OBJECT_ID_BYTES, associated_data, new_object_id
from mss import mailcrypto
from mss.calendar import sealing as calendar_sealing
from mss.queue import sealing as queue_sealing
from mss.vault import sealing as vault_sealing


def test_ids_are_random_and_of_fixed_length() -> None:
    ids = {new_object_id() for _ in range(100)}
    assert len(ids) == 100 and {len(i) for i in ids} == {OBJECT_ID_BYTES}


def test_each_kind_keeps_its_historical_bytes() -> None:
    oid = bytes(range(16))
    assert mailcrypto._aad(oid, b"summary") == b"mss/v1/message/" + oid + b"/summary"
    assert vault_sealing._aad(oid, b"content") == b"mss/v1/vault/" + oid + b"/content"
    assert queue_sealing._aad(oid, b"k1") == b"mss/v1/queue/" + oid + b"/k1"
    assert calendar_sealing._aad(oid, b"entry") == b"mss/v1/calendar/entry/" + oid


def test_kinds_and_roles_never_collide() -> None:
    oid = new_object_id()
    produced = {
        associated_data(kind, oid, role)
        for kind in (b"message", b"vault", b"queue")
        for role in (b"summary", b"content", b"meta")
    }
    assert len(produced) == 9
