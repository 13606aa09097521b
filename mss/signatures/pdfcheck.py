"""Refusing PDFs that must not be signed, before anything is stored or shown.

A document to sign is read by the signer in the browser and signed by the server: it must be
plain content. Refused: anything that does not parse, encrypted files (nobody could verify what
was signed), active content (JavaScript, launch and submit actions, embedded files, which a
reader could run or open), documents that already carry signatures (a new certification must be
the first signature, ISO 32000-1 §12.8.2.2), and sizes or page counts beyond what a person reads.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

MAX_BYTES = 20 * 1024 * 1024
MAX_PAGES = 500
MAX_OBJECTS = 200_000
"""A walk of the object graph stops here: a file that large is refused, not read to the end."""

_ACTIVE_KEYS = {"/JS", "/JavaScript", "/AA", "/EmbeddedFiles", "/RichMedia", "/XFA"}
_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/Rendition"}


class RefusedPdf(ValueError):
    """The PDF cannot be signed; the message says why, in French for the sender's screen."""


@dataclass(frozen=True, slots=True)
class CheckedPdf:
    pages: int
    last_page_size: tuple[float, float]


def check_pdf(data: bytes) -> CheckedPdf:
    if len(data) > MAX_BYTES:
        raise RefusedPdf(f"le document dépasse {MAX_BYTES // (1024 * 1024)} Mo")
    if not data.startswith(b"%PDF-"):
        raise RefusedPdf("ce fichier n'est pas un PDF")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            raise RefusedPdf("le document est chiffré ou protégé par un mot de passe")
        pages = int(reader.root["/Pages"]["/Count"])
        if pages < 1 or pages > MAX_PAGES:
            raise RefusedPdf(f"le document a {pages} pages (de 1 à {MAX_PAGES} acceptées)")
        if reader.embedded_signatures:
            raise RefusedPdf("le document porte déjà une signature")
        _refuse_active_content(reader.root)
        last = reader.find_page_for_modification(pages - 1)[0].get_object()
        media_box = _inherited(last, "/MediaBox")
        if not isinstance(media_box, generic.ArrayObject) or len(media_box) != 4:
            raise RefusedPdf("la dernière page n'a pas de dimensions lisibles")
        box = [float(x) for x in media_box]
    except RefusedPdf:
        raise
    except (PdfError, KeyError, ValueError, TypeError, IndexError, RecursionError) as error:
        raise RefusedPdf(f"le PDF est illisible ({type(error).__name__})") from error
    return CheckedPdf(pages, (box[2] - box[0], box[3] - box[1]))


def _inherited(page: generic.DictionaryObject, key: str) -> generic.PdfObject:
    node: generic.DictionaryObject | None = page
    while node is not None:
        if key in node:
            return node[key]
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    raise KeyError(key)


def _refuse_active_content(root: generic.DictionaryObject) -> None:
    """Walk every object reachable from the catalogue (iteratively, with a budget)."""
    seen: set[tuple[int, int]] = set()
    stack: list[generic.PdfObject] = [root]
    visited = 0
    while stack:
        item = stack.pop()
        if isinstance(item, generic.IndirectObject):
            ident = (item.idnum, item.generation)
            if ident in seen:
                continue
            seen.add(ident)
            item = item.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            raise RefusedPdf("le document contient trop d'objets")
        if isinstance(item, generic.DictionaryObject):
            action = item.raw_get("/S") if "/S" in item else None
            if isinstance(action, generic.NameObject) and action in _ACTIVE_ACTIONS:
                raise RefusedPdf(f"le document contient une action {action[1:]}")
            for key in item:
                if key in _ACTIVE_KEYS:
                    raise RefusedPdf(f"le document contient du contenu actif ({key[1:]})")
            # Raw values: references are followed (once) by this loop, not by the dictionary.
            stack.extend(item.raw_get(key) for key in item)
        elif isinstance(item, generic.ArrayObject):
            stack.extend(item)


def pdf_file_name(name: str) -> str:
    """A plain file name ending in .pdf: no path, no control characters."""
    base = "".join(c for c in name.replace("\\", "/").rpartition("/")[2] if c.isprintable())
    base = base.strip().strip(".")[:120] or "document"
    return base if base.lower().endswith(".pdf") else base + ".pdf"
