import datetime as dt

import pytest
from django.utils import timezone

from resource_centre.publishing import Status
from responses.models import Outcome
from tests.factories import ArticleFactory, CompanyFactory, CompanyResponseFactory, StoryFactory
from tests.html import parse, text

pytestmark = pytest.mark.django_db


def test_response_page_shows_company_what_it_answered_and_the_response(client):
    story = StoryFactory(title="UBS and Hikvision")
    response = CompanyResponseFactory(
        company=CompanyFactory(name="UBS"),
        responds_to=story,
        title="UBS responded",
        body="<p>Investors can invest in a wide range of companies.</p>",
        requested_on=dt.date(2020, 7, 1),
        responded_on=dt.date(2020, 7, 10),
        document_url="https://example.org/ubs-response.pdf",
    )

    page = parse(client.get(response.get_absolute_url()))

    assert text(page.xpath("//h1")[0]) == "UBS responded"
    facts = text(page.xpath("//dl[@class='facts']")[0])
    assert "Company UBS" in facts
    assert "In response to UBS and Hikvision" in facts
    assert "Asked on 1 July 2020" in facts
    assert "Responded on 10 July 2020" in facts
    assert page.xpath("//dl//a[text()='UBS and Hikvision']/@href") == [story.get_absolute_url()]
    main = text(page.xpath("//main")[0])
    assert "UBS responded." in main
    assert "Investors can invest in a wide range of companies." in main
    (document,) = page.xpath("//a[@href='https://example.org/ubs-response.pdf']")
    assert document.get("rel") == "noopener"


@pytest.mark.parametrize(
    ("outcome", "sentence"),
    [
        (Outcome.DECLINED, "Acme declined to respond."),
        (Outcome.NO_RESPONSE, "Acme did not respond."),
    ],
)
def test_response_page_says_when_the_company_declined_or_did_not_respond(client, outcome, sentence):
    response = CompanyResponseFactory(
        company=CompanyFactory(name="Acme"), outcome=outcome, responded_on=None, body=""
    )

    page = parse(client.get(response.get_absolute_url()))

    assert text(page.xpath("//p[@class='outcome']")[0]) == sentence
    assert "Responded on" not in text(page.xpath("//main")[0])


def test_response_to_an_unpublished_item_does_not_link_to_it(client):
    draft = ArticleFactory(title="Secret draft", status=Status.DRAFT)
    response = CompanyResponseFactory(responds_to=draft)

    page = client.get(response.get_absolute_url())

    assert b"Secret draft" not in page.content


def test_draft_and_scheduled_responses_are_not_found(client, admin_client):
    draft = CompanyResponseFactory(status=Status.DRAFT)
    scheduled = CompanyResponseFactory(published_at=timezone.now() + dt.timedelta(days=1))

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    assert admin_client.get(scheduled.get_absolute_url()).status_code == 200
