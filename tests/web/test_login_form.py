"""The sign-in form never puts the password in a URL, even when no script takes it over
(issue 13, item 7): a form without ``method`` is sent by GET, its fields in the query string,
where proxies, server logs and the browser's history keep them."""

from __future__ import annotations

from html.parser import HTMLParser

from .harness import Web


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str | None]] = []
        self.password_in: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "form":
            self.forms.append(dict(attrs))
        if tag == "input" and dict(attrs).get("type") == "password":
            self.password_in.append(len(self.forms) - 1)


async def test_the_sign_in_form_posts_its_password(web: Web) -> None:
    page = await web.client().get("/login")
    assert page.status_code == 200
    parser = _Forms()
    parser.feed(page.text)
    assert parser.password_in, "the page must hold the password field, or this proves nothing"
    for index in parser.password_in:
        method = parser.forms[index].get("method") or "get"
        assert method.lower() == "post"
