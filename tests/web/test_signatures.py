"""Signing in the webmail, end to end on the real server: the "Document à signer" card, the
whole PDF drawn by PDF.js in headless Chromium, "viewed" only once the last page was shown,
the consent and the password as the act of signing, and a signed PDF that validates against the
operator's CA. Then what a client cannot skip by calling the routes itself, and what another
account cannot see."""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyotp
import pytest
from pdfs import plain_pdf
from playwright.async_api import Browser, Page, expect

from mailserver import DOCTOR, DOMAIN, PASSWORD, PATIENT, read_mailbox
from mss.accounts import UnlockedAccount
from mss.signatures.lifecycle import RequestState, SignerState
from mss.signatures.messages import REQUEST_HEADER
from mss.signatures.pki import SigningAuthority
from mss.signatures.ports import CONSENT, Actor, NewSignatureRequest, OpenedRequest
from mss.signatures.verify import verify_pdf
from mss.store.records import AccountKind
from mss.submission import Envelope, Recipient
from queue_support import dump_database, encodings_of

from .browser import needs_chromium, new_page, screenshot
from .harness import PATIENT_B, Web, drifted_code, sign_in

ADMISSIONS = f"admissions@{DOMAIN}"
PAGES = 4
SIGNING = 60_000
"""Milliseconds: signing makes PAdES signatures with timestamps, slow on a loaded machine."""


async def _organisation(web: Web) -> UnlockedAccount:
    await web.runtime.accounts.create_account(
        ADMISSIONS, AccountKind.ORGANISATION, PASSWORD, "Hôpital — admissions"
    )
    return await web.runtime.accounts.authenticate(ADMISSIONS, PASSWORD)


async def _request(web: Web, signers: list[str]) -> tuple[UnlockedAccount, OpenedRequest]:
    organisation = await _organisation(web)
    created = await web.runtime.signatures().create(
        Actor(organisation),
        NewSignatureRequest(
            title="Consentement éclairé — chirurgie",
            pdf=plain_pdf(pages=PAGES, text="Consentement"),
            signers=signers,
            expires_at=datetime.now(UTC) + timedelta(days=7),
            note="Merci de signer avant votre admission.",
            filename="consentement.pdf",
        ),
    )
    return organisation, created


async def _open_request_page(page: Page, web: Web, address: str) -> None:
    """Sign in as a patient, open the invitation, follow its card."""
    await page.goto(f"{web.url}/login")
    await page.get_by_label("Adresse de messagerie").fill(address)
    await page.get_by_label("Mot de passe").fill(PASSWORD)
    await page.get_by_role("button", name="Se connecter").click()
    await page.wait_for_url("**/mail/*")
    await page.get_by_role("link", name="Document à signer : Consentement éclairé").first.click()
    card = page.get_by_role("region", name="Document à signer : Consentement éclairé — chirurgie")
    await expect(card).to_be_visible()
    await card.get_by_role("link", name="Lire et signer le document").click()
    await page.wait_for_url("**/signatures/*")


async def _read_to_the_end(page: Page) -> None:
    viewer = page.locator(".pdf-viewer")
    await expect(viewer).to_have_attribute("data-ready", "true")
    sign = page.get_by_role("button", name="Signer", exact=True)
    await expect(sign).to_be_disabled()  # not before the last page has been shown
    total = await page.locator(".pdf-page").count()
    assert total > PAGES  # the document, then the page the certification added
    for number in range(1, total + 1):
        await expect(sign).to_be_disabled()
        await page.locator(f'.pdf-page[data-page="{number}"]').scroll_into_view_if_needed()
        await expect(page.get_by_role("img", name=f"Page {number} sur {total}")).to_be_visible()
    await expect(page.locator("body")).to_have_attribute("data-signature-viewed", "true")
    await expect(sign).to_be_enabled()


async def _status(web: Web, organisation: UnlockedAccount, request_id: str) -> OpenedRequest:
    return await web.runtime.signatures().open(request_id, organisation)


