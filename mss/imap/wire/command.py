"""The base of every parsed command, and the four groups commands are valid in.

RFC 3501 §6 sorts commands by the connection states they are valid in; the session checks a
command's group once, before dispatch (§3), so that no command handler repeats the check.
Each command is a frozen dataclass that parses itself from the arguments after its name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self

from mss.imap.wire.grammar import Buffer


@dataclass(frozen=True, slots=True)
class ParseOptions:
    """What the session has enabled that changes the grammar.

    ``utf8``: UTF8=ACCEPT is enabled (RFC 6855 §3), so mailbox names are UTF-8, not modified
    UTF-7.
    """

    utf8: bool = False


@dataclass(frozen=True, slots=True)
class Command:
    """A parsed command; ``name`` is how it is spelt on the wire (``UID FETCH`` for UID forms)."""

    name: ClassVar[str]
    tag: str

    @classmethod
    def parse(cls, tag: str, buf: Buffer, options: ParseOptions) -> tuple[Self, Buffer]:
        """The command from the arguments after its name (the buffer starts at the first SP).

        Commands without arguments read nothing; the caller checks that nothing is left.
        """
        return cls(tag), buf

    @property
    def verb(self) -> str:
        """The command as the client spelt it; the UID forms say ``UID FETCH`` (§6.4.8)."""
        return self.name


@dataclass(frozen=True, slots=True)
class AnyStateCommand(Command):
    """RFC 3501 §6.1: valid in every state."""


@dataclass(frozen=True, slots=True)
class NotAuthenticatedCommand(Command):
    """RFC 3501 §6.2: valid only before authentication."""


@dataclass(frozen=True, slots=True)
class AuthenticatedCommand(Command):
    """RFC 3501 §6.3: valid once authenticated, whether or not a mailbox is selected."""


@dataclass(frozen=True, slots=True)
class SelectedCommand(Command):
    """RFC 3501 §6.4: valid only while a mailbox is selected."""
