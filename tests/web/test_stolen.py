"""« J'ai perdu le contrôle de mon compte » and known devices, on real sockets (issue 13, items
2 and 3): sessions opened before the stolen path stop on every protocol, and a guesser behind
the owner's address cannot lock the owner's known browser or mail client out."""

from __future__ import annotations

import asyncio
import imaplib

import aiosmtplib
import pyotp
import pytest

from mailserver import PASSWORD, PATIENT
from mss.accounts import AuthenticationFailed
from mss.store.records import CredentialKind
from mss.store.webmail_repository import SqlWebmailStore
from webmail.security.totp import TotpManager, new_secret

from .harness import Web, attempt_sign_in, csrf_of, sign_in

NEW_PASSWORD = "Reprendre la main sur mon compte, 2026 !"


def _imap_open(web: Web, user: str, secret: str) -> imaplib.IMAP4_SSL:
    context = web.mail.client_context()
    client = imaplib.IMAP4_SSL("localhost", web.mail.port("imaps"), ssl_context=context)
    client.login(user, secret)
    return client


def _imap_login(web: Web, user: str, secret: str) -> str:
    context = web.mail.client_context()
    with imaplib.IMAP4_SSL("localhost", web.mail.port("imaps"), ssl_context=context) as client:
        try:
            client.login(user, secret)
        except imaplib.IMAP4.error as error:
            return str(error)
        return "OK"


def _next_command(client: imaplib.IMAP4_SSL) -> str:
    """The reply to a NOOP: "OK", or the abort a BYE causes."""
    try:
        status, _ = client.noop()
    except (imaplib.IMAP4.abort, OSError) as error:
        return f"ended: {error}"
    return str(status)


async def _smtp_session(web: Web, user: str, secret: str) -> aiosmtplib.SMTP:
    client = aiosmtplib.SMTP(
        hostname="localhost",
        port=web.mail.port("submission"),
        start_tls=True,
        tls_context=web.mail.client_context(),
    )
    await client.connect()
    await client.ehlo()
    await client.auth_plain(user, secret)
    return client


async def _mail_from(client: aiosmtplib.SMTP) -> int:
    try:
        reply = await client.mail(PATIENT)
    except aiosmtplib.SMTPResponseException as error:
        return error.code
    code = reply.code
    await client.rset()
    return code


async def test_the_stolen_path_ends_every_session_and_credential_of_the_thief(
    web_imap: Web,
) -> None:
    runtime = web_imap.runtime
    unlocked = await runtime.accounts.authenticate(PATIENT, PASSWORD)
    _, app_password = await runtime.accounts.add_app_password(unlocked, "Thunderbird")
    old_recovery = await runtime.accounts.new_recovery_key(unlocked)

    imap_before = await asyncio.to_thread(_imap_open, web_imap, PATIENT, app_password)
    smtp_before = await _smtp_session(web_imap, PATIENT, app_password)
    assert await asyncio.to_thread(_next_command, imap_before) == "OK"
    assert await _mail_from(smtp_before) == 250
    thief = await sign_in(web_imap, PATIENT)
    owner = await sign_in(web_imap, PATIENT)

    wrong = await owner.post(
        "/api/account/stolen", json={"current": "pas le bon", "new": NEW_PASSWORD}
    )
    assert wrong.status_code == 403, "re-authentication comes first"
    answer = await owner.post(
        "/api/account/stolen", json={"current": PASSWORD, "new": NEW_PASSWORD}
    )
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["app_passwords_revoked"] == 1
    assert result["sessions_ended"] == 1

    assert (await asyncio.to_thread(_next_command, imap_before)).startswith("ended")
    imap_before.shutdown()
    assert await _mail_from(smtp_before) == 530
    smtp_before.close()
    assert (await thief.get("/api/session")).status_code == 401
    assert (await owner.get("/api/session")).status_code == 200
    refused = await asyncio.to_thread(_imap_login, web_imap, PATIENT, app_password)
    assert "AUTHENTICATIONFAILED" in refused
    assert "AUTHENTICATIONFAILED" in await asyncio.to_thread(
        _imap_login, web_imap, PATIENT, PASSWORD
    )
    assert await asyncio.to_thread(_imap_login, web_imap, PATIENT, NEW_PASSWORD) == "OK"

    with pytest.raises(AuthenticationFailed):
        await runtime.accounts.authenticate(PATIENT, old_recovery)
    recovered = await runtime.accounts.authenticate(PATIENT, result["recovery_key"])
    assert recovered.via is CredentialKind.RECOVERY
    assert recovered.account.address == PATIENT


