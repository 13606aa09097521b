"""Compact JSON for :class:`MessageStructure`, the form kept in each message's encrypted summary.

Keys are short and members equal to their default are left out: most parts are text/plain,
7BIT, without parameters, and their offsets are small deltas. Decoding gives back exactly the
value that was encoded, any value of the model, not only what the parser produces.
"""

from __future__ import annotations

import json
from typing import Any

from mss.mime.model import BodyPart, Envelope, EnvelopeAddress, MessageStructure, Params

# Bumped when the layout changes, so summaries written earlier are recognised.
FORMAT_VERSION = 1

_Json = dict[str, Any]


def _params_out(params: Params) -> list[list[str]]:
    return [[name, value] for name, value in params]


def _addresses_out(addresses: tuple[EnvelopeAddress, ...]) -> list[list[str | None]]:
    return [[a.name, a.route, a.mailbox, a.host] for a in addresses]


def _envelope_out(envelope: Envelope) -> _Json:
    out: _Json = {}
    for key, value in (
        ("d", envelope.date),
        ("s", envelope.subject),
        ("i", envelope.in_reply_to),
        ("m", envelope.message_id),
    ):
        if value is not None:
            out[key] = value
    for key, addresses in (("f", envelope.from_), ("t", envelope.to), ("c", envelope.cc)):
        if addresses:
            out[key] = _addresses_out(addresses)
    if envelope.bcc:
        out["b"] = _addresses_out(envelope.bcc)
    # RFC 3501 §7.4.2 makes Sender and Reply-To default to From, so that is the usual case.
    if envelope.sender != envelope.from_:
        out["se"] = _addresses_out(envelope.sender)
    if envelope.reply_to != envelope.from_:
        out["r"] = _addresses_out(envelope.reply_to)
    return out


def _part_out(part: BodyPart) -> _Json:
    out: _Json = {"b": part.body_start - part.header_start, "n": part.end - part.body_start}
    if part.header_start:
        out["h"] = part.header_start
    if part.size != part.end - part.body_start:
        out["z"] = part.size
    if part.content_type != "text":
        out["t"] = part.content_type
    if part.subtype != "plain":
        out["u"] = part.subtype
    if part.params:
        out["p"] = _params_out(part.params)
    if part.encoding != "7BIT":
        out["e"] = part.encoding
    for key, value in (
        ("i", part.content_id),
        ("d", part.description),
        ("l", part.lines),
        ("5", part.md5),
        ("o", part.location),
    ):
        if value is not None:
            out[key] = value
    if part.disposition is not None:
        out["x"] = [part.disposition[0], _params_out(part.disposition[1])]
    if part.language is not None:
        out["g"] = list(part.language)
    if part.children:
        out["c"] = [_part_out(child) for child in part.children]
    if part.envelope is not None:
        out["v"] = _envelope_out(part.envelope)
    if part.message is not None:
        out["m"] = _part_out(part.message)
    return out


def structure_to_json(structure: MessageStructure) -> bytes:
    """Encode as UTF-8 JSON; lone surrogates pass through so that any ``str`` round-trips."""
    out: _Json = {"V": FORMAT_VERSION, "v": _envelope_out(structure.envelope)}
    out["r"] = _part_out(structure.body)
    if structure.header_end != structure.body.body_start:
        out["h"] = structure.header_end
    text = json.dumps(out, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", "surrogatepass")


class StructureFormatError(ValueError):
    """The bytes are not a structure written by :func:`structure_to_json`."""


def _object(value: object) -> _Json:
    if not isinstance(value, dict):
        raise StructureFormatError("expected an object")
    return value


def _list(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise StructureFormatError("expected an array")
    return value


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise StructureFormatError("expected an integer")
    return value


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise StructureFormatError("expected a string")
    return value


def _optional_str(value: object) -> str | None:
    return None if value is None else _str(value)


def _params_in(value: object) -> Params:
    pairs = [_list(pair) for pair in _list(value)]
    if any(len(pair) != 2 for pair in pairs):
        raise StructureFormatError("expected name/value pairs")
    return tuple((_str(name), _str(text)) for name, text in pairs)


def _addresses_in(value: object) -> tuple[EnvelopeAddress, ...]:
    rows = [_list(row) for row in _list(value)]
    if any(len(row) != 4 for row in rows):
        raise StructureFormatError("expected four members per address")
    return tuple(EnvelopeAddress(*(_optional_str(member) for member in row)) for row in rows)


def _envelope_in(value: object) -> Envelope:
    data = _object(value)
    from_ = _addresses_in(data.get("f", []))
    return Envelope(
        date=_optional_str(data.get("d")),
        subject=_optional_str(data.get("s")),
        from_=from_,
        sender=_addresses_in(data["se"]) if "se" in data else from_,
        reply_to=_addresses_in(data["r"]) if "r" in data else from_,
        to=_addresses_in(data.get("t", [])),
        cc=_addresses_in(data.get("c", [])),
        bcc=_addresses_in(data.get("b", [])),
        in_reply_to=_optional_str(data.get("i")),
        message_id=_optional_str(data.get("m")),
    )


def _part_in(value: object) -> BodyPart:
    data = _object(value)
    header_start = _int(data.get("h", 0))
    body_start = header_start + _int(data.get("b"))
    end = body_start + _int(data.get("n"))
    lines = data.get("l")
    disposition = data.get("x")
    if disposition is not None:
        disposition = _list(disposition)
        if len(disposition) != 2:
            raise StructureFormatError("expected a disposition type and parameters")
    language = data.get("g")
    return BodyPart(
        content_type=_str(data.get("t", "text")),
        subtype=_str(data.get("u", "plain")),
        params=_params_in(data.get("p", [])),
        content_id=_optional_str(data.get("i")),
        description=_optional_str(data.get("d")),
        encoding=_str(data.get("e", "7BIT")),
        size=_int(data.get("z", end - body_start)),
        lines=None if lines is None else _int(lines),
        md5=_optional_str(data.get("5")),
        disposition=(
            None if disposition is None else (_str(disposition[0]), _params_in(disposition[1]))
        ),
        language=None if language is None else tuple(_str(tag) for tag in _list(language)),
        location=_optional_str(data.get("o")),
        header_start=header_start,
        body_start=body_start,
        end=end,
        children=tuple(_part_in(child) for child in _list(data.get("c", []))),
        envelope=_envelope_in(data["v"]) if "v" in data else None,
        message=_part_in(data["m"]) if "m" in data else None,
    )


def structure_from_json(encoded: bytes) -> MessageStructure:
    """Decode what :func:`structure_to_json` wrote; raise :class:`StructureFormatError` on
    anything else."""
    try:
        data = _object(json.loads(encoded.decode("utf-8", "surrogatepass")))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise StructureFormatError(str(error)) from error
    if data.get("V") != FORMAT_VERSION:
        raise StructureFormatError(f"unknown format version {data.get('V')!r}")
    body = _part_in(data.get("r"))
    return MessageStructure(
        envelope=_envelope_in(data.get("v")),
        body=body,
        header_end=_int(data.get("h", body.body_start)),
    )
