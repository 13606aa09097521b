"""The directory as the rest of the server sees it: one object, one interface.

SMTP policy and the webmail call `classify` to know who is behind an address; account creation
calls `publish_local_account`; delivery calls `resolve`; the web views and the CLI search and
show entries. The patient domains come from the server's configuration: patients are not in the
national file, their address is their INS at such a domain (DOMAIN.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from directory import store, store_fhir, store_search
from directory.addresses import domain_of, local_part_of, validate_address
from directory.errors import InvalidField
from directory.identifiers import validate_nir
from directory.importer import (
    MIN_VALID_SHARE,
    ImportProgress,
    ImportReport,
    Rejection,
    import_extraction,
)
from directory.model import AddressKind, DirectoryEntry, SearchPage
from directory.normalise import fold

# X25519 and Ed25519 public keys are both 32 bytes.
PUBLIC_KEY_BYTES = 32
MAX_PAGE = 100
MAX_DISPLAY_NAME = 300
_PUBLISHABLE = frozenset(kind for kind in AddressKind if kind is not AddressKind.UNKNOWN)


class DirectoryService:
    """Reads and writes of the directory over one database engine."""

    def __init__(self, engine: AsyncEngine, patient_domains: Iterable[str]) -> None:
        self.engine = engine
        self.patient_domains = frozenset(domain.strip().lower() for domain in patient_domains)

    async def publish_local_account(
        self,
        address: str,
        kind: str,
        display_name: str,
        encryption_key: bytes,
        signing_key: bytes,
    ) -> None:
        """Publish (or refresh) a local account's entry with its public keys.

        A patient's entry is on the red list from the start: it is resolved for delivery and
        never listed in a search.
        """
        canonical = validate_address(address)
        try:
            account_kind = AddressKind(kind)
        except ValueError:
            account_kind = AddressKind.UNKNOWN
        if account_kind not in _PUBLISHABLE:
            allowed = ", ".join(sorted(k.value for k in _PUBLISHABLE))
            raise InvalidField("kind", f"one of {allowed}", kind)
        name = display_name.strip()
        if not name or len(name) > MAX_DISPLAY_NAME:
            raise InvalidField("display_name", f"1 to {MAX_DISPLAY_NAME} characters", display_name)
        for field, key in (("encryption_key", encryption_key), ("signing_key", signing_key)):
            if len(key) != PUBLIC_KEY_BYTES:
                raise InvalidField(field, f"a {PUBLIC_KEY_BYTES}-byte public key", key.hex())
        entry = DirectoryEntry(
            address=canonical,
            kind=account_kind,
            display_name=name,
            listed=account_kind is not AddressKind.PATIENT,
            local=True,
            encryption_key=bytes(encryption_key),
            signing_key=bytes(signing_key),
        )
        await store.upsert_local(self.engine, entry)

    async def resolve(self, address: str) -> DirectoryEntry | None:
        """The entry of an exact address, red list included (for delivery), or None."""
        try:
            canonical = validate_address(address)
        except InvalidField:
            return None
        return await store.resolve(self.engine, canonical)

    async def classify(self, address: str) -> AddressKind:
        """Who is behind an address: the directory's kind, else a patient by address form."""
        try:
            canonical = validate_address(address)
        except InvalidField:
            return AddressKind.UNKNOWN
        entry = await store.resolve(self.engine, canonical)
        if entry is not None:
            return entry.kind
        if domain_of(canonical) in self.patient_domains:
            try:
                validate_nir(local_part_of(canonical))
            except InvalidField:
                return AddressKind.UNKNOWN
            return AddressKind.PATIENT
        return AddressKind.UNKNOWN

    async def search(self, query: str, limit: int = 20, offset: int = 0) -> SearchPage:
        """Listed entries matching every word of ``query``, ranked (see `store_search`)."""
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidField("limit", f"between 1 and {MAX_PAGE}", str(limit))
        if offset < 0 or offset + limit > store_search.MAX_WINDOW:
            raise InvalidField(
                "offset",
                f"0 or more, with offset + limit at most {store_search.MAX_WINDOW}",
                str(offset),
            )
        if not fold(query):
            raise InvalidField("q", "at least one letter or digit", query)
        return await store_search.search(self.engine, query, offset, limit)

    async def set_listed(self, address: str, listed: bool) -> bool:
        """Take an address off the red list or put it on; False if the address is unknown."""
        return await store.set_listed(self.engine, validate_address(address), listed)

    async def import_file(
        self,
        path: Path,
        on_progress: Callable[[ImportProgress], None] | None = None,
        on_reject: Callable[[Rejection], None] | None = None,
        min_valid_share: float = MIN_VALID_SHARE,
        dry_run: bool = False,
    ) -> ImportReport:
        """Import a national extraction file, or with ``dry_run`` only say what it would change
        (see `directory.importer`)."""
        return await import_extraction(
            self.engine,
            path,
            on_progress=on_progress,
            on_reject=on_reject,
            min_valid_share=min_valid_share,
            dry_run=dry_run,
        )

    async def practitioners(
        self, query: store_fhir.PractitionerQuery, offset: int, count: int
    ) -> list[store_fhir.PractitionerView]:
        """Practitioners with their listed mailboxes, for the FHIR view (see
        `directory.store_fhir`)."""
        return await store_fhir.practitioners(self.engine, query, offset, count)

    async def practitioner(self, national_id: str) -> store_fhir.PractitionerView | None:
        """One practitioner by national id, with its listed mailboxes."""
        return await store_fhir.practitioner_by_id(self.engine, national_id)

    async def organisations(
        self, query: store_fhir.OrganisationQuery, offset: int, count: int
    ) -> list[store_fhir.OrganisationView]:
        """Structures with their listed service mailboxes, for the FHIR view."""
        return await store_fhir.organisations(self.engine, query, offset, count)

    async def organisation(self, national_id: str) -> store_fhir.OrganisationView | None:
        """One structure by national id, with its listed service addresses."""
        return await store_fhir.organisation_by_id(self.engine, national_id)

    async def roles(
        self, query: store_fhir.RoleQuery, offset: int, count: int
    ) -> list[store_fhir.RoleView]:
        """Listed personal mailboxes (PractitionerRoles) with their ids."""
        return await store_fhir.roles(self.engine, query, offset, count)

    async def role(self, role_id: int) -> store_fhir.RoleView | None:
        """One listed personal mailbox by id."""
        return await store_fhir.role(self.engine, role_id)
