"""The rules a request follows: deadlines in working days, the signed link, and what a
company may attach."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signing import Signer

from response_requests import links
from response_requests.documents import check_document
from response_requests.models import ResponseRequest, default_deadline
from response_requests.working_days import add_working_days, week_start
from tests.response_requests.conftest import WEDNESDAY, doc, docx, pdf, text_file


def test_working_days_skip_the_weekend():
    assert add_working_days(WEDNESDAY, 2) == dt.date(2026, 12, 4)  # Friday
    assert add_working_days(WEDNESDAY, 3) == dt.date(2026, 12, 7)  # Monday
    assert add_working_days(dt.date(2026, 12, 5), 1) == dt.date(2026, 12, 7)  # Sat → Mon
    assert add_working_days(dt.date(2026, 12, 7), -1) == dt.date(2026, 12, 4)
    assert week_start(WEDNESDAY) == dt.date(2026, 11, 30)


def test_default_deadline_is_the_setting_in_working_days(settings, monkeypatch):
    settings.RESPONSE_DEADLINE_WORKING_DAYS = 5
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: WEDNESDAY)
    assert default_deadline() == dt.date(2026, 12, 9)  # next Wednesday
    settings.RESPONSE_DEADLINE_WORKING_DAYS = 10
    assert default_deadline() == dt.date(2026, 12, 16)
    assert ResponseRequest._meta.get_field("deadline").default is default_deadline


def test_a_link_carries_its_request_and_refuses_forgeries():
    token = links.token_for(42)
    assert links.request_id_from(token) == 42
    assert links.request_id_from(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert links.request_id_from("42") is None
    # Signed with another salt (another feature's token) is not an answer link.
    assert links.request_id_from(Signer(salt="elsewhere").sign_object(42)) is None


@pytest.mark.parametrize(
    "upload, kind",
    [(pdf(), "pdf"), (docx(), "docx"), (doc(), "doc"), (text_file(), "txt")],
    ids=["pdf", "docx", "doc", "txt"],
)
def test_pdf_word_and_plain_text_are_accepted(upload, kind):
    assert check_document(upload) == kind


def _zip(names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, content",
    [
        ("answer.pdf", b"MZ\x90\x00\x03 a Windows program renamed"),
        ("answer.docx", _zip(["xl/workbook.xml", "[Content_Types].xml"])),  # a spreadsheet
        ("answer.doc", bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 600),  # OLE, not Word
        ("answer.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
        ("answer.txt", b"\xff\xfe\x00binary\x00"),
        ("answer.html", b"<p>hello</p>"),  # text, but not a .txt
        ("answer.exe", b"%PDF-1.4 a PDF named .exe"),
        ("answer.txt", b"   \n"),
    ],
)
def test_other_types_and_disguised_files_are_refused(name, content):
    with pytest.raises(ValidationError) as refused:
        check_document(SimpleUploadedFile(name, content))
    assert refused.value.code == "type"


def test_an_oversized_file_is_refused_with_the_limit(settings):
    settings.RESPONSE_ANSWER_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as refused:
        check_document(pdf(size=1001))
    assert refused.value.code == "too_large"
    assert "it may be 1000\xa0bytes at most" in refused.value.messages[0]
    assert check_document(pdf(size=1000)) == "pdf"
