"""Hostile IHE_XDM.ZIP packages are refused whole; a good one reads back with its metadata."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import pytest

from mss.xdm.package import METADATA_PATH, XdmDocument, XdmSubmission, build_package
from mss.xdm.unpack import XdmLimits, XdmRejected, read_package

WHEN = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
PDF = b"%PDF-1.4\n%canary\n%%EOF\n"


def _good() -> bytes:
    doc = XdmDocument(
        PDF,
        "application/pdf",
        "Radio du thorax",
        "18748-4",
        "Compte rendu d'imagerie",
        WHEN,
        author="Dr Lise Roy",
    )
    return build_package(XdmSubmission("279035121518989", "Dr Lise Roy", "CIM Est", [doc]))


def _rewrite(package: bytes, replace: dict[str, bytes], extra: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, replace.get(name, source.read(name)))
        for name, data in extra.items():
            target.writestr(name, data)
    return out.getvalue()


def test_good_package_reads_back() -> None:
    [doc] = read_package(_good())
    assert doc.content == PDF and doc.mime_type == "application/pdf"
    assert (doc.title, doc.type_code, doc.type_label) == (
        "Radio du thorax",
        "18748-4",
        "Compte rendu d'imagerie",
    )
    assert doc.author == "Dr Lise Roy" and doc.ins == "279035121518989" and doc.created == WHEN


def test_traversal_name_refused() -> None:
    with pytest.raises(XdmRejected, match="nom de fichier"):
        read_package(_rewrite(_good(), {}, {"../../etc/evil": b"x"}))


def test_traversal_uri_in_metadata_refused() -> None:
    metadata = zipfile.ZipFile(io.BytesIO(_good())).read(METADATA_PATH)
    hostile = metadata.replace(b"DOC0001.PDF", b"../README.TXT")
    with pytest.raises(XdmRejected):
        read_package(_rewrite(_good(), {METADATA_PATH: hostile}, {}))


def test_zip_bomb_refused() -> None:
    bomb = b"\0" * (20 * 1024 * 1024)
    metadata = zipfile.ZipFile(io.BytesIO(_good())).read(METADATA_PATH)
    package = _rewrite(_good(), {"IHE_XDM/SUBSET01/DOC0001.PDF": bomb, METADATA_PATH: metadata}, {})
    with pytest.raises(XdmRejected, match="volumineux"):
        read_package(package)


def test_too_many_entries_refused() -> None:
    extra = {f"IHE_XDM/SUBSET01/X{i:05d}.TXT": b"" for i in range(10_000)}
    with pytest.raises(XdmRejected, match="trop de fichiers"):
        read_package(_rewrite(_good(), {}, extra))


def test_oversized_document_refused() -> None:
    with pytest.raises(XdmRejected, match="volumineux"):
        read_package(_good(), XdmLimits(max_document=len(PDF) - 1))


@pytest.mark.parametrize(
    "prolog",
    [
        b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    ],
    ids=["xxe", "billion-laughs"],
)
def test_dtd_in_metadata_refused(prolog: bytes) -> None:
    metadata = zipfile.ZipFile(io.BytesIO(_good())).read(METADATA_PATH)
    declaration, _, rest = metadata.partition(b"?>")
    hostile = declaration + b"?>" + prolog + rest
    with pytest.raises(XdmRejected, match="METADATA"):
        read_package(_rewrite(_good(), {METADATA_PATH: hostile}, {}))


def test_hash_mismatch_refused() -> None:
    same_size = PDF.replace(b"canary", b"canarX")
    package = _rewrite(_good(), {"IHE_XDM/SUBSET01/DOC0001.PDF": same_size}, {})
    with pytest.raises(XdmRejected, match="empreinte"):
        read_package(package)
