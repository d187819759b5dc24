"""The site-wide search page: a GET form that works without JavaScript, whose address
carries the filters into its feed and download links."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, CompanyFactory, CompanyResponseFactory, StoryFactory
from tests.html import parse, text

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:results")


def test_search_page_is_a_labelled_get_form_with_apply_and_clear(client):
    ArticleFactory(countries=["FR"])

    page = parse(client.get(f"{SEARCH}?q=item"))

    [form] = page.xpath("//main//form[contains(@class, 'filters')]")
    assert form.get("method") == "get"
    assert form.get("action") == SEARCH
    for control in form.xpath(".//input[not(@type='hidden')]"):
        assert form.xpath(f".//label[@for='{control.get('id')}']"), control.get("name")
    assert form.xpath(".//fieldset/legend")
    assert form.xpath(".//button[@type='submit']")
    [clear] = form.xpath(".//a[normalize-space()='Clear filters']")
    assert clear.get("href") == SEARCH
    assert page.xpath("//h1")[0].text_content() == "Search results for “item”"


def test_search_page_is_not_indexed_by_search_engines(client):
    page = parse(client.get(SEARCH))

    assert page.xpath("//meta[@name='robots']/@content") == ["noindex, follow"]


def test_feed_and_download_links_carry_the_filters_but_not_the_page(client):
    for _ in range(25):
        StoryFactory(title="Cobalt story")

    response = client.get(f"{SEARCH}?q=cobalt&kind=story&page=2")
    page = parse(response)

    assert response.status_code == 200
    [feed] = page.xpath("//main//a[@class='feed-link']/@href")
    [alternate] = page.xpath("//head/link[@type='application/rss+xml']/@href")
    exports = page.xpath("//main//a[contains(@class, 'export-link')]/@href")
    assert feed == alternate
    assert urlsplit(feed).path == reverse("feeds:search", kwargs={"fmt": "rss"})
    for href in [feed, *exports]:
        assert parse_qs(urlsplit(href).query) == {"q": ["cobalt"], "kind": ["story"]}
    assert [urlsplit(href).path for href in exports] == [
        "/en/search/export.csv",
        "/en/search/export.json",
    ]


def test_response_dataset_links_appear_when_the_list_holds_responses(client):
    ArticleFactory()
    page = parse(client.get(SEARCH))
    assert not page.xpath("//a[contains(@class, 'export-responses')]")

    CompanyResponseFactory(company=CompanyFactory(slug="acme"))
    page = parse(client.get(f"{SEARCH}?company=acme"))
    hrefs = page.xpath("//a[contains(@class, 'export-responses')]/@href")
    assert hrefs == [
        "/en/search/responses.csv?company=acme",
        "/en/search/responses.json?company=acme",
    ]


def test_an_invalid_search_offers_no_feed_or_download(client):
    response = client.get(f"{SEARCH}?date_from=never")
    page = parse(response)

    assert response.status_code == 400
    assert not page.xpath("//a[@class='feed-link']")
    assert not page.xpath("//a[contains(@class, 'export-link')]")
    assert "From" in text(page.xpath("//*[@role='alert']")[0])
    assert page.xpath("//input[@name='date_from']/@value") == ["never"]


def test_a_search_that_finds_nothing_says_so(client):
    ArticleFactory(title="Cobalt")

    page = parse(client.get(f"{SEARCH}?q=zirconium"))

    assert "0 results" in text(page.xpath("//*[@class='result-count']")[0])
    assert "Nothing matches these filters" in text(page.xpath("//main")[0])


def test_search_page_answers_only_get_and_head(client):
    assert client.post(SEARCH).status_code == 405
    assert client.head(SEARCH).status_code == 200
