import datetime as dt
import io
import zipfile
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from companies.models import CompanyContact
from response_requests.models import ResponseRequest
from tests import factories as f
from tests.resource_centre.admin.conftest import make_editor

#: A Wednesday: deadlines in working days are easy to read from it.
WEDNESDAY = dt.date(2026, 12, 2)


@pytest.fixture(autouse=True)
def _private_answers(settings, tmp_path):
    settings.RESPONSE_ANSWER_ROOT = tmp_path / "answers"
    settings.SITE_URL = "https://rc.example.org"
    HUEY.flush()
    yield
    HUEY.flush()


def grant_request_permissions():
    """The Editors group's rights to requests and contacts (the app's data migration, run
    again after a transactional test flushed them)."""
    migration = __import__(
        "response_requests.migrations.0002_editors_permissions", fromlist=["grant"]
    )
    migration.grant(apps, SimpleNamespace(connection=connection))


def make_request_editor(username="editor", password="a-long-editor-password"):
    user = make_editor(username, password)
    grant_request_permissions()
    return user


@pytest.fixture
def company(db):
    company = f.CompanyFactory(name="Meridian Telecom", slug="meridian-telecom")
    company.sectors.set([f.SectorFactory(name="Telecommunications", slug="telecoms")])
    CompanyContact.objects.create(
        company=company, name="Press office", email="press@meridian.example", language="fr"
    )
    CompanyContact.objects.create(
        company=company, name="Head of rights", email="rights@meridian.example", language="fr"
    )
    return company


@pytest.fixture
def article(company):
    article = f.ArticleFactory(title="Operator cut mobile data during protests")
    article.companies.set([company])
    article.topics.set([f.TopicFactory()])
    return article


def make_request(company, item=None, **fields):
    fields.setdefault("question", "Did you cut mobile data in the region on 3 May?")
    fields.setdefault("language", "en")
    fields.setdefault("deadline", timezone.localdate() + dt.timedelta(days=7))
    response_request = ResponseRequest.objects.create(company=company, item=item, **fields)
    response_request.contacts.set(company.contacts.all())
    return response_request


@pytest.fixture
def sent_request(company, article):
    response_request = make_request(company, article)
    response_request.sent_at = timezone.now() - dt.timedelta(days=1)
    response_request.save()
    return response_request


def pdf(name="answer.pdf", size=None):
    content = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
    if size:
        content += b"0" * (size - len(content))
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx(name="answer.docx"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def doc(name="answer.doc"):
    content = bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504 + "WordDocument".encode("utf-16-le")
    return SimpleUploadedFile(name, content)


def text_file(name="answer.txt", content="Our answer, in plain text.\n"):
    return SimpleUploadedFile(name, content.encode(), content_type="text/plain")
