"""Sending, reminding, answering, declining and expiry: each makes the right draft company
response (never a public one), does nothing the second time, and is in the history."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from reversion.models import Version

from resource_centre.publishing import Status
from response_requests import services
from response_requests.models import Channel, ResponseRequest, State
from responses.models import CompanyResponse, Outcome
from tests.response_requests.conftest import make_request, pdf

pytestmark = pytest.mark.django_db


def comments(response_request):
    versions = Version.objects.get_for_object(response_request).select_related("revision")
    return [version.revision.comment for version in reversed(list(versions))]


def test_a_request_is_mailed_once_to_its_contacts_in_its_language(company, article):
    response_request = make_request(company, article, language="fr")
    assert services.send_request(response_request.pk) is True
    assert services.send_request(response_request.pk) is False  # a retry sends nothing more

    (message,) = mail.outbox
    assert sorted(message.to) == ["press@meridian.example", "rights@meridian.example"]
    assert message.extra_headers["Content-Language"] == "fr"
    assert "Meridian Telecom" in message.subject
    text = message.body
    assert "Did you cut mobile data in the region on 3 May?" in text
    assert "https://rc.example.org/fr/respond/" in text
    html = message.alternatives[0][0]
    assert "https://rc.example.org/fr/respond/" in html
    response_request.refresh_from_db()
    assert response_request.sent_at is not None
    assert comments(response_request) == [
        "Request e-mailed to rights@meridian.example, press@meridian.example."
    ]


def test_the_question_is_escaped_in_the_html_part(company):
    response_request = make_request(company, question="<script>alert(1)</script> & more")
    services.send_request(response_request.pk)
    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_a_reminder_is_due_before_the_deadline_only_once(company, settings):
    settings.RESPONSE_REMINDER_WORKING_DAYS = 2
    today = dt.date(2026, 12, 2)  # a Wednesday
    due = make_request(company, deadline=dt.date(2026, 12, 4), sent_at=timezone.now())
    make_request(company, deadline=dt.date(2026, 12, 7), sent_at=timezone.now())  # 3 days
    make_request(company, deadline=dt.date(2026, 12, 4))  # never sent
    make_request(company, deadline=dt.date(2026, 12, 1), sent_at=timezone.now())  # passed
    assert services.due_reminders(today) == [due.pk]

    assert services.send_reminder(due.pk) is True
    assert services.send_reminder(due.pk) is False
    assert services.due_reminders(today) == []
    (message,) = mail.outbox
    assert message.subject.startswith("Reminder")
    assert "/en/respond/" in message.body
    assert comments(due) == ["Reminder e-mailed."]


def test_the_company_answering_makes_a_draft_responded_response(sent_request):
    services.record_answer(
        sent_request, declined=False, text="We did not.\n\nThe order came from the ministry."
    )
    sent_request.refresh_from_db()
    assert sent_request.state == State.ANSWERED
    assert sent_request.answered_via == Channel.LINK
    response = sent_request.response
    assert response.status == Status.DRAFT
    assert not CompanyResponse.objects.published().filter(pk=response.pk).exists()
    assert response.outcome == Outcome.RESPONDED
    assert response.company == sent_request.company
    assert response.responds_to_id == sent_request.item_id
    assert response.requested_on == timezone.localdate(sent_request.sent_at)
    assert response.responded_on == timezone.localdate()
    assert response.title == "Meridian Telecom responded"
    assert response.body == "<p>We did not.</p>\n\n<p>The order came from the ministry.</p>"
    assert list(response.topics.all()) == list(sent_request.item.topics.all())
    assert comments(sent_request) == ["The company answered (Through the answer link)."]


def test_what_a_company_writes_is_stored_as_text_never_markup(sent_request):
    answered = services.record_answer(
        sent_request, declined=False, text='<img src=x onerror="alert(1)"><b>bold</b>'
    )
    body = answered.response.body
    assert "<img" not in body and "<b>" not in body
    assert "&lt;b&gt;bold&lt;/b&gt;" in body


def test_a_decline_makes_a_draft_declined_response(sent_request):
    services.record_answer(sent_request, declined=True, text="")
    sent_request.refresh_from_db()
    assert sent_request.state == State.DECLINED
    assert sent_request.response.outcome == Outcome.DECLINED
    assert sent_request.response.status == Status.DRAFT
    assert sent_request.response.body == "<p>Meridian Telecom declined to respond.</p>"


def test_an_answered_link_cannot_be_used_again(sent_request):
    services.record_answer(sent_request, declined=False, text="First answer.")
    with pytest.raises(services.RequestClosed) as closed:
        services.record_answer(sent_request, declined=False, text="Second answer.")
    assert closed.value.reason == "used"
    assert CompanyResponse.objects.count() == 1


def test_the_deadline_passing_makes_a_draft_did_not_respond_response(sent_request):
    sent_request.deadline = timezone.localdate() - dt.timedelta(days=1)
    sent_request.save()
    assert services.expire_overdue() == [sent_request.pk]
    assert services.expire_overdue() == []  # already expired
    sent_request.refresh_from_db()
    assert sent_request.state == State.EXPIRED
    response = sent_request.response
    assert (response.outcome, response.status, response.responded_on) == (
        Outcome.NO_RESPONSE,
        Status.DRAFT,
        None,
    )
    assert response.title == "Meridian Telecom did not respond"
    assert comments(sent_request) == ["Deadline passed without an answer."]


def test_a_late_answer_turns_the_unpublished_did_not_respond_into_responded(sent_request):
    sent_request.deadline = timezone.localdate() - dt.timedelta(days=1)
    sent_request.save()
    services.expire_overdue()
    services.record_answer(sent_request, declined=False, text="Sorry for the delay.")
    sent_request.refresh_from_db()
    assert sent_request.state == State.ANSWERED
    assert CompanyResponse.objects.count() == 1  # the same response, brought up to date
    assert sent_request.response.outcome == Outcome.RESPONDED
    assert "The company answered after the deadline" in comments(sent_request)[-1]


def test_no_late_answer_once_did_not_respond_is_published(sent_request):
    sent_request.deadline = timezone.localdate() - dt.timedelta(days=1)
    sent_request.save()
    services.expire_overdue()
    sent_request.refresh_from_db()
    CompanyResponse.objects.filter(pk=sent_request.response_id).update(status=Status.PUBLISHED)
    with pytest.raises(services.RequestClosed) as closed:
        services.record_answer(sent_request, declined=False, text="Too late.")
    assert closed.value.reason == "expired"


def test_the_link_expires_after_the_deadline_and_its_grace(sent_request, settings):
    settings.RESPONSE_LINK_GRACE_DAYS = 3
    today = timezone.localdate()
    sent_request.deadline = today - dt.timedelta(days=3)
    assert sent_request.link_problem(today) == ""
    sent_request.deadline = today - dt.timedelta(days=4)
    assert sent_request.link_problem(today) == "expired"


def test_an_editor_records_a_reply_by_email_with_its_document(sent_request, django_user_model):
    editor = django_user_model.objects.create_user("editor")
    services.record_answer(
        sent_request,
        declined=False,
        text="See the attached letter.",
        document=pdf(),
        via=Channel.EMAIL,
        user=editor,
    )
    sent_request.refresh_from_db()
    assert sent_request.answered_via == Channel.EMAIL
    assert sent_request.answer_file.read().startswith(b"%PDF-")
    version = Version.objects.get_for_object(sent_request).first()
    assert version.revision.user == editor
    assert version.revision.comment == "The company answered (By e-mail, recorded by an editor)."


def test_an_editor_may_record_an_email_reply_after_the_link_expired(sent_request, settings):
    settings.RESPONSE_LINK_GRACE_DAYS = 0
    ResponseRequest.objects.filter(pk=sent_request.pk).update(
        deadline=timezone.localdate() - dt.timedelta(days=1)
    )  # not expired by the job yet
    sent_request.refresh_from_db()
    with pytest.raises(services.RequestClosed):
        services.record_answer(sent_request, declined=False, text="Late, through the link.")
    services.record_answer(sent_request, declined=False, text="Late, by e-mail.", via=Channel.EMAIL)
    assert ResponseRequest.objects.get().state == State.ANSWERED


def test_each_state_change_is_a_version_of_the_request(sent_request):
    sent_request.sent_at = None
    sent_request.save()
    services.send_request(sent_request.pk)
    sent_request = services.record_answer(sent_request, declined=True, text="No comment.")
    versions = Version.objects.get_for_object(sent_request)
    states = [version.field_dict["state"] for version in reversed(list(versions))]
    assert states == [State.REQUESTED, State.DECLINED]
    response_versions = Version.objects.get_for_object(sent_request.response)
    assert response_versions.count() == 1
