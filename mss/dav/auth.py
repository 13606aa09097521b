"""Radicale's sign-in, answered by the core: an app password unlocks the account's keys for the
request, exactly as on IMAP (the keys are needed to read the sealed agenda at all)."""

from __future__ import annotations

from typing import Any

from radicale.auth import BaseAuth

from mss.accounts import AuthenticationFailed
from mss.dav.bridge import DavBridge
from mss.signin import Channel


class MssAuth(BaseAuth):
    def __init__(self, configuration: Any, bridge: DavBridge) -> None:
        super().__init__(configuration)
        self._bridge = bridge

    def _login(self, login: str, password: str) -> str:
        self._bridge.current.unlocked = None
        try:
            unlocked = self._bridge.call(
                self._bridge.signin.sign_in(login, password, self._bridge.current.peer, Channel.DAV)
            )
        except AuthenticationFailed:
            return ""
        self._bridge.current.unlocked = unlocked
        return unlocked.account.address
