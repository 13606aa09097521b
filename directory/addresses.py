"""Mailbox addresses: syntax check and canonical form.

Directory addresses are compared exactly (delivery resolves them), so one canonical form is
stored: lower-case, no surrounding spaces. Only ASCII addresses are accepted: the national
extraction and the trust space's operators use ASCII addresses, and refusing the rest keeps one
comparison rule for SMTP, IMAP and the web.
"""

from __future__ import annotations

import re
from functools import lru_cache

from directory.errors import InvalidField

# RFC 5321 §4.5.3.1: 64 octets of local part, 255 of domain; a path is at most 256 with its
# brackets, so an address is at most 254.
MAX_LOCAL_PART = 64
MAX_ADDRESS = 254
MAX_LABEL = 63

# RFC 5322 §3.2.3 dot-atom of atext characters, lower-cased.
_LOCAL_PART = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
# RFC 1035 §2.3.1 letter-digit-hyphen labels.
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")


def validate_address(value: str, field: str = "address") -> str:
    """Return the canonical form of a mailbox address or raise naming the broken rule."""
    address = value.strip().lower()
    if not address.isascii():
        raise InvalidField(field, "address: ASCII characters only", value)
    if len(address) > MAX_ADDRESS:
        raise InvalidField(field, f"address: at most {MAX_ADDRESS} characters", value)
    local, at, domain = address.rpartition("@")
    if not at or not local:
        raise InvalidField(field, "address: local-part@domain", value)
    if len(local) > MAX_LOCAL_PART or not _LOCAL_PART.fullmatch(local):
        raise InvalidField(
            field,
            f"address: local part is a dot-atom of at most {MAX_LOCAL_PART} characters",
            value,
        )
    validate_domain(domain, field, value)
    return address


def validate_domain(domain: str, field: str, value: str) -> None:
    """A host name of at least two letter-digit-hyphen labels of at most 63 characters."""
    problem = _domain_problem(domain)
    if problem is not None:
        raise InvalidField(field, problem, value)


@lru_cache(maxsize=4096)
def _domain_problem(domain: str) -> str | None:
    """What is wrong with a domain, if anything; cached as a few domains carry most addresses."""
    labels = domain.split(".")
    if len(labels) < 2:
        return "address: the domain needs at least two labels"
    for label in labels:
        if len(label) > MAX_LABEL or not _LABEL.fullmatch(label):
            return "address: domain labels are letters, digits and inner hyphens"
    return None


def domain_of(address: str) -> str:
    """The domain part of an already canonical address."""
    return address.rpartition("@")[2]


def local_part_of(address: str) -> str:
    """The local part of an already canonical address."""
    return address.rpartition("@")[0]
