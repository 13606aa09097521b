"""``mss sign verify`` as an auditor runs it, offline: the PDF against the operator's CA, each
signer's evidence against the key the directory publishes."""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
from pathlib import Path

from pdfs import plain_pdf

from crypto.keys import AccountKeys
from mss.signatures import document
from mss.signatures.evidence import make_evidence
from mss.signatures.pki import SignerIdentity, SigningAuthority
from mss.signatures.timestamping import timestamper

PATIENT = "285057512345623@patient.example"


def _mss(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mss", "--data", str(data), "sign", "verify", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_verify_reports_signatures_and_evidence(
    authority: SigningAuthority, tmp_path: Path
) -> None:
    stamper = timestamper(authority)
    original = plain_pdf()
    prepared = document.prepare(
        original, "Bon de sortie", document.automatic_placements(original, 1)
    )
    certified = document.certify(prepared, authority.operator, None, stamper)
    signer = authority.issue_for(SignerIdentity("Camille Durand", PATIENT))
    signed = document.sign(certified, 0, signer, None, stamper, "Signé par Camille Durand")
    final = document.finalise(signed, authority.operator, None, stamper, "Journal")
    keys = AccountKeys.generate()
    proof = make_evidence(
        keys, PATIENT, hashlib.sha256(certified).hexdigest(), "Je signe.", "2026-12-02T09:00:00Z"
    )
    (tmp_path / "signed.pdf").write_bytes(final)
    (tmp_path / "evidence.json").write_text(proof.to_json(), encoding="utf-8")
    (tmp_path / "ca.pem").write_bytes(authority.ca_pem)
    published = base64.b64encode(keys.public.signing).decode()
    common = ["--ca", str(tmp_path / "ca.pem"), "--evidence", str(tmp_path / "evidence.json")]

    good = _mss(tmp_path, str(tmp_path / "signed.pdf"), *common, "--key", f"{PATIENT}={published}")
    assert good.returncode == 0, good.stdout + good.stderr
    assert good.stdout.count(": valid, timestamped") == 3
    assert f"evidence of {PATIENT}: holds" in good.stdout

    stranger = base64.b64encode(AccountKeys.generate().public.signing).decode()
    wrong_key = _mss(
        tmp_path, str(tmp_path / "signed.pdf"), *common, "--key", f"{PATIENT}={stranger}"
    )
    assert wrong_key.returncode == 1 and "DOES NOT HOLD" in wrong_key.stdout

    tampered = bytearray(final)
    tampered[final.index(b"page 1")] ^= 0x01
    (tmp_path / "tampered.pdf").write_bytes(bytes(tampered))
    bad = _mss(tmp_path, str(tmp_path / "tampered.pdf"), "--ca", str(tmp_path / "ca.pem"))
    assert bad.returncode == 1 and "INVALID" in bad.stdout
