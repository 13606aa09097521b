"""The webmail's cookies, and whether a request came over TLS.

The session cookie is HttpOnly (no script reads it) and SameSite=Strict (no other site's page
sends it); over TLS it is also Secure and takes the ``__Host-`` prefix, which the browser honours
only for a Secure cookie of this exact host and path "/", so a sibling domain cannot plant one.
It has no Max-Age: closing the browser ends it, and the server's idle and absolute expiry end it
anyway. The pre-login cookie carries the double-submit CSRF token of the sign-in form.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.responses import Response

SESSION = "mss_session"
PRELOGIN = "mss_prelogin"
LANGUAGE = "mss_lang"
LANGUAGE_MAX_AGE = 365 * 86400


def is_secure(connection: HTTPConnection) -> bool:
    """HTTPS or WSS, as uvicorn saw it (it applies X-Forwarded-Proto from trusted proxies)."""
    return connection.url.scheme in ("https", "wss")


def name(base: str, secure: bool) -> str:
    return f"__Host-{base}" if secure else base


def read(connection: HTTPConnection, base: str) -> str | None:
    return connection.cookies.get(name(base, is_secure(connection)))


def set_cookie(
    response: Response, connection: HTTPConnection, base: str, value: str, *, max_age: int | None
) -> None:
    secure = is_secure(connection)
    response.set_cookie(
        name(base, secure),
        value,
        max_age=max_age,
        path="/",
        secure=secure,
        httponly=True,
        samesite="strict",
    )


def clear(response: Response, connection: HTTPConnection, base: str) -> None:
    secure = is_secure(connection)
    response.delete_cookie(
        name(base, secure), path="/", secure=secure, httponly=True, samesite="strict"
    )
