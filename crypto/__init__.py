"""Every use of libsodium in MSS, through pynacl: nothing outside this package imports ``nacl``.

The key hierarchy of DESIGN.md: account key pairs (keys.py), wrapped per credential (wrap.py,
kdf.py, tokens.py); content encrypted under random per-object keys bound to their row (content.py)
and sealed to the owner's public key (sealing.py); account keys sealed to a member for shared and
delegated access (sealing.py).
"""

from crypto.content import ContentKey, decrypt, encrypt, new_content_key
from crypto.errors import CryptoError, DecryptionError
from crypto.kdf import Argon2Params
from crypto.keys import AccountKeys, PublicKeys
from crypto.sealing import open_account_keys, open_key, seal_account_keys, seal_key
from crypto.wrap import WrappedKey, unwrap_with_key, wrap_with_key

__all__ = [
    "AccountKeys",
    "Argon2Params",
    "ContentKey",
    "CryptoError",
    "DecryptionError",
    "PublicKeys",
    "WrappedKey",
    "decrypt",
    "encrypt",
    "new_content_key",
    "open_account_keys",
    "open_key",
    "seal_account_keys",
    "seal_key",
    "unwrap_with_key",
    "wrap_with_key",
]
