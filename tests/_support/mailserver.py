"""A running MSS for protocol tests: real listeners on ports chosen by the OS, a dev PKI, and a
professional and a patient account."""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiosmtplib

from mss.runtime import Runtime
from mss.services import Service, build_services
from mss.store.records import Account, AccountKind
from mss.tls import make_development_pki, tls_files

PASSWORD = "correct horse battery"
DOMAIN = "hopital.example"
PATIENT_DOMAIN = "patient.example"
DOCTOR = f"jeanne.martin@{DOMAIN}"
NURSE = f"paul.durand@{DOMAIN}"
PATIENT = f"285057512345623@{PATIENT_DOMAIN}"


@dataclass
class MailServer:
    runtime: Runtime
    services: list[Service]
    accounts: dict[str, Account] = field(default_factory=dict)

    def port(self, name: str) -> int:
        for service in self.services:
            ports: dict[str, int] = getattr(service, "ports", {})
            if name in ports:
                return ports[name]
        raise KeyError(name)

    def client_context(self) -> ssl.SSLContext:
        ca = tls_files(self.runtime.settings).ca
        return ssl.create_default_context(cafile=str(ca))

    def submission_client(self) -> aiosmtplib.SMTP:
        """An aiosmtplib client for the submission port, STARTTLS on connect (not yet logged in)."""
        return aiosmtplib.SMTP(
            hostname="localhost",
            port=self.port("submission"),
            start_tls=True,
            tls_context=self.client_context(),
        )

    def service(self, name: str) -> Any:
        return next(s for s in self.services if s.name == name)

    async def stop(self) -> None:
        for service in reversed(self.services):
            await service.stop()


def ensure_pki(runtime: Runtime) -> None:
    files = tls_files(runtime.settings)
    if not files.cert.exists():
        make_development_pki(files, runtime.settings.hostname)


async def start_mail_server(runtime: Runtime, only: tuple[str, ...] = ()) -> MailServer:
    ensure_pki(runtime)
    await runtime.store.add_domain(DOMAIN)
    await runtime.store.add_domain(PATIENT_DOMAIN, is_patient=True)
    server = MailServer(runtime, [])
    for address, kind in (
        (DOCTOR, AccountKind.PROFESSIONAL),
        (NURSE, AccountKind.PROFESSIONAL),
        (PATIENT, AccountKind.PATIENT),
    ):
        created = await runtime.accounts.create_account(address, kind, PASSWORD)
        server.accounts[address] = created.account
    for service in build_services(runtime):
        if only and service.name not in only:
            continue
        await service.start()
        server.services.append(service)
    return server


def data_dir_of(runtime: Runtime) -> Path:
    return runtime.settings.data_dir


async def read_mailbox(
    runtime: Runtime, address: str, mailbox: str = "INBOX", password: str = PASSWORD
) -> list[bytes]:
    """Every message of a mailbox, decrypted with the owner's password, in UID order."""
    from mss.mailcrypto import open_content_key, open_content_of

    unlocked = await runtime.accounts.authenticate(address, password)
    found = await runtime.store.get_mailbox(unlocked.account.id, mailbox)
    assert found is not None, f"{address} has no mailbox {mailbox}"
    uids = [entry.uid for entry in await runtime.store.message_index(found.id)]
    messages = []
    for record in await runtime.store.get_messages(found.id, uids):
        key = open_content_key(record, unlocked.keys)
        messages.append(
            open_content_of(
                record.object_id, key, await runtime.store.get_content(record.object_id)
            )
        )
    return messages


def message(sender: str, recipient: str, subject: str, body: str = "Bonjour.") -> bytes:
    return (
        f"From: <{sender}>\r\nTo: <{recipient}>\r\nSubject: {subject}\r\n"
        f"Message-ID: <{subject.replace(' ', '.')}@test>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n"
    ).encode()
