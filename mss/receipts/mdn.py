"""Build and parse Message Disposition Notifications (RFC 8098).

Built with the email package only; parsing is bounded so that a hostile report
(missing parts, huge fields, deep nesting) yields ``None``, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage, Message
from email.policy import SMTP
from email.utils import formatdate, make_msgid

# RFC 8098 §3.2.6: the disposition-type values and the one modifier we send.
DISPOSITION_TYPES = frozenset({"displayed", "deleted", "dispatched", "processed"})
AUTOMATIC = "automatic-action/MDN-sent-automatically"
MANUAL = "manual-action/MDN-sent-manually"
DISPLAYED_BY_SETTING = "manual-action/MDN-sent-automatically"  # opened by hand, sent by setting
MAX_FIELD = 998  # RFC 5322 §2.1.1 line limit, applied to each parsed field
MAX_PARTS = 16  # a genuine report has three parts


@dataclass(frozen=True)
class Disposition:
    """What an MDN says about one recipient of one message."""

    original_message_id: str
    final_recipient: str
    original_recipient: str | None
    action_mode: str
    disposition_type: str
    error: str | None = None


def build_mdn(
    original: Message,
    *,
    reporting_ua: str,
    sender: str,
    to: str,
    disposition: Disposition,
    human_text: str,
    include_original: bool = False,
) -> EmailMessage:
    """Return a ``multipart/report; report-type=disposition-notification`` (RFC 8098 §3)."""
    report = EmailMessage(policy=SMTP)
    report["From"] = sender
    report["To"] = to
    subject = original.get("Subject", "")
    prefix = "[KO Intégration système !] " if disposition.error else "Accusé de réception : "
    report["Subject"] = prefix + str(subject)
    report["Date"] = formatdate(localtime=False)
    report["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    report["Auto-Submitted"] = "auto-replied"  # RFC 3834 §5
    if original.get("Message-ID"):
        report["In-Reply-To"] = str(original["Message-ID"])
        report["References"] = str(original["Message-ID"])
    report.set_content(human_text, subtype="plain", charset="utf-8")
    lines = [f"Reporting-UA: {reporting_ua}"]  # RFC 8098 §3.2.1
    if disposition.original_recipient:
        lines.append(f"Original-Recipient: rfc822;{disposition.original_recipient}")
    lines.append(f"Final-Recipient: rfc822;{disposition.final_recipient}")  # §3.2.4
    lines.append(f"Original-Message-ID: {disposition.original_message_id}")  # §3.2.5
    value = f"{disposition.action_mode}; {disposition.disposition_type}"
    if disposition.error:
        value += "/error"
    lines.append(f"Disposition: {value}")  # §3.2.6
    if disposition.error:
        lines.append(f"Error: {disposition.error}")  # §3.2.7
    report.make_mixed()
    report.replace_header("Content-Type", "multipart/report")
    report.set_param("report-type", "disposition-notification")
    dn = EmailMessage(policy=SMTP)
    body = ("\r\n".join(lines) + "\r\n").encode("utf-8")
    dn.set_content(body, maintype="message", subtype="disposition-notification", cte="8bit")
    report.attach(dn)
    if include_original:
        report.attach(_original_part(original))
    return report


def _original_part(original: Message) -> EmailMessage:
    """The returned original, as RFC 8098 §3 allows for the error form.

    RFC 2046 §5.2.1: a message/rfc822 body is never base64 or quoted-printable, so the
    original is attached as a message, in 8bit (as it was read: never parsed again).
    """
    part = EmailMessage(policy=SMTP)
    part.set_content(original, cte="8bit")
    return part


def parse_mdn(message: Message) -> Disposition | None:
    """Read an MDN; ``None`` for anything that is not a well-formed one."""
    if message.get_content_type() != "multipart/report":
        return None
    if str(message.get_param("report-type", "")).lower() != "disposition-notification":
        return None
    payload = message.get_payload()
    if not isinstance(payload, list) or not 2 <= len(payload) <= MAX_PARTS:
        return None
    part = payload[1]
    if not isinstance(part, Message):
        return None
    if part.get_content_type() != "message/disposition-notification":
        return None
    fields = _fields(part)
    if fields is None:
        return None
    return _disposition(fields)


def _fields(part: Message) -> dict[str, str] | None:
    raw = part.get_payload(decode=False)
    if isinstance(raw, list):  # the email package may parse the fields as headers
        block = raw[0] if raw and isinstance(raw[0], Message) else None
        if block is None:
            return None
        items = [(k, str(v)) for k, v in block.items()]
    elif isinstance(raw, str):
        items = []
        for line in raw.replace("\r\n", "\n").split("\n"):
            if line[:1] in (" ", "\t") and items:
                items[-1] = (items[-1][0], items[-1][1] + " " + line.strip())
            elif ":" in line:
                name, _, value = line.partition(":")
                items.append((name, value.strip()))
    else:
        return None
    fields: dict[str, str] = {}
    for name, value in items:
        if len(value) > MAX_FIELD:
            return None
        fields.setdefault(name.strip().lower(), value.strip())
    return fields


def _address(value: str | None) -> str | None:
    if value is None:
        return None
    kind, sep, address = value.partition(";")
    if not sep or kind.strip().lower() != "rfc822" or not address.strip():
        return None
    return address.strip()


def _disposition(fields: dict[str, str]) -> Disposition | None:
    message_id = fields.get("original-message-id")
    final = _address(fields.get("final-recipient"))
    raw = fields.get("disposition")
    if not message_id or final is None or raw is None:
        return None
    mode, sep, kind = raw.partition(";")
    if not sep:
        return None
    kind = kind.strip().lower()
    base, _, modifier = kind.partition("/")
    if base not in DISPOSITION_TYPES:
        return None
    error = fields.get("error") if modifier == "error" else None
    if modifier == "error" and error is None:
        error = ""
    return Disposition(
        original_message_id=message_id,
        final_recipient=final,
        original_recipient=_address(fields.get("original-recipient")),
        action_mode=mode.strip(),
        disposition_type=base,
        error=error,
    )
