""" "Mes professionnels": the professionals who wrote to the patient, found in the patient's own
decrypted mail, and the one list a patient's reply may be addressed to.

Why from the mail: the server keeps no clear record of who writes to whom (the core's
correspondent book holds keyed tags only, which cannot be listed), so the list is read from the
senders of the patient's messages, through the reading path (the row cache's decrypted
summaries), each time it is needed. A sender shows only if the core also recorded them as having
written first (:class:`~mss.correspondents.CorrespondentBook`), so a message a patient filed
from elsewhere, or one they wrote themselves, never adds a recipient.

The same list decides what the reply form offers and what the server accepts: a recipient typed
around the form (or a forged request) is refused here, in plain words, before submission.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Protocol

from crypto.session import SessionToken
from mss.accounts import UnlockedAccount
from mss.addresses import InvalidAddress, normalise_address
from mss.store.records import Account, Mailbox
from webmail.mail.headers import Person
from webmail.mail.reader import Folder, ListPage
from webmail.mail.summaries import ListItem

# Folders whose senders count: not Sent, Drafts (the patient's own), Trash or Junk.
SENDER_ROLES = frozenset({"inbox", "archive", "folder"})
# Newest messages read per folder: each costs a decryption the first time a session lists it;
# a professional who wrote only before the last 500 messages of every folder drops off.
SCAN_PER_FOLDER = 500
_PAGE = 100


class NotAProfessional(ValueError):
    """A reply addressed to someone who is not among the patient's professionals."""

    def __init__(self, address: str) -> None:
        super().__init__(address)
        self.address = address


@dataclass(frozen=True, slots=True)
class Professional:
    """One professional and their latest message to the patient."""

    person: Person
    mailbox_id: int
    uid: int
    subject: str
    date: int
    messages: int


class MailListing(Protocol):
    """What the list needs of the reading path."""

    async def folders(self, account: Account) -> list[Folder]: ...

    async def mailbox(self, account: Account, mailbox_id: int) -> Mailbox: ...

    async def page(
        self,
        owner: UnlockedAccount,
        token: SessionToken,
        mailbox: Mailbox,
        page: int,
        per_page: int,
    ) -> ListPage: ...


class Correspondents(Protocol):
    async def has(self, patient_id: int, address: str) -> bool: ...

    async def closed(self, patient_id: int, address: str) -> bool: ...


def normalised(address: str) -> str:
    """The addr-spec as the core compares it, or "" when it is not one."""
    try:
        return normalise_address(address)
    except InvalidAddress:
        return ""


class ProfessionalBook:
    def __init__(self, reader: MailListing, correspondents: Correspondents) -> None:
        self._reader = reader
        self._correspondents = correspondents

    async def find(self, owner: UnlockedAccount, token: SessionToken) -> list[Professional]:
        """Newest correspondence first."""
        account = owner.account
        latest: dict[str, Professional] = {}
        for folder in await self._reader.folders(account):
            if folder.role not in SENDER_ROLES:
                continue
            mailbox = await self._reader.mailbox(account, folder.id)
            for item in await self._newest(owner, token, mailbox):
                _note(latest, item, mailbox.id, account.address)
        found = [
            p
            for p in latest.values()
            if await self._correspondents.has(account.id, p.person.address)
        ]
        return sorted(found, key=lambda p: -p.date)

    async def _newest(
        self, owner: UnlockedAccount, token: SessionToken, mailbox: Mailbox
    ) -> list[ListItem]:
        items: list[ListItem] = []
        for page in range(1, SCAN_PER_FOLDER // _PAGE + 1):
            listed = await self._reader.page(owner, token, mailbox, page, _PAGE)
            items.extend(listed.items)
            if page >= listed.pages:
                break
        return items

    async def check(self, owner: UnlockedAccount, recipients: Iterable[str]) -> None:
        """Raise :class:`NotAProfessional` for the first recipient who never wrote to the
        patient. The core's policy (mss/policy.py) still decides; this asks the same book, so
        that the two never disagree, and only words the refusal for a patient. A conversation
        the professional closed is left to the core, whose refusal says so."""
        patient = owner.account.id
        for recipient in recipients:
            address = normalised(recipient)
            if await self._correspondents.has(patient, address):
                continue
            if not await self._correspondents.closed(patient, address):
                raise NotAProfessional(recipient)


def _note(latest: dict[str, Professional], item: ListItem, mailbox_id: int, own: str) -> None:
    """Count ``item`` for its sender, keeping their latest message."""
    address = normalised(item.sender.address) if item.sender else ""
    if item.sender is None or not address or address == own:
        return
    known = latest.get(address)
    if known is not None and item.date <= known.date:
        latest[address] = replace(known, messages=known.messages + 1)
        return
    count = known.messages + 1 if known else 1
    person = Person(item.sender.name, address)
    latest[address] = Professional(person, mailbox_id, item.uid, item.subject, item.date, count)
