"""Domain errors of the directory.

The web and CLI front-ends translate these into HTTP problems or exit codes; nothing in the
directory knows about either. A validation error always says which field failed and which rule
it broke, because operators read them in import reports of a million lines and need to know what
to correct without opening the code.
"""

from __future__ import annotations


class DirectoryError(Exception):
    """Base of every error the directory raises on purpose."""


class InvalidField(DirectoryError):
    """A value that breaks a named rule of a named field."""

    def __init__(self, field: str, rule: str, value: str) -> None:
        self.field = field
        self.rule = rule
        self.value = value
        super().__init__(f"{field}: {value!r} is invalid: {rule}")


class ExtractionFormatError(DirectoryError):
    """The file is not a national extraction at all (unreadable header, missing columns)."""
