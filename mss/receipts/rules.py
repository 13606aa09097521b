"""When a receiving server may answer a message with an automatic MDN (RFC 8098 §2.1, §2.2, §3).

A pure function over the parsed message and its Return-Path, so every rule is tested alone; the
trust-space rule needs the policy and is applied by :mod:`mss.receipts.processed`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from email.policy import default
from email.utils import getaddresses

from mss.addresses import InvalidAddress, normalise_address


class NoReceipt(enum.Enum):
    """Why no MDN is sent; each value is a log line."""

    NOT_REQUESTED = "no Disposition-Notification-To"
    BAD_REQUEST = "Disposition-Notification-To is not one valid address"
    IS_REPORT = "the message is itself an MDN or a DSN"
    AUTO_SUBMITTED = "the message was sent automatically"
    NULL_SENDER = "the message has a null Return-Path"
    NOT_RETURN_PATH = "Disposition-Notification-To differs from the Return-Path"
    REQUIRED_OPTION = "a required Disposition-Notification-Options parameter is not understood"
    NO_MESSAGE_ID = "the message has no Message-ID to refer to"
    OUTSIDE_TRUST_SPACE = "the requester is outside the trust space"
    ALREADY_SENT = "an MDN was already sent for this message and recipient"


def read_header(raw: bytes) -> Message:
    """The header block only: every rule reads header fields, and a body of 10,000 nested
    parts costs the email package seconds and a RecursionError, never needed here."""
    return BytesParser(policy=default).parsebytes(raw, headersonly=True)


@dataclass(frozen=True)
class Request:
    """A request an automatic MDN may answer: to whom, about which message."""

    to: str
    message_id: str


def automatic_request(message: Message, return_path: str) -> Request | NoReceipt:
    """The MDN request of ``message`` if every rule of RFC 8098 allows an automatic answer."""
    request = receipt_request(message)
    if isinstance(request, NoReceipt):
        return request
    # RFC 5321 §4.5.5: a null reverse-path marks a report; nothing may answer it.
    if not return_path:
        return NoReceipt.NULL_SENDER
    try:
        sender = normalise_address(return_path)
    except InvalidAddress:
        return NoReceipt.BAD_REQUEST
    # RFC 8098 §2.1: not automatically when the address differs from the Return-Path.
    if request.to != sender:
        return NoReceipt.NOT_RETURN_PATH
    return request


def receipt_request(message: Message) -> Request | NoReceipt:
    """Every rule that needs the message alone (the stored copy has no Return-Path)."""
    requested = message.get_all("Disposition-Notification-To")
    if not requested:
        return NoReceipt.NOT_REQUESTED
    # RFC 8098 §2.1: MDNs MUST NOT be generated in response to MDNs (nor, RFC 3464, to DSNs).
    if message.get_content_type() == "multipart/report":
        return NoReceipt.IS_REPORT
    # RFC 3834 §2: no automatic response to a message that was itself automatic.
    if str(message.get("Auto-Submitted", "no")).strip().lower().split(";")[0] != "no":
        return NoReceipt.AUTO_SUBMITTED
    addresses = getaddresses([str(value) for value in requested])
    if len(addresses) != 1:
        return NoReceipt.BAD_REQUEST
    try:
        to = normalise_address(addresses[0][1])
    except InvalidAddress:
        return NoReceipt.BAD_REQUEST
    if _required_option(message):
        return NoReceipt.REQUIRED_OPTION
    message_id = str(message.get("Message-ID", "")).strip()
    if not message_id or len(message_id) > 998:
        return NoReceipt.NO_MESSAGE_ID
    return Request(to, message_id)


def _required_option(message: Message) -> bool:
    """RFC 8098 §2.2: we understand no parameter, so any marked ``required`` forbids an MDN."""
    options = str(message.get("Disposition-Notification-Options", ""))
    for parameter in options.split(";"):
        _, _, value = parameter.partition("=")
        if value.strip().lower().startswith("required"):
            return True
    return False
