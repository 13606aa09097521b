"""The webhook signature a receiver checks (mss/webhooks/signing.py) and the targets the server
refuses to call (mss/webhooks/targets.py)."""

from __future__ import annotations

import pytest

from mss.webhooks.signing import SignatureMismatch, new_secret, sign, verify
from mss.webhooks.targets import Target, TargetRefused, check_url, is_public, resolve

BODY = b'{"id":"evt_1","type":"message.delivered"}'


def test_a_genuine_signature_verifies_within_the_window() -> None:
    secret = new_secret()
    header = sign(secret, 1_000_000, BODY)
    assert header.startswith("t=1000000,v1=")
    assert verify(secret, header, BODY, now=1_000_000 + 299) == 1_000_000


def test_a_changed_body_or_another_secret_is_refused() -> None:
    secret = new_secret()
    header = sign(secret, 1_000_000, BODY)
    with pytest.raises(SignatureMismatch, match=r"^signature does not match$"):
        verify(secret, header, BODY.replace(b"delivered", b"displayed"), now=1_000_000)
    with pytest.raises(SignatureMismatch, match=r"^signature does not match$"):
        verify(new_secret(), header, BODY, now=1_000_000)


def test_a_replayed_request_is_refused_even_though_its_signature_is_genuine() -> None:
    secret = new_secret()
    header = sign(secret, 1_000_000, BODY)
    with pytest.raises(
        SignatureMismatch, match=r"^timestamp outside the tolerance: replayed or clock skew$"
    ):
        verify(secret, header, BODY, now=1_000_000 + 301)
    # Moving the timestamp forward breaks the signature, which covers it.
    forged = header.replace("t=1000000", "t=1000301")
    with pytest.raises(SignatureMismatch, match=r"^signature does not match$"):
        verify(secret, forged, BODY, now=1_000_301)


def test_a_malformed_header_is_refused() -> None:
    for header in ("", "v1=00", "t=abc,v1=00", "t=1,t=2,v1=00"):
        with pytest.raises(SignatureMismatch):
            verify("whsec_x", header, BODY, now=1)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/hook",  # plain http
        "https://user:pw@example.org/hook",
        "ftp://example.org/",
        "https:///nohost",
        "https://example.org:99999/",
        "https://exa mple.org/",
    ],
)
def test_urls_refused_by_syntax(url: str) -> None:
    with pytest.raises(TargetRefused):
        check_url(url, allow_private=False)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.1",
        "172.16.0.1",
        "169.254.169.254",
        "::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "0.0.0.0",  # noqa: S104 (an address refused, not bound)
        "224.0.0.1",
    ],
)
def test_private_and_local_addresses_are_not_public(address: str) -> None:
    assert not is_public(address)


def test_public_addresses_are_public() -> None:
    assert is_public("93.184.215.14") and is_public("2606:4700::1111")


async def test_loopback_is_refused_unless_allowed() -> None:
    with pytest.raises(TargetRefused, match="private"):
        await resolve("https://localhost:8443/hook", allow_private=False)
    with pytest.raises(TargetRefused, match="private"):
        await resolve("https://127.0.0.1/hook", allow_private=False)
    allowed = await resolve("http://127.0.0.1:8080/hook", allow_private=True)
    assert allowed.address == "127.0.0.1"


def test_the_request_goes_to_the_checked_address() -> None:
    target = Target("https://hooks.example:8443/a?b=1", "hooks.example", "2001:db8::1")
    assert target.pinned_url() == "https://[2001:db8::1]:8443/a?b=1"
    assert Target("https://h.example/x", "h.example", "192.0.2.1").pinned_url() == (
        "https://192.0.2.1/x"
    )


# Known answers computed apart from the code under test, with
# printf '%s' '1767225600.<body>' | openssl dgst -sha256 -hmac '<secret>'
KNOWN_SECRET = "whsec_known-answer"
KNOWN_MAC = "42e08f749d863b3f4f12c44cb45fbf2a282574fccf04032c45d5af1a2110acf7"


def test_the_signature_is_the_documented_hmac_known_answer() -> None:
    header = sign(KNOWN_SECRET, 1_767_225_600, BODY)
    assert header == f"t=1767225600,v1={KNOWN_MAC}"
    assert verify(KNOWN_SECRET, header, BODY, now=1_767_225_600) == 1_767_225_600
    # The secret is keyed as its UTF-8 bytes.
    assert sign("whsec_é", 1_767_225_600, b"") == (
        "t=1767225600,v1=e5662167e9df09743661d68eb1de079bbd0d3ce7b8a9286944816d527c693e84"
    )


def test_the_window_holds_five_minutes_either_side_inclusive() -> None:
    header = sign(KNOWN_SECRET, 1_000_000, BODY)
    for now in (1_000_000 - 300, 1_000_000 + 300):
        assert verify(KNOWN_SECRET, header, BODY, now=now) == 1_000_000
    for now in (1_000_000 - 301, 1_000_000 + 301):
        with pytest.raises(
            SignatureMismatch, match=r"^timestamp outside the tolerance: replayed or clock skew$"
        ):
            verify(KNOWN_SECRET, header, BODY, now=now)
    # A receiver may choose its own tolerance.
    assert verify(KNOWN_SECRET, header, BODY, now=1_000_010, tolerance=10) == 1_000_000
    with pytest.raises(
        SignatureMismatch, match=r"^timestamp outside the tolerance: replayed or clock skew$"
    ):
        verify(KNOWN_SECRET, header, BODY, now=1_000_011, tolerance=10)


def test_spaces_and_several_v1_values_are_read_as_documented() -> None:
    header = f"t=1767225600, v1={'0' * 64}, v1={KNOWN_MAC}, v0=ignored"
    assert verify(KNOWN_SECRET, header, BODY, now=1_767_225_600) == 1_767_225_600
    # A v1 that matches only in another field's name is not a signature.
    with pytest.raises(SignatureMismatch, match=r"^signature does not match$"):
        verify(KNOWN_SECRET, f"t=1767225600,v0={KNOWN_MAC}", BODY, now=1_767_225_600)
    with pytest.raises(SignatureMismatch, match=r"^no timestamp$"):
        verify(KNOWN_SECRET, f"v1={KNOWN_MAC}", BODY, now=1_767_225_600)


def test_a_new_secret_is_prefixed_and_holds_32_random_bytes() -> None:
    secrets = {new_secret() for _ in range(3)}
    assert len(secrets) == 3
    for secret in secrets:
        assert secret.startswith("whsec_")
        assert len(secret) == len("whsec_") + 43  # 32 bytes in unpadded base64url
