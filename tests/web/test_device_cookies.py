"""The known-device cookie (webmail/security/devices.py) on its own: its tag is the documented
HMAC (a known answer), it proves nothing for another account, a forged or malformed value is
refused, and it is set for a year with a fresh 16-byte nonce (issue 18)."""

from __future__ import annotations

import base64

from starlette.requests import Request
from starlette.responses import Response

from webmail.security.devices import DEVICE, DeviceCookies

SECRET = b"\x01" * 32
# Computed apart from the code under test:
#   KEY=$(printf '%s' 'mss webmail known-device cookie v1' \
#         | openssl dgst -sha256 -mac HMAC -macopt hexkey:0101…01 | awk '{print $2}')
#   printf 'nonce\0owner@example.org' | openssl dgst -sha256 -mac HMAC -macopt hexkey:$KEY \
#         -binary | base64 | tr '+/' '-_' | tr -d '='
KNOWN_TAG = "bg5vWDx0jQYASoTgmL8xDWyu5YGjS54EbyGevRtQclA"


def _request(cookie: str | None, scheme: str = "http") -> Request:
    headers = [] if cookie is None else [(b"cookie", cookie.encode())]
    return Request(
        {
            "type": "http",
            "scheme": scheme,
            "server": ("mss.example", 443 if scheme == "https" else 80),
            "headers": headers,
            "path": "/",
            "query_string": b"",
        }
    )


def test_the_tag_is_the_documented_hmac_and_binds_the_address() -> None:
    devices = DeviceCookies(SECRET)
    cookie = f"{DEVICE}=nonce.{KNOWN_TAG}"
    assert devices.known(_request(cookie), "owner@example.org")
    # The address is compared as the sign-in form normalises it.
    assert devices.known(_request(cookie), "  Owner@Example.ORG ")
    # Another account, another server key, or a tag for another nonce proves nothing.
    assert not devices.known(_request(cookie), "other@example.org")
    assert not DeviceCookies(b"\x02" * 32).known(_request(cookie), "owner@example.org")
    assert not devices.known(_request(f"{DEVICE}=nonce2.{KNOWN_TAG}"), "owner@example.org")
    # Over TLS only the __Host- cookie counts.
    assert not devices.known(_request(cookie, "https"), "owner@example.org")
    assert devices.known(_request(f"__Host-{cookie}", "https"), "owner@example.org")


def test_missing_and_malformed_values_are_refused() -> None:
    devices = DeviceCookies(SECRET)
    for cookie in (
        None,
        f"{DEVICE}=",
        f"{DEVICE}=nonce{KNOWN_TAG}",
        f"{DEVICE}=nonce.{KNOWN_TAG}.",
        f"{DEVICE}=nonce.{KNOWN_TAG}.x",
        f"{DEVICE}=nonce.{KNOWN_TAG[:-1]}",
    ):
        assert not devices.known(_request(cookie), "owner@example.org"), cookie


def test_an_issued_cookie_lasts_a_year_with_a_fresh_nonce_and_is_known_back() -> None:
    devices = DeviceCookies(SECRET)
    values = []
    for _ in range(2):
        response = Response()
        devices.issue(response, _request(None), "Owner@example.org")
        (header,) = response.headers.getlist("set-cookie")
        first, *attributes = (part.strip() for part in header.split(";"))
        name, _, value = first.partition("=")
        assert name == DEVICE
        assert "Max-Age=31536000" in attributes
        nonce, _ = value.split(".")
        assert len(base64.urlsafe_b64decode(nonce + "==")) == 16
        assert devices.known(_request(f"{DEVICE}={value}"), "owner@example.org")
        assert not devices.known(_request(f"{DEVICE}={value}"), "other@example.org")
        values.append(value)
    assert values[0] != values[1]
