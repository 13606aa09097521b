"""Header values as a person reads them: encoded words decoded, addresses split from names.

The summaries keep header fields raw (IMAP clients decode them themselves, RFC 3501 §7.4.2);
the webmail decodes them here, forgivingly: a malformed encoded word is shown as it was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.utils import parsedate_to_datetime

from mss.mime.model import EnvelopeAddress


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    address: str

    @property
    def label(self) -> str:
        return self.name or self.address

    def formatted(self) -> str:
        """``Name <address>``, for a reply's recipient fields."""
        if not self.name:
            return self.address
        quoted = self.name.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{quoted}" <{self.address}>'


def decode_text(value: str | None) -> str:
    """RFC 2047 encoded words decoded; control characters dropped."""
    if not value:
        return ""
    try:
        text = str(make_header(decode_header(value)))
    except (HeaderParseError, LookupError, UnicodeError, ValueError):
        text = value
    return "".join(ch for ch in text if ch >= " " or ch == "\t").strip()


def people(addresses: tuple[EnvelopeAddress, ...]) -> list[Person]:
    """The mailboxes of an ENVELOPE address list (group markers left out)."""
    found: list[Person] = []
    for address in addresses:
        if address.host is None or not address.mailbox:
            continue
        spec = f"{address.mailbox}@{address.host}" if address.host else address.mailbox
        found.append(Person(decode_text(address.name), spec))
    return found


def header_date(value: str | None) -> int | None:
    """A Date field as epoch seconds, or None when it cannot be read."""
    if not value:
        return None
    try:
        return int(parsedate_to_datetime(value).timestamp())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
