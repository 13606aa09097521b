"""Every table module of the store, imported together so that ``metadata`` is complete wherever
the whole schema is compared or migrated, even in a process that never loads a feature (the
signature service, for one, is built only on first use)."""

from mss.store import (  # noqa: F401
    api_schema,
    calendar_schema,
    generation_schema,
    index_schema,
    queue_schema,
    receipt_schema,
    recent_schema,
    schema,
    signature_reminder_schema,
    signature_schema,
    subscription_schema,
    tracking_schema,
    vault_schema,
    webhook_schema,
    webmail_schema,
    whitelist_schema,
)

metadata = schema.metadata
