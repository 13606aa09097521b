"""The "Document à signer" card of a message that names a signature request.

A header alone proves nothing (anyone can write ``X-MSS-Signature-Request``), so the card is
shown only when the request opens with the reader's own keys: a forged or foreign id shows no
card at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from mss.accounts import UnlockedAccount
from mss.mime.headers import read_header_block
from mss.signatures.messages import REQUEST_HEADER
from mss.signatures.ports import OpenedRequest, UnknownRequest
from mss.signatures.service import SignatureService

_ID = re.compile(r"[0-9a-f]{32}")


def request_id_of(raw: bytes, header_end: int) -> str | None:
    """The request id named in the top-level header block, if it has the shape of one."""
    block = raw[:header_end]
    value = read_header_block(block, 0, len(block)).fields.get(REQUEST_HEADER.lower())
    text = value.decode("ascii", "replace").strip().lower() if value else ""
    return text if _ID.fullmatch(text) else None


async def signature_card(
    service: Callable[[], SignatureService], who: UnlockedAccount, raw: bytes, header_end: int
) -> OpenedRequest | None:
    """``service`` is called only for a message that names a request: building the signature
    service loads pyHanko and the signing keys, which ordinary mail never needs."""
    request_id = request_id_of(raw, header_end)
    if request_id is None:
        return None
    try:
        return await service().open(request_id, who)
    except UnknownRequest:
        return None
