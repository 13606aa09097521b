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
    with pytest.raises(SignatureMismatch, match="does not match"):
        verify(secret, header, BODY.replace(b"delivered", b"displayed"), now=1_000_000)
    with pytest.raises(SignatureMismatch, match="does not match"):
        verify(new_secret(), header, BODY, now=1_000_000)


def test_a_replayed_request_is_refused_even_though_its_signature_is_genuine() -> None:
    secret = new_secret()
    header = sign(secret, 1_000_000, BODY)
    with pytest.raises(SignatureMismatch, match="tolerance"):
        verify(secret, header, BODY, now=1_000_000 + 301)
    # Moving the timestamp forward breaks the signature, which covers it.
    forged = header.replace("t=1000000", "t=1000301")
    with pytest.raises(SignatureMismatch, match="does not match"):
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
