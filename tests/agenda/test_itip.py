"""Reading iTIP objects: real clients' shapes, and hostile calendars refused or clamped fast."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from mss.calendar import limits
from mss.calendar.expand import occurrences
from mss.calendar.fold import OpenedEntry, fold
from mss.calendar.itip import CalendarError, parse_itip
from mss.calendar.model import Method, PartStat
from tests.agenda.fixtures import OUTLOOK_TZ, vevent

DOCTOR = "jeanne.martin@hopital.example"
PATIENT = "285057512345623@patient.example"


def test_thunderbird_request_with_paris_time_zone() -> None:
    (version,) = parse_itip(vevent(DOCTOR, PATIENT).encode(), "REQUEST")
    assert version.method is Method.REQUEST
    assert version.start == datetime(2026, 12, 10, 13, 30, tzinfo=UTC)
    assert version.end == datetime(2026, 12, 10, 14, 0, tzinfo=UTC)
    assert version.organizer is not None and version.organizer.address == DOCTOR
    assert [a.address for a in version.attendees] == [PATIENT]
    assert version.attendees[0].rsvp
    assert version.location.startswith("Hôpital Nord")


def test_outlook_windows_zone_name_is_read_from_its_vtimezone() -> None:
    calendar = vevent(DOCTOR, PATIENT, tzid="Romance Standard Time", timezone=OUTLOOK_TZ)
    (version,) = parse_itip(calendar.encode())
    assert version.start.astimezone(UTC) == datetime(2026, 12, 10, 13, 30, tzinfo=UTC)


def test_method_parameter_must_match_the_method_property() -> None:
    with pytest.raises(CalendarError, match="differs"):
        parse_itip(vevent(DOCTOR, PATIENT).encode(), "CANCEL")


@pytest.mark.parametrize(
    ("calendar", "reason"),
    [
        (b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n", "no VEVENT"),
        (b"not a calendar at all", "unreadable"),
        (vevent(DOCTOR, PATIENT, method="COUNTER").encode(), "unsupported METHOD"),
        (
            vevent(DOCTOR, PATIENT, extra="RRULE:FREQ=SECONDLY;COUNT=1000000000\r\n").encode(),
            "frequency",
        ),
        (b"x" * (limits.MAX_CALENDAR_BYTES + 1), "exceeds"),
    ],
)
def test_hostile_or_broken_calendars_are_refused(calendar: bytes, reason: str) -> None:
    with pytest.raises(CalendarError, match=reason):
        parse_itip(calendar)


def test_two_uids_in_one_object_are_refused() -> None:
    first = vevent(DOCTOR, PATIENT)
    second = vevent(DOCTOR, PATIENT, uid="other@hopital.example")
    body = first.split("BEGIN:VEVENT")[1].split("END:VCALENDAR")[0]
    merged = second.replace("END:VCALENDAR\r\n", "BEGIN:VEVENT" + body + "END:VCALENDAR\r\n")
    with pytest.raises(CalendarError, match="one UID"):
        parse_itip(merged.encode())


def test_long_texts_are_clamped() -> None:
    calendar = vevent(DOCTOR, PATIENT, description="A" * 200_000)
    (version,) = parse_itip(calendar.encode())
    assert len(version.description) == limits.MAX_TEXT


def test_a_huge_recurrence_count_expands_only_the_window() -> None:
    calendar = vevent(DOCTOR, PATIENT, extra="RRULE:FREQ=DAILY;COUNT=1000000000\r\n")
    started = time.monotonic()
    events = fold([OpenedEntry(1, b"t", {"kind": "itip", "ics": calendar})])
    begin = datetime(2026, 12, 1, tzinfo=UTC)
    found = occurrences(events, begin, begin + timedelta(days=3650))
    assert len(found) == limits.MAX_OCCURRENCES
    assert time.monotonic() - started < 60, "expansion is bounded by MAX_OCCURRENCES"


def test_fold_follows_sequence_then_cancel_then_replies() -> None:
    first = vevent(DOCTOR, PATIENT)
    moved = vevent(DOCTOR, PATIENT, sequence=1, start="20261211T090000", end="20261211T093000")
    stale = vevent(DOCTOR, PATIENT, sequence=0, stamp="20261202T100000Z", start="20261230T090000")
    entries = [
        OpenedEntry(1, b"t", {"kind": "itip", "ics": first}),
        OpenedEntry(2, b"t", {"kind": "itip", "ics": moved}),
        OpenedEntry(3, b"t", {"kind": "itip", "ics": stale}),
    ]
    (event,) = fold(entries)
    assert event.current.start == datetime(2026, 12, 11, 8, 0, tzinfo=UTC)
    assert not event.cancelled

    old_cancel = vevent(DOCTOR, PATIENT, method="CANCEL", sequence=0)
    (event,) = fold([*entries, OpenedEntry(4, b"t", {"kind": "itip", "ics": old_cancel})])
    assert not event.cancelled, "a CANCEL older than the current version does not cancel it"

    cancel = vevent(DOCTOR, PATIENT, method="CANCEL", sequence=1, stamp="20261203T100000Z")
    (event,) = fold([*entries, OpenedEntry(5, b"t", {"kind": "itip", "ics": cancel})])
    assert event.cancelled

    reply = vevent(DOCTOR, PATIENT, method="REPLY", sequence=1, partstat="ACCEPTED")
    (event,) = fold([*entries, OpenedEntry(6, b"t", {"kind": "itip", "ics": reply})])
    assert event.replies == {PATIENT: PartStat.ACCEPTED}


def test_an_unknown_time_zone_is_read_in_paris_time() -> None:
    """A TZID that neither a VTIMEZONE nor the tz database defines: the trust space's zone."""
    (version,) = parse_itip(vevent(DOCTOR, PATIENT, tzid="Mars/Olympus", timezone="").encode())
    assert version.start == datetime(2026, 12, 10, 13, 30, tzinfo=UTC)
