"""Reaching into a parsed message: parts by number, their decoded contents, attachments."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.header import decode_header, make_header

from mss.mime.charset import decode_text
from mss.mime.model import BodyPart, MessageStructure
from mss.mime.transfer import decode_transfer

PartPath = tuple[int, ...]


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    """An attachment as the webmail lists it; ``size`` is in octets as stored (still encoded)."""

    path: PartPath
    filename: str | None
    content_type: str
    size: int
    disposition: str | None


def find_part(structure: MessageStructure, path: PartPath) -> BodyPart | None:
    """The part numbered ``path`` (RFC 3501 §6.4.5), or None if the message has no such part.

    Part 1 of a message that is not multipart is its body; the parts of an encapsulated
    message are numbered inside it, so ``2.1`` is the first part of the message in part 2.
    The empty path is the root entity.
    """
    node = structure.body
    at_message = True
    for number in path:
        if not at_message and node.message is not None:
            node, at_message = node.message, True
        if node.children:
            if not 1 <= number <= len(node.children):
                return None
            node = node.children[number - 1]
        elif not (at_message and number == 1):
            return None
        at_message = False
    return node


def decoded_body(raw: bytes, part: BodyPart) -> bytes:
    """The part's body with its content transfer encoding undone."""
    return decode_transfer(raw[part.body_start : part.end], part.encoding)


def text_of(raw: bytes, part: BodyPart) -> str:
    """The part's body as text, in its declared charset (RFC 2046 §4.1.2)."""
    return decode_text(decoded_body(raw, part), dict(part.params).get("charset"))


def _leaves(part: BodyPart, path: PartPath) -> Iterator[tuple[PartPath, BodyPart]]:
    """Every leaf with its RFC 3501 §6.4.5 number, entering encapsulated messages."""
    if part.children:
        for number, child in enumerate(part.children, 1):
            yield from _leaves(child, (*path, number))
    elif part.message is not None:
        inner = part.message
        yield from _leaves(inner, path if inner.children else (*path, 1))
    else:
        yield path, part


def _root_leaves(structure: MessageStructure) -> Iterator[tuple[PartPath, BodyPart]]:
    body = structure.body
    return _leaves(body, () if body.children else (1,))


def iter_text(raw: bytes, structure: MessageStructure) -> Iterator[str]:
    """The text of every text/* leaf, encapsulated messages included (SEARCH BODY, TEXT)."""
    for _, part in _root_leaves(structure):
        if part.content_type == "text":
            yield text_of(raw, part)


def _main_body(part: BodyPart) -> set[int]:
    """Identities of the leaves a reader sees as the message itself: every alternative of a
    multipart/alternative (RFC 2046 §5.1.4), the first part of any other multipart."""
    if part.children:
        if part.subtype == "alternative":
            return set().union(*(_main_body(child) for child in part.children))
        return _main_body(part.children[0])
    disposition = part.disposition[0] if part.disposition else None
    if part.content_type == "text" and disposition != "attachment":
        return {id(part)}
    return set()


def _filename(part: BodyPart) -> str | None:
    """Content-Disposition filename (RFC 2183 §2.3), else the Content-Type name, with encoded
    words decoded (RFC 2047 §5, as many mailers wrongly use them in parameters)."""
    value = dict(part.disposition[1]).get("filename") if part.disposition else None
    value = value or dict(part.params).get("name")
    if not value:
        return None
    try:
        return str(make_header(decode_header(value)))
    except (HeaderParseError, LookupError, UnicodeError, ValueError):
        return value


def _inline(part: BodyPart, in_related: bool) -> bool:
    """An image the HTML body shows through ``cid:`` (RFC 2387 multipart/related, RFC 2392):
    it is part of the body, not an attachment, unless its sender marked it as one."""
    disposition = part.disposition[0] if part.disposition else None
    return (
        in_related
        and part.content_id is not None
        and part.content_type == "image"
        and disposition != "attachment"
    )


def attachments(structure: MessageStructure) -> list[AttachmentInfo]:
    """Leaves marked as attachments or named, and non-text leaves outside the main body; the
    inline images of a multipart/related body are not attachments.

    An encapsulated message counts as one attachment; its own parts are not listed.
    """
    main = _main_body(structure.body)
    found: list[AttachmentInfo] = []
    stack: list[tuple[PartPath, BodyPart, bool]] = [((), structure.body, False)]
    while stack:
        path, part, in_related = stack.pop()
        if part.children:
            related = part.subtype == "related"
            numbered = enumerate(part.children, 1)
            stack.extend(
                ((*path, number), child, related) for number, child in reversed(list(numbered))
            )
            continue
        if _inline(part, in_related):
            continue
        disposition = part.disposition[0] if part.disposition else None
        filename = _filename(part)
        if disposition == "attachment" or filename or id(part) not in main:
            found.append(
                AttachmentInfo(
                    path=path or (1,),
                    filename=filename,
                    content_type=f"{part.content_type}/{part.subtype}",
                    size=part.size,
                    disposition=disposition,
                )
            )
    return found
