"""Mailbox hierarchy helpers: validity, ancestors and LIST pattern matching (RFC 3501 §6.3.8)."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mss.imap.mailboxes.names import Pattern, ancestors, glob_match, has_children, validate
from mss.imap.wire.errors import CommandError


def test_validate() -> None:
    assert validate("Patients/Dupont/") == "Patients/Dupont"
    for bad in ("", "/", "a//b", "/a", "a*", "50%", "x" * 1001, "/".join("a" * 40)):
        with pytest.raises(CommandError):
            validate(bad)


def test_ancestors_and_children() -> None:
    assert ancestors("a/b/c") == ["a", "a/b"]
    assert ancestors("a") == []
    assert has_children("a", {"a", "a/b"})
    assert not has_children("a", {"a", "ab"})


@pytest.mark.parametrize(
    ("pattern", "name", "expected"),
    [
        ("*", "a/b/c", True),
        ("%", "a", True),
        ("%", "a/b", False),
        ("a/%", "a/b", True),
        ("a/%", "a/b/c", False),
        ("a*c", "a/b/c", True),
        ("a%c", "a/b/c", False),
        ("Sent", "Sent", True),
        ("Sent", "sent", False),
        ("inbox", "INBOX", True),
        ("InBo%", "INBOX", True),
        ("", "", True),
    ],
)
def test_patterns(pattern: str, name: str, expected: bool) -> None:
    # RFC 3501 §6.3.8: "*" matches the delimiter too, "%" does not; only INBOX ignores case.
    assert Pattern("", pattern).matches(name) is expected


def test_reference_is_prefixed() -> None:
    assert Pattern("Patients/", "%").matches("Patients/Dupont")


def test_wildcard_heavy_patterns_stay_cheap() -> None:
    started = time.monotonic()
    assert not glob_match("*a" * 200 + "b", "a" * 1000)
    assert time.monotonic() - started < 30, "backtracking would take far longer than this"


def _reference(pattern: str, name: str) -> bool:
    expression = "".join(
        ".*" if c == "*" else "[^/]*" if c == "%" else re.escape(c) for c in pattern
    )
    return re.fullmatch(expression, name, re.DOTALL) is not None


@given(st.text("ab/*%", max_size=8), st.text("ab/", max_size=8))
def test_glob_agrees_with_a_regular_expression(pattern: str, name: str) -> None:
    assert glob_match(pattern, name) == _reference(pattern, name)
