"""The agenda: invitations filed at delivery, folded in the owner's session, answered through the
one sending path, and reminders prepared while the plaintext is in memory.

Implementation notes. Delivery holds only the owner's public key, so :meth:`delivered` appends
each iTIP object as its own sealed entry under the event's keyed tag and never reads older
entries; :mod:`mss.calendar.fold` resolves them when the owner looks. Reminders are complete
messages sealed to the owner, scheduled with the event's SEQUENCE and DTSTAMP sealed to the
queue key, so a stale update never replaces the reminders of a newer one.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from crypto.queuekey import QueueKey
from crypto.tags import keyed_tag
from mss.accounts import UnlockedAccount
from mss.addresses import InvalidAddress
from mss.calendar import limits
from mss.calendar.expand import next_start, occurrences
from mss.calendar.fold import OpenedEntry, fold
from mss.calendar.itip import CalendarError, parse_itip
from mss.calendar.messages import (
    invitation_calendar,
    invitation_message,
    itip_message,
    reminder_message,
    reply_message,
)
from mss.calendar.model import (
    CalendarEvent,
    EventVersion,
    Method,
    Occurrence,
    PartStat,
    Person,
    Source,
)
from mss.calendar.parts import calendar_parts
from mss.calendar.scheduling import Outgoing, plan_remove, plan_store, with_schedule_status
from mss.calendar.sealing import (
    Schedule,
    SealedEntry,
    open_entry,
    open_schedule,
    seal_entry,
    seal_schedule,
)
from mss.calendar.wording import ANSWERS, french_when
from mss.calendar.worker import DueReminders
from mss.inbound import InboundMessage
from mss.mailcrypto import seal_message
from mss.policy import PolicyError
from mss.store.calendar_records import EntryRecord, NewReminder, ReminderRecord
from mss.store.errors import NotFound
from mss.store.records import Account
from mss.submission import Envelope, Recipient

log = logging.getLogger(__name__)
_TAG_PURPOSE = b"calendar-event"


class CalendarStore(DueReminders, Protocol):
    """What the agenda needs of the store, reminders' delivery included."""

    async def add_entry(
        self, account_id: int, tag: bytes, object_id: bytes, sealed_key: bytes, body: bytes
    ) -> int: ...

    async def entries(self, account_id: int, tag: bytes | None = None) -> list[EntryRecord]: ...

    async def delete_event(self, account_id: int, tag: bytes) -> int: ...

    async def replace_reminders(
        self, account_id: int, tag: bytes, reminders: Sequence[NewReminder]
    ) -> None: ...

    async def reminders_of(self, account_id: int, tag: bytes) -> list[ReminderRecord]: ...


class Sender(Protocol):
    async def check_recipient(self, account: Account, address: str) -> Any: ...

    """The one sending path (``mss.submission.SubmissionService``), as the agenda needs it."""

    async def submit(self, sender: UnlockedAccount, envelope: Envelope, raw: bytes) -> Any: ...


