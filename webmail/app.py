"""The webmail's FastAPI application.

The JSON API lives under /api with its OpenAPI schema at /api/openapi.json (the interactive
documentation pages are off: they would load scripts from elsewhere). Pages, the websocket and
static files share the app; every HTTP response passes through :class:`SecurityHeaders`. Other
front-ends (the directory's REST view) can add their routers to the returned app.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI
from starlette.staticfiles import StaticFiles

from directory import api as directory_api
from directory import fhir as directory_fhir
from mss.api.wiring import build_api
from mss.dav.app import DavApp, well_known
from mss.runtime import Runtime
from webmail import errors
from webmail.api import (
    account,
    agenda,
    auth,
    compose,
    live,
    mail,
    receipts,
    signatures,
    stolen,
    vault,
)
from webmail.api.deps import api_session
from webmail.pages import (
    agenda_pages,
    attachment_pages,
    auth_pages,
    client_setup,
    document_pages,
    form_signin,
    mail_pages,
    other_pages,
    professional_pages,
    signature_pages,
    stolen_page,
)
from webmail.security.headers import SecurityHeaders
from webmail.security.sessions import WebSession
from webmail.settings import WebSettings
from webmail.state import WebState

STATIC = Path(__file__).resolve().parent / "static"
BODY_MARGIN = 64 * 1024


async def _signed_in_address(session: Annotated[WebSession, Depends(api_session)]) -> str:
    return session.account.address


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
        # Before the mail pages: /mail/config-v1.1.xml would otherwise be taken for a folder.
        client_setup.router,
        auth.router,
        mail.router,
        compose.router,
        vault.router,
        account.router,
        live.router,
        auth_pages.router,
        form_signin.router,
        mail_pages.router,
        other_pages.router,
        agenda.router,
        agenda_pages.router,
        signatures.router,
        signature_pages.router,
        receipts.router,
        attachment_pages.router,
        professional_pages.router,
        document_pages.router,
        stolen.router,
        stolen_page.router,
    ):
        app.include_router(router)
    # The professional directory (JSON and FHIR R4 views), for signed-in accounts only.
    for build in (directory_api.build_router, directory_fhir.build_router):
        app.include_router(build(runtime.directory, _signed_in_address))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/dav", DavApp(runtime), name="dav")
    app.mount("/api/v1", build_api(runtime), name="api")
    app.add_route("/.well-known/caldav", well_known, methods=["GET", "PROPFIND"])
    app.add_middleware(SecurityHeaders)
    return app
