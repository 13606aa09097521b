"""What the message page shows: decoded headers, the readable body, the attachments.

The body a person reads is chosen as mail clients do (RFC 2046 §5.1.4: of a
multipart/alternative, the last alternative one can show; of any other multipart, its first
part). Plain text is kept as text, to be escaped by the template. HTML is never returned raw:
only :func:`html_body` gives it, sanitised, for the sandboxed frame.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from mss.mailcrypto import MessageSummary
from mss.mime import AttachmentInfo, attachments, decoded_body, find_part, text_of
from mss.mime.headers import read_header_block
from mss.mime.model import BodyPart, MessageStructure
from mss.store.records import MessageHead
from webmail.mail.headers import Person, decode_text, header_date, people
from webmail.mail.sanitize import SanitisedHtml, sanitise

PartPath = tuple[int, ...]


VIEWABLE_IMAGES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
"""Raster images the browser shows from the origin; never SVG, which may carry scripts."""
_IMAGE_EXTENSIONS = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}


@dataclass(frozen=True, slots=True)
class Attachment:
    """``size`` is the decoded size, what the patient's file will weigh, when the message's
    content was at hand; the encoded size otherwise (about a third more for base64)."""

    path: str
    filename: str
    content_type: str
    size: int

    @property
    def image_type(self) -> str | None:
        return image_type(self.content_type, self.filename)

    @property
    def viewer(self) -> str | None:
        return viewer_of(self.content_type, self.filename)


def image_type(content_type: str, filename: str) -> str | None:
    """The media type to show a file as an image under, if it is a viewable one: its declared
    type, or its file name's when the sender declared none useful."""
    if content_type in VIEWABLE_IMAGES:
        return content_type
    if content_type in ("application/octet-stream", "image/jpg"):
        return _IMAGE_EXTENSIONS.get(filename.rsplit(".", 1)[-1].lower())
    return None


def viewer_of(content_type: str, filename: str) -> str | None:
    """Which in-browser viewer shows a file (an attachment or a vault document): "pdf",
    "image", or None (download only)."""
    pdf = content_type == "application/pdf" or (
        content_type == "application/octet-stream" and filename.lower().endswith(".pdf")
    )
    if pdf:
        return "pdf"
    return "image" if image_type(content_type, filename) else None


@dataclass(frozen=True, slots=True)
class MessageView:
    mailbox_id: int
    uid: int
    subject: str
    sender: Person | None
    to: list[Person]
    cc: list[Person]
    reply_to: list[Person]
    date: int
    message_id: str
    references: str
    flags: frozenset[str]
    text: str | None
    has_html: bool
    attachments: list[Attachment]


def _readable(part: BodyPart, path: PartPath) -> tuple[list[tuple[PartPath, BodyPart]], bool]:
    """The leaves a reader sees as the body; the flag says whether this branch could show."""
    if part.children:
        if part.subtype == "alternative":
            for number in range(len(part.children), 0, -1):
                found, ok = _readable(part.children[number - 1], (*path, number))
                if ok:
                    # Keep a plain alternative too, for the text view beside the HTML one.
                    plain = [
                        ((*path, n), child)
                        for n, child in enumerate(part.children, 1)
                        if child.content_type == "text" and child.subtype == "plain"
                    ]
                    return found + plain, True
            return [], False
        return _readable(part.children[0], (*path, 1))
    disposition = part.disposition[0] if part.disposition else None
    shows = part.content_type == "text" and part.subtype in ("plain", "html")
    return ([(path or (1,), part)] if shows and disposition != "attachment" else []), shows


def readable_parts(structure: MessageStructure) -> tuple[BodyPart | None, BodyPart | None]:
    """(plain part, html part) of the body, either possibly missing."""
    found, _ = _readable(structure.body, ())
    plain = next((p for _, p in found if p.subtype == "plain"), None)
    html = next((p for _, p in found if p.subtype == "html"), None)
    return plain, html


def _attachment(info: AttachmentInfo, index: int, size: int | None = None) -> Attachment:
    name = info.filename or f"piece-jointe-{index}"
    path = ".".join(map(str, info.path))
    return Attachment(path, name, info.content_type, info.size if size is None else size)


def _decoded_size(structure: MessageStructure, raw: bytes, info: AttachmentInfo) -> int:
    part = find_part(structure, info.path)
    return len(decoded_body(raw, part)) if part is not None else info.size


def listed_attachments(structure: MessageStructure, raw: bytes) -> list[Attachment]:
    """The message's attachments with their decoded sizes."""
    return [
        _attachment(info, index, _decoded_size(structure, raw, info))
        for index, info in enumerate(attachments(structure), 1)
    ]


def build_view(
    record: MessageHead, summary: MessageSummary, raw: bytes, mailbox_id: int
) -> MessageView:
    structure = summary.structure
    envelope = structure.envelope
    plain, html = readable_parts(structure)
    text = text_of(raw, plain) if plain is not None else None
    senders = people(envelope.from_)
    from_headers = raw[: structure.header_end]
    return MessageView(
        mailbox_id=mailbox_id,
        uid=record.uid,
        subject=decode_text(envelope.subject),
        sender=senders[0] if senders else None,
        to=people(envelope.to),
        cc=people(envelope.cc),
        reply_to=people(envelope.reply_to),
        date=header_date(envelope.date) or summary.internal_date,
        message_id=envelope.message_id or "",
        references=_header(from_headers, b"references"),
        flags=record.flags,
        text=text,
        has_html=html is not None,
        attachments=listed_attachments(structure, raw),
    )


def _header(block: bytes, name: bytes) -> str:
    """One unfolded header field of the top-level header block (empty when absent)."""
    value = read_header_block(block, 0, len(block)).fields.get(name.decode())
    return value.decode("ascii", "replace") if value else ""


def html_body(
    structure: MessageStructure, raw: bytes, allow_remote: bool, image_budget: int
) -> SanitisedHtml | None:
    """The HTML body, sanitised, with its inline images as ``data:`` URIs."""
    _, html = readable_parts(structure)
    if html is None:
        return None
    return sanitise(
        text_of(raw, html), allow_remote=allow_remote, inline=_inline(structure, raw, image_budget)
    )


def _inline(structure: MessageStructure, raw: bytes, budget: int) -> dict[str, str]:
    found: dict[str, str] = {}
    stack = [structure.body]
    while stack:
        part = stack.pop()
        stack.extend(part.children)
        if part.content_id and part.content_type == "image" and part.size <= budget:
            data = decoded_body(raw, part)
            budget -= len(data)
            encoded = base64.b64encode(data).decode("ascii")
            subtype = part.subtype if part.subtype.isalnum() else "octet-stream"
            found[part.content_id.strip().strip("<>")] = f"data:image/{subtype};base64,{encoded}"
    return found


def find_attachment(structure: MessageStructure, path: str) -> tuple[BodyPart, Attachment] | None:
    """The attachment at ``path`` ("2", "1.3"), only if it is one the view lists (its size
    there is the encoded one: the caller decodes the part)."""
    for index, info in enumerate(attachments(structure), 1):
        if ".".join(map(str, info.path)) == path:
            part = find_part(structure, info.path)
            if part is not None:
                return part, _attachment(info, index)
    return None
