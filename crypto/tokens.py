"""Application passwords and recovery keys: random secrets shown once, typed by people.

Lower-case base32 without padding (no 0/1/8 look-alikes), in groups of four separated by
hyphens; spaces, hyphens and case are ignored when one is typed back.
"""

from __future__ import annotations

import base64
import re

from nacl.utils import random

APP_PASSWORD_BYTES = 20  # 160 bits (the design asks for 128+)
RECOVERY_KEY_BYTES = 30  # 240 bits
_GROUP = 4
_TOKEN_SHAPE = re.compile(r"^[a-z2-7]{32}$|^[a-z2-7]{48}$")


def _format(raw: bytes) -> str:
    text = base64.b32encode(raw).decode("ascii").rstrip("=").lower()
    return "-".join(text[i : i + _GROUP] for i in range(0, len(text), _GROUP))


def new_app_password() -> str:
    return _format(random(APP_PASSWORD_BYTES))


def new_recovery_key() -> str:
    return _format(random(RECOVERY_KEY_BYTES)).upper()


def normalise(secret: str) -> bytes | None:
    """The canonical bytes of a token as typed, or None when it cannot be one.

    Derivations and lookups always use this form, so "ABCD-efgh" and "abcd efgh" are equal.
    """
    compact = re.sub(r"[\s-]", "", secret).lower()
    if not _TOKEN_SHAPE.match(compact):
        return None
    return compact.encode("ascii")
