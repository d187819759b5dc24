"""A filtered list, its feed and its downloads hold the same items in the same order:
the addresses come from the links on the page itself."""

import csv
import io
import json
from urllib.parse import urlsplit

import feedparser
import pytest
from django.utils import translation

from tests.factories import (
    ArticleFactory,
    CompanyFactory,
    CompanyResponseFactory,
    StoryFactory,
    TopicFactory,
    days_ago,
)
from tests.html import entry_titles, parse

pytestmark = pytest.mark.django_db


def link(page, selector: str) -> str:
    [href] = page.xpath(f"//main//ul[@class='result-tools']/li/a[{selector}]/@href")
    parts = urlsplit(href)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def streamed(response) -> str:
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8")


def round_trip(client, url):
    response = client.get(url)
    assert response.status_code == 200
    page = parse(response)
    listed = entry_titles(response)

    feed = client.get(link(page, "@class='feed-link'"))
    assert feed.status_code == 200
    in_feed = [entry.title for entry in feedparser.parse(feed.content).entries]

    rows = csv.DictReader(io.StringIO(streamed(client.get(link(page, "@type='text/csv'")))[1:]))
    in_csv = [row["title"] for row in rows]
    in_json = [
        row["title"]
        for row in json.loads(streamed(client.get(link(page, "@type='application/json'"))))
    ]
    return listed, in_feed, in_csv, in_json


@pytest.fixture
def topic_with_items():
    parent = TopicFactory(slug="technology", title="Technology")
    child = TopicFactory(slug="surveillance", title="Surveillance", parent=parent)
    nso = CompanyFactory(slug="nso", name="NSO Group")
    ArticleFactory(title="Spyware in Mexico", topics=[child], companies=[nso], countries=["MX"])
    StoryFactory(
        title="Spyware in Spain", topics=[parent], countries=["ES"], published_at=days_ago(3)
    )
    CompanyResponseFactory(title="NSO answers on Mexico", company=nso, countries=["MX"])
    CompanyResponseFactory(title="NSO answers on Spain", company=nso, countries=["ES"])
    ArticleFactory(title="Privacy law passed", topics=[parent], countries=["MX"])
    ArticleFactory(title="Off topic spyware", countries=["MX"])
    StoryFactory(
        title="Mexico old story", topics=[child], countries=["MX"], published_at=days_ago(20)
    )
    return parent


def test_topic_page_feed_and_downloads_hold_the_same_filtered_items(client, topic_with_items):
    url = topic_with_items.get_absolute_url() + "?country=MX&kind=article&kind=story"

    listed, in_feed, in_csv, in_json = round_trip(client, url)

    assert listed == ["Spyware in Mexico", "Privacy law passed", "Mexico old story"]
    assert in_feed == listed
    assert in_csv == listed
    assert in_json == listed


def test_sub_topic_filter_on_a_topic_page_survives_the_round_trip(client, topic_with_items):
    url = topic_with_items.get_absolute_url() + "?topic=surveillance"

    listed, in_feed, in_csv, in_json = round_trip(client, url)

    assert listed == ["Spyware in Mexico", "Mexico old story"]
    assert in_feed == in_csv == in_json == listed


def test_search_results_feed_and_downloads_keep_the_relevance_order(client, topic_with_items):
    listed, in_feed, in_csv, in_json = round_trip(client, "/en/search/?q=spyware&region=americas")

    assert listed[0] == "Spyware in Mexico"
    assert set(listed) == {"Spyware in Mexico", "Off topic spyware"}
    assert in_feed == in_csv == in_json == listed


def test_company_page_downloads_hold_its_items_and_responses(client, topic_with_items):
    listed, in_feed, in_csv, in_json = round_trip(client, "/en/companies/nso/?country=ES")

    assert listed == ["NSO answers on Spain"]
    assert in_feed == in_csv == in_json == listed


def test_the_round_trip_holds_in_another_language(client, topic_with_items):
    with translation.override("fr"):
        url = topic_with_items.get_absolute_url() + "?country=ES"

    listed, in_feed, in_csv, in_json = round_trip(client, url)

    assert url.startswith("/fr/")
    assert listed == ["Spyware in Spain"]
    assert in_feed == in_csv == in_json == listed
