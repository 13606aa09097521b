"""Sign-in: one answer for every failure, throttling, cookies, sign-out, sessions, TOTP."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import select

from crypto.session import SessionToken
from mailserver import PASSWORD, PATIENT
from mss.accounts import AuthenticationFailed
from mss.store.webmail_schema import web_sessions

from .harness import PATIENT_B, Web, attempt_sign_in, csrf_of, drifted_code, sign_in


async def test_wrong_password_and_unknown_account_get_the_same_answer(web: Web) -> None:
    async with web.client() as client:
        wrong = await attempt_sign_in(client, PATIENT, "not the password")
        unknown = await attempt_sign_in(client, "nobody@patient.example", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "Adresse ou mot de passe incorrect."}


async def test_the_sixth_rapid_failure_is_throttled(web: Web) -> None:
    async with web.client() as client:
        answers = [
            (await attempt_sign_in(client, PATIENT_B, "wrong")).status_code for _ in range(6)
        ]
        right_but_late = await attempt_sign_in(client, PATIENT_B, PASSWORD)
    assert answers == [401] * 5 + [429]
    assert right_but_late.status_code == 429, "no password is tried while throttled"


async def test_app_passwords_do_not_open_the_webmail(web: Web) -> None:
    patient = await sign_in(web, PATIENT)
    unconfirmed = await patient.post(
        "/api/account/app-passwords", json={"label": "Thunderbird", "password": "wrong"}
    )
    assert unconfirmed.status_code == 403, "a stolen session cannot mint lasting access"
    created = await patient.post(
        "/api/account/app-passwords", json={"label": "Thunderbird", "password": PASSWORD}
    )
    app_password = created.json()["password"]
    async with web.client() as client:
        assert (await attempt_sign_in(client, PATIENT, app_password)).status_code == 401
    listed = (await patient.get("/api/account/app-passwords")).json()
    assert [c["label"] for c in listed] == ["Thunderbird"]
    revoked = await patient.delete(f"/api/account/app-passwords/{listed[0]['id']}")
    assert revoked.status_code == 200


async def test_session_cookie_attributes_and_what_the_database_keeps(web: Web) -> None:
    async with web.client() as client:
        answer = await attempt_sign_in(client, PATIENT, PASSWORD)
        cookie = answer.headers["set-cookie"]
        value = client.cookies["mss_session"]
    assert cookie.startswith("mss_session=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie, "plain HTTP here; Secure when served over TLS"
    token = SessionToken.decode(value)
    assert token is not None
    async with web.runtime.database.reader.connect() as conn:
        [row] = (await conn.execute(select(web_sessions))).all()
    stored = b"".join(bytes(part) for part in row if isinstance(part, bytes))
    assert token.session_id not in stored and token.session_key not in stored
    assert bytes(row.lookup) == token.lookup


async def test_over_tls_the_cookie_is_secure_and_host_bound(web: Web) -> None:
    """Behind a TLS proxy on loopback (X-Forwarded-Proto), as uvicorn trusts by default."""
    async with web.client() as client:
        headers = {"x-forwarded-proto": "https"}
        page = await client.get("/login", headers=headers)
        assert page.headers["strict-transport-security"].startswith("max-age=")
        token = csrf_of(page.text)
        assert page.headers["set-cookie"].startswith("__Host-mss_prelogin=")
        # httpx keeps Secure cookies for https URLs only; the browser would send it back.
        client.cookies.set("__Host-mss_prelogin", token)
        answer = await client.post(
            "/api/session",
            json={"address": PATIENT, "password": PASSWORD},
            headers={**headers, "x-csrf-token": token},
        )
    assert answer.status_code == 200
    assert answer.headers["set-cookie"].startswith("__Host-mss_session=")
    assert "Secure" in answer.headers["set-cookie"]


async def test_sign_out_ends_the_session_for_good(web: Web) -> None:
    patient = await sign_in(web, PATIENT)
    cookie = patient.client.cookies["mss_session"]
    assert (await patient.delete("/api/session")).status_code == 200
    async with web.client() as replay:
        replay.cookies.set("mss_session", cookie)
        assert (await replay.get("/api/mailboxes")).status_code == 401
        page = await replay.get("/mail")
        assert page.status_code == 303 and page.headers["location"] == "/login?next=/mail"


async def test_sessions_are_listed_and_revoked(web: Web) -> None:
    phone = await sign_in(web, PATIENT)
    laptop = await sign_in(web, PATIENT)
    listed = (await laptop.get("/api/account/sessions")).json()
    assert len(listed) == 2 and sum(s["current"] for s in listed) == 1
    other = next(s for s in listed if not s["current"])
    assert other["address"] == "127.0.0.1" and other["device"]
    assert (await laptop.delete(f"/api/account/sessions/{other['id']}")).status_code == 200
    assert (await phone.get("/api/mailboxes")).status_code == 401
    assert (await laptop.get("/api/mailboxes")).status_code == 200
    assert (await laptop.delete(f"/api/account/sessions/{other['id']}")).status_code == 404


async def test_password_change_rewraps_keys_and_ends_other_sessions(web: Web) -> None:
    other = await sign_in(web, PATIENT)
    patient = await sign_in(web, PATIENT)
    wrong = await patient.post("/api/account/password", json={"current": "nope", "new": "x" * 12})
    assert wrong.status_code == 403
    weak = await patient.post("/api/account/password", json={"current": PASSWORD, "new": "short"})
    assert weak.status_code == 422
    guessable = await patient.post(
        "/api/account/password", json={"current": PASSWORD, "new": "motdepasse"}
    )
    assert guessable.status_code == 422
    assert "trop facile à deviner" in guessable.text, "the patient is told why, in French"
    new = "un nouveau mot de passe"
    changed = await patient.post("/api/account/password", json={"current": PASSWORD, "new": new})
    assert changed.status_code == 200
    assert (await other.get("/api/mailboxes")).status_code == 401
    assert (await patient.get("/api/mailboxes")).status_code == 200
    async with web.client() as client:
        assert (await attempt_sign_in(client, PATIENT, PASSWORD)).status_code == 401
        assert (await attempt_sign_in(client, PATIENT, new)).status_code == 200
    key = (await patient.post("/api/account/recovery-key", json={"password": new})).json()
    await web.runtime.accounts.authenticate(PATIENT, key["recovery_key"])


async def test_totp_enrolment_sign_in_and_replay(web: Web) -> None:
    patient = await sign_in(web, PATIENT)
    setup = (await patient.post("/api/account/totp/setup")).json()
    assert setup["qr"].startswith("data:image/svg+xml")
    assert setup["uri"].startswith("otpauth://totp/MSS:")
    totp = pyotp.TOTP(setup["secret"])
    bad = await patient.post(
        "/api/account/totp",
        json={"secret": setup["secret"], "code": "000000", "password": PASSWORD},
    )
    assert bad.status_code == 422
    code = await drifted_code(totp)
    unconfirmed = await patient.post(
        "/api/account/totp", json={"secret": setup["secret"], "code": code, "password": "x"}
    )
    assert unconfirmed.status_code == 403
    enabled = await patient.post(
        "/api/account/totp", json={"secret": setup["secret"], "code": code, "password": PASSWORD}
    )
    assert enabled.status_code == 200
    assert (await patient.get("/api/session")).json()["totp"] is True

    async with web.client() as client:
        first = await attempt_sign_in(client, PATIENT, PASSWORD)
        assert first.json() == {"next": "/login/totp"}
        assert (await client.get("/api/mailboxes")).status_code == 401, "half signed in"
        page = await client.get("/login/totp")
        token = csrf_of(page.text)
        wrong = await client.post(
            "/api/session/totp", json={"code": "123456"}, headers={"x-csrf-token": token}
        )
        assert wrong.status_code == 401
        current = totp.now()
        right = await client.post(
            "/api/session/totp", json={"code": current}, headers={"x-csrf-token": token}
        )
        assert right.status_code == 200 and right.json() == {"next": "/mail"}
        assert (await client.get("/api/mailboxes")).status_code == 200

    async with web.client() as thief:
        await attempt_sign_in(thief, PATIENT, PASSWORD)
        token = csrf_of((await thief.get("/login/totp")).text)
        replayed = await thief.post(
            "/api/session/totp", json={"code": current}, headers={"x-csrf-token": token}
        )
        assert replayed.status_code == 401, "a code is good once (RFC 6238 §5.2)"


async def test_a_password_change_disconnects_mail_clients_unless_asked_not_to(web: Web) -> None:
    patient = await sign_in(web, PATIENT)
    for label in ("Thunderbird", "Téléphone"):
        created = await patient.post(
            "/api/account/app-passwords", json={"label": label, "password": PASSWORD}
        )
        assert created.status_code == 200
    kept_secret = created.json()["password"]
    second = "un autre mot de passe solide"
    kept = await patient.post(
        "/api/account/password",
        json={"current": PASSWORD, "new": second, "revoke_app_passwords": False},
    )
    assert kept.status_code == 200
    assert len((await patient.get("/api/account/app-passwords")).json()) == 2
    await web.runtime.accounts.authenticate(PATIENT, kept_secret)

    third = "encore un mot de passe solide"
    changed = await patient.post("/api/account/password", json={"current": second, "new": third})
    assert changed.status_code == 200
    assert (await patient.get("/api/account/app-passwords")).json() == []
    with pytest.raises(AuthenticationFailed):
        await web.runtime.accounts.authenticate(PATIENT, kept_secret)
