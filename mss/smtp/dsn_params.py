"""DSN parameters of MAIL and RCPT (RFC 3461 §4), which aiosmtpd does not know.

They are taken out of the command line before aiosmtpd parses it (it would refuse them with
555, and it upper-cases values, while ENVID and ORCPT are case-sensitive xtext).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NOTIFY_VALUES = frozenset({"NEVER", "SUCCESS", "FAILURE", "DELAY"})
_XTEXT_HEX = re.compile(r"\+([0-9A-F]{2})")
MAX_ORCPT = 500  # RFC 3461 §4.2
MAX_ENVID = 100  # RFC 3461 §4.4


class DsnSyntaxError(ValueError):
    """A DSN parameter is malformed; the message is the reply text."""


@dataclass(frozen=True, slots=True)
class MailDsn:
    ret: str | None = None
    env_id: str | None = None


@dataclass(frozen=True, slots=True)
class RcptDsn:
    notify: tuple[str, ...] = ()
    orcpt: str | None = None


def decode_xtext(text: str, limit: int, name: str) -> str:
    """RFC 3461 §4: "+" followed by two upper-case hex digits encodes one octet."""
    if len(text) > limit:
        raise DsnSyntaxError(f"{name} longer than {limit} characters (RFC 3461 §4)")
    if "+" in _XTEXT_HEX.sub("", text):
        raise DsnSyntaxError("Malformed xtext: '+' must be followed by two hex digits")
    return _XTEXT_HEX.sub(lambda m: chr(int(m.group(1), 16)), text)


def _split(arg: str) -> tuple[str, list[str]]:
    """The address part of the argument, and the parameter words after it."""
    close = arg.find(">")
    head, tail = (arg[: close + 1], arg[close + 1 :]) if close >= 0 else (arg, "")
    if close < 0:
        words = arg.split()
        head, tail = (words[0] if words else ""), " ".join(words[1:])
    return head, tail.split()


def take_mail_params(arg: str) -> tuple[str, MailDsn]:
    head, words = _split(arg)
    ret: str | None = None
    env_id: str | None = None
    rest = []
    for word in words:
        name, _, value = word.partition("=")
        upper = name.upper()
        if upper == "RET":
            if value.upper() not in ("FULL", "HDRS") or ret is not None:
                raise DsnSyntaxError("RET must be given once, as FULL or HDRS (RFC 3461 §4.3)")
            ret = value.upper()
        elif upper == "ENVID":
            if env_id is not None or not value:
                raise DsnSyntaxError("ENVID must be given once, with a value (RFC 3461 §4.4)")
            env_id = decode_xtext(value, MAX_ENVID, "ENVID")
        else:
            rest.append(word)
    return " ".join([head, *rest]), MailDsn(ret, env_id)


def take_rcpt_params(arg: str) -> tuple[str, RcptDsn]:
    head, words = _split(arg)
    notify: tuple[str, ...] = ()
    orcpt: str | None = None
    rest = []
    for word in words:
        name, _, value = word.partition("=")
        upper = name.upper()
        if upper == "NOTIFY":
            items = tuple(item.upper() for item in value.split(","))
            if (
                notify
                or not all(item in NOTIFY_VALUES for item in items)
                or ("NEVER" in items and len(items) > 1)
            ):
                raise DsnSyntaxError(
                    "NOTIFY must be NEVER, or a list of SUCCESS, FAILURE, DELAY (RFC 3461 §4.1)"
                )
            notify = items
        elif upper == "ORCPT":
            addr_type, semicolon, address = value.partition(";")
            if orcpt is not None or not semicolon or not addr_type or not address:
                raise DsnSyntaxError(
                    "ORCPT must be addr-type;xtext, e.g. rfc822;a@b (RFC 3461 §4.2)"
                )
            orcpt = f"{addr_type.lower()};{decode_xtext(address, MAX_ORCPT, 'ORCPT')}"
        else:
            rest.append(word)
    return " ".join([head, *rest]), RcptDsn(notify, orcpt)
