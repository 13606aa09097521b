"""Radicale's storage plugin over the sealed agenda: one calendar per account, at
``/<address>/agenda/``.

Each event of :class:`~mss.calendar.service.CalendarService` is one calendar object; what a
client stores becomes the owner's own version of the event (RFC 4791 §5.3.2), filed sealed like
everything else. Nothing is kept on disk: the account unlocked by this request reads and writes,
and a path of any other account discovers nothing.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Iterator, Mapping
from email.utils import formatdate
from typing import Any

from radicale import item as radicale_item
from radicale.storage import BaseCollection, BaseStorage

from mss.calendar.ics import event_ics
from mss.calendar.model import CalendarEvent
from mss.dav.bridge import DavBridge

CALENDAR = "agenda"
CALENDAR_META = {
    "tag": "VCALENDAR",
    "D:displayname": "Mon agenda",
    "C:supported-calendar-component-set": "VEVENT",
}


class MssCollection(BaseCollection):
    def __init__(self, bridge: DavBridge, path: str) -> None:
        self._bridge = bridge
        self._path = path
        self._modified = formatdate(time.time(), usegmt=True)

    @property
    def path(self) -> str:
        return self._path

    @property
    def is_calendar(self) -> bool:
        return self._path.count("/") == 1 and self._path.endswith("/" + CALENDAR)

    def _events(self) -> list[CalendarEvent]:
        if not self.is_calendar:
            return []
        unlocked = self._bridge.unlocked(self.owner)
        return self._bridge.call(self._bridge.calendar.events(unlocked))

    def _item(self, event: CalendarEvent) -> radicale_item.Item:
        return radicale_item.Item(
            collection=self,
            href=event.dav_name,
            text=event_ics(event.current, event.replies).decode("utf-8"),
            last_modified=self._modified,
        )

    def get_all(self) -> Iterator[radicale_item.Item]:
        for event in self._events():
            yield self._item(event)

    def get_multi(self, hrefs: Iterable[str]) -> Iterator[tuple[str, radicale_item.Item | None]]:
        wanted = set(hrefs)
        found = {e.dav_name: e for e in self._events() if e.dav_name in wanted}
        for href in wanted:
            event = found.get(href)
            yield href, self._item(event) if event is not None else None

    def upload(
        self, href: str, item: radicale_item.Item
    ) -> tuple[radicale_item.Item, radicale_item.Item | None]:
        if not self.is_calendar:
            raise ValueError("calendar objects live in the agenda collection")
        unlocked = self._bridge.unlocked(self.owner)
        old = dict(self.get_multi([href])).get(href)
        text = item.serialize()
        self._bridge.call(self._bridge.calendar.put_object(unlocked, href, text.encode("utf-8")))
        stored = dict(self.get_multi([href])).get(href)
        if stored is None:
            raise ValueError("the event was stored under another name")
        return stored, old

    def delete(self, href: str | None = None) -> None:
        if href is None or not self.is_calendar:
            raise ValueError("the agenda itself cannot be deleted")
        unlocked = self._bridge.unlocked(self.owner)
        self._bridge.call(self._bridge.calendar.delete_object(unlocked, href))

    def get_meta(self, key: str | None = None) -> Any:
        meta: Mapping[str, str] = CALENDAR_META if self.is_calendar else {}
        return meta if key is None else meta.get(key)

    def set_meta(self, props: Mapping[str, str]) -> None:
        """Display names and colours are the client's business: accepted, not stored."""

    @property
    def last_modified(self) -> str:
        return self._modified


class MssStorage(BaseStorage):
    def __init__(self, configuration: Any, bridge: DavBridge) -> None:
        super().__init__(configuration)
        self._bridge = bridge

    def discover(
        self,
        path: str,
        depth: str = "0",
        child_context_manager: Any = None,
        user_groups: Any = frozenset(),
    ) -> Iterator[Any]:
        parts = [p for p in path.strip("/").split("/") if p]
        current = self._bridge.current.unlocked
        user = current.account.address if current is not None else None
        if not parts:
            yield MssCollection(self._bridge, "")
            if depth != "0" and user is not None:
                yield MssCollection(self._bridge, user)
            return
        if parts[0] != user or len(parts) > 3:
            return
        if len(parts) == 1:
            yield MssCollection(self._bridge, user)
            if depth != "0":
                yield MssCollection(self._bridge, f"{user}/{CALENDAR}")
            return
        if parts[1] != CALENDAR:
            return
        calendar = MssCollection(self._bridge, f"{user}/{CALENDAR}")
        if len(parts) == 3:
            found = dict(calendar.get_multi([parts[2]])).get(parts[2])
            if found is not None:
                yield found
            return
        yield calendar
        if depth != "0":
            yield from calendar.get_all()

    def move(self, item: Any, to_collection: Any, to_href: str) -> None:
        raise ValueError("moving calendar objects is not supported")

    def create_collection(
        self, href: str, items: Any = None, props: Any = None
    ) -> tuple[Any, dict[str, Any], list[str]]:
        """The principal and its one calendar always exist; nothing else can be made."""
        parts = [p for p in href.strip("/").split("/") if p]
        if len(parts) == 1 or (len(parts) == 2 and parts[1] == CALENDAR):
            return MssCollection(self._bridge, "/".join(parts)), {}, []
        raise ValueError("only the agenda collection exists")

    @contextlib.contextmanager
    def acquire_lock(self, mode: str, user: str = "", *args: Any, **kwargs: Any) -> Iterator[None]:
        """The store serialises writes itself (group commit): no lock is needed here."""
        yield

    def verify(self) -> bool:
        return True
