"""The audit trail's hash chain and the signer's Ed25519 evidence."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from crypto.keys import AccountKeys
from mss.signatures import audit
from mss.signatures.audit import EventKind
from mss.signatures.evidence import Evidence, evidence_holds, make_evidence

CONSENT = "J'ai lu le document en entier et je le signe."


def _trail() -> list[audit.AuditEvent]:
    at = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    trail = audit.append([], EventKind.SENT, "Camille Durand", at=at)
    trail = audit.append(trail, EventKind.VIEWED, "Camille Durand", at=at, ip="192.0.2.1")
    return audit.append(trail, EventKind.SIGNED, "Camille Durand", at=at, ip="192.0.2.1")


def test_the_chain_holds_and_any_change_breaks_it() -> None:
    trail = _trail()
    assert audit.chain_is_intact(trail)
    assert audit.chain_is_intact(audit.from_json(audit.to_json(trail)))
    edited = [trail[0], replace(trail[1], ip="198.51.100.9"), trail[2]]
    assert not audit.chain_is_intact(edited)
    assert not audit.chain_is_intact([trail[0], trail[2]]), "a removed event breaks the chain"
    assert not audit.chain_is_intact([trail[1], trail[0], trail[2]])


def test_the_certificate_page_reads_in_french_in_paris_time() -> None:
    text = audit.render(_trail(), "ab" * 32)
    assert "02/12/2026 10:00:00 — document signé par Camille Durand (IP 192.0.2.1)" in text
    assert "lu jusqu'à la dernière page" in text
    assert _trail()[-1].digest in text


def test_evidence_holds_with_the_published_key_only() -> None:
    keys, other = AccountKeys.generate(), AccountKeys.generate()
    proof = make_evidence(
        keys, "p@patient.example", "cd" * 32, CONSENT, "2026-12-02T09:00:00+00:00"
    )
    assert evidence_holds(Evidence.from_json(proof.to_json()), keys.public.signing)
    assert not evidence_holds(proof, other.public.signing)
    assert not evidence_holds(replace(proof, consent="Je ne signe pas."), keys.public.signing)
    assert not evidence_holds(replace(proof, document_sha256="ef" * 32), keys.public.signing)
    forged = make_evidence(other, "p@patient.example", "cd" * 32, CONSENT, proof.signed_at)
    assert not evidence_holds(replace(forged, public_key=proof.public_key), keys.public.signing)
