"""Headers on every HTTP response: Content-Security-Policy, no sniffing, no referrer, no framing.

Implementation notes. A pure ASGI middleware, so it also covers static files, errors and the
OpenAPI schema. A route that needs another policy (the sandboxed message frame) sets its own
Content-Security-Policy and X-Frame-Options; those are kept. Pages allow scripts and styles from
this origin only: no inline script or style anywhere, so an injection that slipped past escaping
still could not run.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)

COMMON = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}
HSTS = "max-age=31536000"


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        secure = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in COMMON.items():
                    headers[key] = value
                if "content-security-policy" not in headers:
                    headers["content-security-policy"] = PAGE_POLICY
                if "x-frame-options" not in headers:
                    headers["x-frame-options"] = "DENY"
                if "cache-control" not in headers:
                    headers["cache-control"] = "no-store"
                if secure:
                    headers["strict-transport-security"] = HSTS
            await send(message)

        await self.app(scope, receive, send_with_headers)
