"""« Mon agenda » in the webmail: the invitation card and its answer in Chromium, the agenda's
list and week views at 1280 and 360 px (screenshots in test-artifacts/), personal reminders,
the ICS download, isolation between patients, and a reminder arriving on the open websocket."""

from __future__ import annotations

import asyncio
import email
import json
import re
import time
from datetime import UTC, datetime, timedelta
from email.policy import default
from zoneinfo import ZoneInfo

import websockets
from icalendar import Calendar
from playwright.async_api import Browser, expect

from mailserver import DOCTOR, PASSWORD, PATIENT, read_mailbox
from mss.calendar.worker import ReminderWorker
from tests.agenda.fixtures import invitation, vevent

from .browser import needs_chromium, new_page, screenshot
from .harness import PATIENT_B, Web, professional_writes, sign_in


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%S")


def _invitation(start: datetime, summary: str = "Consultation de suivi") -> bytes:
    calendar = vevent(
        DOCTOR, PATIENT, tzid="UTC", timezone="", start=_utc(start),
        end=_utc(start + timedelta(minutes=30)), summary=summary,
    )  # fmt: skip
    return invitation(DOCTOR, PATIENT, calendar)


@needs_chromium
async def test_patient_answers_an_invitation_and_reads_the_agenda(
    web: Web, browser: Browser
) -> None:
    start = (datetime.now(UTC) + timedelta(days=3)).replace(hour=9, minute=30, second=0)
    await professional_writes(web, PATIENT, _invitation(start))
    for width in (1280, 360):
        context, page = await new_page(browser, width=width)
        await page.goto(f"{web.url}/login")
        await page.get_by_label("Adresse de messagerie").fill(PATIENT)
        await page.get_by_label("Mot de passe").fill(PASSWORD)
        await page.get_by_role("button", name="Se connecter").click()
        await page.wait_for_url(re.compile(r"/mail/\d+$"))
        await page.get_by_role("link", name=re.compile("Invitation")).first.click()
        card = page.locator("section.invitation")
        await expect(card).to_contain_text("Consultation de suivi")
        await expect(card).to_contain_text("Hôpital Nord")
        await expect(card).to_contain_text("Dr Jeanne Martin")
        paris = start.astimezone(ZoneInfo("Europe/Paris"))
        await expect(card).to_contain_text(f"de {paris.hour} h 30 à {paris.hour + 1} h 00")
        await screenshot(page, f"invitation-{width}")
        if width == 1280:
            await card.get_by_role("button", name="Accepter").click()
            await expect(page.locator("section.invitation .answer")).to_have_text(
                "Vous avez accepté ce rendez-vous."
            )
        await page.get_by_role("link", name="Mon agenda").first.click()
        await expect(page.locator("h1")).to_have_text("Mon agenda")
        await expect(page.locator(".events .event").first).to_contain_text("Consultation de suivi")
        if width == 1280:
            await page.get_by_text("Rappels").first.click()
            await expect(page.get_by_label("la veille")).to_be_checked()
            await expect(page.get_by_label("2 heures avant")).to_be_checked()
            await page.get_by_label("la veille").uncheck()
            await page.get_by_label("1 heure avant").check()
            async with page.expect_navigation():
                await page.get_by_role("button", name="Enregistrer les rappels").click()
            unlocked = await web.runtime.accounts.authenticate(PATIENT, PASSWORD)
            (event,) = await web.runtime.calendar.events(unlocked)
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                offsets = await web.runtime.calendar.reminder_offsets(unlocked, event)
                if offsets == [7200, 3600]:
                    break
                await asyncio.sleep(0.1)
            assert offsets == [7200, 3600]
        overflow = await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert overflow, f"no horizontal overflow at {width} px"
        await screenshot(page, f"agenda-list-{width}")
        await page.get_by_role("link", name="Semaine").click()
        week = start.date() - timedelta(days=start.date().weekday())
        await page.goto(f"{web.url}/agenda?view=week&week={week.isoformat()}")
        await expect(page.locator(".week .event")).to_contain_text("Consultation de suivi")
        await screenshot(page, f"agenda-week-{width}")
        await context.close()

    replies = await read_mailbox(web.runtime, DOCTOR)
    reply = email.message_from_bytes(replies[-1], policy=default)
    part = next(p for p in reply.walk() if p.get_content_type() == "text/calendar")
    (event,) = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
    assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"


