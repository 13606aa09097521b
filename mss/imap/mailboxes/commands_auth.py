"""Commands valid once authenticated (RFC 3501 §6.3), LIST, LSUB and APPEND apart: SELECT and
EXAMINE with CONDSTORE and QRESYNC (RFC 7162), CREATE with USE (RFC 6154), DELETE, RENAME,
SUBSCRIBE, UNSUBSCRIBE, NAMESPACE (RFC 2342), STATUS, IDLE (RFC 2177), ENABLE (RFC 5161) and
COMPRESS (RFC 4978)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Self

from mss.imap.wire.command import AuthenticatedCommand, ParseOptions
from mss.imap.wire.grammar import (
    MAX_MODSEQ,
    Buffer,
    atom,
    keyword,
    number,
    nz_number,
    parenthesised,
    sp,
    token,
)
from mss.imap.wire.mailbox import mailbox
from mss.imap.wire.sequence import SequenceSet, sequence_set

# RFC 3501 §6.3.10 and RFC 7162 §3.1.4: the STATUS data items.
STATUS_ITEMS: Final = ("MESSAGES", "RECENT", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "HIGHESTMODSEQ")


@dataclass(frozen=True, slots=True)
class QresyncParams:
    """RFC 7162 §3.2.5: what the client remembers of the mailbox from its last session.

    ``known_sequences`` and ``known_uids`` are the seq-match-data pairs that let the server
    find where the client's view and the mailbox part ways.
    """

    uidvalidity: int
    modseq: int
    known_uids: SequenceSet | None = None
    known_sequences: SequenceSet | None = None
    known_sequence_uids: SequenceSet | None = None


def _qresync(buf: Buffer) -> tuple[QresyncParams, Buffer]:
    """RFC 7162 §3.2.5 ``(uidvalidity modseq [known-uids] [(known-seqs known-uids)])``."""
    rest = token(buf, b"(")
    uidvalidity, rest = nz_number(rest)
    modseq, rest = number(sp(rest), limit=MAX_MODSEQ)
    known_uids = known_sequences = known_sequence_uids = None
    if rest.peek() == b" " and rest.skip(1).peek() != b"(":
        known_uids, rest = sequence_set(sp(rest))
    if rest.peek() == b" ":
        rest = token(sp(rest), b"(")
        known_sequences, rest = sequence_set(rest)
        known_sequence_uids, rest = sequence_set(sp(rest))
        rest = token(rest, b")")
    rest = token(rest, b")")
    return QresyncParams(
        uidvalidity, modseq, known_uids, known_sequences, known_sequence_uids
    ), rest


@dataclass(frozen=True, slots=True)
class Select(AuthenticatedCommand):
    """RFC 3501 §6.3.1, with RFC 7162 §3.1.8 ``(CONDSTORE)`` and §3.2.5 ``(QRESYNC (...))``."""

    name = "SELECT"
    mailbox: str
    condstore: bool = False
    qresync: QresyncParams | None = None

    @property
    def readonly(self) -> bool:
        """EXAMINE is SELECT that never changes the mailbox (RFC 3501 §6.3.2)."""
        return False

    @classmethod
    def parse(cls, tag: str, buf: Buffer, options: ParseOptions) -> tuple[Self, Buffer]:
        name, rest = mailbox(sp(buf), utf8=options.utf8)
        condstore = False
        qresync = None
        if rest.peek() == b" ":

            def param(item: Buffer) -> tuple[str, Buffer]:
                nonlocal condstore, qresync
                word, after = keyword(item)
                if word == "CONDSTORE":
                    condstore = True
                elif word == "QRESYNC":
                    qresync, after = _qresync(sp(after))
                else:
                    raise item.error("Unknown SELECT parameter")
                return word, after

            _, rest = parenthesised(sp(rest), param, allow_empty=False)
        return cls(tag, name, condstore, qresync), rest


@dataclass(frozen=True, slots=True)
class Examine(Select):
    """RFC 3501 §6.3.2."""

    name = "EXAMINE"

    @property
    def readonly(self) -> bool:
        return True


@dataclass(frozen=True, slots=True)
class Create(AuthenticatedCommand):
    """RFC 3501 §6.3.3, with RFC 6154 §3 ``(USE (\\Drafts ...))``."""

    name = "CREATE"
    mailbox: str
    special_use: tuple[str, ...] = ()

    @classmethod
    def parse(cls, tag: str, buf: Buffer, options: ParseOptions) -> tuple[Self, Buffer]:
        name, rest = mailbox(sp(buf), utf8=options.utf8)
        uses: list[str] = []
        if rest.peek() == b" ":

            def param(item: Buffer) -> tuple[str, Buffer]:
                after = token(item, b"USE")
                values, after = parenthesised(sp(after), _use_attribute)
                uses.extend(values)
                return "USE", after

            _, rest = parenthesised(sp(rest), param, allow_empty=False)
        return cls(tag, name, tuple(uses)), rest


def _use_attribute(buf: Buffer) -> tuple[str, Buffer]:
    """RFC 6154 §6 use-attr = "\\" atom (the server checks which it supports)."""
    rest = token(buf, b"\\")
    value, rest = atom(rest)
    return "\\" + value, rest


@dataclass(frozen=True, slots=True)
class _OneMailbox(AuthenticatedCommand):
    """The shape of the commands whose only argument is a mailbox name."""

    mailbox: str

    @classmethod
    def parse(cls, tag: str, buf: Buffer, options: ParseOptions) -> tuple[Self, Buffer]:
        name, rest = mailbox(sp(buf), utf8=options.utf8)
        return cls(tag, name), rest


@dataclass(frozen=True, slots=True)
class Delete(_OneMailbox):
    """RFC 3501 §6.3.4."""

    name = "DELETE"


@dataclass(frozen=True, slots=True)
class Rename(AuthenticatedCommand):
    """RFC 3501 §6.3.5."""

    name = "RENAME"
    old: str
    new: str

    @classmethod
    def parse(cls, tag: str, buf: Buffer, options: ParseOptions) -> tuple[Self, Buffer]:
        old, rest = mailbox(sp(buf), utf8=options.utf8)
        new, rest = mailbox(sp(rest), utf8=options.utf8)
        return cls(tag, old, new), rest


@dataclass(frozen=True, slots=True)
class Subscribe(_OneMailbox):
    """RFC 3501 §6.3.6."""

    name = "SUBSCRIBE"


@dataclass(frozen=True, slots=True)
class Unsubscribe(_OneMailbox):
    """RFC 3501 §6.3.7."""

    name = "UNSUBSCRIBE"


@dataclass(frozen=True, slots=True)
class Namespace(AuthenticatedCommand):
    """RFC 2342 §5."""

    name = "NAMESPACE"


def status_item(buf: Buffer) -> tuple[str, Buffer]:
    """RFC 3501 §9 status-att, with RFC 7162 §3.1.4 HIGHESTMODSEQ."""
    value, rest = keyword(buf)
    if value not in STATUS_ITEMS:
        raise buf.error("Unknown STATUS item")
    return value, rest


@dataclass(frozen=True, slots=True)
class Status(AuthenticatedCommand):
    """RFC 3501 §6.3.10: ``STATUS mailbox (item ...)``."""

    name = "STATUS"
    mailbox: str
    items: tuple[str, ...]

    @classmethod
    def parse(cls, tag: str, buf: Buffer, options: ParseOptions) -> tuple[Self, Buffer]:
        name, rest = mailbox(sp(buf), utf8=options.utf8)
        items, rest = parenthesised(sp(rest), status_item, allow_empty=False)
        return cls(tag, name, items), rest


@dataclass(frozen=True, slots=True)
class Idle(AuthenticatedCommand):
    """RFC 2177 §3: the client waits for updates until it sends DONE."""

    name = "IDLE"


@dataclass(frozen=True, slots=True)
class Enable(AuthenticatedCommand):
    """RFC 5161 §3.1: ``ENABLE capability *(SP capability)``, once authenticated."""

    name = "ENABLE"
    capabilities: tuple[str, ...]

    @classmethod
    def parse(cls, tag: str, buf: Buffer, options: ParseOptions) -> tuple[Self, Buffer]:
        names: list[str] = []
        rest = buf
        while rest.peek() == b" " or not names:
            value, rest = atom(sp(rest))
            names.append(value.upper())
        return cls(tag, tuple(names)), rest


@dataclass(frozen=True, slots=True)
class Compress(AuthenticatedCommand):
    """RFC 4978 §3: ``COMPRESS DEFLATE`` after login; the algorithm is checked when it runs."""

    name = "COMPRESS"
    algorithm: str

    @classmethod
    def parse(cls, tag: str, buf: Buffer, options: ParseOptions) -> tuple[Self, Buffer]:
        value, rest = atom(sp(buf))
        return cls(tag, value.upper()), rest
