"""The one line a mail list shows under a subject: the start of what the sender wrote.

Why here: the preview is computed once, at delivery, from the raw message, and kept inside the
encrypted summary (``mss.mailcrypto``), so that listing a folder never decrypts a body and no
clear column ever holds a word of it. Quoted lines (``>``, or an HTML ``blockquote``) and the
attribution line before them are left out, so a reply previews its new text rather than the
message it answers.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from mss.mime.model import BodyPart, MessageStructure
from mss.mime.sections import text_of

PREVIEW_CHARS = 160
"""Characters kept: about two lines of a phone's list, and a bounded summary size."""
_SCAN_CHARS = 20_000
"""Only the start of a body is read: a preview never needs more."""
_SPACES = re.compile(r"\s+")
_ATTRIBUTION = re.compile(r"(a écrit|wrote|schrieb|escribió)\s*:\s*$", re.IGNORECASE)
_HIDDEN = frozenset({"style", "script", "head", "title", "template", "blockquote"})


class _TextOf(HTMLParser):
    """Visible text of an HTML body, one line per block; styles and scripts skipped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in ("br", "p", "div", "tr", "li", "h1", "h2", "h3"):
            self.lines.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.lines[-1] += data


def _first_text(part: BodyPart, subtype: str) -> BodyPart | None:
    """The first text/``subtype`` leaf not marked as an attachment, depth first."""
    if part.children:
        for child in part.children:
            found = _first_text(child, subtype)
            if found is not None:
                return found
        return None
    disposition = part.disposition[0] if part.disposition else None
    if part.content_type == "text" and part.subtype == subtype and disposition != "attachment":
        return part
    return None


def _new_text(lines: list[str]) -> str:
    """The lines up to the signature, without quotations nor the attribution before one."""
    kept: list[str] = []
    for line in lines:
        stripped = line.strip()
        if line.rstrip("\r\n") in ("-- ", "--"):
            break
        if stripped.startswith(">"):
            while kept and (not kept[-1] or _ATTRIBUTION.search(kept[-1])):
                kept.pop()
            continue
        kept.append(stripped)
    return _SPACES.sub(" ", " ".join(kept)).strip()


def preview_of(raw: bytes, structure: MessageStructure) -> str:
    """Up to :data:`PREVIEW_CHARS` characters of the body's own text, or "" when it has none."""
    plain = _first_text(structure.body, "plain")
    if plain is not None:
        lines = text_of(raw, plain)[:_SCAN_CHARS].splitlines()
    else:
        html = _first_text(structure.body, "html")
        if html is None:
            return ""
        parser = _TextOf()
        parser.feed(text_of(raw, html)[:_SCAN_CHARS])
        parser.close()
        lines = parser.lines
    text = _new_text(lines)
    if len(text) <= PREVIEW_CHARS:
        return text
    return text[: PREVIEW_CHARS - 1].rstrip() + "…"
