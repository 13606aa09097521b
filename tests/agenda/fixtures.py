"""Invitations shaped as real clients send them: Thunderbird (Lightning) with an Olson VTIMEZONE,
and Outlook with a Windows time-zone name defined by its own VTIMEZONE (RFC 5546 §4 examples
adapted to an appointment)."""

from __future__ import annotations

PARIS_TZ = """BEGIN:VTIMEZONE\r
TZID:Europe/Paris\r
BEGIN:DAYLIGHT\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
TZNAME:CEST\r
DTSTART:19700329T020000\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r
END:DAYLIGHT\r
BEGIN:STANDARD\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
TZNAME:CET\r
DTSTART:19701025T030000\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r
END:STANDARD\r
END:VTIMEZONE\r
"""

OUTLOOK_TZ = """BEGIN:VTIMEZONE\r
TZID:Romance Standard Time\r
BEGIN:STANDARD\r
DTSTART:16010101T030000\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:16010101T020000\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\r
END:DAYLIGHT\r
END:VTIMEZONE\r
"""


def vevent(
    organizer: str,
    attendee: str,
    *,
    method: str = "REQUEST",
    uid: str = "rdv-2026-1@hopital.example",
    sequence: int = 0,
    start: str = "20261210T143000",
    end: str = "20261210T150000",
    stamp: str = "20261201T100000Z",
    summary: str = "Consultation de suivi",
    location: str = "Hôpital Nord, bâtiment B, 2e étage",
    description: str = "Apportez votre carte Vitale.",
    tzid: str = "Europe/Paris",
    timezone: str = PARIS_TZ,
    extra: str = "",
    partstat: str = "NEEDS-ACTION",
) -> str:
    return (
        "BEGIN:VCALENDAR\r\n"
        "PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN\r\n"
        "VERSION:2.0\r\n"
        f"METHOD:{method}\r\n"
        f"{timezone}"
        "BEGIN:VEVENT\r\n"
        f"CREATED:{stamp}\r\n"
        f"DTSTAMP:{stamp}\r\n"
        f"UID:{uid}\r\n"
        f"SUMMARY:{summary}\r\n"
        f"ORGANIZER;CN=Dr Jeanne Martin:mailto:{organizer}\r\n"
        f"ATTENDEE;RSVP=TRUE;PARTSTAT={partstat};ROLE=REQ-PARTICIPANT:mailto:{attendee}\r\n"
        f"DTSTART;TZID={tzid}:{start}\r\n"
        f"DTEND;TZID={tzid}:{end}\r\n"
        f"LOCATION:{location}\r\n"
        f"DESCRIPTION:{description}\r\n"
        f"SEQUENCE:{sequence}\r\n"
        f"{extra}"
        "END:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )


def invitation(sender: str, recipient: str, calendar: str, method: str = "REQUEST") -> bytes:
    """The message Thunderbird sends: text/plain then text/calendar with the method parameter."""
    return (
        f"From: Dr Jeanne Martin <{sender}>\r\n"
        f"To: <{recipient}>\r\n"
        "Subject: Invitation: Consultation de suivi\r\n"
        "Date: Tue, 01 Dec 2026 11:00:00 +0100\r\n"
        f"Message-ID: <inv-{abs(hash(calendar))}@hopital.example>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="outer"\r\n'
        "\r\n"
        "--outer\r\n"
        'Content-Type: multipart/alternative; boundary="alt"\r\n'
        "\r\n"
        "--alt\r\n"
        "Content-Type: text/plain; charset=UTF-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n"
        "\r\n"
        "Vous êtes invité(e).\r\n"
        "--alt\r\n"
        f"Content-Type: text/calendar; charset=UTF-8; method={method}\r\n"
        "Content-Transfer-Encoding: 8bit\r\n"
        "\r\n"
        f"{calendar}"
        "--alt--\r\n"
        "--outer\r\n"
        'Content-Type: application/ics; name="invite.ics"\r\n'
        'Content-Disposition: attachment; filename="invite.ics"\r\n'
        "Content-Transfer-Encoding: 8bit\r\n"
        "\r\n"
        f"{calendar}"
        "--outer--\r\n"
    ).encode()
