"""Issue 16, items 7-9 over HTTP: the second factor's enrolment window and recovery codes,
mail-client setup (Thunderbird autoconfig, Apple profile), and "Mes professionnels" as the only
recipients a patient's reply may have."""

from __future__ import annotations

import dataclasses
import plistlib
import re

import httpx
import pyotp
from defusedxml import ElementTree
from sqlalchemy import select

from mailserver import DOCTOR, NURSE, PASSWORD, PATIENT, message, read_mailbox
from mss.config import ListenSettings
from mss.delivery import deliver
from mss.second_factor import STEP_SECONDS
from mss.store.webmail_repository import SqlWebmailStore
from mss.store.webmail_schema import web_totp_recovery
from webmail.security.totp import TotpManager

from .harness import Browserless, Web, attempt_sign_in, csrf_of, professional_writes, sign_in

# The start of a 30-second window, so "same window" does not depend on when the test runs.
T0 = 1_800_000_000 - 1_800_000_000 % STEP_SECONDS


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def fixed_clock(web: Web, now: float) -> Clock:
    """The webmail's TOTP manager on a clock the test moves."""
    clock = Clock(now)
    app = web.service.app
    store = SqlWebmailStore(web.runtime.database, web.runtime.store.committer)
    app.state.web = dataclasses.replace(app.state.web, totp=TotpManager(store, clock))
    return clock


async def enrol(patient: Browserless, at: float) -> tuple[pyotp.TOTP, list[str]]:
    setup = (await patient.post("/api/account/totp/setup")).json()
    totp = pyotp.TOTP(setup["secret"])
    enabled = await patient.post(
        "/api/account/totp",
        json={"secret": setup["secret"], "code": totp.at(at), "password": PASSWORD},
    )
    assert enabled.status_code == 200, enabled.text
    return totp, enabled.json()["recovery_codes"]


async def second_step(client: httpx.AsyncClient, **body: str) -> httpx.Response:
    first = await attempt_sign_in(client, PATIENT, PASSWORD)
    assert first.json() == {"next": "/login/totp"}
    token = csrf_of((await client.get("/login/totp")).text)
    return await client.post("/api/session/totp", json=body, headers={"x-csrf-token": token})


async def test_the_enrolment_window_works_at_the_next_sign_in_once(web: Web) -> None:
    clock = fixed_clock(web, T0 + 2)
    patient = await sign_in(web, PATIENT)
    totp, _ = await enrol(patient, T0 + 2)
    clock.now = T0 + 20  # same 30-second window: the authenticator still shows that code
    same = await second_step(web.client(), code=totp.at(T0 + 2))
    assert same.status_code == 200, "the enrolment's code is not a sign-in: it is not 'used'"
    replayed = await second_step(web.client(), code=totp.at(T0 + 2))
    assert replayed.status_code == 401, "a code is good once (RFC 6238 §5.2)"
    clock.now = T0 + STEP_SECONDS + 5
    later = await second_step(web.client(), code=totp.at(clock.now))
    assert later.status_code == 200, "the next window's code is accepted"


async def test_recovery_codes_are_shown_once_kept_hashed_and_good_once(web: Web) -> None:
    fixed_clock(web, T0)
    patient = await sign_in(web, PATIENT)
    _, codes = await enrol(patient, T0)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", code) for code in codes)
    async with web.runtime.database.reader.connect() as conn:
        rows = (await conn.execute(select(web_totp_recovery.c.digest))).scalars().all()
    assert len(rows) == 10
    stored = b"".join(rows)
    for code in codes:
        assert code.encode() not in stored and code.replace("-", "").encode() not in stored

    wrong = await second_step(web.client(), recovery_code="aaaaa-bbbbb")
    assert wrong.status_code == 401 and "secours" in wrong.json()["detail"]
    typed = codes[3].upper().replace("-", " ")  # read off paper: capitals and a space
    used = await second_step(web.client(), recovery_code=typed)
    assert used.status_code == 200 and used.json() == {"next": "/mail"}
    again = await second_step(web.client(), recovery_code=codes[3])
    assert again.status_code == 401, "each recovery code works once"
    settings = (await patient.get("/settings")).text
    assert "Il vous reste 9 codes de secours." in settings

    fresh = await patient.post("/api/account/totp/recovery-codes", json={"password": PASSWORD})
    assert fresh.status_code == 200
    stale = await second_step(web.client(), recovery_code=codes[4])
    assert stale.status_code == 401, "new codes replace the old ones"
    newer = await second_step(web.client(), recovery_code=fresh.json()["recovery_codes"][0])
    assert newer.status_code == 200


