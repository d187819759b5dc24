"""The editors' side: "Ask the company to respond" from a story or an article, the request
sent by its job, "Record a reply received by e-mail", the attached document, the dashboard."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from companies.models import CompanyContact
from resource_centre.publishing import Status
from response_requests import services
from response_requests.admin import dashboard
from response_requests.models import Channel, ResponseRequest, State
from tests import factories as f
from tests.response_requests.conftest import make_request, make_request_editor, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, db):
    client.force_login(make_request_editor())
    return client


def add_url(**query):
    url = reverse("admin:response_requests_responserequest_add")
    return url + "?" + "&".join(f"{key}={value}" for key, value in query.items())


@pytest.mark.parametrize("factory", [f.ArticleFactory, f.StoryFactory], ids=["article", "story"])
def test_story_and_article_pages_offer_ask_the_company_to_respond(editor_client, factory):
    item = factory()
    opts = item._meta
    page = editor_client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk])
    )
    html = page.content.decode()
    assert "Ask the company to respond" in html
    assert f"{reverse('admin:response_requests_responserequest_add')}?item={item.pk}" in html


def test_the_button_is_not_offered_without_the_right_to_ask(client, db):
    from tests.resource_centre.admin.conftest import make_editor

    user = make_editor("reader")
    user.groups.clear()
    user.user_permissions.add(
        *__import__(
            "django.contrib.auth.models", fromlist=["Permission"]
        ).Permission.objects.filter(codename__in=["change_article", "view_article"])
    )
    client.force_login(user)
    item = f.ArticleFactory()
    page = client.get(reverse("admin:stories_article_change", args=[item.pk]))
    assert page.status_code == 200
    assert "Ask the company to respond" not in page.content.decode()


def test_asking_from_an_item_fills_in_its_company_contacts_and_their_language(
    editor_client, article, company
):
    page = editor_client.get(add_url(item=article.pk))
    form = page.context["adminform"].form
    assert form.initial["company"] == company.pk
    assert sorted(form.initial["contacts"]) == sorted(company.contacts.values_list("pk", flat=True))
    assert form.initial["language"] == "fr"
    deadline = form.fields["deadline"].initial
    assert (deadline() if callable(deadline) else deadline) > timezone.localdate()


def test_saving_the_request_sends_it_through_its_job(
    editor_client, article, company, django_capture_on_commit_callbacks
):
    contacts = list(company.contacts.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        page = editor_client.post(
            add_url(item=article.pk),
            {
                "item": article.pk,
                "company": company.pk,
                "contacts": contacts,
                "question": "Why was the data cut?",
                "language": "fr",
                "deadline": "2030-01-15",
            },
        )
    assert page.status_code == 302, page.context["adminform"].form.errors
    response_request = ResponseRequest.objects.get()
    assert response_request.created_by.username == "editor"
    assert response_request.sent_at is not None
    (message,) = mail.outbox
    assert "Why was the data cut?" in message.body
    assert "/fr/respond/" in message.body


def test_contacts_of_another_company_are_refused(editor_client, article, company):
    other = f.CompanyFactory()
    stranger = CompanyContact.objects.create(company=other, name="X", email="x@other.example")
    page = editor_client.post(
        add_url(),
        {
            "item": article.pk,
            "company": company.pk,
            "contacts": [stranger.pk],
            "question": "Q?",
            "language": "en",
            "deadline": "2030-01-15",
        },
    )
    assert page.status_code == 200
    assert "Choose contacts of this company only." in page.content.decode()
    assert not ResponseRequest.objects.exists()


def test_a_company_without_contacts_cannot_be_asked(editor_client, article):
    page = editor_client.post(
        add_url(),
        {
            "item": article.pk,
            "company": f.CompanyFactory().pk,
            "question": "Q?",
            "language": "en",
            "deadline": "2030-01-15",
        },
    )
    assert page.status_code == 200
    assert not ResponseRequest.objects.exists()


def test_an_editor_records_a_reply_received_by_email(editor_client, sent_request):
    url = reverse("admin:response_requests_responserequest_record_reply", args=[sent_request.pk])
    change = editor_client.get(
        reverse("admin:response_requests_responserequest_change", args=[sent_request.pk])
    )
    assert url in change.content.decode()
    assert editor_client.get(url).status_code == 200
    page = editor_client.post(
        url, {"decision": "respond", "text": "Our reply, by e-mail.", "document": pdf()}
    )
    assert page.status_code == 302
    sent_request.refresh_from_db()
    assert (sent_request.state, sent_request.answered_via) == (State.ANSWERED, Channel.EMAIL)
    assert sent_request.response.status == Status.DRAFT

    again = editor_client.post(url, {"decision": "respond", "text": "Again."})
    assert again.status_code == 409
    assert "answered already" in again.content.decode()


def test_recording_a_reply_refuses_a_bad_file_with_a_400(editor_client, sent_request):
    url = reverse("admin:response_requests_responserequest_record_reply", args=[sent_request.pk])
    page = editor_client.post(url, {"decision": "respond", "document": pdf(name="reply.zip")})
    assert page.status_code == 400
    assert ResponseRequest.objects.get().state == State.REQUESTED


def test_the_attached_document_is_for_editors_only(editor_client, client, sent_request):
    services.record_answer(sent_request, declined=False, text="", document=pdf())
    url = reverse("admin:response_requests_responserequest_document", args=[sent_request.pk])
    download = editor_client.get(url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    editor_client.logout()
    assert editor_client.get(url).status_code == 302  # to the login page


def test_answers_are_stored_outside_the_public_media(settings, sent_request):
    answered = services.record_answer(sent_request, declined=False, text="", document=pdf())
    path = answered.answer_file.path
    assert path.startswith(str(settings.RESPONSE_ANSWER_ROOT))
    assert not path.startswith(str(settings.MEDIA_ROOT))


def test_the_dashboard_lists_open_overdue_and_answered_this_week(editor_client, company):
    today = timezone.localdate()
    soon = make_request(company, question="Soon?", deadline=today + dt.timedelta(days=1))
    later = make_request(company, question="Later?", deadline=today + dt.timedelta(days=9))
    overdue = make_request(company, question="Overdue?", deadline=today - dt.timedelta(days=1))
    answered = make_request(company, question="Answered?")
    services.record_answer(answered, declined=False, text="Yes.")

    data = dashboard(today)
    assert data["open_requests"] == [soon, later]
    assert data["overdue_requests"] == [overdue]
    assert data["answered_this_week"] == [answered]

    page = editor_client.get(reverse("admin:response_requests_dashboard"))
    assert page.status_code == 200
    html = page.content.decode()
    for heading in ("Open, by deadline (2)", "Overdue (1)", "Answered this week (1)"):
        assert heading in html


def test_response_rates_by_sector_country_and_year(company):
    french = f.CompanyFactory(headquarters_country="FR")
    CompanyContact.objects.create(company=french, name="A", email="a@fr.example")
    for target, declined in ((company, False), (company, True), (french, False)):
        request = make_request(target, sent_at=timezone.now())
        services.record_answer(request, declined=declined, text="Text.")
    expired = make_request(
        french, sent_at=timezone.now(), deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    services.expire_overdue()
    assert expired.pk

    tables = {caption: rows for caption, rows in dashboard()["rate_tables"]}
    by_sector = {str(row["label"]): row["rate"] for row in tables["By sector"]}
    assert by_sector == {"Telecommunications": 50, "No sector": 50}
    by_country = {
        str(row["label"]): (row["requests"], row["rate"])
        for row in tables["By headquarters country"]
    }
    assert by_country == {"United Kingdom": (2, 50), "France": (2, 50)}
    (year,) = tables["By year sent"]
    assert (year["label"], year["requests"], year["responded"], year["rate"]) == (
        timezone.now().year,
        4,
        2,
        50,
    )


def test_the_dashboard_reads_a_constant_number_of_queries(editor_client, company):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert (
                editor_client.get(reverse("admin:response_requests_dashboard")).status_code == 200
            )
        return len(captured)

    def add(n):
        for index in range(n):
            sector = f.SectorFactory()
            other = f.CompanyFactory(headquarters_country=["FR", "DE", "BR", "IN", "JP"][index % 5])
            other.sectors.set([sector])
            CompanyContact.objects.create(company=other, name="A", email=f"a{index}@x.example")
            make_request(other, item=f.ArticleFactory())
            services.record_answer(
                make_request(other, sent_at=timezone.now()), declined=False, text="t"
            )
            make_request(other, deadline=timezone.localdate() - dt.timedelta(days=2))

    add(1)
    few = queries()
    add(5)
    assert queries() == few


def test_the_dashboard_needs_the_right_to_view_requests(client, db):
    from tests.resource_centre.admin.conftest import make_editor

    user = make_editor("outsider")
    user.groups.clear()
    client.force_login(user)
    assert client.get(reverse("admin:response_requests_dashboard")).status_code == 403


def test_the_company_page_edits_its_contacts(editor_client, company):
    page = editor_client.get(reverse("admin:companies_company_change", args=[company.pk]))
    html = page.content.decode()
    assert "press@meridian.example" in html
    assert re.search(r'name="contacts-0-email"', html)


def test_the_history_page_lists_every_state_change(editor_client, company):
    response_request = make_request(company)
    services.send_request(response_request.pk)
    services.record_answer(response_request, declined=True, text="")
    page = editor_client.get(
        reverse("admin:response_requests_responserequest_history", args=[response_request.pk])
    )
    html = page.content.decode()
    assert "Request e-mailed to" in html
    assert "The company declined to respond (Through the answer link)." in html
