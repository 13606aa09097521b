"""Each RFC 8098 §2.1/§2.2 rule of mss.receipts.rules on its own, hostile requests included."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default

import pytest

from mss.receipts.rules import NoReceipt, Request, automatic_request

DOCTOR = "jeanne.martin@hopital.example"


def parsed(headers: str) -> bytes:
    return (
        f"From: <{DOCTOR}>\r\nSubject: Bilan\r\n{headers}Content-Type: text/plain\r\n\r\nTexte.\r\n"
    ).encode()


def rule(headers: str, return_path: str = DOCTOR) -> Request | NoReceipt:
    return automatic_request(message_from_bytes(parsed(headers), policy=default), return_path)


MID = "Message-ID: <1@hopital.example>\r\n"
DNT = f"Disposition-Notification-To: Dr Martin <{DOCTOR.upper()}>\r\n"


def test_a_valid_request_names_the_requester_and_the_message() -> None:
    assert rule(MID + DNT) == Request(DOCTOR, "<1@hopital.example>")


@pytest.mark.parametrize(
    ("headers", "return_path", "reason"),
    [
        (MID, DOCTOR, NoReceipt.NOT_REQUESTED),
        (MID + DNT, "", NoReceipt.NULL_SENDER),
        (MID + DNT, "paul.durand@hopital.example", NoReceipt.NOT_RETURN_PATH),
        (MID + f"Disposition-Notification-To: <{DOCTOR}>, <x@hopital.example>\r\n", DOCTOR,
         NoReceipt.BAD_REQUEST),
        (MID + DNT + DNT.replace(DOCTOR.upper(), "x@hopital.example"), DOCTOR,
         NoReceipt.BAD_REQUEST),
        (MID + "Disposition-Notification-To: pas une adresse\r\n", DOCTOR, NoReceipt.BAD_REQUEST),
        (MID + "Disposition-Notification-To: " + "a" * 5000 + "@x.example\r\n", DOCTOR,
         NoReceipt.BAD_REQUEST),
        (DNT, DOCTOR, NoReceipt.NO_MESSAGE_ID),
        ("Message-ID: <" + "m" * 2000 + "@x>\r\n" + DNT, DOCTOR, NoReceipt.NO_MESSAGE_ID),
        (MID + DNT + "Auto-Submitted: auto-replied\r\n", DOCTOR, NoReceipt.AUTO_SUBMITTED),
        (MID + DNT + "Disposition-Notification-Options: x=required,y\r\n", DOCTOR,
         NoReceipt.REQUIRED_OPTION),
    ],
    ids=[
        "not-asked", "null-sender", "other-return-path", "two-addresses", "two-fields",
        "garbage", "huge-address", "no-message-id", "huge-message-id", "auto-replied",
        "required-option",
    ],
)  # fmt: skip
def test_no_automatic_mdn(headers: str, return_path: str, reason: NoReceipt) -> None:
    assert rule(headers, return_path) is reason


def test_optional_options_and_auto_submitted_no_allow_an_mdn() -> None:
    headers = MID + DNT + "Auto-Submitted: no\r\nDisposition-Notification-Options: x=optional,y\r\n"
    assert isinstance(rule(headers), Request)


def test_a_report_is_never_answered() -> None:
    raw = (
        f"From: <{DOCTOR}>\r\n{MID}{DNT}MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n"
    ).encode()
    assert automatic_request(message_from_bytes(raw, policy=default), DOCTOR) is NoReceipt.IS_REPORT
