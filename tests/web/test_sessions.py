"""Session lifetimes (idle and absolute), the second-factor stage, and tampered rows, on the
session manager with a clock the test moves."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import update

from crypto.session import SessionToken
from mss.runtime import Runtime
from mss.store.records import AccountKind
from mss.store.webmail_records import SessionStage
from mss.store.webmail_repository import SqlWebmailStore
from mss.store.webmail_schema import web_sessions
from webmail.security.sessions import SessionManager
from webmail.settings import WebSettings

PASSWORD = "correct horse battery"


class Clock:
    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now


async def _setup(runtime: Runtime) -> tuple[SessionManager, Clock, SqlWebmailStore]:
    await runtime.store.add_domain("patient.example", is_patient=True)
    for address in ("a@patient.example", "b@patient.example"):
        await runtime.accounts.create_account(address, AccountKind.PATIENT, PASSWORD)
    clock = Clock()
    store = SqlWebmailStore(runtime.database, runtime.store.committer)
    settings = replace(WebSettings(), idle_timeout_seconds=600, absolute_timeout_seconds=3600)
    return SessionManager(store, settings, clock), clock, store


async def test_idle_and_absolute_expiry(runtime: Runtime) -> None:
    sessions, clock, _ = await _setup(runtime)
    unlocked = await runtime.accounts.authenticate("a@patient.example", PASSWORD)
    token = (await sessions.open(unlocked, SessionStage.ACTIVE, "Firefox", "127.0.0.1")).encode()
    clock.now += 599
    assert await sessions.resume(token) is not None, "used within the idle time: touched"
    for _ in range(5):
        await sessions.settle()
        clock.now += 590
        assert await sessions.resume(token) is not None
    clock.now += 590  # 3549 + 590 > 3600: past the absolute lifetime despite the activity
    assert await sessions.resume(token) is None
    token = (await sessions.open(unlocked, SessionStage.ACTIVE, "Firefox", "127.0.0.1")).encode()
    clock.now += 600
    assert await sessions.resume(token) is None, "idle too long"


async def test_pending_second_factor_opens_nothing_else(runtime: Runtime) -> None:
    sessions, _, _ = await _setup(runtime)
    unlocked = await runtime.accounts.authenticate("a@patient.example", PASSWORD)
    token = await sessions.open(unlocked, SessionStage.AWAITING_TOTP, "", "")
    assert await sessions.resume(token.encode()) is None
    assert await sessions.resume(token.encode(), SessionStage.AWAITING_TOTP) is not None


async def test_tampered_cookies_and_rows_open_nothing(runtime: Runtime) -> None:
    sessions, _, _ = await _setup(runtime)
    a = await runtime.accounts.authenticate("a@patient.example", PASSWORD)
    b = await runtime.accounts.authenticate("b@patient.example", PASSWORD)
    token = await sessions.open(a, SessionStage.ACTIVE, "", "")
    wrong_key = SessionToken(token.session_id, bytes(32))
    assert await sessions.resume(wrong_key.encode()) is None
    assert await sessions.resume("garbage") is None
    encoded = token.encode()
    flipped = encoded[:10] + ("A" if encoded[10] != "A" else "B") + encoded[11:]
    assert await sessions.resume(flipped) is None
    # Someone with write access to the database points A's session at B's account: the keys
    # no longer match B's public keys, so nothing opens.
    async with runtime.database.writer.begin() as conn:
        await conn.execute(
            update(web_sessions)
            .where(web_sessions.c.lookup == token.lookup)
            .values(account_id=b.account.id)
        )
    assert await sessions.resume(token.encode()) is None
