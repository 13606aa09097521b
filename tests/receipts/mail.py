"""Messages that ask for a receipt, submitted over real SMTP: shared by the receipts tests."""

from __future__ import annotations

from mailserver import PASSWORD, MailServer


def request(
    sender: str, recipient: str, message_id: str, *, dnt: str | None = None, extra: str = ""
) -> bytes:
    asked = f"Disposition-Notification-To: <{dnt or sender}>\r\n" if dnt != "" else ""
    return (
        f"From: <{sender}>\r\nTo: <{recipient}>\r\nSubject: Résultats d'analyse\r\n"
        f"Message-ID: <{message_id}@hopital.example>\r\n{asked}{extra}"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\nVos résultats sont normaux.\r\n"
    ).encode()


async def submit(server: MailServer, sender: str, recipient: str, raw: bytes) -> None:
    async with server.submission_client() as client:
        await client.login(sender, PASSWORD)
        errors, _ = await client.sendmail(sender, [recipient], raw)
    assert errors == {}
