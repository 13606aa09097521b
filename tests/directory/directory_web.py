"""The web application the directory tests mount the routers on."""

from __future__ import annotations

from typing import Annotated

from fastapi import FastAPI, Header, HTTPException

from directory import api, fhir
from directory.service import DirectoryService

TOKEN = "test-token-5b1d"
ACCOUNT = "someone@local.mssante.fr"


async def bearer_account(authorization: Annotated[str | None, Header()] = None) -> str:
    """Stand-in for the web application's session dependency."""
    if authorization != f"Bearer {TOKEN}":
        raise HTTPException(401, "authentication required")
    return ACCOUNT


def make_app(service: DirectoryService) -> FastAPI:
    """An application with the directory's routers, as the web application mounts them."""
    app = FastAPI()
    app.include_router(api.build_router(service, bearer_account))
    app.include_router(fhir.build_router(service, bearer_account))
    return app
