"""Structured MIME field values: media types, dispositions, parameters, language tags.

Written here rather than through ``email.message.Message.get_params`` because that helper sorts
RFC 2231 sections with mixed ``None``/``int`` keys (a ``TypeError`` on hostile input) and keeps
both the plain and the extended form of a parameter.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from mss.mime.charset import decode_text
from mss.mime.model import Params

# RFC 2045 §5.1: token := 1*<any (US-ASCII) CHAR except SPACE, CTLs, or tspecials>
_ATTRIBUTE_CHARS = r"[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+"
_MEDIA_TYPE = re.compile(rf"[ \t]*({_ATTRIBUTE_CHARS})[ \t]*/[ \t]*({_ATTRIBUTE_CHARS})[ \t]*")
# RFC 2231 §3 and §4: after the ``*`` come an optional section number and a ``*`` that marks the
# section as percent-encoded; a bare trailing ``*`` is a single encoded section.
_SECTION = re.compile(r"(?:([0-9]{1,9})(\*?))?")
_QUOTED_PAIR = re.compile(r"\\(.)", re.DOTALL)
_QUOTE_OR_COMMENT = re.compile(r'["(]')


def split_segments(value: str, separator: str = ";") -> list[str]:
    """Split at ``separator`` outside quoted strings, dropping comments (RFC 5322 §3.2.2).

    Quoted strings are kept with their quotes; an unterminated quote or comment runs to the end.
    """
    if '"' not in value and "(" not in value:
        return value.split(separator)
    segments: list[str] = []
    current: list[str] = []
    pos, size = 0, len(value)
    while pos < size:
        char = value[pos]
        if char == '"':
            stop = pos + 1
            while stop < size and value[stop] != '"':
                stop += 2 if value[stop] == "\\" else 1
            current.append(value[pos : stop + 1])
            pos = stop + 1
        elif char == "(":
            depth, stop = 0, pos
            while stop < size:
                inner = value[stop]
                if inner == "\\":
                    stop += 1
                elif inner == "(":
                    depth += 1
                elif inner == ")":
                    depth -= 1
                    if depth == 0:
                        break
                stop += 1
            pos = stop + 1
        else:
            special = _QUOTE_OR_COMMENT.search(value, pos)
            text = value[pos : special.start() if special is not None else size]
            *done, rest = text.split(separator)
            for piece in done:
                current.append(piece)
                segments.append("".join(current))
                current = []
            current.append(rest)
            pos += len(text)
    segments.append("".join(current))
    return segments


def _unquote(value: str) -> str:
    if not value.startswith('"'):
        return value
    inner = value[1:-1] if len(value) > 1 and value.endswith('"') else value[1:]
    return _QUOTED_PAIR.sub(r"\1", inner)


def _join_sections(sections: list[tuple[int, str, bool]]) -> str:
    """RFC 2231 §3-4: concatenate the sections in order; the first encoded one may name the
    charset and language as ``charset'language'``."""
    sections.sort(key=lambda section: section[0])
    charset: str | None = None
    octets: list[bytes] = []
    for index, (_, text, encoded) in enumerate(sections):
        if not encoded:
            octets.append(text.encode("utf-8"))
            continue
        if index == 0 and text.count("'") >= 2:
            charset, _, text = text.split("'", 2)
        octets.append(unquote_to_bytes(text))
    return decode_text(b"".join(octets), charset or None)


def parse_params(segments: list[str]) -> Params:
    """Parameters in order of first appearance, names lower-case, values unquoted and with
    RFC 2231 sections joined and decoded; an RFC 2231 value wins over a plain one."""
    values: dict[str, str] = {}
    extended: dict[str, list[tuple[int, str, bool]]] = {}
    for segment in segments:
        name, equals, value = segment.partition("=")
        name = name.strip().lower()
        if not equals or not name:
            continue
        value = _unquote(value.strip())
        base, star, rest = name.partition("*")
        section = _SECTION.fullmatch(rest) if star and base else None
        if section is None:
            values.setdefault(name, value)
            continue
        values.setdefault(base, "")
        number = section.group(1)
        if number is None:
            extended.setdefault(base, []).append((0, value, True))
        else:
            extended.setdefault(base, []).append((int(number), value, bool(section.group(2))))
    for base, sections in extended.items():
        values[base] = _join_sections(sections)
    return tuple(values.items())


def parse_content_type(value: str) -> tuple[str, str, Params] | None:
    """``(type, subtype, params)`` lower-cased, or None when the media type is not
    ``token/token`` (RFC 2045 §5.1)."""
    segments = split_segments(value)
    media = _MEDIA_TYPE.fullmatch(segments[0])
    if media is None:
        return None
    return media.group(1).lower(), media.group(2).lower(), parse_params(segments[1:])


def parse_disposition(value: str) -> tuple[str, Params] | None:
    """``(disposition type, params)`` of RFC 2183 §2, or None when the type is empty."""
    segments = split_segments(value)
    kind = segments[0].strip().lower()
    if not kind:
        return None
    return kind, parse_params(segments[1:])


def parse_language(value: str) -> tuple[str, ...] | None:
    """Language tags of RFC 3282 §2, or None when the field names none."""
    tags = tuple(tag.strip() for tag in split_segments(value, ",") if tag.strip())
    return tags or None
