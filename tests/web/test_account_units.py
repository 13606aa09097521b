"""Units of issue 16's account items: plural forms in the catalogues, and the second factor's
rules (the enrolment's window, recovery codes)."""

from __future__ import annotations

import json

import pyotp

from mss.second_factor import (
    STEP_SECONDS,
    floor_after_enrolment,
    matching_step,
    new_recovery_codes,
    normalise_recovery_code,
    recovery_digest,
)
from webmail.i18n import _LOCALES, LANGUAGES, Translator


def test_plural_forms_follow_each_language() -> None:
    fr, en = Translator("fr"), Translator("en")
    assert fr("professionals.messages", count=1) == "1 message"
    assert fr("professionals.messages", count=0) == "0 message"  # French: 0 is singular
    assert fr("professionals.messages", count=2) == "2 messages"
    assert en("professionals.messages", count=0) == "0 messages"
    assert fr("mail.search_results", count=0, query="x") == "Aucun résultat pour « x »."
    assert fr("mail.search_results", count=3, query="x") == "3 résultats pour « x »."
    assert (
        en("message.images_blocked", count=1) == "1 remote image blocked to protect your privacy."
    )


def test_no_catalogue_writes_a_plural_as_parenthesis_s() -> None:
    for language in LANGUAGES:
        text = (_LOCALES / f"{language}.json").read_text(encoding="utf-8")
        json.loads(text)
        assert "(s)" not in text, language


def test_the_enrolment_leaves_its_own_window_to_the_first_sign_in() -> None:
    secret = pyotp.random_base32(32)
    now = 1_800_000_010.0
    step = matching_step(secret, pyotp.TOTP(secret).at(now), now)
    assert step == int(now // STEP_SECONDS)
    # The store accepts a step strictly after the one recorded (RFC 6238 §5.2).
    assert floor_after_enrolment(step) < step < floor_after_enrolment(step) + 2


def test_recovery_codes_read_back_from_paper_and_hash_per_secret() -> None:
    codes = new_recovery_codes()
    assert len(set(codes)) == 10
    code = codes[0]
    assert normalise_recovery_code(code.upper().replace("-", " ")) == code.replace("-", "")
    assert normalise_recovery_code("0000000000") == ""  # 0 and 1 are never in a code
    assert normalise_recovery_code("abc") == ""
    one, other = pyotp.random_base32(32), pyotp.random_base32(32)
    assert recovery_digest(one, code) == recovery_digest(one, code.upper())
    assert recovery_digest(one, code) != recovery_digest(other, code)


def test_the_recovery_digest_is_the_documented_keyed_hash() -> None:
    """A known answer computed apart from the code under test:
    KEY=$(printf '%s' 'mss second factor: recovery codes' | openssl dgst -sha256 \
          -hmac JBSWY3DPEHPK3PXP | awk '{print $2}')
    printf '%s' abcde23456 | openssl dgst -sha256 -mac HMAC -macopt hexkey:$KEY"""
    expected = "11704203435a2e80c74565782b792ea132cbdf44a55aa3e185cf9475cc80ebfc"
    assert recovery_digest("JBSWY3DPEHPK3PXP", "ABCDE-23456").hex() == expected
    assert recovery_digest("JBSWY3DPEHPK3PXP", " abcde\t23456 ").hex() == expected
