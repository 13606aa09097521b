"""Fixtures of the queue tests: quick retries, our dev PKI, a remote operator's PKI and its real
SMTP server (helpers in ``tests/_support/queue_support.py``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from crypto.queuekey import QueueKey, load_or_create_queue_key
from mss.config import Settings
from mss.runtime import Runtime
from mss.store.records import Account, AccountKind
from mss.tls import TlsFiles, make_development_pki, tls_files
from queue_support import (
    FAST_QUEUE,
    LOCAL_DOMAIN,
    PASSWORD,
    SENDER,
    Remote,
    RemoteBehaviour,
    RemoteFactory,
    start_remote,
)
from support import make_settings


@pytest.fixture
def tls_settings(tmp_path: Path) -> Settings:
    """Quick retries and our own dev PKI in the data directory, for tests without a database."""
    unused = f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}"
    built = make_settings(
        tmp_path / "data", unused, hostname="mss.hopital.example", queue=FAST_QUEUE
    )
    make_development_pki(tls_files(built), built.hostname)
    return built


@pytest.fixture
def settings(tls_settings: Settings, database_url: str) -> Settings:
    """Overrides the shared fixture: the same, on the database of the test's backend."""
    return tls_settings.model_copy(update={"database_url": database_url})


@pytest.fixture
def queue_key(settings: Settings) -> QueueKey:
    return load_or_create_queue_key(settings.data_path(settings.queue.key))


@pytest.fixture
def our_ca_pem(tls_settings: Settings) -> bytes:
    return tls_files(tls_settings).ca.read_bytes()


@pytest.fixture
def remote_pki(tmp_path: Path) -> TlsFiles:
    """The remote operator's own CA and server certificate, unrelated to ours."""
    base = tmp_path / "remote"
    files = TlsFiles(base / "server.pem", base / "server.key", base / "ca.pem")
    make_development_pki(files, "mx.clinique.example")
    return files


@pytest.fixture
def remote_pem(remote_pki: TlsFiles) -> bytes:
    return remote_pki.ca.read_bytes()


@pytest.fixture
async def remote_factory(
    remote_pki: TlsFiles, remote_pem: bytes, our_ca_pem: bytes
) -> AsyncIterator[RemoteFactory]:
    started: list[Remote] = []

    async def factory(
        behaviour: RemoteBehaviour | None = None, starttls: bool = True, port: int = 0
    ) -> Remote:
        remote = await start_remote(
            remote_pki, remote_pem, our_ca_pem, behaviour or RemoteBehaviour(), starttls, port
        )
        started.append(remote)
        return remote

    yield factory
    for remote in started:
        await remote.close()


@pytest.fixture
async def remote(remote_factory: RemoteFactory) -> Remote:
    return await remote_factory()


@pytest.fixture
async def sender(runtime: Runtime) -> Account:
    """A local professional whose mail goes to the remote operator."""
    await runtime.store.add_domain(LOCAL_DOMAIN)
    created = await runtime.accounts.create_account(SENDER, AccountKind.PROFESSIONAL, PASSWORD)
    return created.account
