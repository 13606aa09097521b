"""Errors of the crypto layer: one message for every failed decryption, whatever the cause."""


class CryptoError(Exception):
    """Base of every error raised by ``crypto``."""


class DecryptionError(CryptoError):
    """A ciphertext did not authenticate: wrong key, wrong row, truncated or tampered with.

    The cause is deliberately not told apart, so that no caller can leak which one it was.
    """

    def __init__(self) -> None:
        super().__init__("decryption failed: wrong key, or data altered or moved")
