"""Reading the national whitelist: the real layout, and files that must be refused whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from mss.whitelist import WhitelistError, parse_whitelist
from mss.whitelist_fetch import read_source

FIXTURE = Path(__file__).parent / "data" / "listeblanche.xml"

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<ListeBlancheMSSante xmlns="https://listeblanche.mssante.fr/schema"><ListeDomaines>
<Domaine><Nom>a.mssante.fr</Nom><Description>&lol4;</Description>
<DNCertificatOperateur>CN=a,C=FR</DNCertificatOperateur></Domaine>
</ListeDomaines></ListeBlancheMSSante>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE ListeBlancheMSSante [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<ListeBlancheMSSante xmlns="https://listeblanche.mssante.fr/schema"><ListeDomaines>
<Domaine><Nom>a.mssante.fr</Nom><Description>&secret;</Description>
<DNCertificatOperateur>CN=a,C=FR</DNCertificatOperateur></Domaine>
</ListeDomaines></ListeBlancheMSSante>"""


def test_the_real_layout_is_read_with_names_folded_and_duplicates_merged() -> None:
    whitelist = parse_whitelist(FIXTURE.read_bytes())
    assert whitelist.generated == "2026-11-30T06:00:00Z"
    assert sorted(whitelist.entries) == [
        "ch-saint-etienne.mssante.fr",
        "clinique-des-cevennes.mssante.fr",
        "ehpad-les-tilleuls.mssante.fr",
        "laboratoire-pasteur-lyon.mssante.fr",
    ]
    # One domain, two operator certificates (two Domaine elements, one in upper case).
    cevennes = whitelist.entries["clinique-des-cevennes.mssante.fr"]
    assert sorted(cevennes.values()) == [
        "CN=mss.operateur-sud.fr,OU=34456789000012,O=OPÉRATEUR SUD SANTÉ,ST=Hérault (34),C=FR",
        "CN=smtp-2.operateur-sud.fr,OU=34456789000012,O=OPÉRATEUR SUD SANTÉ,ST=Hérault (34),C=FR",
    ]
    # The same DN written twice (case, spaces after commas) is one operator certificate.
    assert len(whitelist.entries["ehpad-les-tilleuls.mssante.fr"]) == 1


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (BILLION_LAUGHS, "DTD"),
        (EXTERNAL_ENTITY, "DTD"),
        (b"<ListeBlancheMSSante xmlns='https://listeblanche.mssante.fr/schema'>", "well-formed"),
        (
            b"<ListeBlancheMSSante xmlns='https://listeblanche.mssante.fr/schema'>"
            b"<ListeDomaines/></ListeBlancheMSSante>",
            "no domain",
        ),
        (
            b"<ListeBlancheMSSante><ListeDomaines><Domaine><Nom>a.fr</Nom>"
            b"<DNCertificatOperateur>CN=a</DNCertificatOperateur></Domaine></ListeDomaines>"
            b"</ListeBlancheMSSante>",
            "namespace",
        ),
        (
            b"<ListeBlancheMSSante xmlns='https://listeblanche.mssante.fr/schema'><ListeDomaines>"
            b"<Domaine><Nom>ok.mssante.fr</Nom><DNCertificatOperateur>CN=a,C=FR"
            b"</DNCertificatOperateur></Domaine><Domaine><Nom>pas un domaine</Nom>"
            b"<DNCertificatOperateur>CN=a,C=FR</DNCertificatOperateur></Domaine>"
            b"</ListeDomaines></ListeBlancheMSSante>",
            "Domaine #2",
        ),
        (
            b"<ListeBlancheMSSante xmlns='https://listeblanche.mssante.fr/schema'><ListeDomaines>"
            b"<Domaine><Nom>ok.mssante.fr</Nom><DNCertificatOperateur>pas un DN"
            b"</DNCertificatOperateur></Domaine></ListeDomaines></ListeBlancheMSSante>",
            "distinguished name",
        ),
    ],
    ids=[
        "billion-laughs",
        "external-entity",
        "truncated",
        "empty",
        "no-namespace",
        "bad-name",
        "bad-dn",
    ],
)
def test_hostile_or_broken_files_are_refused(data: bytes, reason: str) -> None:
    with pytest.raises(WhitelistError, match=reason):
        parse_whitelist(data)


def test_plain_http_and_other_schemes_are_not_fetched(tmp_path: Path) -> None:
    for url in ("http://espacedeconfiance.mssante.fr/liste.xml", "ftp://example.fr/l.xml"):
        with pytest.raises(WhitelistError, match="only https"):
            read_source(url, tmp_path / "bundle.pem")
    with pytest.raises(WhitelistError, match=r"trust_space\.ca_bundle"):
        read_source("https://espacedeconfiance.mssante.fr/listeblanchemssante.xml", None)