@needs_chromium
async def test_patient_adds_a_personal_reminder(web: Web, browser: Browser) -> None:
    context, page = await new_page(browser, width=1280)
    await page.goto(f"{web.url}/login")
    await page.get_by_label("Adresse de messagerie").fill(PATIENT)
    await page.get_by_label("Mot de passe").fill(PASSWORD)
    await page.get_by_role("button", name="Se connecter").click()
    await page.wait_for_url(re.compile(r"/mail/\d+$"))
    await page.goto(f"{web.url}/agenda")
    day = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    await page.get_by_label("Titre").fill("Rappel du vaccin DTP")
    await page.get_by_label("Date").fill(day)
    await page.get_by_role("button", name="Ajouter le rappel").click()
    await expect(page.locator(".events .event")).to_contain_text("Rappel du vaccin DTP")
    await context.close()


async def test_ics_download_and_isolation_between_patients(web: Web) -> None:
    start = datetime.now(UTC) + timedelta(days=5)
    await professional_writes(web, PATIENT, _invitation(start, "Échographie"))
    patient = await sign_in(web, PATIENT)
    unlocked = await web.runtime.accounts.authenticate(PATIENT, PASSWORD)
    (event,) = await web.runtime.calendar.events(unlocked)

    answer = await patient.get(f"/api/agenda/events/{event.entry_id}.ics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(answer.content)
    assert "METHOD" not in calendar, "a download is a plain calendar, not an iTIP message"
    assert str(calendar.walk("VEVENT")[0]["SUMMARY"]) == "Échographie"

    other = await sign_in(web, PATIENT_B)
    assert (await other.get(f"/api/agenda/events/{event.entry_id}.ics")).status_code == 404
    refused = await other.post(
        f"/api/agenda/events/{event.entry_id}/answer", json={"partstat": "DECLINED"}
    )
    assert refused.status_code == 404
    no_token = await patient.client.post(
        f"/api/agenda/events/{event.entry_id}/answer", json={"partstat": "ACCEPTED"}
    )
    assert no_token.status_code == 403, "answering changes state: the CSRF token is required"
    assert len(await read_mailbox(web.runtime, DOCTOR)) == 0, "no REPLY left the server"


async def test_a_due_reminder_reaches_the_open_websocket(web: Web) -> None:
    start = datetime.now(UTC) + timedelta(hours=2, seconds=2)
    await professional_writes(web, PATIENT, _invitation(start, "Prise de sang"))
    patient = await sign_in(web, PATIENT)
    inbox = await patient.folder_id()
    url = f"ws://127.0.0.1:{web.service.port}/ws"
    headers = {"Cookie": f"mss_session={patient.client.cookies['mss_session']}", "Origin": web.url}
    async with websockets.connect(url, additional_headers=headers) as tab:
        worker = ReminderWorker(
            web.runtime.calendar.store, web.runtime.store, 0.1, clock=lambda: time.time() + 3
        )
        assert await worker.run_once() == 1
        while True:
            change = json.loads(await asyncio.wait_for(tab.recv(), 10))
            if change["kind"] != "ping":
                break
        assert (change["kind"], change["mailbox_id"]) == ("added", inbox)
    listed = (await patient.get(f"/api/mailboxes/{inbox}/messages")).json()["messages"]
    assert any("Rappel : Prise de sang" in (m.get("subject") or "") for m in listed)
