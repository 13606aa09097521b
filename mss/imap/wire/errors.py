"""Typed IMAP errors that know their own wire reply.

Every failure a command can meet is raised as an ``ImapError`` and turned into bytes at one
boundary, the session's dispatch. The reply text is made safe there (RFC 3501 §9: ``text`` is
1*TEXT-CHAR, so no CR, LF, NUL or 8-bit octet may reach the client), whatever the message holds:
a parse error quotes the client's input, and that input may be anything.
"""

from __future__ import annotations

from typing import Literal, Self

from mss.imap.wire.codes import BAD, Code, as_code

_MAX_TEXT = 200


def safe_text(text: str) -> bytes:
    """Printable ASCII only, bounded, never empty, never mistaken for a response code.

    RFC 3501 §9: ``resp-text = ["[" resp-text-code "]" SP] text``; a text that began with "["
    would be read by clients as a code, so it is prefixed.
    """
    cleaned = "".join(ch if " " <= ch <= "~" else "?" for ch in text).strip()
    if len(cleaned) > _MAX_TEXT:
        cleaned = cleaned[: _MAX_TEXT - 3] + "..."
    if not cleaned:
        cleaned = "Error"
    if cleaned.startswith("["):
        cleaned = "- " + cleaned
    return cleaned.encode("ascii")


class ImapError(Exception):
    """A command failed; ``reply`` gives the tagged (or untagged) completion to send."""

    status: Literal["NO", "BAD"]

    def __init__(
        self,
        text: str,
        *,
        code: str | Code | None = None,
        tag: str | None = None,
    ) -> None:
        super().__init__(text)
        self.text = text
        self.code = as_code(code)
        self.tag = tag

    def reply(self, tag: str | None = None) -> bytes:
        """The completion line: ``tag status [code] text CRLF``, or ``*`` when no tag is known.

        RFC 3501 §7.1.3: a BAD that cannot be tied to a command is sent untagged.
        """
        use = tag if tag is not None else self.tag
        line = (use or "*").encode("ascii") + b" " + self.status.encode("ascii") + b" "
        if self.code is not None:
            line += self.code.render() + b" "
        return line + safe_text(self.text) + b"\r\n"

    def with_tag(self, tag: str) -> Self:
        """The same error, tied to the command whose tag was read before the fault."""
        if self.tag is None:
            self.tag = tag
        return self


class ParseError(ImapError):
    """The client's input does not follow the grammar: answered with BAD (RFC 3501 §7.1.3).

    ``text`` says what was wrong and where, so a person reading a client log can fix it.
    """

    status: Literal["NO", "BAD"] = BAD


class CommandError(ImapError):
    """A well-formed command that cannot be carried out: NO, or BAD when used out of place."""

    def __init__(
        self,
        status: Literal["NO", "BAD"],
        code: str | Code | None,
        text: str,
        *,
        tag: str | None = None,
    ) -> None:
        super().__init__(text, code=code, tag=tag)
        self.status = status
