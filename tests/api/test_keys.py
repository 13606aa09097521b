"""API keys: shown once, stored as a keyed tag only, refused when altered or of another server."""

from __future__ import annotations

import pytest

from crypto.tags import new_secret
from mss.api.keys import (
    KeyFormatError,
    KeyRateLimit,
    ScopeError,
    issue_key,
    key_matches,
    parse_scopes,
    split_key,
)


def test_issued_key_matches_its_tag_and_the_tag_is_not_the_key() -> None:
    secret = new_secret()
    issued = issue_key(secret)
    assert key_matches(secret, issued.text, issued.tag)
    assert issued.text.encode() not in issued.tag
    assert split_key(issued.text)[0] == issued.lookup


def test_altered_key_other_server_and_swapped_lookup_are_refused() -> None:
    secret = new_secret()
    issued = issue_key(secret)
    other = issue_key(secret)
    altered = issued.text[:-1] + ("A" if issued.text[-1] != "A" else "B")
    assert not key_matches(secret, altered, issued.tag)
    assert not key_matches(new_secret(), issued.text, issued.tag)
    _, secret_part = split_key(issued.text)
    swapped = f"mss_{other.lookup}_{secret_part}"
    assert not key_matches(secret, swapped, issued.tag)


@pytest.mark.parametrize("text", ["", "Bearer x", "mss_", "mss_zzzzzzzzzzzz_abc", "mss_abcd_x"])
def test_malformed_keys_are_refused_clearly(text: str) -> None:
    with pytest.raises(KeyFormatError):
        split_key(text)
    assert not key_matches(new_secret(), text, b"\0" * 32)


def test_scopes_are_parsed_and_unknown_ones_refused() -> None:
    assert parse_scopes("send, status") == {"send", "status"}
    with pytest.raises(ScopeError):
        parse_scopes("send,admin")
    with pytest.raises(ScopeError):
        parse_scopes(" , ")


def test_rate_limit_is_per_key() -> None:
    limit = KeyRateLimit(per_window=2, window=60)
    assert limit.allow("a") and limit.allow("a")
    assert not limit.allow("a")
    assert limit.allow("b")