def configured_ports(web: Web) -> ListenSettings:
    """Four different ports (the tests' servers listen on port 0), read at each request."""
    ports = {"imaps_port": 1993, "imap_port": 1143, "submissions_port": 4465}
    listen = web.runtime.settings.listen.model_copy(update={**ports, "submission_port": 5587})
    web.runtime.settings = web.runtime.settings.model_copy(update={"listen": listen})
    return listen


async def test_thunderbird_autoconfig_names_the_configured_servers(web: Web) -> None:
    listen = configured_ports(web)
    host = web.runtime.settings.hostname
    async with web.client() as anyone:  # mail clients ask before any sign-in
        for path in ("/.well-known/autoconfig/mail/config-v1.1.xml", "/mail/config-v1.1.xml"):
            answer = await anyone.get(path, params={"emailaddress": PATIENT})
            assert answer.status_code == 200
            assert answer.headers["content-type"].startswith("application/xml")
            root = ElementTree.fromstring(answer.content)
            assert root.tag == "clientConfig" and root.get("version") == "1.1"
            servers = [
                (s.tag, s.get("type"), s.findtext("hostname"), s.findtext("port"),
                 s.findtext("socketType"), s.findtext("username"))
                for s in root.iter() if s.tag in ("incomingServer", "outgoingServer")
            ]  # fmt: skip
            assert servers == [
                ("incomingServer", "imap", host, str(listen.imaps_port), "SSL", "%EMAILADDRESS%"),
                ("incomingServer", "imap", host, str(listen.imap_port), "STARTTLS",
                 "%EMAILADDRESS%"),
                ("outgoingServer", "smtp", host, str(listen.submissions_port), "SSL",
                 "%EMAILADDRESS%"),
                ("outgoingServer", "smtp", host, str(listen.submission_port), "STARTTLS",
                 "%EMAILADDRESS%"),
            ]  # fmt: skip
        assert (await anyone.get("/settings/mail-client.mobileconfig")).status_code == 303

    patient = await sign_in(web, PATIENT)
    page = (await patient.get("/settings")).text
    assert f"<td>{listen.imaps_port}</td>" in page and f"<td>{listen.submissions_port}</td>" in page
    assert 'data-copy="app-password-output"' in page
    profile = await patient.get("/settings/mail-client.mobileconfig")
    assert profile.headers["content-type"] == "application/x-apple-aspen-config"
    [account] = plistlib.loads(profile.content)["PayloadContent"]
    assert account["EmailAddress"] == PATIENT
    assert account["IncomingMailServerPortNumber"] == listen.imaps_port
    assert account["OutgoingMailServerPortNumber"] == listen.submissions_port
    assert "IncomingPassword" not in account


async def test_a_reply_goes_only_to_the_professionals_who_wrote(web: Web) -> None:
    patient = await sign_in(web, PATIENT)
    empty = (await patient.get("/professionals")).text
    assert "Aucun professionnel ne vous a encore écrit." in empty
    await professional_writes(web, PATIENT, message(DOCTOR, PATIENT, "Bilan sanguin"))
    await professional_writes(web, PATIENT, message(DOCTOR, PATIENT, "Rendez-vous"))
    # Filed by the patient (as an IMAP APPEND would): the nurse never wrote through the server.
    await deliver(web.runtime.store, web.accounts[PATIENT], "INBOX", message(NURSE, PATIENT, "Hi"))

    page = (await patient.get("/professionals")).text
    assert DOCTOR in page and "2 messages" in page and "(s)" not in page
    assert NURSE not in page, "only who wrote through the server, as the core recorded"
    link = re.search(r'href="(/mail/\d+/\d+/reply)">Répondre à la dernière conversation', page)
    assert link is not None
    form = (await patient.get(link.group(1))).text
    assert '<select id="to" name="to"' in form and f'<option value="{DOCTOR}" selected>' in form
    assert 'name="to" data-type="list" value=' not in form, "no field to type an address in"
    assert NURSE not in form

    refused = await patient.post(
        "/api/messages", json={"to": [f"Paul <{NURSE}>"], "subject": "Bonjour", "body": "x"}
    )
    assert refused.status_code == 422
    assert refused.json()["detail"] == (
        f"Vous ne pouvez pas écrire à {NURSE} : vous pouvez seulement répondre aux "
        "professionnels qui vous ont écrit (voir « Mes professionnels »)."
    )
    outside = await patient.post(
        "/api/messages", json={"to": [DOCTOR], "cc": ["x@ailleurs.example"], "body": "x"}
    )
    assert outside.status_code == 422 and "x@ailleurs.example" in outside.json()["detail"]
    assert "confiance" not in outside.json()["detail"]
    assert await read_mailbox(web.runtime, NURSE) == []
    sent = await patient.post(
        "/api/messages", json={"to": [DOCTOR.upper()], "subject": "Re: Bilan", "body": "Merci"}
    )
    assert sent.status_code == 200, sent.text
