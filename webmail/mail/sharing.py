""" "Partager avec un professionnel": one vault document sent as an attachment to one of the
patient's professionals.

What is built here is only the message; whom it may go to is checked by the route against
"Mes professionnels" (:class:`~webmail.mail.professionals.ProfessionalBook`), and it is sent by
:meth:`~webmail.mail.actions.MailActions.send`, the webmail's one way into submission, so the
core's policy decides as it does for a reply.
"""

from __future__ import annotations

from dataclasses import dataclass

from mss.vault.model import Document
from webmail.mail.compose import Outgoing, OutgoingAttachment, one_line

MAX_NOTE = 5000


@dataclass(frozen=True, slots=True)
class ShareWording:
    """The subject and default text, in the patient's language (the route translates)."""

    subject: str
    body: str


def shared_document(
    document: Document, content: bytes, recipient: str, note: str, wording: ShareWording
) -> Outgoing:
    """The message carrying ``content`` unchanged (base64 in transit, the same octets out)."""
    meta = document.meta
    return Outgoing(
        to=(recipient,),
        cc=(),
        subject=one_line(wording.subject),
        body=note.strip() or wording.body,
        attachments=(OutgoingAttachment(meta.filename, meta.content_type, content),),
    )