@needs_chromium
async def test_patient_reads_the_whole_pdf_and_signs(web: Web, browser: Browser) -> None:
    organisation, created = await _request(web, [PATIENT])
    context, page = await new_page(browser, 1280, 900)
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(web.url) else None,
    )
    await _open_request_page(page, web, PATIENT)
    await _read_to_the_end(page)
    viewed = await _status(web, organisation, created.id)
    assert viewed.signer(PATIENT).state is SignerState.VIEWED  # type: ignore[union-attr]

    await page.get_by_label(CONSENT).check()
    await page.get_by_label("Votre mot de passe, pour confirmer la signature").fill(PASSWORD)
    await page.get_by_role("button", name="Signer", exact=True).click()
    await expect(page.get_by_text("Signé par tous les signataires")).to_be_visible(timeout=SIGNING)
    await screenshot(page, "signature-signed")
    await context.close()

    done = await _status(web, organisation, created.id)
    assert done.state is RequestState.COMPLETED
    authority = SigningAuthority(web.runtime.settings.data_path(Path("keys")), "x")
    report = await asyncio.to_thread(verify_pdf, done.document, authority.ca_certificate)
    assert report.valid
    assert len(report.signatures) == 3  # certification, the patient, the final lock
    [trail_viewed] = [e for e in done.trail if e.kind.value == "viewed"]
    assert trail_viewed.user_agent and "Chrome" in trail_viewed.user_agent
    assert outside == []  # PDF.js and its worker come from this server


@needs_chromium
async def test_wrong_password_signs_nothing(web: Web, browser: Browser) -> None:
    organisation, created = await _request(web, [PATIENT])
    context, page = await new_page(browser, 1280, 900)
    await _open_request_page(page, web, PATIENT)
    await _read_to_the_end(page)
    await page.get_by_label(CONSENT).check()
    await page.get_by_label("Votre mot de passe, pour confirmer la signature").fill("pas le bon")
    await page.get_by_role("button", name="Signer", exact=True).click()
    await expect(page.locator(".sign-form .form-error")).to_have_text("Mot de passe incorrect.")
    await context.close()

    after = await _status(web, organisation, created.id)
    assert after.state is RequestState.SENT
    assert after.signer(PATIENT).state is SignerState.VIEWED  # type: ignore[union-attr]
    assert after.evidence == ()
    assert [e.kind.value for e in after.trail] == ["sent", "viewed"]


@needs_chromium
async def test_professional_follows_the_mail_link_signs_in_and_signs(
    web: Web, browser: Browser
) -> None:
    """Ordered request: the patient signs first (through the routes), then the professional,
    who uses a mail client, opens the link of the invitation, signs in, and lands on the
    same page; the PDF then carries both signatures and validates."""
    organisation, created = await _request(web, [PATIENT, DOCTOR])
    patient = await sign_in(web, PATIENT)
    url = f"/api/signatures/{created.id}"
    assert (await patient.post(f"{url}/viewed", json={})).status_code == 200
    good = {"consent": CONSENT, "accepted": True, "secret": PASSWORD}
    assert (await patient.post(f"{url}/sign", json=good)).status_code == 200

    invitations = [
        email.message_from_bytes(raw, policy=email.policy.default)
        for raw in await read_mailbox(web.runtime, DOCTOR)
    ]
    [invitation] = [m for m in invitations if m[REQUEST_HEADER] == created.id]
    text = invitation.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    found = re.search(r"https?://\S+(/signatures/[0-9a-f]{32})", text)
    assert found is not None
    context, page = await new_page(browser, 1280, 900)
    await page.goto(web.url + found.group(1))
    await page.wait_for_url(re.compile(r"/login\?next=/signatures/"))
    await page.get_by_label("Adresse de messagerie").fill(DOCTOR)
    await page.get_by_label("Mot de passe").fill(PASSWORD)
    await page.get_by_role("button", name="Se connecter").click()
    await page.wait_for_url(f"**/signatures/{created.id}")
    await _read_to_the_end(page)
    await page.get_by_label(CONSENT).check()
    await page.get_by_label("Votre mot de passe, pour confirmer la signature").fill(PASSWORD)
    await page.get_by_role("button", name="Signer", exact=True).click()
    await expect(page.get_by_text("Signé par tous les signataires")).to_be_visible(timeout=SIGNING)
    await context.close()

    done = await _status(web, organisation, created.id)
    assert [s.state for s in done.signers] == [SignerState.SIGNED, SignerState.SIGNED]
    authority = SigningAuthority(web.runtime.settings.data_path(Path("keys")), "x")
    report = await asyncio.to_thread(verify_pdf, done.document, authority.ca_certificate)
    assert report.valid and len(report.signatures) == 4
    assert all(check.timestamped for check in report.signatures)


