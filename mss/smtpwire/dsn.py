"""DSN parameters of the envelope (RFC 3461 §4): read from MAIL and RCPT, kept by the queue, and
written again when a message is relayed to a peer that advertises DSN.

aiosmtpd does not know these parameters (it would refuse them with 555, and it upper-cases values,
while ENVID and ORCPT are case-sensitive xtext), so the front end takes them out of the command
line first (:func:`take_mail_params`, :func:`take_rcpt_params`); the queue validates what it is
given for storage with the same rules.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

MAX_ENVID = 100  # RFC 3461 §4.4: an ENVID is at most 100 characters
MAX_ORCPT = 500  # RFC 3461 §4.2: an ORCPT is at most 500 characters
_XTEXT_LOW = 0x21  # RFC 3461 §4: xchar is "!" through "~" except "+" and "="
_XTEXT_HIGH = 0x7E
_XTEXT_SPECIAL = frozenset(b"+=")
_XTEXT_HEX = re.compile(r"\+([0-9A-F]{2})")


class DsnSyntaxError(ValueError):
    """A DSN parameter is malformed; the message is the reply text."""


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


@dataclass(frozen=True, slots=True)
class MailDsn:
    """The parameters of MAIL FROM, decoded."""

    ret: str | None = None
    env_id: str | None = None


@dataclass(frozen=True, slots=True)
class RcptDsn:
    """The parameters of one RCPT TO, decoded."""

    notify: tuple[str, ...] = ()
    orcpt: str | None = None


def parse_notify(values: Iterable[str]) -> frozenset[Notify]:
    """Validate a NOTIFY list; the empty set means NOTIFY was not given."""
    try:
        notify = frozenset(Notify(value.strip().upper()) for value in values)
    except ValueError as exc:
        raise DsnSyntaxError(
            "NOTIFY must be NEVER, or a list of SUCCESS, FAILURE, DELAY (RFC 3461 §4.1)"
        ) from exc
    if Notify.NEVER in notify and len(notify) > 1:
        raise DsnSyntaxError("NOTIFY=NEVER cannot be combined with other values (RFC 3461 §4.1)")
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
        raise DsnSyntaxError("RET must be FULL or HDRS (RFC 3461 §4.3)") from exc


def check_envid(envid: str | None) -> str | None:
    if envid is not None and len(envid) > MAX_ENVID:
        raise DsnSyntaxError(f"ENVID longer than {MAX_ENVID} characters (RFC 3461 §4.4)")
    return envid


def check_orcpt(orcpt: str | None) -> str | None:
    """An ORCPT as ``addr-type;address`` with the address xtext-decoded (RFC 3461 §4.2)."""
    if orcpt is None:
        return None
    _orcpt_parts(orcpt)
    return orcpt


def _orcpt_parts(orcpt: str) -> tuple[str, str]:
    addr_type, semicolon, address = orcpt.partition(";")
    if not semicolon or not addr_type.strip() or not address or len(orcpt) > MAX_ORCPT:
        raise DsnSyntaxError("ORCPT must be addr-type;xtext, e.g. rfc822;a@b (RFC 3461 §4.2)")
    return addr_type, address


def xtext(text: str) -> str:
    """RFC 3461 §4: "+" and two upper-case hex digits for each octet that is not an xchar."""
    return "".join(
        chr(octet)
        if _XTEXT_LOW <= octet <= _XTEXT_HIGH and octet not in _XTEXT_SPECIAL
        else f"+{octet:02X}"
        for octet in text.encode("utf-8")
    )


def decode_xtext(text: str, limit: int, name: str) -> str:
    """RFC 3461 §4: "+" followed by two upper-case hex digits encodes one octet."""
    if len(text) > limit:
        raise DsnSyntaxError(f"{name} longer than {limit} characters (RFC 3461 §4)")
    if "+" in _XTEXT_HEX.sub("", text):
        raise DsnSyntaxError("Malformed xtext: '+' must be followed by two hex digits")
    return _XTEXT_HEX.sub(lambda m: chr(int(m.group(1), 16)), text)


def orcpt_parameter(orcpt: str) -> str:
    """``ORCPT=addr-type;xtext`` for RCPT TO (RFC 3461 §4.2)."""
    addr_type, _, address = orcpt.partition(";")
    return f"ORCPT={addr_type.strip()};{xtext(address)}"


def _split(arg: str) -> tuple[str, list[str]]:
    """The address part of the argument, and the parameter words after it."""
    close = arg.find(">")
    head, tail = (arg[: close + 1], arg[close + 1 :]) if close >= 0 else (arg, "")
    if close < 0:
        words = arg.split()
        head, tail = (words[0] if words else ""), " ".join(words[1:])
    return head, tail.split()


def take_mail_params(arg: str) -> tuple[str, MailDsn]:
    """MAIL's argument without RET and ENVID, and those two decoded (RFC 3461 §4.3, §4.4)."""
    head, words = _split(arg)
    ret: Ret | None = None
    env_id: str | None = None
    rest = []
    for word in words:
        name, _, value = word.partition("=")
        upper = name.upper()
        if upper == "RET":
            if ret is not None or not value:
                raise DsnSyntaxError("RET must be given once, as FULL or HDRS (RFC 3461 §4.3)")
            ret = parse_ret(value)
        elif upper == "ENVID":
            if env_id is not None or not value:
                raise DsnSyntaxError("ENVID must be given once, with a value (RFC 3461 §4.4)")
            env_id = decode_xtext(value, MAX_ENVID, "ENVID")
        else:
            rest.append(word)
    return " ".join([head, *rest]), MailDsn(ret.value if ret else None, env_id)


def take_rcpt_params(arg: str) -> tuple[str, RcptDsn]:
    """RCPT's argument without NOTIFY and ORCPT, and those two decoded (RFC 3461 §4.1, §4.2)."""
    head, words = _split(arg)
    notify: tuple[str, ...] = ()
    orcpt: str | None = None
    rest = []
    for word in words:
        name, _, value = word.partition("=")
        upper = name.upper()
        if upper == "NOTIFY":
            if notify:
                raise DsnSyntaxError("NOTIFY must be given once (RFC 3461 §4.1)")
            given = value.split(",")
            parse_notify(given)
            notify = tuple(item.upper() for item in given)
        elif upper == "ORCPT":
            if orcpt is not None:
                raise DsnSyntaxError("ORCPT must be given once (RFC 3461 §4.2)")
            addr_type, address = _orcpt_parts(value)
            orcpt = f"{addr_type.lower()};{decode_xtext(address, MAX_ORCPT, 'ORCPT')}"
        else:
            rest.append(word)
    return " ".join([head, *rest]), RcptDsn(notify, orcpt)
