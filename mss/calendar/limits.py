"""Bounds on what a calendar from the network may cost. Invitations for medical appointments are
a few KiB; anything far larger is hostile or broken and stays a plain attachment."""

from __future__ import annotations

MAX_CALENDAR_BYTES = 512 * 1024
"""A text/calendar part above this is not parsed (a 10 MB DESCRIPTION stays an attachment)."""

MAX_EVENTS = 50
"""VEVENTs in one iTIP object: one UID plus its overridden occurrences (RFC 5546 §2.1.2)."""

MAX_TEXT = 4000
"""Characters kept of SUMMARY, LOCATION and DESCRIPTION each; longer text is clamped."""

MAX_ATTENDEES = 100

MAX_OCCURRENCES = 400
"""Occurrences expanded for one display window, whatever the RRULE says (COUNT=10⁹ included)."""

ALLOWED_FREQUENCIES = frozenset({"DAILY", "WEEKLY", "MONTHLY", "YEARLY"})
"""Appointments and boosters recur by days or more; SECONDLY to HOURLY rules are refused."""

DEFAULT_TIMEZONE = "Europe/Paris"
"""Floating times and unknown TZIDs are read in the trust space's own time zone."""

DEFAULT_REMINDER_OFFSETS = (24 * 3600, 2 * 3600)
"""The day before and two hours before (issue 10)."""
