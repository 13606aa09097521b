"""The signer's own proof, beside the PAdES signature: their account's Ed25519 key signs the
hash of the document they read, the consent text they ticked and the time.

The PAdES certificate is issued by the operator; this evidence is made with a key only the
signer's credential unlocks, and checked by anyone with the public key the directory publishes.
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass

from crypto.keys import AccountKeys, verify_signature

PURPOSE = "mss-signature-evidence-v1"


@dataclass(frozen=True, slots=True)
class Evidence:
    signer: str
    document_sha256: str
    consent: str
    signed_at: str
    public_key: str
    """The signer's Ed25519 public key, base64, as the directory publishes it."""
    signature: str = ""

    def statement(self) -> bytes:
        fields = asdict(self)
        fields.pop("signature")
        fields["purpose"] = PURPOSE
        return json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, data: str) -> Evidence:
        return cls(**json.loads(data))


def make_evidence(
    keys: AccountKeys, signer: str, document_sha256: str, consent: str, signed_at: str
) -> Evidence:
    public = base64.b64encode(keys.public.signing).decode()
    unsigned = Evidence(signer, document_sha256, consent, signed_at, public)
    signature = base64.b64encode(keys.sign(unsigned.statement())).decode()
    return Evidence(signer, document_sha256, consent, signed_at, public, signature)


def evidence_holds(evidence: Evidence, published_key: bytes) -> bool:
    """True when ``published_key`` (from the directory) made this evidence."""
    if base64.b64decode(evidence.public_key) != published_key:
        return False
    return verify_signature(
        published_key, evidence.statement(), base64.b64decode(evidence.signature)
    )