class CalendarService:
    name = "calendar"

    def __init__(
        self,
        store: CalendarStore,
        sender: Sender,
        secret: bytes,
        queue_key: QueueKey,
        hostname: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._sender = sender
        self._secret = secret
        self._queue_key = queue_key
        self._hostname = hostname
        self._clock = clock

    @property
    def store(self) -> CalendarStore:
        return self._store

    def tag(self, account: Account, uid: str) -> bytes:
        return keyed_tag(self._secret, _TAG_PURPOSE, str(account.id).encode(), uid.encode())

    # Delivery: the plaintext is in memory once, now.

    async def delivered(self, message: InboundMessage) -> None:
        for data, method in calendar_parts(message.raw, message.parsed):
            try:
                versions = parse_itip(data, method)
            except CalendarError as error:
                log.warning(
                    "calendar part of uid %s for %s kept as an attachment: %s",
                    message.stored.uid,
                    message.recipient.address,
                    error,
                )
                continue
            await self._file(message, versions[0])
            return

    async def _file(self, message: InboundMessage, version: EventVersion) -> None:
        account = message.recipient
        tag = self.tag(account, version.uid)
        body = {
            "kind": "itip",
            "ics": version.ics,
            "mailbox_id": message.stored.mailbox_id,
            "uid": message.stored.uid,
            "message_id": message.parsed.envelope.message_id,
        }
        await self._add(account, tag, body)
        if version.method in (Method.REQUEST, Method.PUBLISH):
            await self._schedule(account, tag, version, None)
        elif version.method is Method.CANCEL:
            await self._cancel_reminders(account, tag, version)

    async def _add(self, account: Account, tag: bytes, body: dict[str, Any]) -> int:
        sealed = seal_entry(body, account.encryption_key)
        return await self._store.add_entry(
            account.id, tag, sealed.object_id, sealed.sealed_key, sealed.body
        )

    # Reminders.

    async def _schedule(
        self,
        account: Account,
        tag: bytes,
        version: EventVersion,
        offsets: Sequence[int] | None,
    ) -> None:
        existing = await self._store.reminders_of(account.id, tag)
        known = [self._schedule_of(r) for r in existing]
        incoming = (version.sequence, int(version.dtstamp.timestamp()))
        if any((s.sequence, s.dtstamp) > incoming for s in known):
            return  # RFC 5546 §2.1.5: an older update does not replace a newer one
        if offsets is None:
            offsets = sorted({s.offset for s in known}) or limits.DEFAULT_REMINDER_OFFSETS
        now = self._clock()
        event = CalendarEvent(0, tag, version, source=_NO_SOURCE)
        start = next_start(event, datetime.fromtimestamp(now, UTC))
        reminders = []
        if start is not None and not version.cancelled:
            for offset in offsets:
                due = int(start.timestamp()) - offset
                if due > now:
                    reminders.append(self._reminder(account, tag, version, start, offset, due))
        await self._store.replace_reminders(account.id, tag, reminders)

    def _reminder(
        self,
        account: Account,
        tag: bytes,
        version: EventVersion,
        start: datetime,
        offset: int,
        due: int,
    ) -> NewReminder:
        raw = reminder_message(version, account.address, start, offset, self._hostname)
        sealed = seal_message(raw, account.encryption_key, frozenset(), due)
        schedule = Schedule(version.sequence, int(version.dtstamp.timestamp()), offset)
        return NewReminder(
            tag, due, seal_schedule(schedule, sealed.object_id, self._queue_key), sealed
        )

    def _schedule_of(self, reminder: ReminderRecord) -> Schedule:
        return open_schedule(reminder.schedule, reminder.message.object_id, self._queue_key)

    async def _cancel_reminders(self, account: Account, tag: bytes, cancel: EventVersion) -> None:
        existing = await self._store.reminders_of(account.id, tag)
        incoming = (cancel.sequence, int(cancel.dtstamp.timestamp()))
        if all((s.sequence, s.dtstamp) <= incoming for s in map(self._schedule_of, existing)):
            await self._store.replace_reminders(account.id, tag, [])

    async def set_reminders(
        self, owner: UnlockedAccount, event: CalendarEvent, offsets: Sequence[int]
    ) -> None:
        """Replace the event's reminders by ``offsets`` seconds before its next start."""
        if any(o <= 0 or o > 60 * 86400 for o in offsets) or len(offsets) > 5:
            raise ValueError("a reminder is between one minute and sixty days before")
        version = event.current
        await self._store.replace_reminders(owner.account.id, event.tag, [])
        await self._schedule(owner.account, event.tag, version, sorted(set(offsets)))

    async def reminder_offsets(self, owner: UnlockedAccount, event: CalendarEvent) -> list[int]:
        pending = await self._store.reminders_of(owner.account.id, event.tag)
        return sorted({self._schedule_of(r).offset for r in pending}, reverse=True)

    # The owner's view.

    async def events(self, owner: UnlockedAccount) -> list[CalendarEvent]:
        records = await self._store.entries(owner.account.id)
        return fold(self._open(owner, records))

    async def event(self, owner: UnlockedAccount, entry_id: int) -> CalendarEvent:
        for event in await self.events(owner):
            if event.entry_id == entry_id:
                return event
        raise NotFound("no such event")

    async def event_of_message(
        self, owner: UnlockedAccount, mailbox_id: int, uid: int
    ) -> CalendarEvent | None:
        for event in await self.events(owner):
            if event.source.mailbox_id == mailbox_id and event.source.uid == uid:
                return event
        return None

    async def agenda(
        self, owner: UnlockedAccount, start: datetime, end: datetime
    ) -> list[Occurrence]:
        return occurrences(await self.events(owner), start, end)

    def _open(self, owner: UnlockedAccount, records: list[EntryRecord]) -> list[OpenedEntry]:
        opened = []
        for record in records:
            sealed = SealedEntry(record.object_id, record.sealed_key, record.body)
            try:
                opened.append(
                    OpenedEntry(record.id, record.event_tag, open_entry(sealed, owner.keys))
                )
            except Exception as error:
                log.warning("calendar entry %s does not open: %s", record.id, error)
        return opened

    # The owner's acts.

    async def respond(
        self, owner: UnlockedAccount, event: CalendarEvent, partstat: PartStat
    ) -> None:
        """Send an iMIP REPLY to the organiser (a reply, so a patient may send it), then file the
        answer; nothing is filed if sending is refused."""
        version = event.current
        if event.personal or version.organizer is None or event.cancelled:
            raise ValueError("this event takes no answer")
        address = owner.account.address
        me = next((a for a in version.attendees if a.address == address), None)
        if me is None:
            raise ValueError("you are not an attendee of this event")
        in_reply_to = await self._message_id(owner, event)
        raw = reply_message(version, me, partstat, in_reply_to)
        envelope = Envelope(address, (Recipient(version.organizer.address),))
        await self._sender.submit(owner, envelope, raw)
        await self._add(owner.account, event.tag, {"kind": "partstat", "partstat": partstat.value})

    async def _message_id(self, owner: UnlockedAccount, event: CalendarEvent) -> str | None:
        for record in await self._store.entries(owner.account.id, event.tag):
            if record.id == event.entry_id:
                sealed = SealedEntry(record.object_id, record.sealed_key, record.body)
                value = open_entry(sealed, owner.keys).get("message_id")
                return str(value) if value else None
        return None

    async def add_personal(
        self,
        owner: UnlockedAccount,
        title: str,
        start: datetime,
        note: str = "",
        offsets: Sequence[int] = (),
    ) -> int:
        """A reminder of the owner's own (a vaccination booster): an event only they see."""
        title = title.strip()[: limits.MAX_TEXT]
        if not title:
            raise ValueError("a reminder needs a title")
        me = Person(owner.account.address, owner.account.display_name or None)
        uid, ics = invitation_calendar(me, [], title, start, start, "", note[: limits.MAX_TEXT])
        version = parse_itip(ics)[0]
        tag = self.tag(owner.account, uid)
        entry = await self._add(owner.account, tag, {"kind": "personal", "ics": version.ics})
        await self._schedule(owner.account, tag, version, list(offsets) or [3600])
        return entry

    async def put_object(self, owner: UnlockedAccount, href: str, ics: bytes) -> EventVersion:
        """A calendar object stored by a CalDAV client (RFC 4791 §5.3.2): the owner's own
        version of the event, which wins over what came before it, and the iMIP messages the
        change implies (RFC 6638 §3.2) sent on the owner's behalf."""
        version = parse_itip(ics, default=Method.PUBLISH)[0]
        tag = self.tag(owner.account, version.uid)
        before = None
        for event in await self.events(owner):
            if event.dav_name == href and event.tag != tag:
                raise ValueError("this resource holds another event (RFC 4791 §5.3.2.1)")
            if event.tag == tag:
                before = event
        address = owner.account.address
        plans = plan_store(
            address,
            before.current if before is not None else None,
            version,
            before.my_partstat if before is not None else None,
        )
        statuses = await self._send_plans(owner, version, plans)
        body: dict[str, Any] = {
            "kind": _kind_of_copy(address, version),
            "ics": with_schedule_status(version.ics, statuses) if statuses else version.ics,
            "href": href,
        }
        if before is not None and before.source.mailbox_id is not None:
            body.update(mailbox_id=before.source.mailbox_id, uid=before.source.uid)
        await self._add(owner.account, tag, body)
        for plan in plans:
            if plan.partstat is not None:
                await self._add(owner.account, tag, {"kind": "partstat", "partstat": plan.partstat})
        return version

    async def delete_object(self, owner: UnlockedAccount, href: str) -> bool:
        for event in await self.events(owner):
            if event.dav_name == href:
                plans = plan_remove(owner.account.address, event.current)
                await self._send_plans(owner, event.current, plans)
                await self._store.delete_event(owner.account.id, event.tag)
                return True
        return False

    async def _send_plans(
        self, owner: UnlockedAccount, version: EventVersion, plans: Sequence[Outgoing]
    ) -> dict[str, str]:
        """Send each planned iMIP message to the recipients the policy accepts; the
        SCHEDULE-STATUS of each recipient (RFC 6638 §3.2.9: 1.2 delivered, 3.7 refused)."""
        account = owner.account
        me = Person(account.address, account.display_name or None)
        statuses: dict[str, str] = {}
        for plan in plans:
            accepted = []
            for address in plan.recipients:
                try:
                    await self._sender.check_recipient(account, address)
                except (PolicyError, InvalidAddress) as error:
                    log.info("calendar message to %s not sent: %s", address, error)
                    statuses[address] = "3.7"
                    continue
                accepted.append(address)
            if not accepted:
                continue
            raw = itip_message(
                me,
                [Person(a) for a in accepted],
                _subject(plan, version),
                f"{version.summary}\n{french_when(version.start, version.end, version.all_day)}\n",
                plan.calendar,
                plan.method,
            )
            envelope = Envelope(account.address, tuple(Recipient(a) for a in accepted))
            await self._sender.submit(owner, envelope, raw)
            statuses.update((address, "1.2") for address in accepted)
        return statuses

    async def delete_personal(self, owner: UnlockedAccount, event: CalendarEvent) -> None:
        if not event.personal:
            raise ValueError("only your own reminders can be deleted")
        await self._store.delete_event(owner.account.id, event.tag)

    async def schedule_invitation(
        self,
        organizer: UnlockedAccount,
        attendees: Sequence[Person],
        summary: str,
        start: datetime,
        end: datetime,
        location: str = "",
        description: str = "",
    ) -> str:
        """The one entry point that invites people (webmail, establishments' API): sends an iMIP
        REQUEST through the one sending path and keeps the organiser's copy; returns the UID."""
        account = organizer.account
        me = Person(account.address, account.display_name or None)
        uid, ics = invitation_calendar(me, attendees, summary, start, end, location, description)
        raw = invitation_message(me, attendees, summary, ics, french_when(start, end))
        envelope = Envelope(account.address, tuple(Recipient(a.address) for a in attendees))
        await self._sender.submit(organizer, envelope, raw)
        version = parse_itip(ics)[0]
        await self._add(account, self.tag(account, uid), {"kind": "organized", "ics": version.ics})
        return uid


_NO_SOURCE = Source()


def _kind_of_copy(owner: str, version: EventVersion) -> str:
    """What a client-stored object is to the agenda: the owner's own reminder when nobody else
    takes part, an event they organise, or their copy of someone else's invitation."""
    if not version.attendees and (
        version.organizer is None or version.organizer.address == owner.lower()
    ):
        return "personal"
    if version.organizer is None or version.organizer.address == owner.lower():
        return "organized"
    return "copy"


def _subject(plan: Outgoing, version: EventVersion) -> str:
    if plan.method is Method.CANCEL:
        return f"Annulé : {version.summary}"
    if plan.method is Method.REPLY and plan.partstat is not None:
        return f"{ANSWERS[plan.partstat]} : {version.summary}"
    return f"Invitation : {version.summary}"
