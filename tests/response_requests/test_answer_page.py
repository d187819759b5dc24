"""The page a company answers on, without an account, through its signed link."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from resource_centre.publishing import Status
from response_requests.links import answer_url, token_for
from response_requests.models import ResponseRequest, State
from responses.models import CompanyResponse
from tests.response_requests.conftest import docx, pdf, text_file

pytestmark = pytest.mark.django_db


def path_of(response_request, language="en"):
    with translation.override(language):
        return reverse("response_requests:answer", kwargs={"token": token_for(response_request.pk)})


def test_the_link_in_the_email_opens_the_form_in_the_request_language(sent_request, client):
    sent_request.language = "fr"
    sent_request.save()
    url = answer_url(sent_request)
    assert url.startswith("https://rc.example.org/fr/respond/")
    page = client.get(url.removeprefix("https://rc.example.org"))
    assert page.status_code == 200
    assert page["Content-Language"] == "fr"
    assert "no-store" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]
    html = page.content.decode()
    assert "Meridian Telecom" in html
    assert "Did you cut mobile data in the region on 3 May?" in html
    assert 'enctype="multipart/form-data"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<meta name="robots" content="noindex">' in html


def test_a_company_answers_with_text_and_a_document(sent_request, client):
    page = client.post(
        path_of(sent_request),
        {"decision": "respond", "text": "We did not cut the data.", "document": pdf()},
    )
    assert page.status_code == 302
    sent_request.refresh_from_db()
    assert sent_request.state == State.ANSWERED
    assert sent_request.answer_file.name.endswith(".pdf")
    assert sent_request.response.status == Status.DRAFT
    assert not CompanyResponse.objects.published().exists()  # an editor publishes it

    used = client.get(page["Location"])
    assert used.status_code == 410
    assert "Answer received" in used.content.decode()
    assert "cannot be used again" in used.content.decode()


@pytest.mark.parametrize("document", [docx(), text_file()], ids=["docx", "txt"])
def test_a_document_alone_is_an_answer(sent_request, client, document):
    page = client.post(path_of(sent_request), {"decision": "respond", "document": document})
    assert page.status_code == 302
    assert ResponseRequest.objects.get().state == State.ANSWERED


def test_a_company_declines_through_its_link(sent_request, client):
    page = client.post(path_of(sent_request), {"decision": "decline", "text": ""})
    assert page.status_code == 302
    sent_request.refresh_from_db()
    assert sent_request.state == State.DECLINED
    assert sent_request.response.get_outcome_display() == "Declined to respond"


def test_a_used_link_says_so_and_takes_no_second_answer(sent_request, client):
    client.post(path_of(sent_request), {"decision": "respond", "text": "First."})
    again = client.post(path_of(sent_request), {"decision": "respond", "text": "Second."})
    assert again.status_code == 410
    assert "Answer received" in again.content.decode()
    assert ResponseRequest.objects.get().answer_text == "First."


def test_an_expired_link_says_until_when_it_worked(sent_request, client, settings):
    settings.RESPONSE_LINK_GRACE_DAYS = 2
    sent_request.deadline = timezone.localdate() - dt.timedelta(days=3)
    sent_request.save()
    for page in (
        client.get(path_of(sent_request)),
        client.post(path_of(sent_request), {"decision": "respond", "text": "Late."}),
    ):
        assert page.status_code == 410
        html = page.content.decode()
        assert "This link has expired" in html
        assert "accepted until" in html
    assert ResponseRequest.objects.get().state == State.REQUESTED


def test_a_forged_or_damaged_link_is_a_404_with_an_explanation(sent_request, client):
    token = token_for(sent_request.pk)
    for bad in (token[:-2], f"{sent_request.pk}", token_for(sent_request.pk + 1000)):
        with translation.override("en"):
            page = client.get(reverse("response_requests:answer", kwargs={"token": bad}))
        assert page.status_code == 404
        assert "This link is not valid" in page.content.decode()


def test_an_empty_answer_is_refused_with_a_400(sent_request, client):
    page = client.post(path_of(sent_request), {"decision": "respond", "text": "   "})
    assert page.status_code == 400
    assert "Write a response or attach a document." in page.content.decode()
    assert ResponseRequest.objects.get().state == State.REQUESTED


def test_an_oversized_or_wrong_type_file_is_refused_with_a_400(sent_request, client, settings):
    settings.RESPONSE_ANSWER_MAX_BYTES = 2000
    cases = [
        (pdf(size=2001), "it may be"),
        (pdf(name="answer.exe"), "Attach a PDF, a Word document"),
        (text_file(name="photo.txt", content="\x89PNG\x00\x00"), "Attach a PDF, a Word document"),
    ]
    for document, message in cases:
        page = client.post(
            path_of(sent_request), {"decision": "respond", "text": "Hi", "document": document}
        )
        assert page.status_code == 400
        assert message in page.content.decode()
    assert ResponseRequest.objects.get().state == State.REQUESTED
    assert not settings.RESPONSE_ANSWER_ROOT.exists()  # nothing refused was stored


def test_an_unknown_decision_is_a_400(sent_request, client):
    page = client.post(path_of(sent_request), {"decision": "publish", "text": "Hi"})
    assert page.status_code == 400


def test_the_form_needs_its_csrf_token(sent_request):
    strict = Client(enforce_csrf_checks=True)
    page = strict.post(path_of(sent_request), {"decision": "respond", "text": "Hi"})
    assert page.status_code == 403
    assert ResponseRequest.objects.get().state == State.REQUESTED
