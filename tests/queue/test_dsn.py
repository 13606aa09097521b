"""RFC 3464 reports as Python's email package reads them: structure, fields, returned content."""

from __future__ import annotations

import datetime

from mss.queue.dsn import Action, Report, ReportedRecipient, build_report
from mss.smtpwire.dsn import Ret
from queue_support import DOCTOR, NURSE, SENDER, parse_mail, part, sample, status_blocks

ARRIVAL = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)


def recipient(address: str, action: Action = Action.FAILED, **changes: object) -> ReportedRecipient:
    values: dict[str, object] = {
        "address": address,
        "original": None,
        "action": action,
        "status": "5.1.1",
        "remote_mta": "mx.clinique.example",
        "diagnostic": "550 5.1.1 No such user",
        "last_attempt": ARRIVAL,
        "explanation": "the peer answered 550 5.1.1 No such user",
    }
    values.update(changes)
    return ReportedRecipient(**values)  # type: ignore[arg-type]


def report(*recipients: ReportedRecipient, ret: Ret = Ret.FULL, envid: str | None = "E1") -> Report:
    return Report(
        reporting_mta="mss.hopital.example",
        to=SENDER,
        envid=envid,
        arrival=ARRIVAL,
        recipients=recipients,
        original=sample("dsn"),
        ret=ret,
    )


def test_a_failure_report_is_a_multipart_report_with_the_original() -> None:
    original = recipient(DOCTOR, original="rfc822;Dr.House@clinique.example")
    message = parse_mail(build_report(report(original)))

    assert message.get_content_type() == "multipart/report"
    assert message.get_param("report-type") == "delivery-status"
    assert message["From"] == "Mail Delivery System <MAILER-DAEMON@mss.hopital.example>"
    assert message["To"].addresses[0].addr_spec == SENDER
    assert message["Auto-Submitted"] == "auto-replied"
    assert "non remis" in message["Subject"]
    body = part(message, 0).get_content()
    returned = part(message, 2)
    assert body.index("n'a pas pu être remis") < body.index("could not be delivered")
    assert DOCTOR in body
    per_message, per_recipient = status_blocks(message)
    assert per_message["Reporting-MTA"] == "dns; mss.hopital.example"
    assert per_message["Original-Envelope-Id"] == "E1"
    assert per_message["Arrival-Date"] == "Mon, 23 Nov 2026 09:00:00 +0000"
    assert per_recipient["Final-Recipient"] == f"rfc822;{DOCTOR}"
    assert per_recipient["Original-Recipient"] == "rfc822;Dr.House@clinique.example"
    assert per_recipient["Action"] == "failed" and per_recipient["Status"] == "5.1.1"
    assert per_recipient["Remote-MTA"] == "dns; mx.clinique.example"
    assert per_recipient["Diagnostic-Code"] == "smtp; 550 5.1.1 No such user"
    assert per_recipient["Last-Attempt-Date"] == "Mon, 23 Nov 2026 09:00:00 +0000"
    assert returned.get_content_type() == "message/rfc822"
    assert part(returned, 0)["Subject"] == "Compte rendu dsn"


def test_ret_hdrs_returns_only_the_header() -> None:
    message = parse_mail(build_report(report(recipient(DOCTOR), ret=Ret.HDRS)))
    returned = part(message, 2)
    assert returned.get_content_type() == "text/rfc822-headers"
    assert "Compte rendu dsn" in returned.get_content()
    assert "Bonjour" not in returned.get_content()


def test_a_success_report_returns_the_header_only_whatever_ret_said() -> None:
    relayed = recipient(DOCTOR, Action.RELAYED, status="2.0.0", diagnostic="250 2.0.0 OK")
    message = parse_mail(build_report(report(relayed, ret=Ret.FULL)))
    assert "transmis" in message["Subject"]
    assert part(message, 2).get_content_type() == "text/rfc822-headers"
    assert status_blocks(message)[1]["Action"] == "relayed"


def test_one_report_for_several_recipients() -> None:
    message = parse_mail(build_report(report(recipient(DOCTOR), recipient(NURSE, status="4.4.7"))))
    blocks = status_blocks(message)
    assert [b["Final-Recipient"] for b in blocks[1:]] == [f"rfc822;{DOCTOR}", f"rfc822;{NURSE}"]
    assert [b["Status"] for b in blocks[1:]] == ["5.1.1", "4.4.7"]


def test_hostile_replies_cannot_inject_fields_or_parts() -> None:
    hostile = recipient(DOCTOR, diagnostic="550 bad\r\nX-Injected: yes\r\n\r\n--boundary\r\nété")
    raw = build_report(report(hostile, envid="a\r\nX-Evil: 1"))
    message = parse_mail(raw)
    assert b"\r\nX-Injected" not in raw and b"\r\nX-Evil" not in raw
    blocks = status_blocks(message)
    assert len(blocks) == 2
    assert blocks[1]["Diagnostic-Code"] == "smtp; 550 bad X-Injected: yes --boundary ?t?"
    assert blocks[0]["Original-Envelope-Id"] == "a+0D+0AX-Evil:+201"


def test_non_ascii_addresses_are_written_as_utf8_addr_xtext() -> None:
    message = parse_mail(build_report(report(recipient("rené@clinique.example"))))
    assert status_blocks(message)[1]["Final-Recipient"] == "utf-8;ren\\x{E9}@clinique.example"


def test_a_report_without_readable_original_has_two_parts() -> None:
    unreadable = Report(
        "mss.hopital.example", SENDER, None, ARRIVAL, [recipient(DOCTOR)], None, Ret.FULL
    )
    assert len(list(parse_mail(build_report(unreadable)).iter_parts())) == 2
