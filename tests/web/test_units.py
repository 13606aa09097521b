"""Pure functions of the webmail: sanitising, replies, tokens, TOTP steps, catalogues."""

from __future__ import annotations

import pyotp
import pytest

from crypto import AccountKeys, DecryptionError
from crypto.session import SessionToken, open_from_account, seal_to_account
from mss.second_factor import matching_step
from mss.store.records import Account, AccountKind
from webmail.i18n import LANGUAGES, Translator, keys
from webmail.mail.compose import (
    InvalidRecipient,
    Outgoing,
    OutgoingAttachment,
    build_message,
    reply,
    reply_subject,
)
from webmail.mail.headers import Person, decode_text
from webmail.mail.rowcache import RowCache, RowText
from webmail.mail.sanitize import sanitise
from webmail.mail.view import MessageView
from webmail.pages.auth_pages import local_target


def test_sanitiser_keeps_text_and_drops_everything_active() -> None:
    html = (
        '<p style="color:red;position:fixed;background:url(http://x/y)" onclick="x()">ok</p>'
        '<img src="http://t.example/p.gif"><img src="cid:logo@x"><img src="rel.png">'
        '<a href="javascript:alert(1)">j</a><a href="https://ok.example/">k</a>'
        "<script>bad()</script><style>*{}</style><form><input></form><svg onload=x></svg>"
    )
    blocked = sanitise(html, allow_remote=False, inline={"logo@x": "data:image/png;base64,AA"})
    assert blocked.remote_images == 1
    assert blocked.html == (
        '<p style="color:red">ok</p><img><img src="data:image/png;base64,AA"><img>'
        '<a target="_blank" rel="noopener noreferrer">j</a>'
        '<a href="https://ok.example/" target="_blank" rel="noopener noreferrer">k</a>'
    )
    allowed = sanitise(html, allow_remote=True, inline={})
    assert '<img src="http://t.example/p.gif">' in allowed.html


def _account(address: str = "p@patient.example") -> Account:
    return Account(1, address, 1, AccountKind.PATIENT, "Camille", b"", b"", False)


def _view(**changes: object) -> MessageView:
    doctor = Person("Dr Martin", "martin@h.example")
    base: dict[str, object] = {
        "mailbox_id": 1,
        "uid": 1,
        "subject": "Résultats",
        "sender": doctor,
        "to": [Person("", "p@patient.example"), Person("", "nurse@h.example")],
        "cc": [Person("", "lab@h.example")],
        "reply_to": [doctor],
        "date": 1_900_000_000,
        "message_id": "<m2@h>",
        "references": "<m1@h>",
        "flags": frozenset(),
        "text": "Ligne\n",
        "has_html": False,
        "attachments": [],
    }
    base.update(changes)
    return MessageView(**base)  # type: ignore[arg-type]


def test_reply_and_reply_all_recipients_and_thread() -> None:
    one = reply(_view(), _account(), reply_all=False)
    assert one.to == ('"Dr Martin" <martin@h.example>',) and one.cc == ()
    assert (one.in_reply_to, one.references) == ("<m2@h>", "<m1@h> <m2@h>")
    assert one.subject == "Re: Résultats" and "> Ligne" in one.body
    everyone = reply(_view(), _account(), reply_all=True)
    assert everyone.cc == ("nurse@h.example", "lab@h.example"), "the patient is left out"
    assert reply_subject("RE: x") == "RE: x"


def test_built_message_is_crlf_and_checks_recipients() -> None:
    outgoing = Outgoing(("a@h.example",), (), "Sujet é", "Bonjour\n", "<m@h>", "<m@h>")
    raw = build_message(_account(), outgoing)
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    assert b"In-Reply-To: <m@h>" in raw and b'From: "Camille" <p@patient.example>' in raw
    assert outgoing.envelope_recipients() == ["a@h.example"]
    with pytest.raises(InvalidRecipient):
        Outgoing(("not an address",), (), "", "").envelope_recipients()
    with pytest.raises(InvalidRecipient):
        Outgoing((), (), "", "").envelope_recipients()


def test_headers_decode_encoded_words() -> None:
    assert decode_text("=?utf-8?q?R=C3=A9sultats?=") == "Résultats"
    assert decode_text("=?bogus?q?x?=") == "=?bogus?q?x?="


def test_session_token_round_trip_and_binding() -> None:
    token = SessionToken.generate()
    assert SessionToken.decode(token.encode()) == token
    assert SessionToken.decode("!" * 86) is None and SessionToken.decode("") is None
    keys_ = AccountKeys.generate()
    sealed = token.seal_keys(keys_)
    assert token.open_keys(sealed).public == keys_.public
    other = SessionToken(SessionToken.generate().session_id, token.session_key)
    with pytest.raises(DecryptionError):
        other.open_keys(sealed)  # bound to the session's lookup, not only to its key
    assert token.check_csrf(token.csrf_token()) and not token.check_csrf("")
    assert repr(token) == "SessionToken(<secret>)"
    assert open_from_account(seal_to_account(b"s", keys_.public.encryption), keys_) == b"s"


def test_totp_steps_and_drift() -> None:
    secret = pyotp.random_base32()
    totp = pyotp.TOTP(secret)
    now = 1_900_000_015.0
    assert matching_step(secret, totp.at(now), now) == int(now // 30)
    assert matching_step(secret, totp.at(now - 30), now) == int(now // 30) - 1
    assert matching_step(secret, totp.at(now - 90), now) is None
    assert matching_step(secret, "12345", now) is None


def test_catalogues_have_the_same_keys() -> None:
    assert keys("fr") == keys("en")
    assert LANGUAGES[0] == "fr"
    assert Translator("de")("nav.mail") == "Messages", "unknown languages fall back to French"
    assert Translator("fr").size(1536) == "1,5 Ko" and Translator("en").size(10) == "10 B"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/mail/3", "/mail/3"),
        ("https://evil.example/", "/mail"),
        ("//evil.example", "/mail"),
        ("/\\evil.example", "/mail"),
        (None, "/mail"),
        ("mail", "/mail"),
    ],
)
def test_redirects_stay_on_the_site(target: str | None, expected: str) -> None:
    assert local_target(target) == expected


def test_typed_text_cannot_add_header_fields() -> None:
    outgoing = Outgoing(
        ("a@h.example\r\nBcc: spy@evil.example",),
        (),
        "Objet\r\nBcc: spy@evil.example",
        "x",
        attachments=(OutgoingAttachment("a\r\nb.pdf", "application/pdf", b"%PDF"),),
    )
    raw = build_message(_account(), outgoing)
    assert b"\r\nBcc:" not in raw
    with pytest.raises(InvalidRecipient):
        outgoing.envelope_recipients()


def test_row_cache_is_readable_only_with_the_session_s_cookie() -> None:
    cache = RowCache(capacity=2)
    token, other = SessionToken.generate(), SessionToken.generate()
    row = RowText("Résultats", Person("Dr", "d@h.example"), (Person("", "p@p.example"),), True)
    cache.put(token, b"object-1", row)
    assert cache.get(token, b"object-1") == row
    assert cache.get(other, b"object-1") is None, "another session's key reads nothing"
    [blob] = cache._rows.values()
    assert b"R\\u00e9sultats" not in blob and "Résultats".encode() not in blob
    cache.put(token, b"object-2", row)
    cache.put(token, b"object-3", row)
    assert cache.get(token, b"object-1") is None, "least recently used out first"
