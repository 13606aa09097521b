"""Primitives of the IMAP grammar (RFC 3501 §9), one small parser per production.

Each parser takes a ``Buffer`` and returns ``(value, rest)``; the buffer is immutable, so a
parser that fails leaves its caller free to try another production from the same place. A
failure raises ``ParseError`` with a text naming what was expected and what was found.

The buffer walks a framed command: text pieces with literals between them. A literal therefore
appears where a string may, and nowhere else, without the parser ever seeing a ``{n}`` marker.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from mss.imap.wire.errors import ParseError
from mss.imap.wire.framing import Literal, RawCommand

T = TypeVar("T")

MAX_NUMBER = 2**32 - 1  # RFC 3501 §9: number is an unsigned 32-bit integer
MAX_MODSEQ = 2**63 - 1  # RFC 7162 §7: mod-sequence-value is 1*DIGIT below 2^63


def _char_class(excluded: bytes) -> bytes:
    """A regex class of the CHARs from 0x21 to 0x7E, less ``excluded``."""
    allowed = bytes(c for c in range(0x21, 0x7F) if c not in excluded)
    return b"[" + b"".join(re.escape(bytes([c])) for c in allowed) + b"]"


# RFC 3501 §9: atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards / quoted-specials
# / resp-specials. ASTRING-CHAR adds "]" back; list-char adds "%" and "*".
ATOM_CHAR = _char_class(b'(){%*"\\]')
ASTRING_CHAR = _char_class(b'(){%*"\\')
LIST_CHAR = _char_class(b'(){"\\')
TAG_CHAR = _char_class(b'(){%*"\\+')

_ATOM = re.compile(ATOM_CHAR + b"+")
_ASTRING_ATOM = re.compile(ASTRING_CHAR + b"+")
_LIST_ATOM = re.compile(LIST_CHAR + b"+")
_TAG = re.compile(TAG_CHAR + b"+")
_NUMBER = re.compile(rb"[0-9]+")
# RFC 3501 §9 quoted; 8-bit octets are accepted as UTF-8 (RFC 6855 §3 utf8-quoted).
_QUOTED = re.compile(rb'"((?:[^"\\\r\n\x00]|\\["\\])*)"')
_QUOTED_ESCAPE = re.compile(rb'\\(["\\])')


@dataclass(frozen=True, slots=True)
class Buffer:
    """A position in a framed command."""

    texts: tuple[bytes, ...]
    literals: tuple[Literal, ...] = ()
    piece: int = 0
    pos: int = 0

    @classmethod
    def of(cls, command: RawCommand) -> Buffer:
        """The start of a framed command."""
        return cls(command.texts, command.literals)

    @classmethod
    def from_line(cls, line: bytes) -> Buffer:
        """A buffer over one line without literals (tests, SASL responses)."""
        return cls((line,))

    @property
    def text(self) -> bytes:
        """The text piece the position is in."""
        return self.texts[self.piece]

    def at_literal(self) -> bool:
        """Whether a literal comes next."""
        return self.pos == len(self.text) and self.piece < len(self.literals)

    def at_end(self) -> bool:
        """Whether the whole command has been read."""
        return self.pos == len(self.text) and self.piece == len(self.literals)

    def peek(self) -> bytes:
        """The next octet of text, or b"" at a literal or at the end."""
        return self.text[self.pos : self.pos + 1]

    def startswith(self, prefix: bytes) -> bool:
        """Case-insensitive test of what comes next in this text piece."""
        return self.text[self.pos : self.pos + len(prefix)].upper() == prefix.upper()

    def skip(self, count: int) -> Buffer:
        """The position ``count`` octets further in this text piece."""
        return Buffer(self.texts, self.literals, self.piece, self.pos + count)

    def match(self, pattern: re.Pattern[bytes]) -> re.Match[bytes] | None:
        """``pattern`` anchored at the position."""
        return pattern.match(self.text, self.pos)

    def after(self, match: re.Match[bytes]) -> Buffer:
        """The position after a match made by ``match``."""
        return Buffer(self.texts, self.literals, self.piece, match.end())

    def take_literal(self) -> tuple[Literal, Buffer]:
        """The literal that comes next, and the position after it."""
        if not self.at_literal():
            raise self.error("Expected a literal")
        return self.literals[self.piece], Buffer(self.texts, self.literals, self.piece + 1, 0)

    def found(self) -> str:
        """What comes next, for error texts."""
        if self.at_end():
            return "end of command"
        if self.at_literal():
            return "a literal"
        snippet = self.text[self.pos : self.pos + 24]
        return repr(snippet.decode("ascii", "backslashreplace"))

    def error(self, expected: str) -> ParseError:
        """``ParseError`` saying what was expected here and what was found instead."""
        return ParseError(f"{expected}, found {self.found()}")


def sp(buf: Buffer) -> Buffer:
    """One space (RFC 3501 §9 SP), the only separator the grammar allows."""
    if buf.peek() != b" ":
        raise buf.error("Expected a space")
    return buf.skip(1)


def token(buf: Buffer, word: bytes) -> Buffer:
    """A fixed token, case-insensitive (RFC 3501 §9: keywords are case-insensitive)."""
    if not buf.startswith(word):
        raise buf.error(f"Expected {word.decode('ascii')}")
    return buf.skip(len(word))


def maybe(buf: Buffer, word: bytes) -> Buffer | None:
    """The position after ``word`` if it comes next, else None."""
    return buf.skip(len(word)) if buf.startswith(word) else None


def atom(buf: Buffer) -> tuple[str, Buffer]:
    """RFC 3501 §9 atom = 1*ATOM-CHAR."""
    match = buf.match(_ATOM)
    if match is None:
        raise buf.error("Expected an atom")
    return match.group().decode("ascii"), buf.after(match)


def keyword(buf: Buffer) -> tuple[str, Buffer]:
    """An atom read as a keyword: command names, search keys, fetch items, in upper case."""
    value, rest = atom(buf)
    return value.upper(), rest


def tag(buf: Buffer) -> tuple[str, Buffer]:
    """RFC 3501 §9 tag = 1*<any ASTRING-CHAR except "+">."""
    match = buf.match(_TAG)
    if match is None:
        raise buf.error("Expected a tag")
    return match.group().decode("ascii"), buf.after(match)


def number(buf: Buffer, *, limit: int = MAX_NUMBER) -> tuple[int, Buffer]:
    """RFC 3501 §9 number = 1*DIGIT, an unsigned 32-bit value unless ``limit`` says more."""
    match = buf.match(_NUMBER)
    if match is None:
        raise buf.error("Expected a number")
    digits = match.group()
    if len(digits) > 20 or int(digits) > limit:
        raise buf.error("Number out of range")
    return int(digits), buf.after(match)


def nz_number(buf: Buffer, *, limit: int = MAX_NUMBER) -> tuple[int, Buffer]:
    """RFC 3501 §9 nz-number: a number that is not zero."""
    value, rest = number(buf, limit=limit)
    if value == 0:
        raise buf.error("Expected a non-zero number")
    return value, rest


def quoted(buf: Buffer) -> tuple[bytes, Buffer]:
    """RFC 3501 §9 quoted = DQUOTE *QUOTED-CHAR DQUOTE, with ``\\"`` and ``\\\\`` escapes."""
    match = buf.match(_QUOTED)
    if match is None:
        raise buf.error("Expected a well-formed quoted string")
    return _QUOTED_ESCAPE.sub(rb"\1", match.group(1)), buf.after(match)


