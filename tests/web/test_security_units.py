"""The webmail's protections one by one, with fixed clocks (issue 18): each Set-Cookie header
read on its own, TOTP failing closed and refusing codes two steps away, pending second-factor
sessions expiring on their own lifetime and disappearing at promotion, and no-store on every
response."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

import pyotp
import pytest
from sqlalchemy import update
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response

from crypto.keys import AccountKeys
from crypto.session import seal_to_account
from mss.accounts import UnlockedAccount
from mss.runtime import Runtime
from mss.store.errors import NotFound
from mss.store.records import AccountKind, CredentialKind
from mss.store.webmail_records import SessionStage, TotpRecord
from mss.store.webmail_repository import SqlWebmailStore
from mss.store.webmail_schema import web_sessions
from webmail.security import cookies
from webmail.security.headers import SecurityHeaders
from webmail.security.sessions import SessionInfo, SessionManager, describe_device
from webmail.security.totp import (
    TotpManager,
    matching_step,
    new_secret,
    provisioning_uri,
    qr_data_uri,
)
from webmail.settings import WebSettings

PASSWORD = "correct horse battery"
NOW = 1_900_000_015.0


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


def _request(scheme: str) -> Request:
    port = 443 if scheme == "https" else 80
    return Request(
        {
            "type": "http",
            "scheme": scheme,
            "server": ("mss.example", port),
            "headers": [],
            "path": "/",
            "query_string": b"",
        }
    )


def _set_cookies(response: Response) -> dict[str, dict[str, str]]:
    """Each Set-Cookie header parsed alone: name -> {attribute (lower case): value}."""
    parsed = {}
    for header in response.headers.getlist("set-cookie"):
        first, *attributes = (part.strip() for part in header.split(";"))
        name, _, value = first.partition("=")
        fields = {"": value}
        for attribute in attributes:
            key, _, attribute_value = attribute.partition("=")
            fields[key.lower()] = attribute_value.lower()
        parsed[name] = fields
    return parsed


def test_every_cookie_is_httponly_samesite_strict_and_secure_over_tls() -> None:
    response = Response()
    cookies.set_cookie(response, _request("https"), cookies.SESSION, "v", max_age=None)
    cookies.clear(response, _request("https"), cookies.PRELOGIN)
    parsed = _set_cookies(response)
    assert set(parsed) == {"__Host-mss_session", "__Host-mss_prelogin"}
    for fields in parsed.values():
        assert {"secure", "httponly"} <= set(fields)
        assert fields["samesite"] == "strict" and fields["path"] == "/"
    assert parsed["__Host-mss_session"][""] == "v" and "max-age" not in parsed["__Host-mss_session"]
    assert parsed["__Host-mss_prelogin"]["max-age"] == "0"
    plain = Response()
    cookies.set_cookie(plain, _request("http"), cookies.LANGUAGE, "fr", max_age=60)
    fields = _set_cookies(plain)["mss_lang"]
    assert "secure" not in fields and "httponly" in fields and fields["samesite"] == "strict"
    assert fields["max-age"] == "60"
    assert cookies.read(_request("https"), cookies.SESSION) is None


@pytest.mark.parametrize(("scheme", "secure"), [("wss", True), ("ws", False)])
def test_websockets_over_tls_read_the_secure_cookie(scheme: str, secure: bool) -> None:
    name = "__Host-mss_session" if secure else "mss_session"
    scope = {
        "type": "websocket",
        "scheme": scheme,
        "server": ("mss.example", 443),
        "path": "/ws",
        "query_string": b"",
        "headers": [(b"cookie", f"{name}=v".encode())],
    }
    connection = HTTPConnection(scope)
    assert cookies.is_secure(connection) is secure
    assert cookies.read(connection, cookies.SESSION) == "v"


async def test_every_response_says_no_store_unless_it_chose_its_own() -> None:
    async def app(scope: object, receive: object, send: object) -> None:
        path = scope["path"]  # type: ignore[index]
        headers = [(b"cache-control", b"max-age=60")] if path == "/static" else []
        await send({"type": "http.response.start", "status": 200, "headers": headers})  # type: ignore[operator]
        await send({"type": "http.response.body", "body": b""})  # type: ignore[operator]

    sent: list[dict[bytes, bytes]] = []

    async def send(message: dict[str, object]) -> None:
        if message["type"] == "http.response.start":
            sent.append(dict(message["headers"]))  # type: ignore[call-overload]

    async def receive() -> dict[str, object]:
        return {"type": "http.request"}

    middleware = SecurityHeaders(app)  # type: ignore[arg-type]
    for path, scheme in (("/", "https"), ("/static", "http")):
        scope = {"type": "http", "path": path, "scheme": scheme, "headers": []}
        await middleware(scope, receive, send)  # type: ignore[arg-type]
    page, static = sent
    assert page[b"cache-control"] == b"no-store"
    assert page[b"x-frame-options"] == b"DENY"
    assert page[b"strict-transport-security"] == b"max-age=31536000"
    assert static[b"cache-control"] == b"max-age=60"
    assert b"strict-transport-security" not in static
    assert static[b"x-content-type-options"] == b"nosniff"


def test_totp_accepts_one_step_of_drift_and_no_more() -> None:
    secret = pyotp.random_base32()
    totp = pyotp.TOTP(secret)
    current = int(NOW // 30)
    for offset in (-1, 0, 1):
        assert matching_step(secret, totp.at(NOW + 30 * offset), NOW) == current + offset
    for offset in (-2, 2):
        code = totp.at(NOW + 30 * offset)
        if all(code != totp.at(NOW + 30 * o) for o in (-1, 0, 1)):
            assert matching_step(secret, code, NOW) is None
    assert matching_step(secret, " ".join(totp.at(NOW)), NOW) == current
    assert matching_step(secret, "12345a", NOW) is None
    assert matching_step(secret, "12345é", NOW) is None
    assert matching_step(secret, "1234567", NOW) is None


async def _patient(runtime: Runtime, others_before: int = 0) -> UnlockedAccount:
    """The patient signed in; ``others_before`` accounts are made first, so its id is not 1."""
    await runtime.store.add_domain("patient.example", is_patient=True)
    for n in range(others_before):
        await runtime.accounts.create_account(
            f"o{n}@patient.example", AccountKind.PATIENT, PASSWORD
        )
    await runtime.accounts.create_account("a@patient.example", AccountKind.PATIENT, PASSWORD)
    return await runtime.accounts.authenticate("a@patient.example", PASSWORD)


async def test_totp_fails_closed(runtime: Runtime) -> None:
    unlocked = await _patient(runtime, others_before=2)
    store = SqlWebmailStore(runtime.database, runtime.store.committer)
    clock = Clock()
    totp = TotpManager(store, clock)
    secret = pyotp.random_base32()
    code = pyotp.TOTP(secret).at(NOW)
    assert not await totp.verify(unlocked, code), "no TOTP record: refused"
    assert not await totp.enabled(unlocked.account.id)
    # A secret sealed to another key pair (a row copied from elsewhere) does not open: refused.
    stranger = AccountKeys.generate().public.encryption
    foreign = seal_to_account(secret.encode(), stranger)
    await store.set_totp(TotpRecord(unlocked.account.id, foreign, 0, int(NOW)))
    assert not await totp.verify(unlocked, code)
    await totp.disable(unlocked.account.id)
    assert not await totp.enabled(unlocked.account.id)
    assert not await totp.enable(unlocked, secret, "000000" if code != "000000" else "111111")
    assert await totp.enable(unlocked, secret, code)
    assert await totp.enabled(unlocked.account.id)
    # The enrolment's window is accepted once more, for the sign-in that follows (issue 16),
    # and never again.
    assert await totp.verify(unlocked, code), "the sign-in right after enrolment"
    assert not await totp.verify(unlocked, code), "the enrolment step cannot be replayed"
    clock.now += 30
    current = pyotp.TOTP(secret).at(clock.now)
    wrong = next(c for c in ("000000", "111111", "222222") if c != current)
    assert not await totp.verify(unlocked, wrong)
    assert await totp.verify(unlocked, current)
    assert await totp.enabled(unlocked.account.id)


@pytest.fixture
def web_settings() -> WebSettings:
    return replace(
        WebSettings(),
        idle_timeout_seconds=600,
        absolute_timeout_seconds=3600,
        second_factor_seconds=120,
        touch_interval_seconds=10,
    )


async def test_pending_session_lives_only_second_factor_seconds(
    runtime: Runtime, web_settings: WebSettings
) -> None:
    unlocked = await _patient(runtime)
    clock = Clock()
    store = SqlWebmailStore(runtime.database, runtime.store.committer)
    sessions = SessionManager(store, web_settings, clock)
    pending = (await sessions.open(unlocked, SessionStage.AWAITING_TOTP, "", "")).encode()
    clock.now += 119
    assert await sessions.resume(pending, SessionStage.AWAITING_TOTP) is not None
    clock.now += 1
    assert await sessions.resume(pending, SessionStage.AWAITING_TOTP) is None, "idle 120 s"
    # Kept busy, it still ends at its absolute lifetime of 120 s, not the active one.
    pending = (await sessions.open(unlocked, SessionStage.AWAITING_TOTP, "", "")).encode()
    for _ in range(5):
        clock.now += 20
        assert await sessions.resume(pending, SessionStage.AWAITING_TOTP) is not None
        await sessions.settle()
    clock.now += 20
    assert await sessions.resume(pending, SessionStage.AWAITING_TOTP) is None


async def test_promotion_removes_the_pending_row_and_lists_active_sessions(
    runtime: Runtime, web_settings: WebSettings
) -> None:
    unlocked = await _patient(runtime)
    clock = Clock()
    store = SqlWebmailStore(runtime.database, runtime.store.committer)
    sessions = SessionManager(store, web_settings, clock)
    pending = await sessions.open(unlocked, SessionStage.AWAITING_TOTP, "", "")
    found = await sessions.resume(pending.encode(), SessionStage.AWAITING_TOTP)
    assert found is not None
    active = await sessions.open(
        unlocked, SessionStage.ACTIVE, "Firefox", "192.0.2.1", replacing=found.record.id
    )
    assert await sessions.resume(pending.encode(), SessionStage.AWAITING_TOTP) is None
    assert await sessions.resume(pending.encode()) is None
    # A later sign-in waits for its second factor: its row comes first, and is not listed.
    clock.now += 5
    waiting = await sessions.open(unlocked, SessionStage.AWAITING_TOTP, "", "")
    rows = await store.list_sessions(unlocked.account.id)
    assert [r.stage for r in rows] == [SessionStage.AWAITING_TOTP, SessionStage.ACTIVE]
    current = await sessions.resume(active.encode())
    assert current is not None
    listed = await sessions.list(current)
    assert [(s.device, s.address, s.current) for s in listed] == [("Firefox", "192.0.2.1", True)]
    assert await sessions.resume(waiting.encode(), SessionStage.AWAITING_TOTP) is not None


async def test_activity_extends_a_session_only_when_it_counts(
    runtime: Runtime, web_settings: WebSettings
) -> None:
    unlocked = await _patient(runtime)
    clock = Clock()
    store = SqlWebmailStore(runtime.database, runtime.store.committer)
    sessions = SessionManager(store, web_settings, clock)
    token = (await sessions.open(unlocked, SessionStage.ACTIVE, "", "")).encode()
    clock.now += 500
    assert await sessions.resume(token, touch=False) is not None
    await sessions.settle()
    clock.now += 100
    assert await sessions.resume(token) is None, "a websocket check is not activity"
    token = (await sessions.open(unlocked, SessionStage.ACTIVE, "", "")).encode()
    clock.now += 9
    assert await sessions.resume(token) is not None
    await sessions.settle()
    [row] = await store.list_sessions(unlocked.account.id)
    assert row.last_seen_at == int(NOW) + 600, "within the touch interval: not written"
    clock.now += 1
    assert await sessions.resume(token) is not None
    await sessions.settle()
    [row] = await store.list_sessions(unlocked.account.id)
    assert row.last_seen_at == int(NOW) + 610


async def test_revoking_ending_and_purging_sessions(
    runtime: Runtime, web_settings: WebSettings
) -> None:
    unlocked = await _patient(runtime)
    await runtime.accounts.create_account("b@patient.example", AccountKind.PATIENT, PASSWORD)
    other = await runtime.accounts.authenticate("b@patient.example", PASSWORD)
    clock = Clock()
    store = SqlWebmailStore(runtime.database, runtime.store.committer)
    sessions = SessionManager(store, web_settings, clock)
    stale = (await sessions.open(unlocked, SessionStage.ACTIVE, "", "")).encode()
    clock.now += 600
    first = (await sessions.open(unlocked, SessionStage.ACTIVE, "Firefox", "")).encode()
    assert len(await store.list_sessions(unlocked.account.id)) == 1, "the idle row was purged"
    assert await sessions.resume(stale) is None
    second = (await sessions.open(unlocked, SessionStage.ACTIVE, "Chrome", "")).encode()
    theirs = (await sessions.open(other, SessionStage.ACTIVE, "", "")).encode()
    mine = await sessions.resume(first)
    foreign = await sessions.resume(theirs)
    assert mine is not None and foreign is not None
    with pytest.raises(NotFound):
        await sessions.revoke(mine, foreign.record.id)
    assert await sessions.revoke_others(mine) == 1
    assert await sessions.resume(second) is None and await sessions.resume(theirs) is not None
    await sessions.end(mine)
    assert await sessions.resume(first) is None
    third = await sessions.resume(
        (await sessions.open(unlocked, SessionStage.ACTIVE, "", "")).encode()
    )
    assert third is not None
    await sessions.revoke(third, third.record.id)
    assert await store.list_sessions(unlocked.account.id) == []


@pytest.mark.parametrize(
    ("agent", "device"),
    [
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            "Firefox · Linux",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/126.0 Safari/537.36 Edg/126.0",
            "Edge · Windows",
        ),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Safari/604.1", "Safari · iOS"),
        ("Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile Safari/537.36", "Chrome · Android"),
        ("Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) Version/17.5 Safari/604.1", "Safari · iOS"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Firefox/127.0", "Firefox · macOS"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5)", "macOS"),
        ("curl/8.5.0", "curl/8.5.0"),
        ("x" * 100, "x" * 60),
    ],
)
def test_devices_are_named_from_the_user_agent(agent: str, device: str) -> None:
    assert describe_device(agent) == device


class CountingStore(SqlWebmailStore):
    """Counts activity writes, holds them until ``gate`` opens, and fails them on demand."""

    touches: int = 0
    failing: bool = False
    gate: asyncio.Event | None = None

    async def touch_session(self, session_id: int, seen_at: int) -> None:
        self.touches += 1
        if self.gate is not None:
            await self.gate.wait()
        if self.failing:
            raise RuntimeError("database unavailable")
        await super().touch_session(session_id, seen_at)


async def test_one_activity_write_at_a_time_and_failures_logged(
    runtime: Runtime, web_settings: WebSettings, caplog: pytest.LogCaptureFixture
) -> None:
    unlocked = await _patient(runtime)
    clock = Clock()
    store = CountingStore(runtime.database, runtime.store.committer)
    sessions = SessionManager(store, web_settings, clock)
    token = (await sessions.open(unlocked, SessionStage.ACTIVE, "", "")).encode()
    clock.now += 20
    store.gate = asyncio.Event()
    for _ in range(3):
        assert await sessions.resume(token) is not None
        await asyncio.sleep(0)
    store.gate.set()
    await sessions.settle()
    assert store.touches == 1, "requests arriving together record one activity"
    assert not sessions._tasks, "finished writes are forgotten"
    store.failing = True
    clock.now += 20
    with caplog.at_level(logging.ERROR, logger="webmail.security.sessions"):
        assert await sessions.resume(token) is not None
        await sessions.settle()
    [record] = [r for r in caplog.records if r.name == "webmail.security.sessions"]
    [row] = await store.list_sessions(unlocked.account.id)
    assert record.getMessage() == f"recording the activity of session {row.id} failed"
    assert record.exc_info is not None
    store.failing = False
    assert await sessions.resume(token) is not None, "a lost write only shortens the session"
    await sessions.settle()
    assert store.touches == 3, "the next request tries again"


async def test_other_scopes_pass_through_untouched() -> None:
    seen: list[tuple[object, object, object]] = []

    async def app(scope: object, receive: object, send: object) -> None:
        seen.append((scope, receive, send))

    async def receive() -> dict[str, object]:
        return {"type": "websocket.connect"}

    async def send(message: dict[str, object]) -> None:
        raise AssertionError("nothing is sent")

    scope = {"type": "websocket", "path": "/ws", "scheme": "wss", "headers": []}
    await SecurityHeaders(app)(scope, receive, send)  # type: ignore[arg-type]
    assert seen == [(scope, receive, send)]


def test_enrolment_secret_uri_and_qr_code() -> None:
    secret = new_secret()
    assert len(secret) == 32 and set(secret) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert secret != new_secret()
    uri = provisioning_uri(secret, "a@patient.example")
    assert uri.startswith("otpauth://totp/MSS:a%40patient.example?secret=" + secret)
    assert "issuer=MSS" in uri
    assert qr_data_uri(uri).startswith("data:image/svg+xml")


async def test_resumed_sessions_and_the_list_say_exactly_what_they_hold(
    runtime: Runtime, web_settings: WebSettings
) -> None:
    unlocked = await _patient(runtime)
    clock = Clock()
    store = SqlWebmailStore(runtime.database, runtime.store.committer)
    sessions = SessionManager(store, web_settings, clock)
    assert await sessions.resume(None) is None and await sessions.resume("") is None
    token = await sessions.open(unlocked, SessionStage.ACTIVE, "D" * 300, "A" * 100)
    clock.now += 30
    current = await sessions.resume(token.encode())
    assert current is not None
    await sessions.settle()
    assert current.csrf_token == token.csrf_token()
    assert current.unlocked.via is CredentialKind.PASSWORD
    assert current.account.id == unlocked.account.id
    [info] = await sessions.list(current)
    assert info == SessionInfo(
        id=current.record.id,
        device="D" * 200,
        address="A" * 64,
        created_at=int(NOW),
        last_seen_at=int(NOW) + 30,
        current=True,
    )
    # Labels that do not open, or are not an object, show as blank rather than failing.
    public = unlocked.account.encryption_key
    for label in (b"garbage", seal_to_account(b"[1]", public), seal_to_account(b"{", public)):
        async with runtime.database.writer.begin() as conn:
            await conn.execute(
                update(web_sessions)
                .where(web_sessions.c.id == current.record.id)
                .values(sealed_label=label)
            )
        [info] = await sessions.list(current)
        assert (info.device, info.address) == ("", "")
    with pytest.raises(NotFound) as missing:
        await sessions.revoke(current, current.record.id + 1000)
    assert str(missing.value) == "no such session"


async def test_a_dead_session_row_is_deleted(runtime: Runtime, web_settings: WebSettings) -> None:
    unlocked = await _patient(runtime)
    clock = Clock()
    store = SqlWebmailStore(runtime.database, runtime.store.committer)
    sessions = SessionManager(store, web_settings, clock)
    token = (await sessions.open(unlocked, SessionStage.AWAITING_TOTP, "", "")).encode()
    clock.now += 120
    assert await sessions.resume(token, SessionStage.AWAITING_TOTP) is None
    assert await store.list_sessions(unlocked.account.id) == []
