"""A database outage answers 503 "briefly unavailable" with Retry-After, and the site
answers again as soon as the database is back, with no restart."""

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from tests.factories import TopicFactory
from tests.html import parse, text
from tests.resource_centre.test_health import (
    POSTGRES_PORT,
    default_database,
    proxy_to,  # noqa: F401 (a fixture)
    skip_unless_postgresql,
)

pytestmark = pytest.mark.django_db


def assert_unavailable(response, language="en"):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    page = parse(response)
    assert page.xpath("/html/@lang") == [language]
    return text(page.xpath("//h1")[0])


def test_a_database_error_in_a_view_is_a_503_page_in_the_visitors_language(client, monkeypatch):
    topic = TopicFactory(slug="labour")

    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("resource_centre.views.ResultListMixin.build_result_list", unreachable)
    english = client.get(topic.get_absolute_url())
    assert assert_unavailable(english) == "The site is briefly unavailable"
    french = client.get(reverse("stories:topic_detail", args=["labour"]).replace("/en/", "/fr/"))
    assert assert_unavailable(french, "fr") == "Le site est brièvement indisponible"


@pytest.mark.postgres
def test_pages_answer_503_while_postgresql_is_unreachable_and_200_once_it_is_back(proxy_to):  # noqa: F811
    skip_unless_postgresql()
    proxy = proxy_to(POSTGRES_PORT)
    # A connection of its own (outside the test's transaction): pages that need no rows.
    pages = [reverse("home"), reverse("stories:topic_list"), "/en/feeds/latest.rss"]
    with default_database(HOST="127.0.0.1", PORT=proxy.port):
        visitor = Client()
        assert [visitor.get(url).status_code for url in pages] == [200, 200, 200]
        proxy.stop()
        for url in pages:
            assert_unavailable(visitor.get(url))
        proxy.start()
        assert [visitor.get(url).status_code for url in pages] == [200, 200, 200]


@pytest.mark.parametrize(("error", "status"), [(OperationalError, 503), (RuntimeError, 500)])
def test_a_database_error_in_a_middleware_is_a_503_page_and_any_other_error_the_500_page(
    settings, monkeypatch, error, status
):
    # The page cache reads the content version first on every public page: with it on (as
    # in production, not in the test settings) an outage surfaces there, outside any view.
    settings.PAGE_CACHE_SECONDS = 600
    topic = TopicFactory(slug="labour")

    def unreachable(*args, **kwargs):
        raise error("connection refused")

    monkeypatch.setattr("resource_centre.content_version.current", unreachable)
    response = Client(raise_request_exception=False).get(topic.get_absolute_url())
    assert response.status_code == status
    if status == 503:
        assert assert_unavailable(response) == "The site is briefly unavailable"
