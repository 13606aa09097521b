"""The webmail's own settings: session lifetimes, page sizes and limits, named with their reason.

They are derived from the project's one ``Settings`` where it has a value (listen address,
authentication limits, message size) and otherwise take the defaults below; tests pass their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from mss.config import Settings

# A session unused this long is over: a shared family computer must not stay signed in.
IDLE_TIMEOUT_SECONDS = 30 * 60
# However active, a session ends after this: the password is asked again at least daily.
ABSOLUTE_TIMEOUT_SECONDS = 12 * 3600
# Time allowed between the password and the TOTP code.
SECOND_FACTOR_SECONDS = 5 * 60
# ``last_seen_at`` is written at most this often per session: idle expiry to the minute, and
# browsing costs no write per page.
TOUCH_INTERVAL_SECONDS = 60
# Messages per page of the list, by default and at most (each row costs a decryption).
PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
# A search decrypts as it goes: it reads at most this many of the newest messages.
SEARCH_SCAN_LIMIT = 2000
# Websocket keep-alive: also when a revoked or expired session is noticed and closed.
WS_HEARTBEAT_SECONDS = 25.0
# Inline images (cid:) of one HTML message turned into data: URIs, in decoded bytes.
INLINE_IMAGE_BUDGET = 5 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class WebSettings:
    host: str = "127.0.0.1"
    port: int = 8080
    idle_timeout_seconds: int = IDLE_TIMEOUT_SECONDS
    absolute_timeout_seconds: int = ABSOLUTE_TIMEOUT_SECONDS
    second_factor_seconds: int = SECOND_FACTOR_SECONDS
    touch_interval_seconds: int = TOUCH_INTERVAL_SECONDS
    page_size: int = PAGE_SIZE
    max_page_size: int = MAX_PAGE_SIZE
    search_scan_limit: int = SEARCH_SCAN_LIMIT
    ws_heartbeat_seconds: float = WS_HEARTBEAT_SECONDS
    inline_image_budget: int = INLINE_IMAGE_BUDGET
    max_upload_bytes: int = 25 * 1024 * 1024
    # Serve HTTPS with the server's certificate (``[tls]``) instead of plain HTTP behind a proxy.
    tls: bool = False
    # With ``tls``: the plain HTTP port that only redirects to HTTPS (None: no such listener),
    # and the host name the redirects point to (the certificate's, never the request's Host).
    redirect_port: int | None = None
    public_host: str = "localhost"
    # Bind with SO_REUSEPORT, beside the other worker processes of `mss serve --workers N`.
    reuse_port: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> WebSettings:
        limits = settings.limits
        return cls(
            host=settings.listen.host,
            port=settings.listen.web_port,
            max_upload_bytes=limits.max_message_bytes,
            tls=settings.listen.web_tls,
            redirect_port=settings.listen.web_redirect_port if settings.listen.web_tls else None,
            public_host=settings.hostname,
            reuse_port=settings.listen.reuse_port,
        )