async def test_consent_reading_and_password_cannot_be_skipped(web: Web) -> None:
    organisation, created = await _request(web, [PATIENT])
    patient = await sign_in(web, PATIENT)
    url = f"/api/signatures/{created.id}"
    good = {"consent": CONSENT, "accepted": True, "secret": PASSWORD}

    early = await patient.post(f"{url}/sign", json=good)
    assert early.status_code == 409  # not read to the last page yet
    assert (await patient.post(f"{url}/viewed", json={})).status_code == 200
    unticked = await patient.post(f"{url}/sign", json={**good, "accepted": False})
    assert unticked.status_code == 422
    altered = await patient.post(f"{url}/sign", json={**good, "consent": CONSENT[:-1]})
    assert altered.status_code == 409
    wrong = await patient.post(f"{url}/sign", json={**good, "secret": "pas le bon"})
    assert wrong.status_code == 401
    no_csrf = await patient.client.post(f"{url}/sign", json=good)
    assert no_csrf.status_code == 403
    assert (await _status(web, organisation, created.id)).evidence == ()

    signed = await patient.post(f"{url}/sign", json=good)
    assert signed.status_code == 200, signed.text
    assert signed.json() == {"state": "signed", "request_state": "completed"}
    again = await patient.post(f"{url}/sign", json=good)
    assert again.status_code == 409  # one signature each


async def test_nobody_else_sees_or_signs(web: Web) -> None:
    _, created = await _request(web, [PATIENT])
    other = await sign_in(web, PATIENT_B)
    guessed = "0" * 32
    for request_id in (created.id, guessed, "not-hex"):
        assert (await other.get(f"/signatures/{request_id}")).status_code == 404
        assert (await other.get(f"/signatures/{request_id}/document.pdf")).status_code == 404
        for act in ("viewed", "sign", "decline"):
            body = {"consent": CONSENT, "accepted": True, "secret": PASSWORD, "reason": ""}
            answer = await other.post(f"/api/signatures/{request_id}/{act}", json=body)
            assert answer.status_code == 404, (act, answer.text)

    anonymous = web.client()
    page = await anonymous.get(f"/signatures/{created.id}")
    assert page.status_code == 303
    assert page.headers["location"] == f"/login?next=/signatures/{created.id}"


async def test_forged_header_shows_no_card(web: Web) -> None:
    """A mail that merely names a request (a real one, of someone else) is no invitation: the card
    appears only for a request that opens with the reader's keys."""
    _, created = await _request(web, [DOCTOR])
    raw = (
        f"From: <{DOCTOR}>\r\nTo: <{PATIENT}>\r\nSubject: Faux document\r\n"
        f"X-MSS-Signature-Request: {created.id}\r\n\r\nSignez ici.\r\n"
    ).encode()
    doctor = await web.runtime.accounts.authenticate(DOCTOR, PASSWORD)
    await web.runtime.submission.submit(doctor, Envelope(DOCTOR, (Recipient(PATIENT),)), raw)
    patient = await sign_in(web, PATIENT)
    inbox = await patient.folder_id()
    listed = (await patient.get(f"/api/mailboxes/{inbox}/messages")).json()
    uid = next(m["uid"] for m in listed["messages"] if m["subject"] == "Faux document")
    page = await patient.get(f"/mail/{inbox}/{uid}")
    assert page.status_code == 200
    assert "Lire et signer le document" not in page.text


@pytest.mark.parametrize("path", ["/static/pdfjs/pdf.min.mjs", "/static/pdfjs/pdf.worker.min.mjs"])
async def test_viewer_is_served_as_javascript(web: Web, path: str) -> None:
    answer = await web.client().get(path)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/javascript")


