"""One SMTP session to a peer of the trust space: STARTTLS required, our certificate presented.

Implementation notes. The session never proceeds in the clear: a peer that does not offer
STARTTLS (RFC 3207 §4), or whose certificate does not chain to the PEM configured for it, is a
transient failure, retried like a refused connection; so is a certificate that the target's own
check refuses once TLS is up (whitelisted domains: the health PKI and the whitelisted DNs). DSN
parameters are passed on only when the peer advertises DSN (RFC 3461 §5.2.1); the result says
so, because that peer then takes over the duty of reporting success. Each recipient's answer is
kept apart (RFC 5321 §3.3: some RCPTs may be refused while the others are delivered).
"""

from __future__ import annotations

import contextlib
import enum
import re
import ssl
from collections.abc import Callable
from dataclasses import dataclass, replace

from aiosmtplib import (
    SMTP,
    SMTPDataError,
    SMTPException,
    SMTPRecipientRefused,
    SMTPResponseException,
    SMTPSenderRefused,
)

from mss.smtpwire import statuses
from mss.smtpwire.dsn import Notify, encode_notify, orcpt_parameter, xtext

_ENHANCED = re.compile(r"^([245])\.(\d{1,3})\.(\d{1,3})(?=\s|$)")
MAX_REPLY_TEXT = 900


class Verdict(enum.StrEnum):
    DELIVERED = "delivered"
    TRANSIENT = "transient"
    PERMANENT = "permanent"


@dataclass(frozen=True, slots=True)
class RelayRecipient:
    address: str
    notify: frozenset[Notify]
    orcpt: str | None


@dataclass(frozen=True, slots=True)
class RelayEnvelope:
    sender: str
    recipients: tuple[RelayRecipient, ...]
    envid: str | None
    ret: str | None


@dataclass(frozen=True, slots=True)
class Target:
    """Where and how to connect: the peer's MX, and a context trusting only its PEM (or the
    health PKI); ``address`` when the host's address was looked up already; ``verify`` checks
    the peer's certificate (DER) after the handshake and returns why it is refused, if it is."""

    host: str
    port: int
    context: ssl.SSLContext
    local_hostname: str
    timeout: float
    address: str | None = None
    verify: Callable[[bytes], str | None] | None = None


@dataclass(frozen=True, slots=True)
class Attempt:
    """What one attempt came to for one recipient."""

    verdict: Verdict
    status: str  # RFC 3463
    error: str  # in our words, for the operator and the DSN's text
    reply: str | None = None  # the peer's reply, "550 5.1.1 …", when it answered
    dsn_passed_on: bool = False  # RFC 3461 §5.2.1: the peer now reports success itself


def from_reply(code: int, text: str, dsn_passed_on: bool = False) -> Attempt:
    """Classify a reply by its first digit (RFC 5321 §4.2.1), keeping its enhanced code."""
    line = " ".join(text.split())[:MAX_REPLY_TEXT]
    match = _ENHANCED.match(line)
    same_class = match is not None and int(match.group(1)) == statuses.reply_class(code)
    status = match.group(0) if match is not None and same_class else statuses.generic_status(code)
    verdict = {
        statuses.SUCCESS_CLASS: Verdict.DELIVERED,
        statuses.PERMANENT_CLASS: Verdict.PERMANENT,
    }.get(statuses.reply_class(code), Verdict.TRANSIENT)
    reply = f"{code} {line}".strip()
    return Attempt(verdict, status, f"the peer answered {reply}", reply, dsn_passed_on)


def failure(verdict: Verdict, status: str, error: str) -> Attempt:
    return Attempt(verdict, status, error)


async def relay(target: Target, envelope: RelayEnvelope, raw: bytes) -> list[Attempt]:
    """Send ``raw`` to every recipient of ``envelope``; one attempt per recipient, in order."""
    everyone = len(envelope.recipients)
    client = SMTP(
        hostname=target.address or target.host,
        port=target.port,
        local_hostname=target.local_hostname,
        timeout=target.timeout,
        start_tls=False,
        tls_context=target.context,
    )
    try:
        attempts = await _session(client, target, envelope, raw)
    except SMTPResponseException as exc:
        # A refusal before MAIL (greeting, EHLO, STARTTLS) says nothing about the message: like a
        # refused connection it is retried, whatever its class.
        answered = from_reply(exc.code, exc.message)
        return [replace(answered, verdict=Verdict.TRANSIENT)] * everyone
    except ssl.SSLError as exc:
        error = f"TLS with {target.host}:{target.port} failed: {exc.reason or exc}"
        return [failure(Verdict.TRANSIENT, statuses.STATUS_TLS_FAILED, error)] * everyone
    except (SMTPException, OSError) as exc:
        error = f"no SMTP session with {target.host}:{target.port}: {exc}"
        return [failure(Verdict.TRANSIENT, statuses.STATUS_NO_ANSWER, error)] * everyone
    else:
        with contextlib.suppress(SMTPException, OSError):
            await client.quit()  # RFC 5321 §4.1.1.10; the outcome is known already
        return attempts
    finally:
        client.close()  # no await: also right when the session is cancelled (time budget)


