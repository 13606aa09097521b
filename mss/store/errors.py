"""Domain errors of the store; the protocol front-ends translate them into their own replies."""


class StoreError(Exception):
    """Base of the store's errors."""


class AlreadyExists(StoreError):
    """A domain, account or mailbox with that name exists already."""


class NotFound(StoreError):
    """The domain, account, mailbox or message does not exist (or is not the caller's)."""


class Conflict(StoreError):
    """The operation contradicts the current state (e.g. deleting INBOX)."""


class SchemaOutOfDate(Exception):
    """The database must be created or migrated before the server can use it."""
