"""Webmail sessions: opening one after a sign-in, finding it again from the cookie, ending it.

Implementation notes. The cookie holds the session id and the session key (``crypto.session``);
the database holds a hash of the id and the account's private keys encrypted under the key. A
request is served only if the row exists, is at the expected stage (a session awaiting its
second factor opens nothing but the TOTP step), is within both its idle and absolute lifetimes,
its keys decrypt with the cookie's key and belong to the account the row names, and the account
is not disabled. Anything else is "no session", whatever the reason, and a dead row is deleted.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from crypto import DecryptionError, PublicKeys
from crypto.session import SessionToken, open_from_account, seal_to_account
from mss.accounts import UnlockedAccount
from mss.store.errors import NotFound
from mss.store.records import Account, CredentialKind
from mss.store.webmail_records import NewWebSession, SessionStage, WebSessionRecord
from mss.store.webmail_repository import SqlWebmailStore
from webmail.settings import WebSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WebSession:
    """A session found from its cookie, with the account's keys unlocked for this request."""

    record: WebSessionRecord
    token: SessionToken
    unlocked: UnlockedAccount

    @property
    def account(self) -> Account:
        return self.unlocked.account

    @property
    def csrf_token(self) -> str:
        return self.token.csrf_token()


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """A session as the patient sees it in the list of their sessions."""

    id: int
    device: str
    address: str
    created_at: int
    last_seen_at: int
    current: bool


class SessionManager:
    def __init__(
        self,
        store: SqlWebmailStore,
        settings: WebSettings,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._settings = settings
        self._clock = clock
        self._touching: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    def _now(self) -> int:
        return int(self._clock())

    async def open(
        self,
        unlocked: UnlockedAccount,
        stage: SessionStage,
        device: str,
        address: str,
        replacing: int | None = None,
    ) -> SessionToken:
        """A new session; ``replacing`` is the pending session it succeeds (second factor)."""
        now = self._now()
        lifetime = (
            self._settings.second_factor_seconds
            if stage is SessionStage.AWAITING_TOTP
            else self._settings.absolute_timeout_seconds
        )
        token = SessionToken.generate()
        label = json.dumps({"device": device[:200], "address": address[:64]}).encode()
        await self._store.create_session(
            NewWebSession(
                lookup=token.lookup,
                account_id=unlocked.account.id,
                stage=stage,
                sealed_keys=token.seal_keys(unlocked.keys),
                sealed_label=seal_to_account(label, unlocked.account.encryption_key),
                created_at=now,
                expires_at=now + lifetime,
            ),
            replacing=replacing,
        )
        if stage is SessionStage.ACTIVE:
            await self._store.purge_expired_sessions(now, now - self._settings.idle_timeout_seconds)
        return token

    async def resume(
        self, cookie: str | None, stage: SessionStage = SessionStage.ACTIVE, touch: bool = True
    ) -> WebSession | None:
        """The session of ``cookie``; ``touch=False`` checks it without counting as activity
        (an open tab's websocket must not keep an idle session alive)."""
        token = SessionToken.decode(cookie) if cookie else None
        if token is None:
            return None
        found = await self._store.find_session(token.lookup)
        if found is None:
            return None
        record, account = found.session, found.account
        now = self._now()
        idle_limit = (
            self._settings.second_factor_seconds
            if record.stage is SessionStage.AWAITING_TOTP
            else self._settings.idle_timeout_seconds
        )
        if now >= record.expires_at or now - record.last_seen_at >= idle_limit:
            await self._store.delete_session(record.account_id, record.id)
            return None
        if record.stage is not stage or account.disabled:
            return None
        try:
            keys = token.open_keys(record.sealed_keys)
        except DecryptionError:
            return None
        if not keys.matches(PublicKeys(account.encryption_key, account.signing_key)):
            return None
        if touch and now - record.last_seen_at >= self._settings.touch_interval_seconds:
            self._touch_later(record.id, now)
        return WebSession(record, token, UnlockedAccount(account, keys, CredentialKind.PASSWORD))

    def _touch_later(self, session_id: int, now: int) -> None:
        """Record activity without making the request wait for a commit: idle expiry is
        counted in minutes, and a lost touch only shortens a session by one interval."""
        if session_id in self._touching:
            return
        self._touching.add(session_id)
        task = asyncio.get_running_loop().create_task(self._touch(session_id, now))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _touch(self, session_id: int, now: int) -> None:
        try:
            await self._store.touch_session(session_id, now)
        except Exception:
            log.exception("recording the activity of session %d failed", session_id)
        finally:
            self._touching.discard(session_id)

    async def settle(self) -> None:
        """Wait for the activity records still being written (at shutdown)."""
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def end(self, session: WebSession) -> None:
        await self._store.delete_session(session.account.id, session.record.id)

    async def list(self, session: WebSession) -> list[SessionInfo]:
        found: list[SessionInfo] = []
        for record in await self._store.list_sessions(session.account.id):
            if record.stage is not SessionStage.ACTIVE:
                continue
            label = _label(record, session)
            found.append(
                SessionInfo(
                    id=record.id,
                    device=label.get("device", ""),
                    address=label.get("address", ""),
                    created_at=record.created_at,
                    last_seen_at=record.last_seen_at,
                    current=record.id == session.record.id,
                )
            )
        return found

    async def revoke(self, session: WebSession, session_id: int) -> None:
        """End one of the patient's own sessions; anyone else's is "not found"."""
        if not await self._store.delete_session(session.account.id, session_id):
            raise NotFound("no such session")

    async def revoke_others(self, session: WebSession) -> int:
        return await self._store.delete_other_sessions(session.account.id, session.record.id)


def _label(record: WebSessionRecord, session: WebSession) -> dict[str, str]:
    try:
        data = json.loads(open_from_account(record.sealed_label, session.unlocked.keys))
    except (DecryptionError, ValueError):
        return {}
    return {key: str(value) for key, value in data.items()} if isinstance(data, dict) else {}


def describe_device(user_agent: str) -> str:
    """ "Firefox · Linux" from a User-Agent: enough for a person to recognise a session."""
    browsers = (
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    )
    systems = (
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    )
    browser = next((label for marker, label in browsers if marker in user_agent), "")
    system = next((label for marker, label in systems if marker in user_agent), "")
    return " · ".join(part for part in (browser, system) if part) or user_agent[:60]
