"""The webmail's FastAPI application.

The JSON API lives under /api with its OpenAPI schema at /api/openapi.json (the interactive
documentation pages are off: they would load scripts from elsewhere). Pages, the websocket and
static files share the app; every HTTP response passes through :class:`SecurityHeaders`. Other
front-ends (the directory's REST view) can add their routers to the returned app.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from mss.runtime import Runtime
from webmail import errors
from webmail.api import account, auth, compose, live, mail, vault
from webmail.pages import auth_pages, mail_pages, other_pages
from webmail.security.headers import SecurityHeaders
from webmail.settings import WebSettings
from webmail.state import WebState

STATIC = Path(__file__).resolve().parent / "static"
BODY_MARGIN = 64 * 1024


def create_app(runtime: Runtime, settings: WebSettings | None = None) -> FastAPI:
    """The application over ``runtime`` (its store, feed, accounts and submission)."""
    settings = settings or WebSettings.from_settings(runtime.settings)
    app = FastAPI(
        title="MSS webmail API",
        version="1",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
        # No request body larger than the largest upload (plus room for its JSON neighbours).
        max_body_size=settings.max_upload_bytes + BODY_MARGIN,
    )
    app.state.web = WebState.build(runtime, settings)
    errors.install(app)
    for router in (
        auth.router,
        mail.router,
        compose.router,
        vault.router,
        account.router,
        live.router,
        auth_pages.router,
        mail_pages.router,
        other_pages.router,
    ):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(SecurityHeaders)
    return app
