"""One SMTP session to a real peer: STARTTLS required, our client certificate checked by the peer,
the peer's certificate checked against the PEM configured for it, DSN parameters passed on."""

from __future__ import annotations

import socket

from mss.config import Settings
from mss.queue.relay import RelayEnvelope, RelayRecipient, Target, Verdict, relay
from mss.queue.worker import peer_context
from mss.smtpwire import statuses
from mss.smtpwire.dsn import Notify
from mss.tls import tls_files
from queue_support import DOCTOR, NURSE, SENDER, Remote, RemoteBehaviour, RemoteFactory, sample


def target(settings: Settings, port: int, pem: bytes) -> Target:
    context = peer_context(tls_files(settings), pem)
    return Target("127.0.0.1", port, context, settings.hostname, 2.0)


def envelope(*recipients: RelayRecipient, envid: str | None = None) -> RelayEnvelope:
    return RelayEnvelope(SENDER, recipients, envid, "HDRS")


async def test_relays_over_starttls_with_dsn_parameters_when_the_peer_offers_dsn(
    tls_settings: Settings, remote_factory: RemoteFactory
) -> None:
    remote = await remote_factory(RemoteBehaviour(dsn=True))
    recipients = (
        RelayRecipient(
            DOCTOR, frozenset({Notify.SUCCESS, Notify.FAILURE}), "rfc822;Dr+H@x.example"
        ),
        RelayRecipient(NURSE, frozenset(), None),
    )
    attempts = await relay(
        target(tls_settings, remote.port, remote.pem),
        envelope(*recipients, envid="id 42"),
        sample("relay"),
    )

    assert [a.verdict for a in attempts] == [Verdict.DELIVERED, Verdict.DELIVERED]
    assert all(a.dsn_passed_on and a.status == "2.0.0" for a in attempts)
    [received] = remote.received
    assert received.recipients == [DOCTOR, NURSE]
    assert received.dsn_mail == ["RET=HDRS", "ENVID=id+2042"]
    assert received.rcpt_options == [
        ["NOTIFY=SUCCESS,FAILURE", "ORCPT=rfc822;Dr+2BH@x.example"],
        [],
    ]
    assert "SIZE=" + str(len(sample("relay"))) in received.mail_options
    assert b"Compte rendu relay" in received.data


async def test_no_dsn_parameters_to_a_peer_without_dsn(
    tls_settings: Settings, remote: Remote
) -> None:
    recipient = RelayRecipient(DOCTOR, frozenset({Notify.SUCCESS}), "rfc822;" + DOCTOR)
    [attempt] = await relay(
        target(tls_settings, remote.port, remote.pem), envelope(recipient), b"x"
    )
    assert attempt.verdict is Verdict.DELIVERED and not attempt.dsn_passed_on
    assert remote.received[0].dsn_mail == [] and remote.received[0].rcpt_options == [[]]


async def test_each_recipient_keeps_its_own_answer(
    tls_settings: Settings, remote_factory: RemoteFactory
) -> None:
    behaviour = RemoteBehaviour(
        refuse={NURSE: "550 5.1.1 No such user", "t@clinique.example": "450 4.2.1 Busy"}
    )
    remote = await remote_factory(behaviour)
    recipients = [
        RelayRecipient(a, frozenset(), None) for a in (DOCTOR, NURSE, "t@clinique.example")
    ]
    attempts = await relay(
        target(tls_settings, remote.port, remote.pem), envelope(*recipients), b"x"
    )

    assert [(a.verdict, a.status) for a in attempts] == [
        (Verdict.DELIVERED, "2.0.0"),
        (Verdict.PERMANENT, "5.1.1"),
        (Verdict.TRANSIENT, "4.2.1"),
    ]
    assert attempts[1].reply == "550 5.1.1 No such user"
    assert remote.received[0].recipients == [DOCTOR]


async def test_a_refused_data_fails_every_accepted_recipient(
    tls_settings: Settings, remote_factory: RemoteFactory
) -> None:
    remote = await remote_factory(RemoteBehaviour(data_reply="554 5.6.0 Rejected content"))
    recipients = [RelayRecipient(a, frozenset(), None) for a in (DOCTOR, NURSE)]
    attempts = await relay(
        target(tls_settings, remote.port, remote.pem), envelope(*recipients), b"x"
    )
    assert {(a.verdict, a.status) for a in attempts} == {(Verdict.PERMANENT, "5.6.0")}


async def test_a_peer_without_starttls_gets_nothing(
    tls_settings: Settings, remote_factory: RemoteFactory
) -> None:
    remote = await remote_factory(starttls=False)
    recipient = RelayRecipient(DOCTOR, frozenset(), None)
    [attempt] = await relay(
        target(tls_settings, remote.port, remote.pem), envelope(recipient), b"x"
    )
    assert (attempt.verdict, attempt.status) == (Verdict.TRANSIENT, statuses.STATUS_SECURITY)
    assert remote.received == []


async def test_a_peer_whose_certificate_is_not_the_configured_one_gets_nothing(
    tls_settings: Settings, remote: Remote, our_ca_pem: bytes
) -> None:
    """We configured our own CA for this peer: its real certificate does not chain to it."""
    recipient = RelayRecipient(DOCTOR, frozenset(), None)
    [attempt] = await relay(
        target(tls_settings, remote.port, our_ca_pem), envelope(recipient), b"x"
    )
    assert (attempt.verdict, attempt.status) == (Verdict.TRANSIENT, statuses.STATUS_TLS_FAILED)
    assert remote.received == []


async def test_a_peer_that_is_down_is_a_transient_failure(
    tls_settings: Settings, remote: Remote
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    recipient = RelayRecipient(DOCTOR, frozenset(), None)
    [attempt] = await relay(target(tls_settings, port, remote.pem), envelope(recipient), b"x")
    assert (attempt.verdict, attempt.status) == (Verdict.TRANSIENT, statuses.STATUS_NO_ANSWER)