def literal(buf: Buffer) -> tuple[bytes, Buffer]:
    """RFC 3501 §9 literal; a literal8 (RFC 3516) is refused where a string is expected."""
    value, rest = buf.take_literal()
    if value.binary:
        raise buf.error("Expected a string, not a literal8")
    return value.data, rest


def string(buf: Buffer) -> tuple[bytes, Buffer]:
    """RFC 3501 §9 string = quoted / literal."""
    if buf.at_literal():
        return literal(buf)
    if buf.peek() == b'"':
        return quoted(buf)
    raise buf.error("Expected a string")


def astring(buf: Buffer) -> tuple[bytes, Buffer]:
    """RFC 3501 §9 astring = 1*ASTRING-CHAR / string."""
    if buf.at_literal() or buf.peek() == b'"':
        return string(buf)
    match = buf.match(_ASTRING_ATOM)
    if match is None:
        raise buf.error("Expected an atom or a string")
    return match.group(), buf.after(match)


def list_mailbox(buf: Buffer) -> tuple[bytes, Buffer]:
    """RFC 3501 §9 list-mailbox = 1*list-char / string (wildcards allowed in the atom form)."""
    if buf.at_literal() or buf.peek() == b'"':
        return string(buf)
    match = buf.match(_LIST_ATOM)
    if match is None:
        raise buf.error("Expected a mailbox pattern")
    return match.group(), buf.after(match)


def nstring(buf: Buffer) -> tuple[bytes | None, Buffer]:
    """RFC 3501 §9 nstring = string / nil."""
    rest = maybe(buf, b"NIL")
    if rest is not None and not rest.match(_ASTRING_ATOM):
        return None, rest
    return string(buf)


def text_utf8(value: bytes, buf: Buffer, what: str) -> str:
    """Octets read from the client as UTF-8 text (RFC 6855 §3), or a parse error naming them."""
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        raise buf.error(f"{what} is not valid UTF-8") from None


def astring_text(buf: Buffer, what: str) -> tuple[str, Buffer]:
    """An astring that must be text: user names, passwords, header values."""
    value, rest = astring(buf)
    return text_utf8(value, buf, what), rest


def parenthesised(
    buf: Buffer, item: Callable[[Buffer], tuple[T, Buffer]], *, allow_empty: bool = True
) -> tuple[tuple[T, ...], Buffer]:
    """``"(" [item *(SP item)] ")"``, the shape of every list in the grammar."""
    if buf.peek() != b"(":
        raise buf.error("Expected '('")
    rest = buf.skip(1)
    items: list[T] = []
    if rest.peek() == b")":
        if not allow_empty:
            raise rest.error("Expected a non-empty list")
        return (), rest.skip(1)
    while True:
        value, rest = item(rest)
        items.append(value)
        if rest.peek() == b")":
            return tuple(items), rest.skip(1)
        rest = sp(rest)


def end(buf: Buffer) -> None:
    """Nothing may follow the last argument of a command."""
    if not buf.at_end():
        raise buf.error("Unexpected input after the command's arguments")
