"""Finding the iTIP object of a message (RFC 6047 §2.4: a text/calendar part with a method)."""

from __future__ import annotations

from collections.abc import Iterator

from mss.mime import decoded_body
from mss.mime.model import BodyPart, MessageStructure

CALENDAR_TYPES = {("text", "calendar"), ("application", "ics")}


def calendar_parts(raw: bytes, structure: MessageStructure) -> Iterator[tuple[bytes, str | None]]:
    """Each calendar part's decoded octets with its ``method`` parameter; parts inside attached
    messages are not the message's own invitation and are skipped."""
    for part in _leaves(structure.body):
        if (part.content_type.lower(), part.subtype.lower()) in CALENDAR_TYPES:
            method = dict((k.lower(), v) for k, v in part.params).get("method")
            yield decoded_body(raw, part), method


def _leaves(part: BodyPart) -> Iterator[BodyPart]:
    if part.children:
        for child in part.children:
            yield from _leaves(child)
    elif part.message is None:
        yield part
