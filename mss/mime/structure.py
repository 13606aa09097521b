"""Parsing raw RFC 5322 octets into a :class:`MessageStructure` with offsets into them.

Implementation notes: the parser never copies the message; every entity is a range of ``raw``
and only header blocks are sliced. It never raises on malformed input: whatever cannot be read
as MIME becomes a leaf, text/plain where RFC 2045 §5.2 says so and application/octet-stream
where a limit stops the descent. Both limits below bound the work and the size of the result.
"""

from __future__ import annotations

from mss.mime.boundaries import part_spans
from mss.mime.charset import header_codec, header_str
from mss.mime.envelope import ENVELOPE_FIELDS, envelope_from_headers
from mss.mime.headers import read_header_block
from mss.mime.model import BodyPart, Envelope, MessageStructure, Params
from mss.mime.params import parse_content_type, parse_disposition, parse_language

# Containers (multipart/*, message/rfc822) this deep are not opened: they become opaque leaves.
MAX_DEPTH = 32
# Entities per message; a container whose parts would go past it is left unopened too.
MAX_PARTS = 10_000

_MediaType = tuple[str, str, Params]
# RFC 2045 §5.2: no (or an unreadable) Content-Type means text/plain; charset=us-ascii.
_TEXT_PLAIN: _MediaType = ("text", "plain", (("charset", "us-ascii"),))
# RFC 2046 §5.1.5: in a multipart/digest the default is message/rfc822.
_MESSAGE_RFC822: _MediaType = ("message", "rfc822", ())
_OPAQUE: _MediaType = ("application", "octet-stream", ())
# RFC 6532 §3.7: message/global is an encapsulated message with UTF-8 headers.
_ENCAPSULATED = frozenset({"rfc822", "global"})
# RFC 2046 §5.2.1: an encapsulated message is never encoded other than as identity.
_IDENTITY_ENCODINGS = frozenset({"7BIT", "8BIT", "BINARY"})


def _text(fields: dict[str, bytes], name: str) -> str | None:
    value = fields.get(name)
    return None if value is None else header_str(value)


def _encoding(fields: dict[str, bytes]) -> str:
    """RFC 2045 §6.1: the mechanism is a case-insensitive token, 7BIT when absent."""
    value = _text(fields, "content-transfer-encoding")
    words = value.split("(", 1)[0].split() if value else []
    return words[0].upper() if words else "7BIT"


def _line_count(raw: bytes, start: int, end: int) -> int:
    """RFC 3501 §7.4.2 body size in text lines; a last line without a line break counts."""
    lines = raw.count(b"\n", start, end)
    return lines + 1 if end > start and raw[end - 1] != 0x0A else lines


class _Parser:
    """One parse: the raw octets and what is left of the part budget."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.parts_left = MAX_PARTS

    def entity(
        self, start: int, end: int, depth: int, default: _MediaType
    ) -> tuple[BodyPart, dict[str, bytes]]:
        """Parse the entity in ``raw[start:end]``; also return its header fields."""
        block = read_header_block(self.raw, start, end)
        fields, body_start = block.fields, block.body_start
        content_type = fields.get("content-type")
        media = default if content_type is None else parse_content_type(header_str(content_type))
        media = media or _TEXT_PLAIN
        encoding = _encoding(fields)
        children: tuple[BodyPart, ...] = ()
        envelope: Envelope | None = None
        message: BodyPart | None = None
        if media[0] == "multipart":
            media, children = self._multipart(media, content_type, body_start, end, depth)
        elif media[0] == "message" and media[1] in _ENCAPSULATED:
            if depth >= MAX_DEPTH or encoding not in _IDENTITY_ENCODINGS or self.parts_left < 1:
                media = _OPAQUE
            else:
                self.parts_left -= 1
                message, inner_fields = self.entity(body_start, end, depth + 1, _TEXT_PLAIN)
                envelope = _envelope(inner_fields)
        counts_lines = media[0] == "text" or message is not None
        disposition = _text(fields, "content-disposition")
        language = _text(fields, "content-language")
        part = BodyPart(
            content_type=media[0],
            subtype=media[1],
            params=media[2],
            content_id=_text(fields, "content-id"),
            description=_text(fields, "content-description"),
            encoding=encoding,
            size=end - body_start,
            lines=_line_count(self.raw, body_start, end) if counts_lines else None,
            md5=_text(fields, "content-md5"),
            disposition=None if disposition is None else parse_disposition(disposition),
            language=None if language is None else parse_language(language),
            location=_text(fields, "content-location"),
            header_start=start,
            body_start=body_start,
            end=end,
            children=children,
            envelope=envelope,
            message=message,
        )
        return part, fields

    def _multipart(
        self, media: _MediaType, content_type: bytes | None, start: int, end: int, depth: int
    ) -> tuple[_MediaType, tuple[BodyPart, ...]]:
        """Open a multipart body, or say what the entity is to be taken for instead."""
        if depth >= MAX_DEPTH:
            return _OPAQUE, ()
        boundary = dict(media[2]).get("boundary", "").rstrip()
        if not boundary:
            return _TEXT_PLAIN, ()
        # The boundary as it appears in the body: encoded back with the header's own codec.
        octets = boundary.encode(header_codec(content_type or b""), "replace")
        spans = part_spans(self.raw, start, end, octets, self.parts_left)
        if len(spans) > self.parts_left:
            return _OPAQUE, ()
        if not spans:
            return _TEXT_PLAIN, ()
        self.parts_left -= len(spans)
        inner = _MESSAGE_RFC822 if media[1] == "digest" else _TEXT_PLAIN
        return media, tuple(self.entity(s, e, depth + 1, inner)[0] for s, e in spans)


def _envelope(fields: dict[str, bytes]) -> Envelope:
    return envelope_from_headers(
        {name: header_str(value) for name, value in fields.items() if name in ENVELOPE_FIELDS}
    )


def parse_message(raw: bytes) -> MessageStructure:
    """Parse a whole message; part numbers, sizes and offsets follow RFC 3501 §6.4.5 and §7.4.2."""
    body, fields = _Parser(raw).entity(0, len(raw), 0, _TEXT_PLAIN)
    return MessageStructure(envelope=_envelope(fields), body=body, header_end=body.body_start)
