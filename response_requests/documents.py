"""What a company may attach to its answer: PDF, Word (.doc, .docx) or plain text, no
larger than RESPONSE_ANSWER_MAX_BYTES, recognised by its content, with an extension that
agrees with it."""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

PDF, DOC, DOCX, TEXT = "pdf", "doc", "docx", "txt"

#: The extensions each kind of document may carry.
EXTENSIONS = {PDF: (".pdf",), DOC: (".doc",), DOCX: (".docx",), TEXT: (".txt",)}

OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
#: The name of the stream every Word 97–2003 file holds, as OLE stores names (UTF-16LE).
WORD_STREAM = "WordDocument".encode("utf-16-le")
#: Control characters plain text may hold: tab, line feed, form feed, carriage return.
TEXT_CONTROLS = {9, 10, 12, 13}

NOT_ACCEPTED = _("Attach a PDF, a Word document (.doc or .docx) or a plain text file (.txt).")


def kind_of(upload) -> str | None:
    """ "pdf", "doc", "docx" or "txt" by what the file holds, or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return PDF
        if head == OLE_MAGIC:
            return DOC if WORD_STREAM in upload.read() else None
        if head.startswith(b"PK\x03\x04"):
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
            return DOCX if {"[Content_Types].xml", "word/document.xml"} <= names else None
        return TEXT if _is_text(upload.read()) else None
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)


def _is_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return bool(text.strip()) and not any(
        ord(char) < 32 and ord(char) not in TEXT_CONTROLS for char in text
    )


def check_document(upload) -> str:
    """The kind of an attached document, or a ValidationError saying why it is refused."""
    limit = settings.RESPONSE_ANSWER_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; it may be %(limit)s at most."),
            code="too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    kind = kind_of(upload)
    name = (upload.name or "").lower()
    if kind is None or not name.endswith(EXTENSIONS[kind]):
        raise ValidationError(NOT_ACCEPTED, code="type")
    return kind
