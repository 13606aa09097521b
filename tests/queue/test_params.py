"""RFC 3461 parameters: NOTIFY rules, xtext, ORCPT, RET, ENVID."""

from __future__ import annotations

import pytest

from mss.smtpwire.dsn import (
    Notify,
    Ret,
    check_envid,
    check_orcpt,
    decode_notify,
    encode_notify,
    orcpt_parameter,
    parse_notify,
    parse_ret,
    wants_failure_report,
    wants_success_report,
    xtext,
)


def test_notify_round_trips_in_a_stable_order() -> None:
    notify = parse_notify(["failure", " Success"])
    assert notify == {Notify.SUCCESS, Notify.FAILURE}
    assert encode_notify(notify) == "SUCCESS,FAILURE"
    assert decode_notify("SUCCESS,FAILURE") == notify
    assert decode_notify("") == frozenset()


@pytest.mark.parametrize("values", [["NEVER", "SUCCESS"], ["SOMETIMES"]])
def test_invalid_notify_lists_are_refused(values: list[str]) -> None:
    with pytest.raises(ValueError, match="NOTIFY"):
        parse_notify(values)


def test_which_reports_each_notify_asks_for() -> None:
    """RFC 3461 §4.1: no NOTIFY behaves as NOTIFY=FAILURE."""
    assert wants_failure_report(frozenset()) and not wants_success_report(frozenset())
    assert not wants_failure_report({Notify.NEVER})
    assert wants_success_report({Notify.SUCCESS}) and not wants_failure_report({Notify.SUCCESS})


def test_xtext_encodes_plus_equals_controls_and_non_ascii() -> None:
    assert xtext("a+b=c d") == "a+2Bb+3Dc+20d"
    assert xtext("é") == "+C3+A9"
    assert xtext("plain!~") == "plain!~"


def test_orcpt_is_checked_and_encoded() -> None:
    assert check_orcpt("rfc822;a+b@x.example") == "rfc822;a+b@x.example"
    assert orcpt_parameter("rfc822;a+b@x.example") == "ORCPT=rfc822;a+2Bb@x.example"
    for bad in ("no-semicolon", ";a@b", "rfc822;", "rfc822;" + "a" * 500):
        with pytest.raises(ValueError, match="ORCPT"):
            check_orcpt(bad)


def test_ret_and_envid() -> None:
    assert parse_ret("hdrs") is Ret.HDRS and parse_ret(None) is None and parse_ret("") is None
    with pytest.raises(ValueError, match="RET"):
        parse_ret("SOME")
    assert check_envid("x" * 100) == "x" * 100
    with pytest.raises(ValueError, match="ENVID"):
        check_envid("x" * 101)
