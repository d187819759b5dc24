"""A company response is public only while its company is (README, "What is public").

A company kept unpublished (not yet ready, withdrawn, under legal review) must not be named
anywhere by its own published responses: not on the response's page, in a list, a feed, a
search result, an export, a sitemap or a count. Publishing the company (or its scheduled
time coming) brings its responses back; unpublishing it withdraws them again.
"""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from resource_centre.publishing import Status, publish, unpublish
from responses.models import CompanyResponse
from stories.models import Item
from tests.factories import CompanyFactory, CompanyResponseFactory, TopicFactory
from tests.search.test_facets import counts

pytestmark = pytest.mark.django_db

NAME = "Hushed Holdings"


@pytest.fixture
def hushed():
    cache.clear()
    topic = TopicFactory(slug="mining", title="Mining")
    company = CompanyFactory(slug="hushed", name=NAME, status=Status.DRAFT)
    response = CompanyResponseFactory(
        company=company, topics=[topic], title="Response to the allegations", slug="answer"
    )
    CompanyResponseFactory(company=CompanyFactory(name="Open Co"), topics=[topic])
    yield {"topic": topic, "company": company, "response": response}
    cache.clear()


def public_addresses(client, hushed) -> dict[str, str]:
    """What a visitor, a subscriber, a crawler and a researcher get, by address."""
    topic_page = reverse("stories:topic_detail", args=["mining"])
    addresses = {
        "topic page": topic_page,
        "full list": reverse("search:results"),
        "search": reverse("search:results") + "?q=allegations",
        "name search": reverse("search:results") + f"?q={NAME}",
        "topic feed": reverse("feeds:topic", kwargs={"slug": "mining", "fmt": "atom"}),
        "latest feed": reverse("feeds:latest", kwargs={"fmt": "rss"}),
        "export": reverse("search:export", kwargs={"fmt": "csv"}),
        "responses export": reverse("search:responses_export", kwargs={"fmt": "json"}),
        "company list": reverse("companies:company_list"),
    }
    pages = {}
    for what, address in addresses.items():
        response = client.get(address)
        assert response.status_code == 200, what
        content = b"".join(response.streaming_content) if response.streaming else response.content
        pages[what] = content.decode()
    sitemap = client.get("/sitemap.xml").content.decode()
    for location in sitemap.split("<loc>")[1:]:
        address = location.split("</loc>")[0].removeprefix("http://testserver")
        pages[f"sitemap {address}"] = client.get(address).content.decode()
    return pages


def test_a_response_by_an_unpublished_company_is_not_public_anywhere(client, hushed):
    response = hushed["response"]

    assert client.get(response.get_absolute_url()).status_code == 404
    for what, content in public_addresses(client, hushed).items():
        if what != "name search":  # which echoes the words searched for
            assert NAME not in content, what
        assert "Response to the allegations" not in content, what
        assert "/responses/answer/" not in content, what
    topic_page = client.get(reverse("stories:topic_detail", args=["mining"]))
    assert counts(topic_page, "kind") == {"response": 1}
    assert not CompanyResponse.objects.published().filter(pk=response.pk).exists()
    assert not Item.objects.published().filter(pk=response.pk).exists()


def test_publishing_the_company_brings_its_responses_back_and_unpublishing_withdraws_them(
    client, hushed
):
    response, company = hushed["response"], hushed["company"]
    topic_page = reverse("stories:topic_detail", args=["mining"])

    publish(type(company).objects.filter(pk=company.pk))
    cache.clear()
    assert client.get(response.get_absolute_url()).status_code == 200
    page = client.get(topic_page)
    assert "Response to the allegations" in page.content.decode()
    assert counts(page, "kind") == {"response": 2}
    assert NAME in client.get(reverse("search:results") + f"?q={NAME}").content.decode()

    unpublish(type(company).objects.filter(pk=company.pk))
    cache.clear()
    assert client.get(response.get_absolute_url()).status_code == 404
    assert counts(client.get(topic_page), "kind") == {"response": 1}


def test_a_response_waits_for_its_companys_scheduled_time(client, hushed, monkeypatch):
    response, company = hushed["response"], hushed["company"]
    soon = timezone.now() + dt.timedelta(hours=1)
    company.status, company.published_at = Status.PUBLISHED, soon
    company.save()

    assert client.get(response.get_absolute_url()).status_code == 404
    assert NAME not in client.get(reverse("feeds:latest", kwargs={"fmt": "rss"})).content.decode()

    later = soon + dt.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    cache.clear()
    assert client.get(response.get_absolute_url()).status_code == 200
    feed = client.get(reverse("feeds:latest", kwargs={"fmt": "rss"})).content.decode()
    assert "Response to the allegations" in feed
    topic_page = client.get(reverse("stories:topic_detail", args=["mining"]))
    assert counts(topic_page, "kind") == {"response": 2}


def test_staff_preview_of_such_a_response_says_it_is_not_public(admin_client, hushed):
    page = admin_client.get(hushed["response"].get_absolute_url())

    assert page.status_code == 200
    assert page["X-Robots-Tag"] == "noindex"
