"""SQL for domains, accounts and credentials."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, case, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from mss.store import subscription_sql
from mss.store.clock import now
from mss.store.errors import AlreadyExists, NotFound
from mss.store.records import (
    DEFAULT_MAILBOXES,
    Account,
    AccountKind,
    Credential,
    CredentialKind,
    Domain,
    NewCredential,
)
from mss.store.schema import accounts, credentials, domains, mailboxes


def domain_from_row(row: Row[Any]) -> Domain:
    return Domain(id=row.id, name=row.name, is_patient=bool(row.is_patient))


def account_from_row(row: Row[Any]) -> Account:
    return Account(
        id=row.id,
        address=row.address,
        domain_id=row.domain_id,
        kind=AccountKind(row.kind),
        display_name=row.display_name,
        encryption_key=bytes(row.encryption_key),
        signing_key=bytes(row.signing_key),
        disabled=bool(row.disabled),
    )


def credential_from_row(row: Row[Any]) -> Credential:
    return Credential(
        id=row.id,
        account_id=row.account_id,
        kind=CredentialKind(row.kind),
        label=row.label,
        lookup=bytes(row.lookup) if row.lookup is not None else None,
        salt=bytes(row.salt),
        opslimit=row.opslimit,
        memlimit=row.memlimit,
        wrapped=bytes(row.wrapped),
        created_at=row.created_at,
    )


async def insert_domain(conn: AsyncConnection, name: str, is_patient: bool) -> Domain:
    try:
        result = await conn.execute(
            insert(domains)
            .values(name=name, is_patient=is_patient, created_at=now())
            .returning(domains.c.id)
        )
    except IntegrityError as exc:
        raise AlreadyExists(f"domain {name} exists already") from exc
    return Domain(id=result.scalar_one(), name=name, is_patient=is_patient)


async def insert_account(
    conn: AsyncConnection,
    address: str,
    domain: Domain,
    kind: AccountKind,
    display_name: str,
    encryption_key: bytes,
    signing_key: bytes,
    new_credentials: list[NewCredential],
) -> Account:
    """The account, its credentials and its default folders, in the caller's transaction."""
    created = now()
    try:
        result = await conn.execute(
            insert(accounts)
            .values(
                address=address,
                domain_id=domain.id,
                kind=kind.value,
                display_name=display_name,
                encryption_key=encryption_key,
                signing_key=signing_key,
                last_uidvalidity=created,
                disabled=False,
                created_at=created,
            )
            .returning(accounts.c.id)
        )
    except IntegrityError as exc:
        raise AlreadyExists(f"account {address} exists already") from exc
    account_id = result.scalar_one()
    for credential in new_credentials:
        await insert_credential(conn, account_id, credential)
    await conn.execute(
        insert(mailboxes),
        [
            {
                "account_id": account_id,
                "name": name,
                "special_use": special_use.value if special_use else None,
                "uidvalidity": created,
                "uidnext": 1,
                "highestmodseq": 1,
                "created_at": created,
            }
            for name, special_use in DEFAULT_MAILBOXES
        ],
    )
    await subscription_sql.subscribe(conn, account_id, [name for name, _ in DEFAULT_MAILBOXES])
    return Account(
        id=account_id,
        address=address,
        domain_id=domain.id,
        kind=kind,
        display_name=display_name,
        encryption_key=encryption_key,
        signing_key=signing_key,
        disabled=False,
    )


async def insert_credential(
    conn: AsyncConnection, account_id: int, credential: NewCredential
) -> Credential:
    created = now()
    result = await conn.execute(
        insert(credentials)
        .values(
            account_id=account_id,
            kind=credential.kind.value,
            label=credential.label,
            lookup=credential.lookup,
            salt=credential.salt,
            opslimit=credential.opslimit,
            memlimit=credential.memlimit,
            wrapped=credential.wrapped,
            created_at=created,
        )
        .returning(credentials.c.id)
    )
    return Credential(
        id=result.scalar_one(),
        account_id=account_id,
        kind=credential.kind,
        label=credential.label,
        lookup=credential.lookup,
        salt=credential.salt,
        opslimit=credential.opslimit,
        memlimit=credential.memlimit,
        wrapped=credential.wrapped,
        created_at=created,
    )


async def replace_credentials(
    conn: AsyncConnection, account_id: int, kind: CredentialKind, credential: NewCredential
) -> Credential:
    """Swap every credential of ``kind`` for a new one, atomically (password change, recovery)."""
    await conn.execute(
        delete(credentials).where(
            credentials.c.account_id == account_id, credentials.c.kind == kind.value
        )
    )
    return await insert_credential(conn, account_id, credential)


async def rewrap_credential(conn: AsyncConnection, credential: Credential, wrapped: bytes) -> None:
    await conn.execute(
        update(credentials)
        .where(credentials.c.id == credential.id, credentials.c.wrapped == credential.wrapped)
        .values(wrapped=wrapped)
    )


async def delete_credential(conn: AsyncConnection, account_id: int, credential_id: int) -> None:
    result = await conn.execute(
        delete(credentials).where(
            credentials.c.id == credential_id,
            credentials.c.account_id == account_id,
            credentials.c.kind == CredentialKind.APP_PASSWORD.value,
        )
    )
    if result.rowcount == 0:
        raise NotFound(f"no app password {credential_id} for this account")


async def next_uidvalidity(conn: AsyncConnection, account_id: int) -> int:
    """A UIDVALIDITY never used before by this account (RFC 3501 §2.3.1.1).

    Strictly increasing per account, so a mailbox deleted and re-created under the same name can
    never reuse its old value; and at least the current time, so values stay plausible.
    """
    following = accounts.c.last_uidvalidity + 1
    current = now()
    result = await conn.execute(
        update(accounts)
        .where(accounts.c.id == account_id)
        .values(last_uidvalidity=case((following > current, following), else_=current))
        .returning(accounts.c.last_uidvalidity)
    )
    return int(result.scalar_one())


async def select_one_account(conn: AsyncConnection, address: str) -> Account | None:
    row = (await conn.execute(select(accounts).where(accounts.c.address == address))).first()
    return account_from_row(row) if row is not None else None
