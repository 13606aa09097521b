"""Signature requests end to end on the real store (SQLite, and PostgreSQL when configured):
the invitation in the signer's INBOX, reading before signing, the signed PDF that pyHanko's
validator accepts, the evidence that the signer's published key verifies, and a database that
holds neither the document nor who asked whom to sign."""

from __future__ import annotations

import asyncio
import base64
import email
import email.policy
import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from pdfs import plain_pdf
from pyhanko.pdf_utils.reader import PdfFileReader

from mailserver import DOCTOR, DOMAIN, NURSE, PASSWORD, PATIENT, PATIENT_DOMAIN, read_mailbox
from mss.accounts import UnlockedAccount
from mss.runtime import Runtime
from mss.signatures import audit
from mss.signatures.evidence import evidence_holds
from mss.signatures.expiry import ExpiryWorker
from mss.signatures.lifecycle import NotAllowed, RequestState, SignerState
from mss.signatures.messages import REQUEST_HEADER
from mss.signatures.pdfcheck import RefusedPdf
from mss.signatures.pki import SigningAuthority
from mss.signatures.ports import (
    CONSENT,
    Actor,
    NewSignatureRequest,
    UnknownRequest,
)
from mss.signatures.verify import verify_pdf
from mss.store.records import AccountKind
from mss.store.signature_sql import SqlSignatureStore
from queue_support import dump_database, encodings_of

ADMISSIONS = f"admissions@{DOMAIN}"


async def _people(runtime: Runtime) -> dict[str, UnlockedAccount]:
    await runtime.store.add_domain(DOMAIN)
    await runtime.store.add_domain(PATIENT_DOMAIN, is_patient=True)
    people = {}
    for address, kind, name in (
        (ADMISSIONS, AccountKind.ORGANISATION, "Hôpital — admissions"),
        (DOCTOR, AccountKind.PROFESSIONAL, "Jeanne Martin"),
        (NURSE, AccountKind.PROFESSIONAL, "Paul Durand"),
        (PATIENT, AccountKind.PATIENT, "Camille Durand"),
    ):
        await runtime.accounts.create_account(address, kind, PASSWORD, name)
        people[address] = await runtime.accounts.authenticate(address, PASSWORD)
    return people


def _request(
    signers: list[str], ordered: bool = True, text: str = "Consentement"
) -> NewSignatureRequest:
    return NewSignatureRequest(
        title="Consentement éclairé — chirurgie",
        pdf=plain_pdf(pages=2, text=text),
        signers=signers,
        expires_at=datetime.now(UTC) + timedelta(days=7),
        ordered=ordered,
        note="Merci de signer avant votre admission.",
        filename="consentement.pdf",
    )


