"""RFC 8098 MDNs built by mss.receipts.mdn parse back with the email package."""

from __future__ import annotations

from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP, default

from mss.receipts.mdn import AUTOMATIC, Disposition, build_mdn, parse_mdn


def _original() -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "jean.dupont@pro.example"
    msg["To"] = "1234567890123@patient.example"
    msg["Subject"] = "Résultats"
    msg["Message-ID"] = "<orig-1@pro.example>"
    msg["Disposition-Notification-To"] = "jean.dupont@pro.example"
    msg.set_content("Bonjour")
    return msg


def _disposition(error: str | None = None) -> Disposition:
    return Disposition(
        original_message_id="<orig-1@pro.example>",
        final_recipient="1234567890123@patient.example",
        original_recipient="1234567890123@patient.example",
        action_mode=AUTOMATIC,
        disposition_type="processed",
        error=error,
    )


def _round_trip(error: str | None = None, include_original: bool = False) -> EmailMessage:
    report = build_mdn(
        _original(),
        reporting_ua="mss.example; MSS",
        sender="postmaster@patient.example",
        to="jean.dupont@pro.example",
        disposition=_disposition(error),
        human_text="Votre message a été reçu.",
        include_original=include_original,
    )
    parsed = message_from_bytes(report.as_bytes(policy=SMTP), policy=default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_processed_mdn_round_trips() -> None:
    parsed = _round_trip()
    assert parsed.get_content_type() == "multipart/report"
    assert parsed.get_param("report-type") == "disposition-notification"
    assert parsed["Auto-Submitted"] == "auto-replied"
    assert parse_mdn(parsed) == _disposition()


def test_error_form_returns_original_and_code() -> None:
    parsed = _round_trip(error="XDM01^Paquet illisible", include_original=True)
    assert str(parsed["Subject"]).startswith("[KO Intégration système !]")
    parts = parsed.get_payload()
    assert isinstance(parts, list) and len(parts) == 3
    assert parts[2].get_content_type() == "message/rfc822"
    result = parse_mdn(parsed)
    assert result is not None and result.error == "XDM01^Paquet illisible"


def test_hostile_reports_are_ignored() -> None:
    plain = _original()
    assert parse_mdn(plain) is None
    huge = _round_trip()
    raw = huge.as_bytes().replace(b"<orig-1@pro.example>", b"<" + b"x" * 5000 + b">")
    assert parse_mdn(message_from_bytes(raw, policy=default)) is None
    missing = _round_trip()
    missing.set_payload(missing.get_payload()[:1])  # type: ignore[index]
    assert parse_mdn(missing) is None
    nested = b"Content-Type: multipart/report; report-type=disposition-notification;"
    nested += b" boundary=b\r\n\r\n"
    nested += b"--b\r\nContent-Type: multipart/mixed; boundary=c\r\n\r\n" * 2000
    assert parse_mdn(message_from_bytes(nested, policy=default)) is None


def test_unknown_disposition_type_is_ignored() -> None:
    raw = _round_trip().as_bytes().replace(b"; processed", b"; eaten")
    assert parse_mdn(message_from_bytes(raw, policy=default)) is None
