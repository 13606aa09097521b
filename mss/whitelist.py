"""The national trust-space whitelist (``listeblanchemssante.xml``): reading it, and what an
import would change.

The file lists ``Domaine`` elements under ``ListeDomaines``, in the namespace
:data:`NAMESPACE`; a domain appears once per operator certificate allowed for it
(``DNCertificatOperateur``). Names are folded to lower case. The XML is parsed with defusedxml
and any DTD is refused outright, so neither entity expansion ("billion laughs") nor external
entities can be used against the importer. An entry that cannot be read (no name, a name that
is not a domain, a DN that is not one) refuses the whole file: the list is the agency's, and a
change of its format must be looked at before it changes who we trust.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from mss.addresses import InvalidAddress, normalise_domain
from mss.pki import PkiError, dn_key, parse_dn

NAMESPACE = "https://listeblanche.mssante.fr/schema"
MAX_BYTES = 64 * 1024 * 1024
REPORTED_NAMES = 50

# domain -> {dn_key: dn as the file writes it}
Entries = Mapping[str, Mapping[str, str]]


class WhitelistError(ValueError):
    """A whitelist file or import refused; nothing was changed."""


@dataclass(frozen=True, slots=True)
class Whitelist:
    generated: str
    entries: dict[str, dict[str, str]]


def _tag(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def parse_whitelist(data: bytes) -> Whitelist:
    """Read the file; :class:`WhitelistError` for anything but a readable, non-empty list."""
    if len(data) > MAX_BYTES:
        raise WhitelistError(f"the file is larger than {MAX_BYTES} bytes")
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise WhitelistError(f"refused: the file declares a DTD or entities ({exc})") from exc
    except ParseError as exc:
        raise WhitelistError(f"not well-formed XML: {exc}") from exc
    if root.tag != _tag("ListeBlancheMSSante"):
        raise WhitelistError(
            f"the root element is {root.tag}, not ListeBlancheMSSante in the namespace {NAMESPACE}"
        )
    entries: dict[str, dict[str, str]] = {}
    keys: dict[str, str] = {}  # DN text -> key: a few operators serve thousands of domains
    faults: list[str] = []
    for position, element in enumerate(root.iterfind(f"{_tag('ListeDomaines')}/{_tag('Domaine')}")):
        try:
            domain, key, dn = _entry(element, keys)
        except WhitelistError as exc:
            faults.append(f"Domaine #{position + 1}: {exc}")
            continue
        entries.setdefault(domain, {})[key] = dn
    if faults:
        shown = "; ".join(faults[:10])
        raise WhitelistError(f"{len(faults)} entries cannot be read: {shown}")
    if not entries:
        raise WhitelistError("the file lists no domain (ListeDomaines/Domaine/Nom)")
    generated = (root.findtext(_tag("DateDeGeneration")) or "").strip()
    return Whitelist(generated, entries)


def _entry(element: Element, keys: dict[str, str]) -> tuple[str, str, str]:
    name = (element.findtext(_tag("Nom")) or "").strip()
    text = (element.findtext(_tag("DNCertificatOperateur")) or "").strip()
    if not name:
        raise WhitelistError("no Nom")
    try:
        domain = normalise_domain(name)
    except InvalidAddress as exc:
        raise WhitelistError(str(exc)) from exc
    if not text:
        raise WhitelistError(f"{domain}: no DNCertificatOperateur")
    if text not in keys:
        try:
            keys[text] = dn_key(parse_dn(text))
        except PkiError as exc:
            raise WhitelistError(f"{domain}: {exc}") from exc
    return domain, keys[text], text


@dataclass(frozen=True, slots=True)
class Changes:
    """What an import changes, by domain."""

    added: list[str]
    removed: list[str]
    changed: list[str]  # same domain, other operator certificates
    unchanged: int
    before: int

    @property
    def removed_share(self) -> float:
        return len(self.removed) / self.before if self.before else 0.0

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.removed)} removed, "
            f"{len(self.changed)} with other operator certificates, {self.unchanged} unchanged"
        )

    def lines(self) -> list[str]:
        out: list[str] = []
        for mark, names in (("+", self.added), ("-", self.removed), ("~", self.changed)):
            out += [f"{mark} {name}" for name in names[:REPORTED_NAMES]]
            if len(names) > REPORTED_NAMES:
                out.append(f"{mark} … and {len(names) - REPORTED_NAMES} more")
        return out


def changes_between(current: Entries, new: Entries) -> Changes:
    added = sorted(set(new) - set(current))
    removed = sorted(set(current) - set(new))
    common = set(current) & set(new)
    changed = sorted(d for d in common if set(current[d]) != set(new[d]))
    return Changes(added, removed, changed, len(common) - len(changed), len(current))


def check_removals(changes: Changes, max_share: float, force: bool) -> None:
    """Refuse an import that would drop more than ``max_share`` of the current domains: a
    truncated or wrong file must not silently cut the trust space (``--force`` overrides)."""
    if force or changes.removed_share <= max_share:
        return
    raise WhitelistError(
        f"refused: the import would remove {len(changes.removed)} of {changes.before} domains "
        f"({changes.removed_share:.0%}, more than {max_share:.0%}); check the file, or pass "
        "--force to import it anyway"
    )