async def test_with_totp_the_code_is_the_act_of_signing(web: Web) -> None:
    """An account that turned TOTP on confirms with a fresh code, not its password."""
    _, created = await _request(web, [PATIENT])
    patient = await sign_in(web, PATIENT)
    setup = (await patient.post("/api/account/totp/setup")).json()
    totp = pyotp.TOTP(setup["secret"])
    enabling = {"secret": setup["secret"], "code": await drifted_code(totp), "password": PASSWORD}
    assert (await patient.post("/api/account/totp", json=enabling)).status_code == 200

    page = await patient.get(f"/signatures/{created.id}")
    assert 'autocomplete="one-time-code"' in page.text
    assert 'type="password"' not in page.text
    url = f"/api/signatures/{created.id}"
    assert (await patient.post(f"{url}/viewed", json={})).status_code == 200
    with_password = {"consent": CONSENT, "accepted": True, "secret": PASSWORD}
    assert (await patient.post(f"{url}/sign", json=with_password)).status_code == 401
    with_code = {"consent": CONSENT, "accepted": True, "secret": totp.now()}
    signed = await patient.post(f"{url}/sign", json=with_code)
    assert signed.status_code == 200, signed.text
    assert signed.json()["state"] == "signed"


async def test_decline_with_a_reason_tells_the_organisation_and_stores_it_sealed(
    web: Web,
) -> None:
    organisation, created = await _request(web, [PATIENT])
    patient = await sign_in(web, PATIENT)
    canary = "Zorglub-refus-7741"
    answer = await patient.post(
        f"/api/signatures/{created.id}/decline", json={"reason": f"Je refuse : {canary}"}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"state": "declined", "request_state": "declined"}
    page = await patient.get(f"/signatures/{created.id}")
    assert "Signature refusée" in page.text
    assert 'name="secret"' not in page.text  # nothing left to sign
    again = await patient.post(
        f"/api/signatures/{created.id}/sign",
        json={"consent": CONSENT, "accepted": True, "secret": PASSWORD},
    )
    assert again.status_code == 409

    notices = [
        email.message_from_bytes(raw, policy=email.policy.default)
        for raw in await read_mailbox(web.runtime, ADMISSIONS)
    ]
    [notice] = [m for m in notices if m[REQUEST_HEADER] == created.id]
    assert canary in notice.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert (await _status(web, organisation, created.id)).decline_reason.endswith(canary)
    dump = await dump_database(web.runtime)
    for needle in encodings_of(canary, canary.encode()):
        assert needle not in dump


async def test_guessing_the_password_at_signing_is_throttled_like_a_sign_in(web: Web) -> None:
    organisation, created = await _request(web, [PATIENT])
    patient = await sign_in(web, PATIENT)
    url = f"/api/signatures/{created.id}"
    assert (await patient.post(f"{url}/viewed", json={})).status_code == 200
    guess = {"consent": CONSENT, "accepted": True, "secret": "wrong"}
    answers = [(await patient.post(f"{url}/sign", json=guess)).status_code for _ in range(6)]
    right_but_late = await patient.post(f"{url}/sign", json={**guess, "secret": PASSWORD})
    assert answers == [401] * 5 + [429]
    assert right_but_late.status_code == 429
    assert (await _status(web, organisation, created.id)).evidence == ()


async def test_ordinary_mail_does_not_load_the_signature_service(web: Web) -> None:
    """Opening a message without the header builds nothing of pyHanko or the signing keys."""
    raw = (
        f"From: <{DOCTOR}>\r\nTo: <{PATIENT}>\r\nSubject: Rendez-vous\r\n\r\nA mardi.\r\n"
    ).encode()
    doctor = await web.runtime.accounts.authenticate(DOCTOR, PASSWORD)
    await web.runtime.submission.submit(doctor, Envelope(DOCTOR, (Recipient(PATIENT),)), raw)
    patient = await sign_in(web, PATIENT)
    inbox = await patient.folder_id()
    listed = (await patient.get(f"/api/mailboxes/{inbox}/messages")).json()
    uid = next(m["uid"] for m in listed["messages"] if m["subject"] == "Rendez-vous")
    assert (await patient.get(f"/mail/{inbox}/{uid}")).status_code == 200
    assert web.runtime._signatures is None
