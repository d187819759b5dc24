"""Bad filter values get the form back with a clear message and a 400, never a 500."""

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, TopicFactory
from tests.html import parse, text

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:results")


def errors_of(response) -> str:
    alert = parse(response).xpath("//*[@role='alert']")
    assert alert, "the page shows no error message"
    return text(alert[0])


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("company=no-such-company", "Company"),
        ("topic=no-such-topic", "Topic"),
        ("tag=no-such-tag", "Tag"),
        ("sector=no-such-sector", "Sector"),
        ("kind=podcast", "Kind"),
        ("country=XX", "Country"),
        ("region=atlantis", "Region"),
        ("language=tlh", "Original language"),
        ("date_from=2024-13-45", "From"),
        ("date_to=yesterday", "To"),
        ("date_from=2024-05-01&date_to=2024-04-01", "end date must not be before"),
        ("q=" + "x" * 201, "Search"),
        ("q=one&q=two", "only once"),
        ("date_from=2024-01-01&date_from=2024-02-01", "only once"),
        ("kind=article&" * 201, "Too many filters"),
        ("q=%00", "not allowed"),
        ("company=%00", "not allowed"),
    ],
)
def test_invalid_filters_answer_400_with_the_form_and_a_message(client, query, message):
    ArticleFactory(title="Should not be listed")

    response = client.get(f"{SEARCH}?{query}")

    assert response.status_code == 400
    assert message in errors_of(response)
    page = parse(response)
    assert page.xpath("//form[@method='get']//button[@type='submit']")
    assert "Should not be listed" not in response.content.decode()


def test_the_bad_value_stays_visible_so_it_can_be_removed(client):
    TopicFactory(slug="real-topic")

    response = client.get(f"{SEARCH}?topic=real-topic&topic=made-up")

    assert response.status_code == 400
    boxes = parse(response).xpath("//input[@type='checkbox'][@name='topic'][@checked]/@value")
    assert boxes == ["real-topic", "made-up"]


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99", "1" * 40, "1.5"])
def test_a_page_that_is_not_a_number_or_past_the_end_is_not_found(client, page):
    ArticleFactory()

    assert client.get(f"{SEARCH}?page={page}").status_code == 404


def test_exports_refuse_invalid_filters_with_400_and_the_form(client):
    for name in ("search:export", "search:responses_export"):
        url = reverse(name, kwargs={"fmt": "csv"}) + "?company=no-such-company"
        response = client.get(url)
        assert response.status_code == 400
        assert "Company" in errors_of(response)


def test_unknown_parameters_are_ignored(client):
    ArticleFactory(title="Listed")

    response = client.get(f"{SEARCH}?utm_source=newsletter")

    assert response.status_code == 200
    assert "Listed" in response.content.decode()


@pytest.mark.parametrize("query", ['"', '""', "-", "OR", "'", "!!", ":*", "<->", "\\", "%_"])
@pytest.mark.parametrize("language", ["en", "ja", "ar"])
def test_a_search_of_only_punctuation_or_operators_is_answered(client, query, language):
    ArticleFactory(title="Listed", title_ja="企業の人権")

    response = client.get(f"/{language}/search/", {"q": query})
    download = client.get(f"/{language}/search/export.csv", {"q": query})

    assert response.status_code == 200
    assert download.status_code == 200
    b"".join(download.streaming_content)
