"""Signature requests in SQL: reads on the reader engine, writes through the group committer.

Every change is a compare-and-set on the request's revision, so two signers of a parallel
request who sign at the same moment cannot both build on the same revision of the PDF: the second
write changes nothing and the service starts again from the first one's result.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, and_, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from mss.store.database import Database
from mss.store.signature_records import SignatureRow
from mss.store.signature_schema import signature_keys, signature_requests
from mss.store.writer import Committer, WriteResult


def _row(row: Row[Any], keys: tuple[bytes, ...]) -> SignatureRow:
    return SignatureRow(
        bytes(row.public_id),
        row.state,
        tuple(row.signer_states.split(",")),
        bool(row.ordered),
        int(row.expires_at),
        int(row.revision),
        bytes(row.body),
        bytes(row.document),
        keys,
    )


class SqlSignatureStore:
    def __init__(self, database: Database, committer: Committer) -> None:
        self._database = database
        self._committer = committer

    async def add(self, row: SignatureRow) -> None:
        async def job(conn: AsyncConnection) -> WriteResult[None]:
            result = await conn.execute(
                insert(signature_requests)
                .values(
                    public_id=row.public_id,
                    state=row.state,
                    signer_states=",".join(row.signer_states),
                    ordered=row.ordered,
                    expires_at=row.expires_at,
                    revision=row.revision,
                    body=row.body,
                    document=row.document,
                )
                .returning(signature_requests.c.id)
            )
            request_id = int(result.scalar_one())
            await conn.execute(
                insert(signature_keys),
                [{"request_id": request_id, "sealed_key": key} for key in row.sealed_keys],
            )
            return WriteResult(None)

        await self._committer.run(job)

    async def get(self, public_id: bytes) -> SignatureRow | None:
        async with self._database.reader.connect() as conn:
            found = (
                await conn.execute(
                    select(signature_requests).where(signature_requests.c.public_id == public_id)
                )
            ).first()
            if found is None:
                return None
            keys = await conn.execute(
                select(signature_keys.c.sealed_key)
                .where(signature_keys.c.request_id == found.id)
                .order_by(signature_keys.c.id)
            )
            return _row(found, tuple(bytes(k) for (k,) in keys))

    async def replace(self, row: SignatureRow, expected_revision: int, expected_state: str) -> bool:
        """Write ``row`` if the stored revision and state are still the ones it was built on."""

        async def job(conn: AsyncConnection) -> WriteResult[bool]:
            result = await conn.execute(
                update(signature_requests)
                .where(
                    and_(
                        signature_requests.c.public_id == row.public_id,
                        signature_requests.c.revision == expected_revision,
                        signature_requests.c.state == expected_state,
                    )
                )
                .values(
                    state=row.state,
                    signer_states=",".join(row.signer_states),
                    revision=row.revision,
                    body=row.body,
                    document=row.document,
                )
            )
            return WriteResult(result.rowcount == 1)

        return await self._committer.run(job)

    async def due_to_expire(self, now: int, open_state: str) -> list[SignatureRow]:
        query = select(signature_requests).where(
            and_(signature_requests.c.state == open_state, signature_requests.c.expires_at <= now)
        )
        async with self._database.reader.connect() as conn:
            return [_row(found, ()) for found in await conn.execute(query)]

    async def set_states(
        self,
        public_id: bytes,
        expected_revision: int,
        from_state: str,
        state: str,
        signer_states: tuple[str, ...],
    ) -> bool:
        """Change only the clear states (expiry: the worker holds no key to the body). The
        revision stays, since it is bound into the sealed body's associated data; a signer's
        write built on the open state then finds the state changed and writes nothing."""

        async def job(conn: AsyncConnection) -> WriteResult[bool]:
            result = await conn.execute(
                update(signature_requests)
                .where(
                    and_(
                        signature_requests.c.public_id == public_id,
                        signature_requests.c.revision == expected_revision,
                        signature_requests.c.state == from_state,
                    )
                )
                .values(
                    state=state,
                    signer_states=",".join(signer_states),
                )
            )
            return WriteResult(result.rowcount == 1)

        return await self._committer.run(job)
