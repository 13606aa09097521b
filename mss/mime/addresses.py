"""Address lists (RFC 5322 §3.4) as the IMAP ENVELOPE wants them (RFC 3501 §7.4.2).

Display names stay raw: encoded words (RFC 2047) are kept as written, quoted strings lose only
their quotes. Parsing is forgiving: whatever the field holds, the result is a list of addresses,
possibly with empty mailbox or host, and never an exception.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from mss.mime.model import EnvelopeAddress

# Every character starts exactly one of these alternatives, so the scan always advances. Comments
# nest, so only their opening parenthesis is matched here.
_TOKEN = re.compile(
    r"""(?P<space>[ \t\r\n]+)
      | (?P<quoted>"(?:[^"\\]|\\.)*"?)
      | (?P<literal>\[(?:[^\]\\]|\\.)*\]?)
      | (?P<special>[<>@,;:])
      | (?P<comment>\()
      | (?P<atom>[^ \t\r\n"(\[<>@,;:]+)""",
    re.VERBOSE | re.DOTALL,
)
_QUOTED_PAIR = re.compile(r"\\(.)", re.DOTALL)
# RFC 3501 §7.4.2: the end of a group is an address with every member NIL.
GROUP_END = EnvelopeAddress(None, None, None, None)
# Characters of one address list read; past this, the list stops at the last comma before it.
# A To: of a megabyte would otherwise cost seconds of CPU on every delivery.
MAX_ADDRESS_LIST = 64 * 1024


class _Token(NamedTuple):
    kind: str
    raw: str
    spaced: bool

    def is_special(self, chars: str) -> bool:
        return self.kind == "special" and self.raw in chars

    def phrase_text(self) -> str:
        if self.kind == "quoted":
            inner = self.raw[1:-1] if len(self.raw) > 1 and self.raw.endswith('"') else self.raw[1:]
            return _QUOTED_PAIR.sub(r"\1", inner)
        return self.raw


def _comment_end(value: str, start: int) -> int:
    """Index just past the parenthesis closing the comment at ``start``; -1 if none does."""
    depth, pos = 0, start
    while pos < len(value):
        char = value[pos]
        if char == "\\":
            pos += 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return pos + 1
        pos += 1
    return -1


def _tokens(value: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos, spaced = 0, False
    while (match := _TOKEN.match(value, pos)) is not None:
        kind = match.lastgroup or "atom"
        if kind == "space":
            spaced = True
            pos = match.end()
            continue
        if kind == "comment":
            end = _comment_end(value, pos)
            text = value[pos + 1 : end - 1] if end >= 0 else value[pos + 1 :]
            tokens.append(_Token(kind, text, spaced))
            end = end if end >= 0 else len(value)
        else:
            end = match.end()
            tokens.append(_Token(kind, match.group(), spaced))
        spaced = False
        pos = end
    return tokens


def _join(tokens: list[_Token], *, phrase: bool) -> str:
    parts: list[str] = []
    for token in tokens:
        if parts and token.spaced:
            parts.append(" ")
        parts.append(token.phrase_text() if phrase else token.raw)
    return "".join(parts)


def _addr_spec(tokens: list[_Token], name: str | None, route: str | None) -> EnvelopeAddress:
    """Split at the last ``@``; a missing domain is an empty host, since a NIL host would mark a
    group (RFC 3501 §7.4.2)."""
    at = max((i for i, token in enumerate(tokens) if token.is_special("@")), default=-1)
    if at < 0:
        return EnvelopeAddress(name, route, _join(tokens, phrase=False), "")
    local = _join(tokens[:at], phrase=False)
    return EnvelopeAddress(name, route, local, _join(tokens[at + 1 :], phrase=False))


def _angle_addr(tokens: list[_Token], name: str | None) -> EnvelopeAddress:
    """RFC 5322 §4.4: ``<@relay1,@relay2:local@domain>`` keeps the route apart."""
    if tokens and tokens[0].is_special("@"):
        colon = next((i for i, token in enumerate(tokens) if token.is_special(":")), -1)
        if colon >= 0:
            return _addr_spec(tokens[colon + 1 :], name, _join(tokens[:colon], phrase=False))
    return _addr_spec(tokens, name, None)


def parse_address_list(value: str) -> tuple[EnvelopeAddress, ...]:
    """Parse an address list with groups (``undisclosed-recipients:;``) as RFC 3501 §7.4.2 lists
    them: a start marker naming the group, its members, an end marker."""
    if len(value) > MAX_ADDRESS_LIST:
        value = value[: max(value.rfind(",", 0, MAX_ADDRESS_LIST), 0)]
    tokens = _tokens(value)
    result: list[EnvelopeAddress] = []
    in_group = False
    pos, count = 0, len(tokens)
    while pos < count:
        token = tokens[pos]
        if token.is_special(",;"):
            if token.raw == ";" and in_group:
                result.append(GROUP_END)
                in_group = False
            pos += 1
            continue
        start = pos
        while pos < count and not tokens[pos].is_special("<:,;"):
            pos += 1
        words = [token for token in tokens[start:pos] if token.kind != "comment"]
        comments = [token for token in tokens[start:pos] if token.kind == "comment"]
        delimiter = tokens[pos].raw if pos < count else ""
        if delimiter == ":":
            if in_group:
                result.append(GROUP_END)
            result.append(EnvelopeAddress(None, None, _join(words, phrase=True), None))
            in_group = True
            pos += 1
        elif delimiter == "<":
            close = next((i for i in range(pos + 1, count) if tokens[i].is_special(">")), count)
            inner = [token for token in tokens[pos + 1 : close] if token.kind != "comment"]
            name = _join(words, phrase=True) or None
            if inner or name:
                result.append(_angle_addr(inner, name))
            pos = close + 1
            while pos < count and not tokens[pos].is_special(",;"):
                pos += 1
        elif words:
            # A bare addr-spec; its trailing comment is the only name it has ("a@b (Name)").
            name = (comments[-1].raw.strip() or None) if comments else None
            result.append(_addr_spec(words, name, None))
    if in_group:
        result.append(GROUP_END)
    return tuple(result)
