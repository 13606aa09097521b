"""PDFs for the signature tests, written with pyHanko's writer: a plain document of N pages,
and the hostile variants a sender might try."""

from __future__ import annotations

import io

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.writer import PdfFileWriter


def _page(writer: PdfFileWriter, line: str) -> generic.DictionaryObject:
    font = writer.add_object(
        generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Font"),
                generic.NameObject("/Subtype"): generic.NameObject("/Type1"),
                generic.NameObject("/BaseFont"): generic.NameObject("/Helvetica"),
            }
        )
    )
    text = line.encode("latin-1").replace(b"(", b"\\(").replace(b")", b"\\)")
    stream = writer.add_object(
        generic.StreamObject(stream_data=b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET")
    )
    return generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Page"),
            generic.NameObject("/MediaBox"): generic.ArrayObject(
                [generic.NumberObject(v) for v in (0, 0, 595, 842)]
            ),
            generic.NameObject("/Resources"): generic.DictionaryObject(
                {
                    generic.NameObject("/Font"): generic.DictionaryObject(
                        {generic.NameObject("/F1"): font}
                    )
                }
            ),
            generic.NameObject("/Contents"): stream,
        }
    )


def plain_pdf(pages: int = 2, text: str = "Consentement eclaire") -> bytes:
    writer = PdfFileWriter()
    for number in range(pages):
        writer.insert_page(_page(writer, f"{text} - page {number + 1}"))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def with_catalog_entry(key: str, value: generic.PdfObject) -> bytes:
    writer = PdfFileWriter()
    writer.insert_page(_page(writer, "Formulaire"))
    writer.root[generic.NameObject(key)] = value
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def javascript_pdf() -> bytes:
    action = generic.DictionaryObject(
        {
            generic.NameObject("/S"): generic.NameObject("/JavaScript"),
            generic.NameObject("/JS"): generic.TextStringObject("app.alert('x')"),
        }
    )
    return with_catalog_entry("/OpenAction", action)


def launch_pdf() -> bytes:
    action = generic.DictionaryObject(
        {
            generic.NameObject("/S"): generic.NameObject("/Launch"),
            generic.NameObject("/F"): generic.TextStringObject("calc.exe"),
        }
    )
    return with_catalog_entry("/OpenAction", action)


def encrypted_pdf() -> bytes:
    writer = PdfFileWriter()
    writer.insert_page(_page(writer, "Secret"))
    writer.encrypt("mot de passe")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
