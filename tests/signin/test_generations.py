"""Credential generations (mss/generations.py) on their own: a bump ends the sessions of one
account only, and every bump is a new generation (issue 18)."""

from __future__ import annotations

from mss.generations import CredentialGenerations


def test_a_bump_moves_one_account_forward_and_no_other() -> None:
    generations = CredentialGenerations()
    assert generations.current(7) == generations.current(8) == 0
    assert generations.bump(7) == 1
    assert (generations.current(7), generations.current(8)) == (1, 0)
    assert generations.bump(7) == 2
    assert generations.bump(8) == 1
    assert (generations.current(7), generations.current(8)) == (2, 1)
