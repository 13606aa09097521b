"""The plain HTTP listener of the webmail: every request is redirected to HTTPS, nothing else.

Why: a person typing the address without ``https://`` must land on the TLS site, and nothing of
the application (no cookie, no page, no form) may ever be served in clear. The target is built
from the configured host name and HTTPS port, never from the request's Host header, so the
redirect cannot be pointed elsewhere. No HSTS here: RFC 6797 §7.2 forbids sending it over
plain HTTP; the HTTPS answers carry it.
"""

from __future__ import annotations

from starlette.types import Receive, Scope, Send

# RFC 9110 §15.4.9: 308 keeps the method and body, so a form posted to http:// is not turned
# into a GET with its fields in the URL.
PERMANENT_REDIRECT = 308


class RedirectToHttps:
    def __init__(self, host: str, port: int) -> None:
        self.origin = f"https://{host}" if port == 443 else f"https://{host}:{port}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        # An absolute-form target (RFC 9112 §3.2.2) is not a path: send it to the root.
        target = self.origin + (path if path.startswith("/") else "/")
        if scope.get("query_string"):
            target += "?" + scope["query_string"].decode("latin-1")
        await send(
            {
                "type": "http.response.start",
                "status": PERMANENT_REDIRECT,
                "headers": [
                    (b"location", target.encode("latin-1")),
                    (b"content-length", b"0"),
                    (b"cache-control", b"no-store"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})
