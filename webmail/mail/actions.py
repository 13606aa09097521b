"""What the patient does to mail: flags, trash, delete, send, drafts, "save to my documents".

Implementation notes. Sending goes through :class:`~mss.submission.SubmissionService`, the one
path SMTP submission uses too, so the patient policy (reply only to a professional who wrote
first) is applied in one place; its :class:`~mss.policy.PolicyError` reaches the caller
untouched. A sent reply is flagged ``\\Answered`` and its draft removed only after the
submission has committed. Drafts are written with :func:`mss.delivery.deliver`, the one write
path for stored mail, and replace their previous version after the new one is durable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mss.accounts import UnlockedAccount
from mss.delivery import deliver
from mss.mime import decoded_body
from mss.store.errors import NotFound
from mss.store.records import Appended, FlagMode, Mailbox
from mss.store.repository import SqlStore
from mss.submission import Envelope, Recipient, SubmissionService, SubmitResult
from mss.vault.kinds import guess_type
from mss.vault.model import Document, DocumentMeta, DocumentSource
from mss.vault.service import VaultService
from webmail.mail.compose import Outgoing, build_message
from webmail.mail.headers import decode_text, header_date
from webmail.mail.reader import MailReader, OpenedMessage, role_of
from webmail.mail.view import find_attachment

SEEN = "\\Seen"
DRAFT_FLAGS = ("\\Draft", "\\Seen")


class MessageTooLarge(ValueError):
    """The message with its attachments is over the server's size limit."""


@dataclass(frozen=True, slots=True)
class MessageRef:
    """A message of the signed-in patient: a mailbox already checked to be theirs, and a UID."""

    mailbox: Mailbox
    uid: int


class MailActions:
    def __init__(
        self,
        store: SqlStore,
        reader: MailReader,
        submission: SubmissionService,
        vault: VaultService,
        max_message_bytes: int,
    ) -> None:
        self._store = store
        self._reader = reader
        self._submission = submission
        self._vault = vault
        self._max_bytes = max_message_bytes

    async def set_seen(self, mailbox: Mailbox, uids: Sequence[int], seen: bool) -> None:
        mode = FlagMode.ADD if seen else FlagMode.REMOVE
        await self._store.store_flags(mailbox.id, uids, mode, frozenset({SEEN}))

    async def set_flagged(self, mailbox: Mailbox, uids: Sequence[int], flagged: bool) -> None:
        mode = FlagMode.ADD if flagged else FlagMode.REMOVE
        await self._store.store_flags(mailbox.id, uids, mode, frozenset({"\\Flagged"}))

    async def trash(self, owner: UnlockedAccount, mailbox: Mailbox, uids: Sequence[int]) -> bool:
        """Move to Trash; in Trash already, delete for good. True when deleted for good."""
        if role_of(mailbox) == "trash":
            await self._store.expunge(mailbox.id, uids)
            return True
        trash = await self._reader.special(owner.account, "trash")
        await self._store.move(mailbox.id, uids, trash.id)
        return False

    async def delete(self, mailbox: Mailbox, uids: Sequence[int]) -> None:
        await self._store.expunge(mailbox.id, uids)

    def _raw(self, owner: UnlockedAccount, outgoing: Outgoing) -> bytes:
        raw = build_message(owner.account, outgoing)
        if len(raw) > self._max_bytes:
            raise MessageTooLarge(f"the message is over {self._max_bytes} bytes")
        return raw

    async def send(
        self,
        owner: UnlockedAccount,
        outgoing: Outgoing,
        answering: MessageRef | None = None,
        draft: MessageRef | None = None,
    ) -> SubmitResult:
        recipients = outgoing.envelope_recipients()
        raw = self._raw(owner, outgoing)
        envelope = Envelope(owner.account.address, tuple(Recipient(a) for a in recipients))
        result = await self._submission.submit(owner, envelope, raw)
        if answering is not None:
            await self._store.store_flags(
                answering.mailbox.id, [answering.uid], FlagMode.ADD, frozenset({"\\Answered"})
            )
        if draft is not None:
            await self._store.expunge(draft.mailbox.id, [draft.uid])
        return result

    async def save_draft(
        self, owner: UnlockedAccount, outgoing: Outgoing, previous: MessageRef | None = None
    ) -> Appended:
        drafts = await self._reader.special(owner.account, "drafts")
        raw = self._raw(owner, outgoing)
        appended = await deliver(self._store, owner.account, drafts, raw, flags=DRAFT_FLAGS)
        if previous is not None:
            await self._store.expunge(previous.mailbox.id, [previous.uid])
        return appended

    async def saved_attachments(
        self, owner: UnlockedAccount, opened: OpenedMessage, paths: Sequence[str]
    ) -> dict[str, int]:
        """Of the attachments at ``paths``, those already in the vault, with their document's
        id: the page offers "Enregistrer" only for the others, after a reload too."""
        parts = [find_attachment(opened.summary.structure, path) for path in paths]
        wanted = [(path, found[0]) for path, found in zip(paths, parts, strict=True) if found]
        contents = [decoded_body(opened.raw, part) for _, part in wanted]
        filed = await self._vault.filed(owner.account, contents)
        return {path: doc for (path, _), doc in zip(wanted, filed, strict=True) if doc is not None}

    async def save_attachment(self, owner: UnlockedAccount, ref: MessageRef, path: str) -> Document:
        """File one attachment of a message in the vault, noting which message it came from."""
        opened = await self._reader.open(owner, ref.mailbox, ref.uid)
        found = find_attachment(opened.summary.structure, path)
        if found is None:
            raise NotFound("no such attachment")
        part, attachment = found
        envelope = opened.summary.structure.envelope
        sender = envelope.from_[0] if envelope.from_ else None
        sender_text = f"{sender.mailbox}@{sender.host}" if sender and sender.host else ""
        meta = DocumentMeta(
            title=attachment.filename.rsplit(".", 1)[0] or attachment.filename,
            doc_type=guess_type(attachment.filename),
            filename=attachment.filename,
            content_type=attachment.content_type,
            document_date=header_date(envelope.date) or opened.summary.internal_date,
            source=DocumentSource(
                kind="message",
                sender=sender_text,
                subject=decode_text(envelope.subject),
                message_id=envelope.message_id or "",
            ),
        )
        return await self._vault.add(owner, meta, decoded_body(opened.raw, part))
