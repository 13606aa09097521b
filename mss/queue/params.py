"""DSN parameters of the envelope (RFC 3461 §4) as the queue keeps them and passes them on.

The SMTP front-ends parse NOTIFY, ORCPT, RET and ENVID from the wire and hand them over decoded;
this module validates them for storage, and encodes them again (xtext, RFC 3461 §4) when a
message is relayed to a peer that advertises DSN.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable

MAX_ENVID = 100  # RFC 3461 §4.4: an ENVID is at most 100 characters
MAX_ORCPT = 500  # RFC 3461 §4.2: an ORCPT is at most 500 characters
_XTEXT_LOW = 0x21  # RFC 3461 §4: xchar is "!" through "~" except "+" and "="
_XTEXT_HIGH = 0x7E
_XTEXT_SPECIAL = frozenset(b"+=")


class Notify(enum.StrEnum):
    """RFC 3461 §4.1: when the sender wants a DSN for a recipient."""

    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"
    DELAY = "DELAY"
    NEVER = "NEVER"


class Ret(enum.StrEnum):
    """RFC 3461 §4.3: how much of the message a failure DSN returns."""

    FULL = "FULL"
    HDRS = "HDRS"


def parse_notify(values: Iterable[str]) -> frozenset[Notify]:
    """Validate a NOTIFY list; the empty set means NOTIFY was not given."""
    try:
        notify = frozenset(Notify(value.strip().upper()) for value in values)
    except ValueError as exc:
        raise ValueError("NOTIFY takes NEVER, or SUCCESS, FAILURE and DELAY") from exc
    if Notify.NEVER in notify and len(notify) > 1:
        raise ValueError("NOTIFY=NEVER cannot be combined with other values (RFC 3461 §4.1)")
    return notify


def encode_notify(notify: Collection[Notify]) -> str:
    """The NOTIFY parameter value (and the stored form): values in a stable order."""
    return ",".join(value.value for value in Notify if value in notify)


def decode_notify(text: str) -> frozenset[Notify]:
    return parse_notify(text.split(",")) if text else frozenset()


def wants_failure_report(notify: Collection[Notify]) -> bool:
    """RFC 3461 §4.1: without NOTIFY, a failure is reported as if NOTIFY=FAILURE."""
    return Notify.FAILURE in notify or not notify


def wants_success_report(notify: Collection[Notify]) -> bool:
    return Notify.SUCCESS in notify


def parse_ret(value: str | None) -> Ret | None:
    if value is None or value == "":
        return None
    try:
        return Ret(value.upper())
    except ValueError as exc:
        raise ValueError("RET takes FULL or HDRS (RFC 3461 §4.3)") from exc


def check_envid(envid: str | None) -> str | None:
    if envid is not None and len(envid) > MAX_ENVID:
        raise ValueError(f"ENVID longer than {MAX_ENVID} characters (RFC 3461 §4.4)")
    return envid


def check_orcpt(orcpt: str | None) -> str | None:
    """An ORCPT as ``addr-type;address`` with the address xtext-decoded (RFC 3461 §4.2)."""
    if orcpt is None:
        return None
    addr_type, semicolon, address = orcpt.partition(";")
    if not semicolon or not addr_type.strip() or not address or len(orcpt) > MAX_ORCPT:
        raise ValueError("ORCPT must be addr-type;address, at most 500 characters (RFC 3461 §4.2)")
    return orcpt


def xtext(text: str) -> str:
    """RFC 3461 §4: "+" and two upper-case hex digits for each octet that is not an xchar."""
    return "".join(
        chr(octet)
        if _XTEXT_LOW <= octet <= _XTEXT_HIGH and octet not in _XTEXT_SPECIAL
        else f"+{octet:02X}"
        for octet in text.encode("utf-8")
    )


def orcpt_parameter(orcpt: str) -> str:
    """``ORCPT=addr-type;xtext`` for RCPT TO (RFC 3461 §4.2)."""
    addr_type, _, address = orcpt.partition(";")
    return f"ORCPT={addr_type.strip()};{xtext(address)}"
