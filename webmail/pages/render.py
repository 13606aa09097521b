"""Rendering pages: one Jinja2 environment, autoescaped, with the translator of the request.

Templates never receive raw message HTML (that only ever goes to the sandboxed frame): whatever
a message says is text to Jinja, escaped on output.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from webmail.i18n import Translator, language_of
from webmail.security import cookies

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def translator(request: Request) -> Translator:
    return Translator(language_of(request.cookies.get(cookies.LANGUAGE)))


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    t = translator(request)
    values: dict[str, Any] = {
        "t": t,
        "lang": t.language,
        "now": int(time.time()),
        "path": request.url.path,
        "query_string": request.url.query,
        "session": None,
        "csrf": "",
    }
    values.update(context)
    html = environment.get_template(template).render(values)
    return HTMLResponse(html, status_code=status_code)


def render_error(request: Request, status_code: int, detail: str) -> HTMLResponse:
    return render(request, "error.html", {"status": status_code, "detail": detail}, status_code)
