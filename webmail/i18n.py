"""French by default, English on request: message catalogues as data files, and the formats of
dates and sizes each language expects.

The language is the patient's choice, kept in a cookie; nothing is guessed from the browser, so
the webmail is French unless someone asks otherwise. A key missing from a catalogue falls back to
French, then to the key itself, so a missing translation shows but never breaks a page.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
_LOCALES = Path(__file__).with_name("locales")


def _zone() -> tzinfo:
    try:
        return ZoneInfo("Europe/Paris")
    except ZoneInfoNotFoundError:
        return UTC


ZONE = _zone()
# A value is a text, or for a text with a ``count`` its plural forms ("zero", "one", "other"):
# never "résultat(s)".
Entry = str | dict[str, str]
_CATALOGUES: dict[str, dict[str, Entry]] = {
    language: json.loads((_LOCALES / f"{language}.json").read_text(encoding="utf-8"))
    for language in LANGUAGES
}
_DATE_FORMATS = {"fr": ("%d/%m/%Y", "%H:%M"), "en": ("%Y-%m-%d", "%H:%M")}
_UNITS = {"fr": ("o", "Ko", "Mo", "Go"), "en": ("B", "KB", "MB", "GB")}


def language_of(value: str | None) -> str:
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


class Translator:
    def __init__(self, language: str) -> None:
        self.language = language_of(language)
        self._catalogue = _CATALOGUES[self.language]

    def __call__(self, key: str, **values: object) -> str:
        entry = self._catalogue.get(key) or _CATALOGUES[DEFAULT_LANGUAGE].get(key) or key
        text = entry if isinstance(entry, str) else self._plural(entry, values.get("count"))
        return text.format(**values) if values else text

    def _plural(self, forms: dict[str, str], count: object) -> str:
        """The form for ``count`` (CLDR plural rules: French counts 0 and 1 as singular,
        English 1 only); a catalogue may also give a "zero" sentence."""
        number = count if isinstance(count, int) else None
        if number == 0 and "zero" in forms:
            return forms["zero"]
        singular = number in ((0, 1) if self.language == "fr" else (1,))
        return forms.get("one" if singular else "other") or forms["other"]

    def date(self, epoch: int, with_time: bool = True) -> str:
        moment = datetime.fromtimestamp(epoch, ZONE)
        day, hour = _DATE_FORMATS[self.language]
        return moment.strftime(f"{day} {hour}" if with_time else day)

    def short_date(self, epoch: int, now: int) -> str:
        """The time for today's mail, the date otherwise, as list views show it."""
        moment = datetime.fromtimestamp(epoch, ZONE)
        today = datetime.fromtimestamp(now, ZONE).date()
        day, hour = _DATE_FORMATS[self.language]
        return moment.strftime(hour if moment.date() == today else day)

    def size(self, octets: int) -> str:
        units = _UNITS[self.language]
        value = float(octets)
        for unit in units:
            if value < 1024 or unit == units[-1]:
                text = f"{value:.0f}" if unit == units[0] else f"{value:.1f}"
                if self.language == "fr":
                    text = text.replace(".", ",")
                return f"{text} {unit}"
            value /= 1024
        return f"{octets} {units[0]}"


def keys(language: str) -> set[str]:
    return set(_CATALOGUES[language_of(language)])
