"""The compact JSON form of a structure: exact round trips, and refusal of anything else."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mss.mime import StructureFormatError, parse_message, structure_from_json, structure_to_json
from mss.mime.model import BodyPart, Envelope, EnvelopeAddress, MessageStructure

# Any str, lone surrogates included: the codec must not depend on what the parser produces.
_TEXT = st.text(st.characters(exclude_categories=()), max_size=6)
_OPTIONAL_TEXT = st.none() | _TEXT
_INT = st.integers(-(2**40), 2**40)
_PARAMS = st.lists(st.tuples(_TEXT, _TEXT), max_size=3).map(tuple)
_ADDRESSES = st.lists(
    st.builds(EnvelopeAddress, _OPTIONAL_TEXT, _OPTIONAL_TEXT, _OPTIONAL_TEXT, _OPTIONAL_TEXT),
    max_size=3,
).map(tuple)
_ENVELOPES = st.builds(
    Envelope,
    date=_OPTIONAL_TEXT,
    subject=_OPTIONAL_TEXT,
    from_=_ADDRESSES,
    sender=_ADDRESSES,
    reply_to=_ADDRESSES,
    to=_ADDRESSES,
    cc=_ADDRESSES,
    bcc=_ADDRESSES,
    in_reply_to=_OPTIONAL_TEXT,
    message_id=_OPTIONAL_TEXT,
)


def _parts(
    children: st.SearchStrategy[tuple[BodyPart, ...]], message: st.SearchStrategy[BodyPart | None]
) -> st.SearchStrategy[BodyPart]:
    return st.builds(
        BodyPart,
        content_type=st.sampled_from(["text", "multipart", "message"]) | _TEXT,
        subtype=st.sampled_from(["plain", "mixed"]) | _TEXT,
        params=_PARAMS,
        content_id=_OPTIONAL_TEXT,
        description=_OPTIONAL_TEXT,
        encoding=st.sampled_from(["7BIT", "BASE64"]) | _TEXT,
        size=_INT,
        lines=st.none() | _INT,
        md5=_OPTIONAL_TEXT,
        disposition=st.none() | st.tuples(_TEXT, _PARAMS),
        language=st.none() | st.lists(_TEXT, max_size=2).map(tuple),
        location=_OPTIONAL_TEXT,
        header_start=_INT,
        body_start=_INT,
        end=_INT,
        children=children,
        envelope=st.none() | _ENVELOPES,
        message=message,
    )


_LEAVES = _parts(st.just(()), st.none())
_STRUCTURES = st.builds(
    MessageStructure,
    envelope=_ENVELOPES,
    body=st.recursive(
        _LEAVES,
        lambda inner: _parts(st.lists(inner, max_size=3).map(tuple), st.none() | inner),
        max_leaves=6,
    ),
    header_end=_INT,
)


@given(_STRUCTURES)
def test_any_structure_round_trips(structure: MessageStructure) -> None:
    assert structure_from_json(structure_to_json(structure)) == structure


def test_parsed_messages_round_trip(well_formed: bytes) -> None:
    structure = parse_message(well_formed)
    assert structure_from_json(structure_to_json(structure)) == structure


def test_defaults_are_left_out() -> None:
    encoded = structure_to_json(parse_message(b"Subject: x\r\n\r\nhello\r\n"))
    assert encoded == b'{"V":1,"v":{"s":"x"},"r":{"b":14,"n":7,"p":[["charset","us-ascii"]],"l":1}}'


@pytest.mark.parametrize(
    "encoded",
    [
        b"",
        b"\xff",
        b"[]",
        b'{"V":2}',
        b'{"V":1,"v":{},"r":{"b":"1","n":0}}',
        b'{"V":1,"v":{},"r":{"b":1}}',
        b'{"V":1,"v":{"f":[[1,2,3,4]]},"r":{"b":1,"n":0}}',
        b'{"V":1,"v":{"f":[[null]]},"r":{"b":1,"n":0}}',
        b'{"V":1,"v":{},"r":{"b":1,"n":0,"p":[["a"]]}}',
        b'{"V":1,"v":{},"r":{"b":1,"n":0,"x":["inline"]}}',
        b'{"V":1,"v":{},"r":{"b":true,"n":0}}',
        b'{"V":1,"v":{},"r":{"b":1,"n":0,"c":{}}}',
    ],
)
def test_foreign_input_is_refused(encoded: bytes) -> None:
    with pytest.raises(StructureFormatError):
        structure_from_json(encoded)
