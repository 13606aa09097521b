"""Zero access: nothing a person wrote can be read from the database without their credential."""

from __future__ import annotations

import asyncio
import base64
import shutil
from pathlib import Path

import pytest

from mss.delivery import deliver
from mss.mailcrypto import open_content_key, open_content_of, open_summary
from mss.runtime import Runtime
from mss.store.records import AccountKind
from support import sample_message

PASSWORD = "correct horse battery"


def encodings_of(canary: str, raw: bytes) -> list[bytes]:
    """The canary as a search would find it: raw, UTF-16, and base64 at each alignment."""
    needles = [canary.encode(), canary.encode("utf-16-le"), canary.encode("utf-16-be")]
    for pad in range(3):
        encoded = base64.b64encode(b"\0" * pad + canary.encode())
        needles.append(encoded[4:-4])
    whole = base64.b64encode(raw)
    needles.append(whole[len(whole) // 2 : len(whole) // 2 + 40])
    return needles


async def dump_database(runtime: Runtime, tmp_path: Path) -> bytes:
    if runtime.database.is_sqlite:
        db = Path(runtime.database.url.split("///", 1)[1])
        return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    url = runtime.database.url.replace("postgresql+asyncpg://", "postgresql://")
    process = await asyncio.create_subprocess_exec(
        "pg_dump", "--data-only", url, stdout=asyncio.subprocess.PIPE
    )
    dump, _ = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0
    return dump


async def test_canary_is_nowhere_in_the_database_and_decrypts_with_every_credential(
    runtime: Runtime, canary: str, tmp_path: Path
) -> None:
    await runtime.store.add_domain("hopital.example")
    created = await runtime.accounts.create_account(
        "patient@hopital.example", AccountKind.PROFESSIONAL, PASSWORD
    )
    unlocked = await runtime.accounts.authenticate("patient@hopital.example", PASSWORD)
    _, app_password = await runtime.accounts.add_app_password(unlocked, "client")
    raw = sample_message(canary)
    appended = await deliver(runtime.store, created.account, "INBOX", raw)

    dump = await dump_database(runtime, tmp_path)
    assert b"patient@hopital.example" in dump, "the dump must hold the data, or it proves nothing"
    for needle in encodings_of(canary, raw):
        assert needle not in dump, f"found {needle!r} in the database dump"

    for secret in (PASSWORD, app_password, created.recovery_key):
        keys = (await runtime.accounts.authenticate("patient@hopital.example", secret)).keys
        [record] = await runtime.store.get_messages(appended.mailbox_id, [appended.uid])
        key = open_content_key(record, keys)
        blob = await runtime.store.get_content(record.object_id)
        assert open_content_of(record.object_id, key, blob) == raw
        summary = open_summary(record, key)
        assert canary in (summary.structure.envelope.subject or "")
        assert summary.header == raw[: summary.structure.header_end]


async def test_the_canary_check_finds_cleartext(
    runtime: Runtime, canary: str, tmp_path: Path
) -> None:
    """The detector itself works: a domain name stored in clear is found in the dump."""
    await runtime.store.add_domain(f"{canary.lower()}.example")
    dump = await dump_database(runtime, tmp_path)
    assert canary.lower().encode() in dump
