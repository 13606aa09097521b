"""API key tags pinned to known bytes, and the exact reasons given for refused keys and scopes
(issue 18): a tag computed without its ``api-key`` label would collide with other keyed tags of
the same server secret, and the reasons are what an integrator reads."""

from __future__ import annotations

import re

import pytest
from nacl.encoding import RawEncoder
from nacl.hash import blake2b

from crypto.tags import keyed_tag
from mss.api.keys import (
    LOOKUP_BYTES,
    PREFIX,
    KeyFormatError,
    ScopeError,
    issue_key,
    key_tag,
    parse_scopes,
    split_key,
)

SECRET = bytes(range(32))


def test_key_tag_vector_and_its_label() -> None:
    tag = key_tag(SECRET, "a1b2c3d4e5f6", "secret-part")
    assert tag.hex() == "1c77e75f522df2203a02eab91a5b1cc64e87b353e21dadc3d17644d6cd48db58"
    assert keyed_tag(SECRET, b"a1b2c3d4e5f6", b"secret-part") != tag, "labelled api-key"
    unkeyed = blake2b(b"a1b2c3d4e5f6secret-part", digest_size=32, encoder=RawEncoder)
    assert bytes(unkeyed) != tag


def test_issued_keys_have_the_documented_shape() -> None:
    issued = issue_key(SECRET)
    match = re.fullmatch(r"mss_([0-9a-f]{12})_([A-Za-z0-9_-]{32})", issued.text)
    assert match is not None, issued.text
    assert issued.lookup == match.group(1) and len(issued.lookup) == 2 * LOOKUP_BYTES
    assert issued.tag == key_tag(SECRET, issued.lookup, match.group(2))
    assert issued.text.startswith(PREFIX)


@pytest.mark.parametrize(
    "text", ["Bearer x", "mss_abc", "mss_abcdef012345_", "mss_abcdef01234z_x", "mss_abcd_x"]
)
def test_refused_keys_say_why(text: str) -> None:
    with pytest.raises(KeyFormatError) as refused:
        split_key(text)
    assert str(refused.value) == "not an MSS API key"


def test_refused_scopes_say_why() -> None:
    with pytest.raises(ScopeError) as refused:
        parse_scopes(",")
    assert str(refused.value) == "au moins un droit est requis / at least one scope is required"
    with pytest.raises(ScopeError) as refused:
        parse_scopes("send,root,admin")
    assert str(refused.value) == "droits inconnus / unknown scopes: admin, root"
