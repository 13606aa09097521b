"""A running webmail for tests: the real uvicorn server on port 0 beside SMTP, and clients that
sign in as a browser does (pre-login token, session cookie, CSRF token from the page)."""

from __future__ import annotations

import asyncio
import base64
import re
import time
from dataclasses import dataclass, field, replace
from typing import Any

import httpx
import pyotp

from mailserver import DOCTOR, PASSWORD, MailServer
from mss.runtime import Runtime
from mss.store.records import Account
from mss.submission import Envelope, Recipient
from webmail.service import WebService
from webmail.settings import WebSettings

PATIENT_B = "185057512345697@patient.example"
_META = re.compile(r'<meta name="csrf-token" content="([^"]*)">')


def quick_settings(runtime: Runtime) -> WebSettings:
    """Production settings with no delays, as STYLE.md rule 10 asks."""
    return replace(WebSettings.from_settings(runtime.settings), port=0)


@dataclass
class Web:
    runtime: Runtime
    mail: MailServer
    service: WebService
    accounts: dict[str, Account] = field(default_factory=dict)
    clients: list[httpx.AsyncClient] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.service.port}"

    def client(self) -> httpx.AsyncClient:
        """A new client, closed by the fixture after the test."""
        client = httpx.AsyncClient(base_url=self.url, timeout=30, follow_redirects=False)
        self.clients.append(client)
        return client

    async def close_clients(self) -> None:
        for client in self.clients:
            await client.aclose()


async def drifted_code(totp: pyotp.TOTP) -> str:
    """The previous step's code, which the server accepts as one step of clock drift. Taken in
    the first two thirds of a step, so that it is still one step old, not two, when the request
    arrives on a loaded machine."""
    left = 30 - time.time() % 30
    if left < 10:
        await asyncio.sleep(left + 0.1)
    return totp.at(time.time() - 30)


def csrf_of(html: str) -> str:
    found = _META.search(html)
    assert found is not None, "every page carries its CSRF token"
    return found.group(1)


@dataclass
class Browserless:
    """An httpx client signed in as one account, with the CSRF token of its session."""

    client: httpx.AsyncClient
    csrf: str
    address: str

    @property
    def headers(self) -> dict[str, str]:
        return {"x-csrf-token": self.csrf}

    async def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.client.get(url, **kwargs)

    async def post(self, url: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return await self.client.post(url, headers=headers, **kwargs)

    async def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.client.delete(url, headers=self.headers, **kwargs)

    async def patch(self, url: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return await self.client.patch(url, headers=headers, **kwargs)

    async def folder_id(self, role: str = "inbox") -> int:
        folders = (await self.get("/api/mailboxes")).json()
        return int(next(f["id"] for f in folders if f["role"] == role))


async def attempt_sign_in(client: httpx.AsyncClient, address: str, password: str) -> httpx.Response:
    page = await client.get("/login")
    token = csrf_of(page.text)
    return await client.post(
        "/api/session",
        json={"address": address, "password": password},
        headers={"x-csrf-token": token},
    )


async def sign_in(web: Web, address: str, password: str = PASSWORD) -> Browserless:
    client = web.client()
    answer = await attempt_sign_in(client, address, password)
    assert answer.status_code == 200, answer.text
    page = await client.get("/settings")
    assert page.status_code == 200
    return Browserless(client, csrf_of(page.text), address)


async def professional_writes(web: Web, recipient: str, raw: bytes) -> None:
    """The doctor sends ``raw`` through submission (as SMTP does), so the patient may reply."""
    doctor = await web.runtime.accounts.authenticate(DOCTOR, PASSWORD)
    await web.runtime.submission.submit(doctor, Envelope(DOCTOR, (Recipient(recipient),)), raw)


def with_attachment(recipient: str, subject: str, body: str, filename: str, data: bytes) -> bytes:
    encoded = base64.encodebytes(data).decode()
    return (
        f"From: Dr Jeanne Martin <{DOCTOR}>\r\nTo: <{recipient}>\r\nSubject: {subject}\r\n"
        f"Message-ID: <{abs(hash(subject))}@hopital.example>\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        f"{body}\r\n--b\r\nContent-Type: application/pdf\r\n"
        f'Content-Disposition: attachment; filename="{filename}"\r\n'
        f"Content-Transfer-Encoding: base64\r\n\r\n{encoded}--b--\r\n"
    ).encode()
