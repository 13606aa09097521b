"""Typed values of the calendar: what one iTIP object says, and an event as the owner sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Method(StrEnum):
    """iTIP methods we act on (RFC 5546 §1.4); PUBLISH is treated as a REQUEST without RSVP."""

    PUBLISH = "PUBLISH"
    REQUEST = "REQUEST"
    REPLY = "REPLY"
    CANCEL = "CANCEL"


class PartStat(StrEnum):
    """RFC 5545 §3.2.12 participation status of an attendee of a VEVENT."""

    NEEDS_ACTION = "NEEDS-ACTION"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    TENTATIVE = "TENTATIVE"


@dataclass(frozen=True, slots=True)
class Person:
    address: str
    name: str | None = None
    partstat: PartStat = PartStat.NEEDS_ACTION
    rsvp: bool = False


@dataclass(frozen=True, slots=True)
class EventVersion:
    """One VEVENT of an iTIP object, clamped to :mod:`mss.calendar.limits`."""

    method: Method
    uid: str
    sequence: int
    dtstamp: datetime
    summary: str
    location: str
    description: str
    organizer: Person | None
    attendees: tuple[Person, ...]
    start: datetime
    end: datetime | None
    all_day: bool
    cancelled: bool
    rrule: str | None
    ics: str
    """The whole (clamped) VCALENDAR, kept for recurrence expansion, replies and download."""

    @property
    def order(self) -> tuple[int, datetime]:
        """RFC 5546 §2.1.5: the higher SEQUENCE wins, then the later DTSTAMP."""
        return (self.sequence, self.dtstamp)


@dataclass(frozen=True, slots=True)
class Source:
    """Where an entry came from: a message of the owner's, or the owner's own hand."""

    mailbox_id: int | None = None
    uid: int | None = None


@dataclass(slots=True)
class CalendarEvent:
    """An event as the owner sees it, folded from every entry that carries its UID."""

    entry_id: int
    tag: bytes
    current: EventVersion
    source: Source
    personal: bool = False
    my_partstat: PartStat | None = None
    replies: dict[str, PartStat] = field(default_factory=dict)
    href: str | None = None
    """The name a CalDAV client stored the event under, when one did."""

    @property
    def dav_name(self) -> str:
        """The event's resource name in the CalDAV collection."""
        return self.href or f"{self.tag.hex()[:40]}.ics"

    @property
    def cancelled(self) -> bool:
        return self.current.cancelled


@dataclass(frozen=True, slots=True)
class Occurrence:
    event: CalendarEvent
    start: datetime
    end: datetime | None
