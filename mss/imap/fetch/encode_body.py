"""ENVELOPE, BODY and BODYSTRUCTURE from the parsed message model (RFC 3501 §7.4.2).

The model (``mss.mime.model``) holds what the MIME parser found; this module only writes it in
the fixed order the grammar asks for. Media types, subtypes, encodings and parameter names are
upper-cased as in RFC 3501's own examples; values are sent as they were found.
"""

from __future__ import annotations

from mss.imap.wire.encode import NIL, nstring, number, plist, string
from mss.mime.model import BodyPart, Envelope, EnvelopeAddress, Params


def _address(address: EnvelopeAddress) -> bytes:
    """RFC 3501 §9 address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")"."""
    return plist(
        nstring(value) for value in (address.name, address.route, address.mailbox, address.host)
    )


def _addresses(addresses: tuple[EnvelopeAddress, ...]) -> bytes:
    """An address list, NIL when empty (RFC 3501 §7.4.2)."""
    if not addresses:
        return NIL
    return b"(" + b"".join(_address(address) for address in addresses) + b")"


def envelope(value: Envelope) -> bytes:
    """RFC 3501 §7.4.2 ENVELOPE.

    "If the Sender or Reply-To lines are absent in the [RFC-2822] header, or are present but
    empty, the server sets the corresponding member of the envelope to be the same value as the
    from member": applied here so that every caller gets it.
    """
    sender = value.sender or value.from_
    reply_to = value.reply_to or value.from_
    return plist(
        (
            nstring(value.date),
            nstring(value.subject),
            _addresses(value.from_),
            _addresses(sender),
            _addresses(reply_to),
            _addresses(value.to),
            _addresses(value.cc),
            _addresses(value.bcc),
            nstring(value.in_reply_to),
            nstring(value.message_id),
        )
    )


def _params(params: Params) -> bytes:
    """RFC 3501 §9 body-fld-param = "(" string SP string *(SP string SP string) ")" / nil."""
    if not params:
        return NIL
    return plist(string(name.upper()) + b" " + string(value) for name, value in params)


def _disposition(part: BodyPart) -> bytes:
    """RFC 3501 §9 body-fld-dsp = "(" string SP body-fld-param ")" / nil."""
    if part.disposition is None:
        return NIL
    kind, params = part.disposition
    return plist((string(kind.upper()), _params(params)))


def _language(part: BodyPart) -> bytes:
    """RFC 3501 §9 body-fld-lang = nstring / "(" string *(SP string) ")"."""
    if not part.language:
        return NIL
    if len(part.language) == 1:
        return string(part.language[0])
    return plist(string(tag) for tag in part.language)


def _extension_tail(part: BodyPart) -> list[bytes]:
    """body-fld-dsp SP body-fld-lang SP body-fld-loc, common to both extension forms."""
    return [_disposition(part), _language(part), nstring(part.location)]


_EMPTY_TEXT = b'("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 0 0)'


def body(part: BodyPart, *, extended: bool) -> bytes:
    """RFC 3501 §7.4.2 BODY (``extended=False``) or BODYSTRUCTURE (``extended=True``)."""
    if part.content_type.lower() == "multipart":
        # RFC 3501 §9 body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]; a
        # multipart without parts still needs one body, so an empty text part stands in.
        children = b"".join(body(child, extended=extended) for child in part.children)
        multipart = (children or _EMPTY_TEXT) + b" " + string(part.subtype.upper())
        if extended:
            multipart += b" " + b" ".join([_params(part.params), *_extension_tail(part)])
        return b"(" + multipart + b")"
    fields = [
        string(part.content_type.upper()),
        string(part.subtype.upper()),
        _params(part.params),
        nstring(part.content_id),
        nstring(part.description),
        string((part.encoding or "7BIT").upper()),
        number(part.size),
    ]
    media = (part.content_type.lower(), part.subtype.lower())
    if media == ("message", "rfc822") and part.envelope is not None and part.message is not None:
        # RFC 3501 §9 body-type-msg = media-message SP body-fields SP envelope SP body SP
        # body-fld-lines.
        fields += [
            envelope(part.envelope),
            body(part.message, extended=extended),
            number(part.lines or 0),
        ]
    elif media[0] == "text":
        # RFC 3501 §9 body-type-text = media-text SP body-fields SP body-fld-lines.
        fields.append(number(part.lines or 0))
    if extended:
        # RFC 3501 §9 body-ext-1part = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang ...]].
        fields += [nstring(part.md5), *_extension_tail(part)]
    return plist(fields)
