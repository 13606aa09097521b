"""The keyed tag naming one MDN: recipient account, original Message-ID, disposition.

Both the delivery observer and the webmail compute it, so that "processed" and "displayed" are
each sent at most once per message and recipient (RFC 8098 §2.1), across processes and clients.
"""

from __future__ import annotations

from crypto.tags import keyed_tag


def receipt_tag(secret: bytes, account_id: int, message_id: str, disposition: str) -> bytes:
    return keyed_tag(
        secret, b"mdn", str(account_id).encode(), message_id.encode(), disposition.encode()
    )
