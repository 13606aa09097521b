"""The trust-space policy on its own (issue 18), over the real store: local senders never come in
through the MX even when the trust list also names the local domain, and other operators'
senders are classified by the directory, a remote patient being held to the patient rules."""

from __future__ import annotations

import pytest

from mss.addresses import InvalidAddress, normalise_address
from mss.correspondents import CorrespondentBook
from mss.policy import LocalRoute, Policy, PolicyError, Refusal, RemoteRoute, SenderKind
from mss.runtime import Runtime
from mss.store.records import AccountKind

LOCAL = "hopital.example"
PATIENTS = "patient.example"
PEER = "clinique.example"
DOCTOR = f"dr@{LOCAL}"
PATIENT = f"p1@{PATIENTS}"
OTHER_PATIENT = f"p2@{PATIENTS}"
PASSWORD = "correct horse battery"


class Trust:
    """A trust list that names the given domains, the local one included."""

    def __init__(self, *domains: str) -> None:
        self.domains = set(domains)

    async def is_trusted(self, domain: str) -> bool:
        return domain in self.domains


class Directory:
    """What another operator's directory says about its addresses."""

    def __init__(self, kinds: dict[str, SenderKind]) -> None:
        self.kinds = kinds
        self.asked: list[str] = []

    async def kind_of(self, address: str) -> SenderKind | None:
        self.asked.append(address)
        return self.kinds.get(address)


async def _policy(runtime: Runtime, directory: Directory | None = None) -> Policy:
    await runtime.store.add_domain(LOCAL)
    await runtime.store.add_domain(PATIENTS, is_patient=True)
    await runtime.accounts.create_account(DOCTOR, AccountKind.PROFESSIONAL, PASSWORD)
    for address in (PATIENT, OTHER_PATIENT):
        await runtime.accounts.create_account(address, AccountKind.PATIENT, PASSWORD)
    book = CorrespondentBook(runtime.store, bytes(32))
    return Policy(runtime.store, Trust(LOCAL, PATIENTS, PEER), book, directory)


async def test_mx_refuses_local_senders_even_when_their_domain_is_trusted(
    runtime: Runtime,
) -> None:
    policy = await _policy(runtime)
    for sender in (DOCTOR, f"ghost@{LOCAL}", PATIENT):
        with pytest.raises(PolicyError) as refused:
            await policy.check_inbound_sender(sender)
        assert refused.value.refusal is Refusal.SENDER_NOT_TRUSTED
        assert "must be submitted with authentication" in refused.value.text
    await policy.check_inbound_sender(f"dr.house@{PEER}")
    await policy.check_inbound_sender("")
    with pytest.raises(PolicyError) as outsider:
        await policy.check_inbound_sender("spam@gmail.example")
    assert outsider.value.refusal is Refusal.SENDER_NOT_TRUSTED
    assert outsider.value.text == (
        "Mail from gmail.example refused: it is not a domain of the health trust space"
    )
    with pytest.raises(PolicyError) as malformed:
        await policy.check_inbound_sender("not an address")
    assert malformed.value.refusal is Refusal.BAD_ADDRESS
    with pytest.raises(InvalidAddress) as invalid:
        normalise_address("not an address")
    assert malformed.value.text == str(invalid.value) != ""


async def test_remote_senders_are_classified_by_the_directory(runtime: Runtime) -> None:
    remote_patient, remote_doctor = f"patient@{PEER}", f"dr@{PEER}"
    directory = Directory({remote_patient: SenderKind.PATIENT})
    policy = await _policy(runtime, directory)
    assert await policy.sender_kind(remote_patient) is SenderKind.PATIENT
    assert await policy.sender_kind(remote_doctor) is SenderKind.PROFESSIONAL
    assert await policy.sender_kind(PATIENT) is SenderKind.PATIENT
    assert await policy.sender_kind(DOCTOR) is SenderKind.PROFESSIONAL
    assert directory.asked == [remote_patient, remote_doctor], "local accounts are not asked"
    assert await policy.sender_kind("") is SenderKind.PROFESSIONAL
    assert directory.asked == [remote_patient, remote_doctor], "nor is the null sender"
    unclassified = await _policy_without_directory(runtime)
    assert await unclassified.sender_kind(remote_patient) is SenderKind.PROFESSIONAL


async def _policy_without_directory(runtime: Runtime) -> Policy:
    return Policy(runtime.store, Trust(PEER), CorrespondentBook(runtime.store, bytes(32)))


