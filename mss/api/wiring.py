"""Building the /api/v1 application from a runtime: the one place that knows both."""

from __future__ import annotations

from fastapi import FastAPI

from mss.api.app import ApiParts, create_api
from mss.api.keys import KeyRateLimit
from mss.runtime import Runtime
from mss.serverkey import load_or_create_secret
from mss.store.api_repository import SqlApiMessageStore, SqlApiRequestStore


def build_api(runtime: Runtime) -> FastAPI:
    settings = runtime.settings
    return create_api(
        ApiParts(
            keys=runtime.api,
            limit=KeyRateLimit(settings.limits.api_requests_per_minute, 60.0),
            requests=SqlApiRequestStore(runtime.database, runtime.store.committer),
            messages=SqlApiMessageStore(runtime.database, runtime.store.committer),
            submission=runtime.submission,
            server_secret=load_or_create_secret(settings.data_path(settings.security.server_key)),
            hostname=settings.hostname,
            max_document_bytes=settings.limits.max_message_bytes,
            webhooks=runtime.webhooks,
            signatures=runtime.signatures,
            events=runtime.webhooks,
            tracking=runtime.tracking,
        )
    )
