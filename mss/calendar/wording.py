"""Dates and answers in French, as patients read them (the core writes reminders and replies,
so it cannot borrow the webmail's translations)."""

from __future__ import annotations

from datetime import datetime

from mss.calendar.itip import PARIS
from mss.calendar.model import PartStat

_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip

ANSWERS = {
    PartStat.ACCEPTED: "Accepté",
    PartStat.TENTATIVE: "Peut-être",
    PartStat.DECLINED: "Refusé",
    PartStat.NEEDS_ACTION: "Sans réponse",
}


def french_date(moment: datetime) -> str:
    local = moment.astimezone(PARIS)
    return f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} {local.year}"


def french_time(moment: datetime) -> str:
    local = moment.astimezone(PARIS)
    return f"{local.hour} h {local.minute:02d}"


def french_when(start: datetime, end: datetime | None = None, all_day: bool = False) -> str:
    """« jeudi 10 décembre 2026 de 14 h 30 à 15 h 00 », in Paris time."""
    if all_day:
        return french_date(start)
    if end is not None and end.astimezone(PARIS).date() == start.astimezone(PARIS).date():
        return f"{french_date(start)} de {french_time(start)} à {french_time(end)}"
    return f"{french_date(start)} à {french_time(start)}"


def french_offset(seconds: int) -> str:
    if seconds % 86400 == 0:
        days = seconds // 86400
        return "la veille" if days == 1 else f"{days} jours avant"
    hours, minutes = divmod(seconds // 60, 60)
    if minutes == 0:
        return f"{hours} heure{'s' if hours > 1 else ''} avant"
    return f"{hours} h {minutes:02d} avant" if hours else f"{minutes} minutes avant"
