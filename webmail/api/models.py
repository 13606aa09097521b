"""Bodies and answers of the JSON API (its OpenAPI schema is generated from these)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from mss.vault.model import Document
from webmail.mail.headers import Person
from webmail.mail.reader import Folder
from webmail.mail.summaries import ListItem
from webmail.mail.view import MessageView


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SignIn(_Body):
    address: str = Field(max_length=320)
    password: str = Field(max_length=1024)


class SecondFactor(_Body):
    """The authenticator's code, or else one of the recovery codes shown at enrolment."""

    code: str = Field("", max_length=16)
    recovery_code: str = Field("", max_length=32)


class Next(BaseModel):
    """Where the browser goes after the request."""

    next: str


class Me(BaseModel):
    address: str
    display_name: str
    totp: bool


class PersonOut(BaseModel):
    name: str
    address: str

    @classmethod
    def of(cls, person: Person) -> PersonOut:
        return cls(name=person.name, address=person.address)


class FolderOut(BaseModel):
    id: int
    name: str
    role: str
    total: int
    unseen: int

    @classmethod
    def of(cls, folder: Folder) -> FolderOut:
        return cls(
            id=folder.id,
            name=folder.name,
            role=folder.role,
            total=folder.total,
            unseen=folder.unseen,
        )


class MessageSummaryOut(BaseModel):
    uid: int
    subject: str
    sender: PersonOut | None
    date: int
    size: int
    seen: bool
    flagged: bool
    answered: bool
    draft: bool
    has_attachments: bool
    preview: str = ""

    @classmethod
    def of(cls, item: ListItem) -> MessageSummaryOut:
        return cls(
            uid=item.uid,
            subject=item.subject,
            sender=PersonOut.of(item.sender) if item.sender else None,
            date=item.date,
            size=item.size,
            seen=item.seen,
            flagged=item.flagged,
            answered=item.answered,
            draft=item.draft,
            has_attachments=item.has_attachments,
            preview=item.preview,
        )


class MessageList(BaseModel):
    total: int
    page: int
    pages: int
    per_page: int
    messages: list[MessageSummaryOut]
    # For searches: how many messages were read, and whether that was all of the folder.
    scanned: int | None = None
    complete: bool = True


class AttachmentOut(BaseModel):
    path: str
    filename: str
    content_type: str
    size: int


class MessageOut(BaseModel):
    mailbox_id: int
    uid: int
    subject: str
    sender: PersonOut | None
    to: list[PersonOut]
    cc: list[PersonOut]
    date: int
    message_id: str
    flags: list[str]
    text: str | None
    has_html: bool
    attachments: list[AttachmentOut]

    @classmethod
    def of(cls, view: MessageView) -> MessageOut:
        return cls(
            mailbox_id=view.mailbox_id,
            uid=view.uid,
            subject=view.subject,
            sender=PersonOut.of(view.sender) if view.sender else None,
            to=[PersonOut.of(p) for p in view.to],
            cc=[PersonOut.of(p) for p in view.cc],
            date=view.date,
            message_id=view.message_id,
            flags=sorted(view.flags),
            text=view.text,
            has_html=view.has_html,
            attachments=[
                AttachmentOut(
                    path=a.path, filename=a.filename, content_type=a.content_type, size=a.size
                )
                for a in view.attachments
            ],
        )


class Uids(_Body):
    uids: list[int] = Field(min_length=1, max_length=1000)


class FlagChange(Uids):
    seen: bool | None = None
    flagged: bool | None = None


class Trashed(BaseModel):
    deleted: bool


class MessageRefIn(_Body):
    mailbox_id: int
    uid: int


class Compose(_Body):
    to: list[str] = Field(default_factory=list, max_length=50)
    cc: list[str] = Field(default_factory=list, max_length=50)
    subject: str = Field(default="", max_length=998)
    body: str = Field(default="", max_length=1_000_000)
    reply_to: MessageRefIn | None = None
    reply_all: bool = False
    draft: MessageRefIn | None = None
    vault_ids: list[int] = Field(default_factory=list, max_length=20)
    keep_draft_attachments: list[int] = Field(default_factory=list, max_length=50)


class Sent(BaseModel):
    delivered: list[str]
    queued: list[str]


class DraftSaved(BaseModel):
    mailbox_id: int
    uid: int


class SourceOut(BaseModel):
    kind: str
    sender: str
    subject: str


class DocumentOut(BaseModel):
    id: int
    title: str
    doc_type: str
    filename: str
    content_type: str
    document_date: int
    created_at: int
    size: int
    source: SourceOut
    type_code: str = ""
    type_label: str = ""
    author: str = ""

    @classmethod
    def of(cls, document: Document) -> DocumentOut:
        meta = document.meta
        return cls(
            id=document.id,
            title=meta.title,
            doc_type=meta.doc_type,
            filename=meta.filename,
            content_type=meta.content_type,
            document_date=meta.document_date,
            created_at=document.created_at,
            size=document.size,
            source=SourceOut(
                kind=meta.source.kind, sender=meta.source.sender, subject=meta.source.subject
            ),
            type_code=meta.type_code,
            type_label=meta.type_label,
            author=meta.author,
        )


class DocumentRename(_Body):
    title: str = Field(min_length=1, max_length=200)


class PasswordChange(_Body):
    current: str = Field(max_length=1024)
    new: str = Field(max_length=1024)
    revoke_app_passwords: bool = True
    """On by default: after a theft, the thief's mail client must stop working too."""


class PasswordCheck(_Body):
    password: str = Field(max_length=1024)


class RecoveryKey(BaseModel):
    recovery_key: str


class AppPasswordIn(_Body):
    label: str = Field(min_length=1, max_length=100)
    password: str = Field(max_length=1024)
    """The account password again: a stolen session cookie must not mint lasting access."""


class AppPasswordOut(BaseModel):
    id: int
    label: str
    created_at: int


class AppPasswordCreated(AppPasswordOut):
    password: str


class TotpSetup(BaseModel):
    secret: str
    uri: str
    qr: str


class TotpEnable(_Body):
    secret: str = Field(min_length=16, max_length=64)
    code: str = Field(max_length=16)
    password: str = Field(max_length=1024)


class TotpDisable(_Body):
    password: str = Field(max_length=1024)
    code: str = Field(max_length=16)


class RecoveryCodes(BaseModel):
    """Shown once: the server keeps only their keyed hashes."""

    recovery_codes: list[str]


class SessionOut(BaseModel):
    id: int
    device: str
    address: str
    created_at: int
    last_seen_at: int
    current: bool


class Done(BaseModel):
    ok: bool = True


class DocumentShare(_Body):
    """ "Partager avec un professionnel": ``to`` is one of "Mes professionnels" (the page offers
    only them; anyone else is refused); ``message`` the optional text sent with the document."""

    to: str = Field(min_length=3, max_length=320)
    message: str = Field(default="", max_length=5000)
