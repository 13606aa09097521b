"""Conversations: the messages of one exchange gathered, as mail clients show them.

Messages are joined first by their identifiers: a message's ``References`` and ``In-Reply-To``
name the Message-IDs it answers (RFC 5322 §3.6.4), so it joins every message it names and every
message that names the same ones, even when a link in the chain is missing from this folder.
Then by subject, for clients that drop those fields: a message whose subject carries a reply or
forward prefix ("Re:", "RE :", "TR:", "Fwd:", ...) joins the conversation of the same subject
without the prefix. Two messages that merely share a subject, neither answering anything, stay
apart: two appointments both called "Rendez-vous" are not one exchange.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

_MSG_ID = re.compile(r"<([^<>\s]+)>")
# Reply and forward prefixes, in the languages patients' correspondents write in: "Re", "RE :"
# (French typography), "Re[2]:", "Fwd", "Fw", "TR" (transfert), "AW"/"WG" (German), "RV"/"RES".
_PREFIX = re.compile(
    r"^\s*(?:(?:re|fwd?|tr|aw|wg|rv|res|réf|ref)\s*(?:\[\d+\]|\(\d+\))?\s*:|\[[^\]]*\])\s*",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")


class Threadable(Protocol):
    """What grouping reads of a message (a list row)."""

    @property
    def uid(self) -> int: ...

    @property
    def date(self) -> int: ...

    @property
    def subject(self) -> str: ...

    @property
    def message_id(self) -> str: ...

    @property
    def references(self) -> tuple[str, ...]: ...


def message_ids(value: str) -> tuple[str, ...]:
    """The msg-ids of a ``References``, ``In-Reply-To`` or ``Message-ID`` field, in order,
    without their angle brackets (RFC 5322 §3.6.4); text outside brackets (phrases some old
    clients put in In-Reply-To) is ignored."""
    return tuple(dict.fromkeys(found.group(1) for found in _MSG_ID.finditer(value)))


def drop_prefixes(subject: str) -> tuple[str, bool]:
    """The subject as written without its leading reply/forward prefixes and list tags; and
    whether it had a reply or forward prefix."""
    text = subject
    replied = False
    while True:
        found = _PREFIX.match(text)
        if found is None or found.end() == 0:
            break
        replied = replied or not found.group(0).lstrip().startswith("[")
        text = text[found.end() :]
    return text.strip(), replied


def strip_prefixes(subject: str) -> tuple[str, bool]:
    """As :func:`drop_prefixes`, spaces folded and case folded: what conversations compare."""
    text, replied = drop_prefixes(subject)
    return _SPACES.sub(" ", text).casefold(), replied


def normalise_subject(subject: str) -> str:
    """The subject two messages of one conversation share (see :func:`strip_prefixes`)."""
    return strip_prefixes(subject)[0]


class _Union:
    """Disjoint sets over message positions (union by size, path halving)."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))
        self.size = [1] * size

    def find(self, at: int) -> int:
        while self.parent[at] != at:
            self.parent[at] = self.parent[self.parent[at]]
            at = self.parent[at]
        return at

    def join(self, one: int, other: int) -> None:
        one, other = self.find(one), self.find(other)
        if one == other:
            return
        if self.size[one] < self.size[other]:
            one, other = other, one
        self.parent[other] = one
        self.size[one] += self.size[other]


T = TypeVar("T", bound=Threadable)


@dataclass(frozen=True, slots=True)
class Conversation(Generic[T]):
    """Messages of one exchange, newest first."""

    messages: tuple[T, ...]

    @property
    def newest(self) -> T:
        return self.messages[0]

    @property
    def count(self) -> int:
        return len(self.messages)


def _link_by_ids(union: _Union, messages: Sequence[Threadable]) -> None:
    first_with: dict[str, int] = {}
    for index, message in enumerate(messages):
        for identifier in (message.message_id, *message.references):
            if not identifier:
                continue
            seen = first_with.setdefault(identifier, index)
            union.join(seen, index)


def _link_by_subject(union: _Union, messages: Sequence[Threadable]) -> None:
    first_with: dict[str, int] = {}
    replies: list[tuple[int, str]] = []
    for index, message in enumerate(messages):
        subject, replied = strip_prefixes(message.subject)
        if not subject:
            continue
        if replied or message.references:
            replies.append((index, subject))
        else:
            first_with.setdefault(subject, index)
    for index, subject in replies:
        # A reply joins the original of its subject, or else the first other reply to it.
        union.join(first_with.setdefault(subject, index), index)


def group(messages: Iterable[T]) -> list[Conversation[T]]:
    """Conversations of ``messages``, the one with the newest message first."""
    listed = list(messages)
    union = _Union(len(listed))
    _link_by_ids(union, listed)
    _link_by_subject(union, listed)
    members: dict[int, list[T]] = {}
    for index, message in enumerate(listed):
        members.setdefault(union.find(index), []).append(message)
    conversations = [
        Conversation(tuple(sorted(found, key=lambda m: (-m.date, -m.uid))))
        for found in members.values()
    ]
    conversations.sort(key=lambda c: (-c.newest.date, -c.newest.uid))
    return conversations
