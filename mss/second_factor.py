"""The rules of the second factor, apart from any front end: which RFC 6238 time step a code
belongs to, which steps a sign-in may still use, and what a recovery code is.

Replay (RFC 6238 §5.2: the verifier "MUST NOT accept the second attempt of the OTP after the
successful validation has been issued for the first OTP"): each account keeps the last step a
sign-in used, and a code is accepted only for a later step (one conditional UPDATE in the store).

Enrolment is not a sign-in. The code typed there proves that the authenticator holds the secret,
inside a session the password already opened; nobody signs in with it. So enrolment records
the step *before* the one it matched: the first sign-in may still use that window's code, once,
and every later window works as usual. Recording the enrolment's own step instead refused a
patient who signed out and back in within the same 30 seconds ("déjà utilisé").

Recovery codes stand in for the authenticator when the phone is lost: each is good once, and
the store keeps only a keyed hash of it (HMAC-SHA256 under a key derived from the TOTP secret,
which is itself sealed to the account), so neither a dump of the database nor the server's
own secrets can tell whether a guess is right.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pyotp

STEP_SECONDS = 30  # RFC 6238 §4.1 default X
DRIFT_STEPS = 1  # RFC 6238 §5.2: "at most one time step" of network delay is recommended
DIGITS = 6

RECOVERY_CODES = 10
# Unambiguous letters and digits (no 0/o, 1/l/i), 10 of them: 31^10, about 2^49 per code,
# beyond reach of the sign-in throttle (a handful of tries a minute).
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 10
_RECOVERY_KEY_LABEL = b"mss second factor: recovery codes"


def matching_step(secret: str, code: str, now: float) -> int | None:
    """The time step whose code is ``code``, within the allowed drift, or None."""
    candidate = "".join(code.split())
    if len(candidate) != DIGITS or not candidate.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    current = int(now // STEP_SECONDS)
    found = None
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), candidate):
            found = step
    return found


def floor_after_enrolment(enrolment_step: int) -> int:
    """The "last step used" to record at enrolment: the first sign-in may still use the
    enrolment's own window (see the module's notes)."""
    return enrolment_step - 1


def new_recovery_codes() -> list[str]:
    """Fresh codes to show once, written ``xxxxx-xxxxx`` for reading aloud and copying."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def normalise_recovery_code(text: str) -> str:
    """What was typed, without spaces, dashes or capitals; "" if it cannot be a code."""
    cleaned = "".join(ch for ch in text.lower() if ch not in " -\t")
    if len(cleaned) != _RECOVERY_LENGTH or any(ch not in _RECOVERY_ALPHABET for ch in cleaned):
        return ""
    return cleaned


def recovery_digest(totp_secret: str, code: str) -> bytes:
    """The keyed hash stored for ``code`` (normalised): only the holder of the TOTP secret
    can compute it."""
    key = hmac.new(totp_secret.encode("ascii"), _RECOVERY_KEY_LABEL, hashlib.sha256).digest()
    return hmac.new(key, normalise_recovery_code(code).encode("ascii"), hashlib.sha256).digest()
