"""The inbound path: commit first, then observers see the plaintext; a failing observer loses
nothing and does not stop the next one."""

from __future__ import annotations

import pytest

from mss.inbound import InboundMessage
from mss.policy import SenderKind
from mss.runtime import Runtime
from mss.store.records import AccountKind
from support import sample_message


class Recorder:
    def __init__(self, name: str, fail: bool = False) -> None:
        self.name = name
        self.fail = fail
        self.seen: list[InboundMessage] = []

    async def delivered(self, message: InboundMessage) -> None:
        self.seen.append(message)
        if self.fail:
            raise RuntimeError("observer broke")


async def test_observers_see_committed_mail_and_failures_are_contained(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    await runtime.store.add_domain("hopital.example")
    created = await runtime.accounts.create_account(
        "p@hopital.example", AccountKind.PROFESSIONAL, "correct horse battery"
    )
    broken, after = Recorder("broken", fail=True), Recorder("after")
    runtime.inbound.add_observer(broken)
    runtime.inbound.add_observer(after)

    stored = await runtime.inbound.receive(
        "sender@hopital.example", SenderKind.PROFESSIONAL, created.account, sample_message("X1")
    )

    assert [m.stored for m in after.seen] == [stored]
    seen = after.seen[0]
    assert seen.parsed.envelope.subject is not None
    assert "X1" in seen.parsed.envelope.subject
    assert seen.recipient.id == created.account.id
    assert "observer broken failed" in caplog.text
    box = await runtime.store.get_mailbox(created.account.id, "INBOX")
    assert box is not None
    assert await runtime.store.mailbox_counts(box.id) == (1, 1)
