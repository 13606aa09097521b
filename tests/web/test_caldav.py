"""CalDAV (RFC 4791) with the `caldav` client, as Thunderbird or DAVx5 use it: an app password
unlocks the agenda; events are listed, created, updated and deleted; a wrong password and another
account's calendar are refused; what the client stores is sealed like the rest of the agenda."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import caldav
import httpx
import pyotp
import pytest
from caldav.lib.error import AuthorizationError, NotFoundError

from mailserver import PASSWORD, PATIENT
from mss.dav.bridge import DavBridge
from mss.dav.storage import MssStorage
from mss.store.webmail_repository import SqlWebmailStore
from queue_support import dump_database
from tests.agenda.fixtures import invitation, vevent
from webmail.security.totp import TotpManager, new_secret

from .harness import PATIENT_B, Web, professional_writes

DOCTOR = "jeanne.martin@hopital.example"


def _event(uid: str, summary: str, start: datetime) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//DAVx5//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20261201T100000Z\r\nSUMMARY:{summary}\r\n"
        f"DTSTART:{start:%Y%m%dT%H%M%SZ}\r\nDTEND:{start + timedelta(hours=1):%Y%m%dT%H%M%SZ}\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


async def _app_password(web: Web, address: str) -> str:
    unlocked = await web.runtime.accounts.authenticate(address, PASSWORD)
    _, token = await web.runtime.accounts.add_app_password(unlocked, "DAVx5")
    return token


async def test_caldav_client_lists_creates_updates_and_deletes(web: Web, canary: str) -> None:
    start = datetime.now(UTC) + timedelta(days=4)
    calendar = vevent(DOCTOR, PATIENT, tzid="UTC", timezone="", start=f"{start:%Y%m%dT%H%M%S}",
                      end=f"{start + timedelta(hours=1):%Y%m%dT%H%M%S}")  # fmt: skip
    await professional_writes(web, PATIENT, invitation(DOCTOR, PATIENT, calendar))
    token = await _app_password(web, PATIENT)
    url = f"{web.url}/dav/"

    def session() -> list[str]:
        with caldav.DAVClient(url=url, username=PATIENT, password=token) as client:
            principal = client.principal()
            (agenda,) = principal.calendars()
            seen = [str(e.icalendar_component["SUMMARY"]) for e in agenda.events()]
            created = agenda.save_event(_event("dav-1@example", f"Kiné {canary}", start))
            found = agenda.event_by_uid("dav-1@example")
            assert str(found.icalendar_component["SUMMARY"]) == f"Kiné {canary}"
            found.icalendar_component["SUMMARY"] = f"Kiné déplacé {canary}"
            found.save()
            after_update = agenda.event_by_uid("dav-1@example")
            seen.append(str(after_update.icalendar_component["SUMMARY"]))
            created.delete()
            with pytest.raises(NotFoundError):
                agenda.event_by_uid("dav-1@example")
            seen.append(str(len(agenda.events())))
            return seen

    seen = await asyncio.to_thread(session)
    assert seen == ["Consultation de suivi", f"Kiné déplacé {canary}", "1"]
    dump = await dump_database(web.runtime)
    assert canary.encode() not in dump


async def test_wrong_password_and_another_accounts_calendar_are_refused(web: Web) -> None:
    token = await _app_password(web, PATIENT)

    def wrong() -> None:
        with caldav.DAVClient(url=f"{web.url}/dav/", username=PATIENT, password="x" * 20) as c:
            c.principal()

    with pytest.raises(AuthorizationError):
        await asyncio.to_thread(wrong)
    async with httpx.AsyncClient(base_url=web.url, auth=(PATIENT, token)) as client:
        found = await client.request("PROPFIND", "/.well-known/caldav")
        assert (found.status_code, found.headers["location"]) == (301, "/dav/")
        own = await client.request("PROPFIND", f"/dav/{PATIENT}/agenda/", headers={"Depth": "1"})
        assert own.status_code == 207
        other = await client.request(
            "PROPFIND", f"/dav/{PATIENT_B}/agenda/", headers={"Depth": "1"}
        )
        assert other.status_code in (403, 404)
        put = await client.put(
            f"/dav/{PATIENT_B}/agenda/x.ics",
            content=_event("x@example", "Intrus", datetime.now(UTC)),
            headers={"Content-Type": "text/calendar"},
        )
        assert put.status_code in (403, 404, 409), "no write reaches another account"
    other_patient = await web.runtime.accounts.authenticate(PATIENT_B, PASSWORD)
    assert await web.runtime.calendar.events(other_patient) == []


async def test_storage_and_bridge_refuse_other_accounts_even_without_radicale_rights(
    web: Web,
) -> None:
    """Radicale's owner_only rights stand in front; these guards hold behind them too."""
    patient = await web.runtime.accounts.authenticate(PATIENT, PASSWORD)
    loop = asyncio.get_running_loop()
    bridge = DavBridge(web.runtime.signin, web.runtime.calendar, loop)
    storage = MssStorage(None, bridge)

    def as_patient() -> tuple[list[str], list[str]]:
        bridge.current.unlocked = patient
        own = [c.path for c in storage.discover(f"/{PATIENT}/", depth="1")]
        other = [c.path for c in storage.discover(f"/{PATIENT_B}/agenda/", depth="1")]
        with pytest.raises(PermissionError):
            bridge.unlocked(PATIENT_B)
        return own, other

    own, other = await asyncio.to_thread(as_patient)
    assert own == [PATIENT, f"{PATIENT}/agenda"]
    assert other == []


async def test_with_totp_on_calendar_clients_need_an_app_password(web: Web) -> None:
    """The one sign-in's second-factor rule holds on CalDAV too, and its throttle counts there."""
    token = await _app_password(web, PATIENT)
    unlocked = await web.runtime.accounts.authenticate(PATIENT, PASSWORD)
    secret = new_secret()
    manager = TotpManager(SqlWebmailStore(web.runtime.database, web.runtime.store.committer))
    assert await manager.enable(unlocked, secret, pyotp.TOTP(secret).now())
    url = f"{web.url}/dav/{PATIENT}/"

    async with httpx.AsyncClient(timeout=60) as client:  # failures are slowed down on purpose
        with_password = await client.request("PROPFIND", url, auth=(PATIENT, PASSWORD))
        with_token = await client.request("PROPFIND", url, auth=(PATIENT, token))
    assert with_password.status_code == 401
    assert with_token.status_code == 207