async def test_a_known_browser_signs_in_while_its_shared_address_is_throttled(
    web_imap: Web,
) -> None:
    owner = web_imap.client()
    assert (await attempt_sign_in(owner, PATIENT, PASSWORD)).status_code == 200
    device = owner.cookies.get("mss_device")
    assert device, "a successful sign-in leaves a known-device cookie"
    owner.cookies.delete("mss_session")

    guesser = web_imap.client()
    for _ in range(20):
        await attempt_sign_in(guesser, PATIENT, "pas le mot de passe")
    fresh = web_imap.client()
    assert (await attempt_sign_in(fresh, PATIENT, PASSWORD)).status_code == 429
    assert (await attempt_sign_in(owner, PATIENT, PASSWORD)).status_code == 200

    forged = web_imap.client()
    forged.cookies.set("mss_device", device[:-2] + ("AA" if device[-2:] != "AA" else "BB"))
    assert (await attempt_sign_in(forged, PATIENT, PASSWORD)).status_code == 429


async def test_a_known_mail_client_logs_in_while_its_shared_address_is_throttled(
    web_imap: Web,
) -> None:
    runtime = web_imap.runtime
    unlocked = await runtime.accounts.authenticate(PATIENT, PASSWORD)
    _, app_password = await runtime.accounts.add_app_password(unlocked, "Thunderbird")
    for _ in range(20):
        await asyncio.to_thread(_imap_login, web_imap, PATIENT, "pas le mot de passe")
    refused = await asyncio.to_thread(_imap_login, web_imap, PATIENT, PASSWORD)
    assert "UNAVAILABLE" in refused or "AUTHENTICATIONFAILED" in refused
    assert await asyncio.to_thread(_imap_login, web_imap, PATIENT, app_password) == "OK"


async def test_with_totp_on_the_stolen_path_asks_for_the_code_too(web_imap: Web) -> None:
    runtime = web_imap.runtime
    unlocked = await runtime.accounts.authenticate(PATIENT, PASSWORD)
    secret = new_secret()
    manager = TotpManager(SqlWebmailStore(runtime.database, runtime.store.committer))
    assert await manager.enable(unlocked, secret, pyotp.TOTP(secret).now())
    owner = web_imap.client()
    assert (await attempt_sign_in(owner, PATIENT, PASSWORD)).status_code == 200
    page = await owner.get("/login/totp")
    second = await owner.post(
        "/api/session/totp",
        json={"code": pyotp.TOTP(secret).now()},
        headers={"x-csrf-token": csrf_of(page.text)},
    )
    assert second.status_code == 200, second.text
    settings = await owner.get("/settings")
    headers = {"x-csrf-token": csrf_of(settings.text)}
    body = {"current": PASSWORD, "new": NEW_PASSWORD, "code": "000000"}
    if pyotp.TOTP(secret).verify("000000"):
        body["code"] = "999999"
    refused = await owner.post("/api/account/stolen", json=body, headers=headers)
    assert refused.status_code == 403, "a stolen password alone cannot take the account"
    unchanged = await runtime.accounts.authenticate(PATIENT, PASSWORD)
    assert unchanged.account.address == PATIENT, "the password was not changed"
