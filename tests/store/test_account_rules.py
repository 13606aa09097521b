"""What an account is created with, and which passwords are refused (issue 18): the address's
every part counts against a password, the length bounds hold at their edges (a 1024-character
passphrase is accepted), a password wrap is bound to its owner, kind, salt and both Argon2
limits, and each refusal says what to do in its own words."""

from __future__ import annotations

import re

import pytest

from crypto import Argon2Params, WrappedKey
from crypto.kdf import derive_password_key
from crypto.wrap import WrapContext, unwrap_with_key
from mss.accounts import MAX_PASSWORD_LENGTH, WeakPassword, check_password
from mss.runtime import Runtime
from mss.store.errors import NotFound
from mss.store.records import AccountKind, CredentialKind

ADDRESS = "anne-gwendoline.quillebeuf@kerdronvaez.example"
PASSWORD = "correct horse battery"
TOO_EASY = "the password is too easy to guess: use several unusual words, or a longer phrase"


@pytest.mark.parametrize(
    "password",
    [
        "Gwendoline1987",  # a part between "-" and "." of the local part
        "Quillebeuf1987",  # a part after "." of the local part
        "Kerdronvaez1987",  # a label of the domain
    ],
)
def test_every_part_of_the_address_counts_against_a_password(password: str) -> None:
    check_password(password)
    with pytest.raises(WeakPassword, match=f"^{re.escape(TOO_EASY)}$"):
        check_password(password, (ADDRESS,))


def test_the_bounds_hold_at_their_edges() -> None:
    check_password("orange bicycle")  # zxcvbn's score 3 exactly: "safely unguessable"
    longest = ("frigo canapé tulipe verte lampe bleue " * 30)[:MAX_PASSWORD_LENGTH]
    assert MAX_PASSWORD_LENGTH == 1024
    check_password(longest)
    check_password(longest[:73])
    with pytest.raises(WeakPassword, match=r"^the password must have at most 1024 characters$"):
        check_password(longest + "x")
    with pytest.raises(WeakPassword, match=r"^the password must have at least 10 characters$"):
        check_password("Zq8#vK2!p")


async def test_an_account_is_created_with_what_it_was_given(runtime: Runtime) -> None:
    await runtime.store.add_domain("kerdronvaez.example")
    with pytest.raises(WeakPassword, match=f"^{re.escape(TOO_EASY)}$"):
        await runtime.accounts.create_account(ADDRESS, AccountKind.PROFESSIONAL, "Quillebeuf1987")
    created = await runtime.accounts.create_account(ADDRESS, AccountKind.PROFESSIONAL, PASSWORD)
    account = created.account
    assert account.display_name == ""
    (password,) = await runtime.store.credentials_of(account.id, CredentialKind.PASSWORD)
    (recovery,) = await runtime.store.credentials_of(account.id, CredentialKind.RECOVERY)
    assert password.label == recovery.label == ""
    params = Argon2Params(password.opslimit or 0, password.memlimit or 0)
    context = WrapContext(
        account.encryption_key, "password", b"", password.salt, params.opslimit, params.memlimit
    )
    key = derive_password_key(PASSWORD, password.salt, params)
    opened = unwrap_with_key(WrappedKey(password.wrapped), key, context)
    assert opened.public.encryption == account.encryption_key


async def test_refused_creations_say_what_to_do(runtime: Runtime) -> None:
    with pytest.raises(NotFound) as unknown:
        await runtime.accounts.create_account(ADDRESS, AccountKind.PROFESSIONAL, PASSWORD)
    assert str(unknown.value) == (
        "domain kerdronvaez.example is not served here: add it first with `mss domain add`"
    )
    await runtime.store.add_domain("kerdronvaez.example")
    misplaced = (
        "patient accounts belong on a patient domain and only there "
        "(`mss domain add --patient DOMAIN`)"
    )
    with pytest.raises(ValueError, match=f"^{re.escape(misplaced)}$"):
        await runtime.accounts.create_account(ADDRESS, AccountKind.PATIENT, PASSWORD)