def _parsed(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


async def _with_header(runtime: Runtime, address: str, request_id: str) -> list[EmailMessage]:
    found = [_parsed(raw) for raw in await read_mailbox(runtime, address)]
    return [m for m in found if m[REQUEST_HEADER] == request_id]


async def test_ordered_request_from_invitation_to_signed_copy(runtime: Runtime) -> None:
    people = await _people(runtime)
    service = runtime.signatures()
    created = await service.create(Actor(people[ADMISSIONS]), _request([PATIENT, DOCTOR]))
    assert [s.state for s in created.signers] == [SignerState.SENT, SignerState.WAITING]

    invitation = (await _with_header(runtime, PATIENT, created.id))[0]
    assert invitation["Subject"] == "Document à signer : Consentement éclairé — chirurgie"
    assert service.link(created.id) in invitation.get_content()
    assert await _with_header(runtime, DOCTOR, created.id) == []  # not their turn yet

    patient = Actor(people[PATIENT], ip="192.0.2.7", user_agent="Firefox")
    with pytest.raises(NotAllowed, match="read"):
        await service.sign(created.id, patient, CONSENT)
    with pytest.raises(NotAllowed, match="consent"):
        await service.sign(created.id, patient, CONSENT + " ")
    await service.viewed(created.id, patient)
    after_patient = await service.sign(created.id, patient, CONSENT)
    assert [s.state for s in after_patient.signers] == [SignerState.SIGNED, SignerState.SENT]
    assert len(await _with_header(runtime, DOCTOR, created.id)) == 1  # now their turn

    doctor = Actor(people[DOCTOR], ip="198.51.100.4")
    with pytest.raises(NotAllowed):
        await service.sign(created.id, patient, CONSENT)  # one signature each
    await service.viewed(created.id, doctor)
    done = await service.sign(created.id, doctor, CONSENT)
    assert done.state is RequestState.COMPLETED

    authority = SigningAuthority(runtime.settings.data_path(Path("keys")), "x")
    report = await asyncio.to_thread(verify_pdf, done.document, authority.ca_certificate)
    assert report.valid and len(report.signatures) == 4  # certification, 2 signers, audit
    assert all(check.timestamped for check in report.signatures)
    assert audit.chain_is_intact(done.trail)
    kinds = [event.kind.value for event in done.trail]
    assert kinds == ["sent", "viewed", "signed", "sent", "viewed", "signed", "completed"]
    assert done.trail[2].ip == "192.0.2.7"
    for evidence, address in zip(done.evidence, (PATIENT, DOCTOR), strict=True):
        published = people[address].account.signing_key
        assert evidence.signer == address and evidence.consent == CONSENT
        assert evidence_holds(evidence, published)
        assert not evidence_holds(evidence, people[NURSE].account.signing_key)

    notice = (await _with_header(runtime, ADMISSIONS, created.id))[-1]
    assert notice["Subject"] == "Document signé : Consentement éclairé — chirurgie"
    attached = {part.get_filename(): part.get_content() for part in notice.iter_attachments()}
    assert attached["consentement.pdf"] == done.document
    assert b'"signer"' in attached["preuves.json"]
    assert len(await _with_header(runtime, PATIENT, created.id)) == 2  # invitation + copy
    [filed] = await runtime.vault.list(people[PATIENT])  # the vault's SignedCopyFiler
    assert (filed.meta.source.kind, filed.meta.title) == ("signature", created.title)
    assert (await runtime.vault.content(people[PATIENT], filed.id))[1] == done.document
    assert await runtime.vault.list(people[DOCTOR]) == []  # professionals keep no vault copy

    with pytest.raises(UnknownRequest):
        await service.open(created.id, people[NURSE])  # holds no key to it


async def test_parallel_signers_signing_at_once_both_count(runtime: Runtime) -> None:
    people = await _people(runtime)
    service = runtime.signatures()
    created = await service.create(
        Actor(people[ADMISSIONS]), _request([PATIENT, DOCTOR], ordered=False)
    )
    assert len(await _with_header(runtime, DOCTOR, created.id)) == 1
    both = [Actor(people[PATIENT]), Actor(people[DOCTOR])]
    for actor in both:
        await service.viewed(created.id, actor)
    await asyncio.gather(*(service.sign(created.id, actor, CONSENT) for actor in both))
    done = await service.open(created.id, people[ADMISSIONS])
    assert done.state is RequestState.COMPLETED
    assert {e.signer for e in done.evidence} == {PATIENT, DOCTOR}
    authority = SigningAuthority(runtime.settings.data_path(Path("keys")), "x")
    assert (await asyncio.to_thread(verify_pdf, done.document, authority.ca_certificate)).valid


async def test_a_refusal_closes_the_request_and_tells_everyone(runtime: Runtime) -> None:
    people = await _people(runtime)
    service = runtime.signatures()
    created = await service.create(
        Actor(people[ADMISSIONS]), _request([PATIENT, DOCTOR], ordered=False)
    )
    declined = await service.decline(created.id, Actor(people[DOCTOR]), "Date erronée")
    assert declined.state is RequestState.DECLINED
    assert declined.decline_reason == "Date erronée"
    with pytest.raises(NotAllowed):
        await service.viewed(created.id, Actor(people[PATIENT]))
    notice = (await _with_header(runtime, ADMISSIONS, created.id))[-1]
    assert notice["Subject"].startswith("Signature refusée")
    assert "Date erronée" in notice.get_content()


async def test_only_the_organisation_cancels_and_deadlines_close_requests(
    runtime: Runtime,
) -> None:
    people = await _people(runtime)
    service = runtime.signatures()
    first = await service.create(Actor(people[ADMISSIONS]), _request([PATIENT]))
    with pytest.raises(NotAllowed, match="organisation"):
        await service.cancel(first.id, Actor(people[PATIENT]))
    cancelled = await service.cancel(first.id, Actor(people[ADMISSIONS]))
    assert cancelled.state is RequestState.CANCELLED

    second = await service.create(Actor(people[ADMISSIONS]), _request([PATIENT]))
    assert await service.expire_due() == 0
    service._clock = lambda: datetime.now(UTC) + timedelta(days=8)
    assert await service.expire_due() == 1
    expired = await service.open(second.id, people[PATIENT])
    assert expired.state is RequestState.EXPIRED
    with pytest.raises(NotAllowed):
        await service.viewed(second.id, Actor(people[PATIENT]))


async def test_bad_documents_and_unknown_signers_store_nothing(runtime: Runtime) -> None:
    people = await _people(runtime)
    service = runtime.signatures()
    hostile = NewSignatureRequest(
        "Piège", b"%PDF-1.7\nnot really", [PATIENT], datetime.now(UTC) + timedelta(days=1)
    )
    with pytest.raises(RefusedPdf):
        await service.create(Actor(people[ADMISSIONS]), hostile)
    past = replace(_request([PATIENT]), expires_at=datetime.now(UTC) - timedelta(minutes=1))
    with pytest.raises(ValueError, match="past"):
        await service.create(Actor(people[ADMISSIONS]), past)
    with pytest.raises(ValueError, match="not an account"):
        await service.create(Actor(people[ADMISSIONS]), _request([f"nobody@{DOMAIN}"]))
    assert await read_mailbox(runtime, PATIENT) == []


async def test_the_database_holds_no_document_and_no_link_between_parties(
    runtime: Runtime, canary: str
) -> None:
    people = await _people(runtime)
    service = runtime.signatures()
    created = await service.create(Actor(people[ADMISSIONS]), _request([PATIENT], text=canary))
    await service.viewed(created.id, Actor(people[PATIENT]))
    await service.sign(created.id, Actor(people[PATIENT]), CONSENT)
    dump = await dump_database(runtime)
    for needle in encodings_of(canary, plain_pdf(text=canary)):
        assert needle not in dump
    for secret in (b"chirurgie", base64.b64encode(b"chirurgie")):
        assert secret not in dump
    async with runtime.database.reader.connect() as conn:
        from sqlalchemy import inspect

        def columns(connection: object) -> dict[str, list[str]]:
            inspector = inspect(connection)
            return {
                table: [c["name"] for c in inspector.get_columns(table)]
                for table in ("signature_requests", "signature_keys")
            }

        found = await conn.run_sync(columns)
    assert not any("account" in name for names in found.values() for name in names)


async def test_the_expiry_worker_closes_overdue_requests_without_any_key(runtime: Runtime) -> None:
    people = await _people(runtime)
    created = await runtime.signatures().create(Actor(people[ADMISSIONS]), _request([PATIENT]))
    worker = ExpiryWorker(
        SqlSignatureStore(runtime.database, runtime.store.committer),
        poll_seconds=0.05,
        clock=lambda: datetime.now(UTC) + timedelta(days=8),
    )
    await worker.start()
    try:
        for _ in range(100):
            opened = await runtime.signatures().open(created.id, people[ADMISSIONS])
            if opened.state is RequestState.EXPIRED:
                break
            await asyncio.sleep(0.05)
    finally:
        await worker.stop()
    assert opened.state is RequestState.EXPIRED
    assert opened.trail[0].kind.value == "sent", "the sealed trail is intact"


async def test_a_professional_signer_certificate_carries_the_rpps_of_the_directory(
    runtime: Runtime,
) -> None:
    """The national file lists jean-pierre.martin@medecin.mssante.fr with RPPS 10002345675: the
    certificate issued for his signature names him by it, as issue 12 requires."""
    people = await _people(runtime)
    professional = "jean-pierre.martin@medecin.mssante.fr"
    await runtime.store.add_domain("medecin.mssante.fr")
    await runtime.accounts.create_account(
        professional, AccountKind.PROFESSIONAL, PASSWORD, "Jean-Pierre Martin"
    )
    extraction = Path(__file__).parents[1] / "directory" / "data"
    (national,) = extraction.glob("Extraction_Correspondance_MSSante_*.txt")
    await runtime.directory.import_file(national, min_valid_share=0.5)
    signer = await runtime.accounts.authenticate(professional, PASSWORD)

    service = runtime.signatures()
    created = await service.create(Actor(people[ADMISSIONS]), _request([professional, DOCTOR]))
    for who in (signer, people[DOCTOR]):
        await service.viewed(created.id, Actor(who))
        done = await service.sign(created.id, Actor(who), CONSENT)

    reader = PdfFileReader(io.BytesIO(done.document))
    subjects = {
        sig.signer_cert.subject.native.get("email_address"): sig.signer_cert.subject.native
        for sig in reader.embedded_signatures
    }
    assert subjects[professional]["serial_number"] == "RPPS10002345675"
    assert "serial_number" not in subjects[DOCTOR], "no directory entry, no RPPS"
