"""Mail addresses as the store keys them: one canonical, lower-case form."""

from __future__ import annotations

import re

_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$")
_DOMAIN = re.compile(
    r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$"
)


class InvalidAddress(ValueError):
    """The text is not an address this server can host or route; the message says why."""


def normalise_domain(domain: str) -> str:
    name = domain.strip().rstrip(".").lower()
    if not _DOMAIN.match(name):
        raise InvalidAddress(
            f"{domain!r} is not a valid domain name (letters, digits and hyphens, dot-separated)"
        )
    return name


def normalise_address(address: str) -> str:
    """``Local@Domain`` → ``local@domain``; refuses what RFC 5321 §4.1.2 would not route.

    Local parts are folded to lower case too: health-space addresses are case-insensitive in
    practice, and one mailbox must never answer to two spellings.
    """
    text = address.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    local, at, domain = text.rpartition("@")
    if not at or not local:
        raise InvalidAddress(f"{address!r} is not an address: expected local-part@domain")
    if len(local) > 64 or not _LOCAL.match(local) or local.startswith(".") or ".." in local:
        raise InvalidAddress(
            f"{address!r}: the part before @ may hold letters, digits and . _ - + "
            "(no leading or doubled dot, at most 64 characters)"
        )
    return f"{local.lower()}@{normalise_domain(domain)}"


def domain_of(address: str) -> str:
    return address.rpartition("@")[2]
