"""The one boundary where the core's errors become HTTP answers.

The store's :class:`NotFound` is 404 whatever was not found, and whoever it belongs to: a
patient who changes an id in a request learns nothing about other patients. Policy refusals are
422 with a text the patient can act on. Pages get an HTML page, the API a JSON body.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response

from mss.accounts import WeakPassword
from mss.policy import PolicyError
from mss.store.errors import NotFound
from webmail.mail.actions import MessageTooLarge
from webmail.mail.compose import InvalidRecipient
from webmail.pages.render import render_error, translator


class LoginRequired(Exception):
    """A page asked for without a session: the browser is sent to the sign-in page."""


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _answer(request: Request, status: int, detail: str) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": detail}, status_code=status)
    return render_error(request, status, detail)


def install(app: FastAPI) -> None:
    @app.exception_handler(NotFound)
    async def not_found(request: Request, _error: NotFound) -> Response:
        return _answer(request, 404, translator(request)("error.not_found"))

    @app.exception_handler(PolicyError)
    async def refused(request: Request, error: PolicyError) -> Response:
        t = translator(request)
        text = t(f"policy.{error.refusal.name.lower()}")
        return JSONResponse(
            {"detail": text, "refusal": error.refusal.name.lower(), "reason": error.text},
            status_code=422,
        )

    @app.exception_handler(InvalidRecipient)
    async def invalid_recipient(request: Request, error: InvalidRecipient) -> Response:
        return _answer(request, 422, translator(request)("error.recipient", reason=str(error)))

    @app.exception_handler(WeakPassword)
    async def weak_password(request: Request, error: WeakPassword) -> Response:
        return _answer(request, 422, translator(request)("error.weak_password"))

    @app.exception_handler(MessageTooLarge)
    async def too_large(request: Request, _error: MessageTooLarge) -> Response:
        return _answer(request, 413, translator(request)("error.too_large"))

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _error: LoginRequired) -> Response:
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        if error.status_code == 404:  # no such route reads exactly like no such message
            detail = translator(request)("error.not_found")
        else:
            detail = error.detail if isinstance(error.detail, str) else "error"
        response = _answer(request, error.status_code, detail)
        for key, value in (error.headers or {}).items():
            response.headers[key] = value
        return response
