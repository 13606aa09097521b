"""Incremental framing of client input into whole commands.

Implementation notes. IMAP commands are lines, except that a line may end in a literal marker
(``{n}``, ``{n+}``, or ``~{n}`` for literal8), after which exactly n octets follow and then the
command goes on (RFC 3501 §4.3, RFC 7888 §3, RFC 3516 §4.1). The framer only cuts: it never
interprets a command beyond finding its tag for error replies. It yields

* ``RawCommand``: one complete command, its text pieces with the literals between them;
* ``ContinuationRequest``: the client sent a synchronising literal marker and waits for the
  server's ``+`` before it sends the octets (RFC 3501 §7.5); the server decides what to send.

Limits bound memory per connection: a line between literals, one literal, and a whole command.
A limit broken raises ``ParseError``; the framer has already discarded what it must, so it is
ready for the next command and the server only has to send the reply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum, auto

from mss.imap.wire.codes import TOOBIG
from mss.imap.wire.errors import ParseError

# RFC 7162 §4 asks servers to accept command lines of at least 8192 octets; clients send long UID
# sets during resynchronisation, so the default leaves ample room.
MAX_LINE: int = 64 * 1024
# The largest literal, which bounds APPEND; advertised as APPENDLIMIT (RFC 7889).
MAX_LITERAL: int = 50 * 1024 * 1024
# A whole command, lines and literals together (MULTIAPPEND sends several messages in one).
MAX_COMMAND: int = 2 * MAX_LITERAL


@dataclass(frozen=True, slots=True)
class FramingLimits:
    """The configurable bounds of one connection's input buffer."""

    max_line: int = MAX_LINE
    max_literal: int = MAX_LITERAL
    max_command: int = MAX_COMMAND


@dataclass(frozen=True, slots=True)
class Literal:
    """The octets of one literal, and whether it was a literal8 (``~{n}``, RFC 3516 §4.1)."""

    data: bytes
    binary: bool = False


@dataclass(frozen=True, slots=True)
class RawCommand:
    """One framed command: ``texts[0] literals[0] texts[1] ... texts[-1]``.

    The literal markers and the CRLF that ends each line are removed: a literal stands exactly
    where its marker was. ``len(texts) == len(literals) + 1`` always holds.
    """

    texts: tuple[bytes, ...]
    literals: tuple[Literal, ...] = ()

    def line(self) -> bytes | None:
        """The command as one line when it holds no literal: IDLE's DONE, a SASL response."""
        return self.texts[0] if not self.literals else None


@dataclass(frozen=True, slots=True)
class ContinuationRequest:
    """The client waits for a continuation before it sends ``size`` octets (RFC 3501 §7.5)."""

    size: int


class _State(Enum):
    LINE = auto()
    LITERAL = auto()
    SKIP_LITERAL = auto()
    SKIP_LINE = auto()


class _Again(Enum):
    """A line was consumed and the command goes on: loop rather than recurse."""

    AGAIN = auto()


_LITERAL_MARKER = re.compile(rb"(~?)\{([0-9]+)(\+?)\}\Z")
_TAG = re.compile(rb"[^\x00-\x20\x7f-\xff(){%*\"\\+]+(?= )")
_MAX_DIGITS = 19


def peek_tag(data: bytes) -> str | None:
    """The tag that starts ``data``, if one can be read (RFC 3501 §9 ``tag``)."""
    match = _TAG.match(data)
    return match.group().decode("ascii") if match else None