async def test_patient_rules_hold_for_remote_patients_too(runtime: Runtime) -> None:
    remote_patient = f"patient@{PEER}"
    policy = await _policy(runtime, Directory({remote_patient: SenderKind.PATIENT}))
    to_patient = await policy.route(PATIENT)
    assert isinstance(to_patient, LocalRoute)
    to_doctor = await policy.route(DOCTOR.upper())
    assert isinstance(to_doctor, LocalRoute) and to_doctor.address == DOCTOR
    kind = await policy.sender_kind(remote_patient)
    with pytest.raises(PolicyError) as refused:
        await policy.check_patient_rules(remote_patient, kind, to_patient, None)
    assert refused.value.refusal is Refusal.PATIENT_RECIPIENT_REFUSED
    assert refused.value.text == (
        "A patient mailbox receives from health professionals and establishments only"
    )
    assert str(refused.value) == refused.value.text
    with pytest.raises(PolicyError) as refused:
        await policy.check_patient_rules(remote_patient, kind, to_doctor, None)
    assert refused.value.refusal is Refusal.PATIENT_CANNOT_INITIATE
    assert refused.value.text == (
        f"You can reply to {DOCTOR} only after they have written to you: "
        "a patient cannot start a conversation with a professional"
    )
    await policy.check_patient_rules(f"dr@{PEER}", SenderKind.PROFESSIONAL, to_patient, None)
    # A local patient replies only once the professional has written.
    patient = await runtime.store.get_account(PATIENT)
    assert patient is not None
    with pytest.raises(PolicyError):
        await policy.check_patient_rules(PATIENT, SenderKind.PATIENT, to_doctor, patient)
    await policy.record_delivery(DOCTOR, SenderKind.PROFESSIONAL, patient)
    await policy.check_patient_rules(PATIENT, SenderKind.PATIENT, to_doctor, patient)
    other = await runtime.store.get_account(OTHER_PATIENT)
    assert other is not None
    with pytest.raises(PolicyError):
        await policy.check_patient_rules(OTHER_PATIENT, SenderKind.PATIENT, to_doctor, other)


async def test_only_professionals_writing_to_patients_are_remembered(runtime: Runtime) -> None:
    policy = await _policy(runtime)
    patient = await runtime.store.get_account(PATIENT)
    other = await runtime.store.get_account(OTHER_PATIENT)
    doctor = await runtime.store.get_account(DOCTOR)
    assert patient is not None and other is not None and doctor is not None
    to_doctor = await policy.route(DOCTOR)
    await policy.record_delivery(OTHER_PATIENT, SenderKind.PATIENT, patient)
    await policy.record_delivery("", SenderKind.PROFESSIONAL, patient)
    await policy.record_delivery(PATIENT, SenderKind.PROFESSIONAL, doctor)
    with pytest.raises(PolicyError):
        await policy.check_patient_rules(PATIENT, SenderKind.PATIENT, to_doctor, patient)
    to_other = RemoteRoute(OTHER_PATIENT, PATIENTS)
    with pytest.raises(PolicyError):
        await policy.check_patient_rules(PATIENT, SenderKind.PATIENT, to_other, patient)


async def test_routes_and_own_address(runtime: Runtime) -> None:
    policy = await _policy(runtime)
    assert await policy.route(f"dr.house@{PEER}") == RemoteRoute(f"dr.house@{PEER}", PEER)
    refusals = {}
    for recipient in (f"ghost@{LOCAL}", "a@gmail.example", "nonsense"):
        with pytest.raises(PolicyError) as refused:
            await policy.route(recipient)
        refusals[recipient] = refused.value.refusal
    with pytest.raises(PolicyError, match=f"^No mailbox ghost@{LOCAL} here: check the address$"):
        await policy.route(f"Ghost@{LOCAL}")
    assert refusals == {
        f"ghost@{LOCAL}": Refusal.UNKNOWN_RECIPIENT,
        "a@gmail.example": Refusal.RELAY_DENIED,
        "nonsense": Refusal.BAD_ADDRESS,
    }
    doctor = await runtime.store.get_account(DOCTOR)
    assert doctor is not None
    policy.check_own_address(doctor, "DR@Hopital.example")
    for address in (PATIENT, ""):
        with pytest.raises(PolicyError) as refused:
            policy.check_own_address(doctor, address)
        assert refused.value.refusal is Refusal.NOT_YOUR_ADDRESS
        assert refused.value.text == (
            f"{address or '<>'} is not an address of {DOCTOR}: send as your own address"
        )
    with pytest.raises(PolicyError) as refused:
        policy.check_own_address(doctor, "not an address")
    assert refused.value.refusal is Refusal.BAD_ADDRESS, "a syntax error, answered 553"
    assert Policy.kind_of_account(doctor) is SenderKind.PROFESSIONAL
