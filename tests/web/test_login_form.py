"""The sign-in form never puts the password in a URL, even when no script takes it over
(issue 13, item 7): a form without ``method`` is sent by GET, its fields in the query string,
where proxies, server logs and the browser's history keep them."""

from __future__ import annotations

from html.parser import HTMLParser

import httpx

from mailserver import PASSWORD, PATIENT

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

    @classmethod
    def method_of(cls, html: str) -> str:
        """The method of the form that holds the password field."""
        parser = cls()
        parser.feed(html)
        [index] = parser.password_in
        return (parser.forms[index].get("method") or "get").lower()


async def test_the_sign_in_form_posts_its_password(web: Web) -> None:
    page = await web.client().get("/login")
    assert page.status_code == 200
    parser = _Forms()
    parser.feed(page.text)
    assert parser.password_in, "the page must hold the password field, or this proves nothing"
    for index in parser.password_in:
        method = parser.forms[index].get("method") or "get"
        assert method.lower() == "post"


async def test_without_javascript_the_form_signs_in_through_the_one_sign_in(web: Web) -> None:
    client = web.client()
    await client.get("/login?next=/settings")
    wrong = await client.post(
        "/login?next=/settings", data={"address": PATIENT, "password": "pas le bon"}
    )
    assert wrong.status_code == 401
    assert "pas le bon" not in wrong.text and not _session_cookie(wrong)
    assert _Forms.method_of(wrong.text) == "post", "the form comes back, still posting"
    right = await client.post(
        "/login?next=/settings", data={"address": PATIENT, "password": PASSWORD}
    )
    assert right.status_code == 303 and right.headers["location"] == "/settings"
    assert _session_cookie(right)
    assert (await client.get("/settings")).status_code == 200


async def test_a_form_posted_from_elsewhere_signs_nobody_in(web: Web) -> None:
    """No pre-login cookie (SameSite=Strict keeps it off cross-site posts), or a foreign Origin."""
    fresh = web.client()
    answer = await fresh.post("/login", data={"address": PATIENT, "password": PASSWORD})
    assert answer.status_code == 403 and not _session_cookie(answer)
    client = web.client()
    await client.get("/login")
    foreign = await client.post(
        "/login",
        data={"address": PATIENT, "password": PASSWORD},
        headers={"origin": "https://evil.example"},
    )
    assert foreign.status_code == 403 and not _session_cookie(foreign)


def _session_cookie(answer: httpx.Response) -> bool:
    return any(v.startswith("mss_session=") for v in answer.headers.get_list("set-cookie"))
