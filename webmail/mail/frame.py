"""The document of the sandboxed frame that shows a message's HTML body, and its policy.

The frame is sized to its content so that the page scrolls once and nothing is cut: the frame
has an opaque origin (no ``allow-same-origin``), so the page cannot measure it; instead the
frame runs one fixed script of ours that posts its height to the parent. The policy names that
script by its SHA-256 and allows nothing else, so a script a message smuggled past the sanitiser
still cannot run, and the opaque origin keeps even our script away from the page and its cookies.
"""

from __future__ import annotations

import base64
import hashlib

SIZE_SCRIPT = (
    "addEventListener('DOMContentLoaded',()=>{const b=document.body;"
    "const r=()=>parent.postMessage({mssFrameHeight:"
    "Math.max(b.scrollHeight,Math.ceil(b.getBoundingClientRect().height))},'*');"
    "new ResizeObserver(r).observe(b);addEventListener('load',r);r();});"
)
SIZE_SCRIPT_HASH = base64.b64encode(hashlib.sha256(SIZE_SCRIPT.encode()).digest()).decode()

FRAME_SANDBOX = "allow-scripts allow-popups allow-popups-to-escape-sandbox"


def frame_policy(allow_remote: bool) -> str:
    """The frame's own policy: only our sizing script, no request but the images allowed."""
    images = "data: https: http:" if allow_remote else "data:"
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'sha256-{SIZE_SCRIPT_HASH}'",
            f"img-src {images}",
            "style-src 'unsafe-inline'",
            "form-action 'none'",
            "base-uri 'none'",
            "frame-ancestors 'self'",
            f"sandbox {FRAME_SANDBOX}",
        ]
    )


def frame_document(body: str, lang: str) -> str:
    """A whole document for the frame: the cleaned HTML with a readable default style.

    The body has padding, not margin, so that its box is the whole height to report.
    """
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<style>html{overflow-x:auto}body{font-family:system-ui,sans-serif;font-size:16px;"
        "line-height:1.5;margin:0;padding:0.75rem;color:#1b1b1b;overflow-wrap:anywhere;"
        "display:flow-root}img{max-width:100%;height:auto}table{max-width:100%}</style>"
        f"<script>{SIZE_SCRIPT}</script></head><body>{body}</body></html>"
    )