class Framer:
    """Cuts a byte stream into ``RawCommand`` values, one ``feed`` at a time."""

    def __init__(self, limits: FramingLimits | None = None) -> None:
        self.limits = limits or FramingLimits()
        self._buffer = bytearray()
        self._scanned = 0
        self._state = _State.LINE
        self._remaining = 0
        self._binary = False
        self._texts: list[bytes] = []
        self._literals: list[Literal] = []
        self._size = 0
        self._tag: str | None = None

    def feed(self, data: bytes) -> None:
        """Add octets read from the connection."""
        self._buffer += data

    def pending(self) -> bool:
        """Whether input is buffered beyond the last command.

        After STARTTLS or COMPRESS the server must not act on octets sent before the switch
        (RFC 3501 §6.2.1, RFC 4978 §3): it checks this and drops them.
        """
        return bool(self._buffer) or self._state is not _State.LINE or bool(self._texts)

    def clear(self) -> None:
        """Drop everything buffered and any partly read command."""
        self._buffer.clear()
        self._scanned = 0
        self._state = _State.LINE
        self._reset_command()

    def next_event(self) -> RawCommand | ContinuationRequest | None:
        """The next complete command or continuation request, or None until more input comes.

        Raises ``ParseError`` for a broken limit, after discarding the offending input.
        """
        while True:
            if self._state is _State.LINE:
                event = self._read_line()
                if event is _Again.AGAIN:
                    continue
                return event
            if self._state is _State.LITERAL:
                if len(self._buffer) < self._remaining:
                    return None
                data = bytes(self._buffer[: self._remaining])
                del self._buffer[: self._remaining]
                self._literals.append(Literal(data, self._binary))
                self._state = _State.LINE
                continue
            if self._state is _State.SKIP_LITERAL:
                dropped = min(self._remaining, len(self._buffer))
                del self._buffer[:dropped]
                self._remaining -= dropped
                if self._remaining:
                    return None
                self._state = _State.SKIP_LINE
                continue
            end = self._buffer.find(b"\n")
            if end < 0:
                self._buffer.clear()
                return None
            del self._buffer[: end + 1]
            self._state = _State.LINE

    def _read_line(self) -> RawCommand | ContinuationRequest | _Again | None:
        """One line: the end of a command, or a literal marker to wait for octets after."""
        end = self._buffer.find(b"\n", self._scanned)
        if end < 0:
            self._scanned = len(self._buffer)
            if len(self._buffer) > self.limits.max_line:
                tag = self._tag or peek_tag(bytes(self._buffer[:256]))
                self._buffer.clear()
                self._scanned = 0
                self._state = _State.SKIP_LINE
                self._reset_command()
                raise ParseError("Command line too long", code=TOOBIG, tag=tag)
            return None
        line = bytes(self._buffer[:end])
        del self._buffer[: end + 1]
        self._scanned = 0
        if line.endswith(b"\r"):
            line = line[:-1]
        if not self._texts:
            self._tag = peek_tag(line)
        if len(line) > self.limits.max_line:
            tag = self._tag
            self._reset_command()
            raise ParseError("Command line too long", code=TOOBIG, tag=tag)
        self._size += len(line) + 2
        marker = _LITERAL_MARKER.search(line)
        if marker is None:
            self._texts.append(line)
            return self._finish()
        binary, digits, plus = marker.groups()
        size = int(digits) if len(digits) <= _MAX_DIGITS else self.limits.max_command + 1
        self._texts.append(line[: marker.start()])
        if size > self.limits.max_literal or self._size + size > self.limits.max_command:
            tag = self._tag
            self._reset_command()
            if plus:
                # RFC 7888 §4: the client sends a non-synchronising literal without waiting, so
                # its octets and the rest of its command must be read and thrown away.
                self._state = _State.SKIP_LITERAL
                self._remaining = size
            raise ParseError("Literal too large", code=TOOBIG, tag=tag)
        self._size += size
        self._state = _State.LITERAL
        self._remaining = size
        self._binary = bool(binary)
        if plus:
            return _Again.AGAIN
        return ContinuationRequest(size)

    def _finish(self) -> RawCommand:
        command = RawCommand(tuple(self._texts), tuple(self._literals))
        self._reset_command()
        return command

    def _reset_command(self) -> None:
        self._texts = []
        self._literals = []
        self._size = 0
        self._tag = None


def frame(data: bytes, limits: FramingLimits | None = None) -> RawCommand:
    """Frame input known to hold exactly one whole command (tests, and the parser's bytes API).

    Continuation requests are skipped: the literals are already in ``data``.
    """
    framer = Framer(limits)
    framer.feed(data)
    while True:
        event = framer.next_event()
        if event is None:
            raise ParseError("Incomplete command", tag=peek_tag(data))
        if isinstance(event, RawCommand):
            if framer.pending():
                raise ParseError("More than one command", tag=peek_tag(data))
            return event
