"""Who has written to which patient, remembered as keyed tags (policy: patients only reply)."""

from __future__ import annotations

from typing import Protocol

from crypto.tags import keyed_tag


class CorrespondentStore(Protocol):
    async def add_correspondent(self, account_id: int, tag: bytes) -> None: ...

    async def has_correspondent(self, account_id: int, tag: bytes) -> bool: ...


class CorrespondentBook:
    def __init__(self, store: CorrespondentStore, secret: bytes) -> None:
        self._store = store
        self._secret = secret

    def _tag(self, patient_id: int, address: str) -> bytes:
        return keyed_tag(self._secret, str(patient_id).encode(), address.lower().encode())

    async def add(self, patient_id: int, address: str) -> None:
        await self._store.add_correspondent(patient_id, self._tag(patient_id, address))

    async def has(self, patient_id: int, address: str) -> bool:
        return await self._store.has_correspondent(patient_id, self._tag(patient_id, address))