async def _session(
    client: SMTP, target: Target, envelope: RelayEnvelope, raw: bytes
) -> list[Attempt]:
    await client.connect()
    await client.ehlo()
    if not client.supports_extension("starttls"):
        error = f"{target.host} does not offer STARTTLS, which the trust space requires"
        return [failure(Verdict.TRANSIENT, statuses.STATUS_SECURITY, error)] * len(
            envelope.recipients
        )
    await client.starttls(tls_context=target.context, server_hostname=target.host)
    refusal = _refusal(client, target)
    if refusal is not None:
        return [failure(Verdict.TRANSIENT, statuses.STATUS_TLS_FAILED, refusal)] * len(
            envelope.recipients
        )
    await client.ehlo()  # RFC 3207 §4.2: forget what was learnt before TLS
    return await _transaction(client, envelope, raw)


def _refusal(client: SMTP, target: Target) -> str | None:
    if target.verify is None:
        return None
    ssl_object: ssl.SSLObject | None = client.get_transport_info("ssl_object")
    der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
    if der is None:
        return f"{target.host} presented no certificate"
    return target.verify(der)


async def _transaction(client: SMTP, envelope: RelayEnvelope, raw: bytes) -> list[Attempt]:
    dsn = client.supports_extension("dsn")
    addresses = [envelope.sender, *(r.address for r in envelope.recipients)]
    utf8 = not all(address.isascii() for address in addresses)
    if utf8 and not client.supports_extension("smtputf8"):
        error = "the peer does not accept non-ASCII addresses (no SMTPUTF8, RFC 6531 §3.2)"
        failed = failure(Verdict.PERMANENT, statuses.STATUS_NO_SMTPUTF8, error)
        return [failed] * len(envelope.recipients)
    encoding = "utf-8" if utf8 else "ascii"
    try:
        options = _mail_options(client, envelope, raw, dsn, utf8)
        await client.mail(envelope.sender, options=options, encoding=encoding)
    except SMTPSenderRefused as exc:
        return [from_reply(exc.code, exc.message)] * len(envelope.recipients)
    attempts: list[Attempt | None] = []
    for recipient in envelope.recipients:
        try:
            await client.rcpt(
                recipient.address, options=_rcpt_options(recipient, dsn), encoding=encoding
            )
            attempts.append(None)
        except SMTPRecipientRefused as exc:
            attempts.append(from_reply(exc.code, exc.message))
    if all(attempt is not None for attempt in attempts):
        with contextlib.suppress(SMTPException):
            await client.rset()  # RFC 5321 §4.1.1.5: end the transaction; every answer is known
        return [attempt for attempt in attempts if attempt is not None]
    try:
        response = await client.data(raw if raw.endswith(b"\r\n") else raw + b"\r\n")
        answer = from_reply(response.code, response.message, dsn_passed_on=dsn)
    except SMTPDataError as exc:
        answer = from_reply(exc.code, exc.message)
    return [answer if attempt is None else attempt for attempt in attempts]


def _mail_options(
    client: SMTP, envelope: RelayEnvelope, raw: bytes, dsn: bool, utf8: bool
) -> list[str]:
    options: list[str] = []
    if client.supports_extension("size"):
        options.append(f"SIZE={len(raw)}")  # RFC 1870 §6
    if not raw.isascii() and client.supports_extension("8bitmime"):
        options.append("BODY=8BITMIME")  # RFC 6152 §2
    if utf8:
        options.append("SMTPUTF8")  # RFC 6531 §3.4
    if dsn and envelope.ret:
        options.append(f"RET={envelope.ret}")  # RFC 3461 §4.3
    if dsn and envelope.envid:
        options.append(f"ENVID={xtext(envelope.envid)}")  # RFC 3461 §4.4
    return options


def _rcpt_options(recipient: RelayRecipient, dsn: bool) -> list[str]:
    if not dsn:
        return []
    options: list[str] = []
    if recipient.notify:
        options.append(f"NOTIFY={encode_notify(recipient.notify)}")  # RFC 3461 §4.1
    if recipient.orcpt:
        options.append(orcpt_parameter(recipient.orcpt))  # RFC 3461 §4.2
    return options
