"""Who may reply to whom: the professionals who wrote to each patient, kept as keyed tags.

A conversation a professional closed (mss/closing.py) keeps a tag of its own, so that the patient
is told why a reply is refused instead of being told they never were written to; the
professional's next message opens it again.
"""

from __future__ import annotations

from typing import Protocol

from crypto.tags import keyed_tag


class CorrespondentStore(Protocol):
    async def replace_correspondent(self, account_id: int, remove: bytes, add: bytes) -> None:
        """Delete one tag and insert the other in one transaction."""

    async def has_correspondent(self, account_id: int, tag: bytes) -> bool: ...


class CorrespondentBook:
    def __init__(self, store: CorrespondentStore, secret: bytes) -> None:
        self._store = store
        self._secret = secret

    def _open_tag(self, patient_id: int, address: str) -> bytes:
        return keyed_tag(self._secret, str(patient_id).encode(), address.lower().encode())

    def _closed_tag(self, patient_id: int, address: str) -> bytes:
        return keyed_tag(
            self._secret, b"closed", str(patient_id).encode(), address.lower().encode()
        )

    async def add(self, patient_id: int, address: str) -> None:
        await self._store.replace_correspondent(
            patient_id, self._closed_tag(patient_id, address), self._open_tag(patient_id, address)
        )

    async def close(self, patient_id: int, address: str) -> None:
        await self._store.replace_correspondent(
            patient_id, self._open_tag(patient_id, address), self._closed_tag(patient_id, address)
        )

    async def has(self, patient_id: int, address: str) -> bool:
        return await self._store.has_correspondent(patient_id, self._open_tag(patient_id, address))

    async def closed(self, patient_id: int, address: str) -> bool:
        return await self._store.has_correspondent(
            patient_id, self._closed_tag(patient_id, address)
        )
