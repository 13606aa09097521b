"""MSS: a secure health messaging server whose stored mail only its owners can read."""

__version__ = "0.1.0"
