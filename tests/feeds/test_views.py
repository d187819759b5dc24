"""How feeds behave over HTTP: conditional GET, limits, bad input, and a query count that
does not grow with the number of items."""

import datetime as dt
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.http import parse_http_date

from resource_centre.publishing import Status
from tests.factories import (
    ArticleFactory,
    CompanyFactory,
    CompanyResponseFactory,
    OpinionFactory,
    StoryFactory,
    TagFactory,
    TopicFactory,
)
from tests.feeds.feedcheck import parse, titles

pytestmark = pytest.mark.django_db
FORMATS = ["rss", "atom"]


def hours_ago(hours):
    return timezone.now() - dt.timedelta(hours=hours)


@contextmanager
def later(minutes=10):
    """The clock some minutes ahead: past the date of the content version, which every change
    moves on by a whole second, so that a Last-Modified is sent (never one ahead of the
    clock)."""
    real_now = timezone.now
    with mock.patch(
        "django.utils.timezone.now", side_effect=lambda: real_now() + dt.timedelta(minutes=minutes)
    ):
        yield


@pytest.mark.parametrize("fmt", FORMATS)
def test_repeated_request_with_etag_gets_304_with_no_body(client, fmt):
    ArticleFactory()
    with later():
        first = client.get(f"/en/feeds/latest.{fmt}")
        again = client.get(f"/en/feeds/latest.{fmt}", HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200 and first["ETag"]
    assert first["Cache-Control"] == "public, max-age=300"
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Last-Modified"] == first["Last-Modified"]
    assert again["Cache-Control"] == "public, max-age=300"


@pytest.mark.parametrize("fmt", FORMATS)
def test_repeated_request_with_last_modified_gets_304(client, fmt):
    ArticleFactory()
    with later():
        first = client.get(f"/en/feeds/latest.{fmt}")
        again = client.get(f"/en/feeds/latest.{fmt}", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert again.status_code == 304
    assert again.content == b""


def test_content_dated_ahead_of_the_clock_is_validated_by_etag_alone(client):
    for _ in range(3):  # three changes within a second: the version is dated two seconds on
        ArticleFactory()

    first = client.get("/en/feeds/latest.rss")
    again = client.get("/en/feeds/latest.rss", HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200 and "Last-Modified" not in first
    assert again.status_code == 304 and "Last-Modified" not in again


def test_last_modified_is_when_the_content_last_changed_not_the_request_time(client):
    before = timezone.now().replace(microsecond=0)
    ArticleFactory(published_at=before - dt.timedelta(days=30))

    with later(minutes=60):
        response = client.get("/en/feeds/latest.rss")

    changed = parse_http_date(response["Last-Modified"])
    assert before.timestamp() <= changed < before.timestamp() + 60


def test_304_costs_one_query_for_the_content_version_and_reads_no_item(
    client, django_assert_max_num_queries
):
    topic = TopicFactory(slug="t")
    ArticleFactory(topics=[topic])
    first = client.get("/en/feeds/topics/t.atom?kind=article")

    with django_assert_max_num_queries(1) as queries:
        again = client.get("/en/feeds/topics/t.atom?kind=article", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert "resource_centre_contentversion" in queries.captured_queries[0]["sql"]


def test_a_change_anywhere_changes_every_feeds_etag(client):
    TopicFactory(slug="t")
    first = client.get("/en/feeds/topics/t.rss")

    CompanyFactory(name="Unrelated")  # not in this feed, but feeds are not read to know
    again = client.get("/en/feeds/topics/t.rss", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200 and again["ETag"] != first["ETag"]
    assert again.content == first.content


def test_each_format_and_language_has_its_own_etag(client):
    ArticleFactory(title="Hello", title_fr="Bonjour")

    etags = {
        client.get(url)["ETag"]
        for url in (
            "/en/feeds/latest.rss",
            "/en/feeds/latest.atom",
            "/fr/feeds/latest.rss",
            "/en/feeds/latest.rss?kind=article",
        )
    }

    assert len(etags) == 4


@pytest.mark.parametrize("fmt", FORMATS)
def test_newly_published_item_appears_in_the_next_fetch(client, fmt):
    ArticleFactory(title="Old", published_at=hours_ago(5))
    with later():
        first = client.get(f"/en/feeds/latest.{fmt}")

    ArticleFactory(title="New", published_at=hours_ago(1))
    again = client.get(
        f"/en/feeds/latest.{fmt}",
        HTTP_IF_NONE_MATCH=first["ETag"],
        HTTP_IF_MODIFIED_SINCE=first["Last-Modified"],
    )

    assert titles(parse(again, fmt)) == ["New", "Old"]
    assert again["ETag"] != first["ETag"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_scheduled_item_appears_once_its_time_comes_without_any_write(client, fmt):
    topic = TopicFactory(slug="t")
    ArticleFactory(title="Now", topics=[topic], published_at=hours_ago(2))
    ArticleFactory(
        title="Scheduled", topics=[topic], published_at=timezone.now() + dt.timedelta(hours=2)
    )
    with later():
        first = client.get(f"/en/feeds/topics/t.{fmt}")
    assert titles(parse(first, fmt)) == ["Now"]

    out = timezone.now() + dt.timedelta(hours=3)
    with mock.patch("django.utils.timezone.now", return_value=out):
        by_etag = client.get(f"/en/feeds/topics/t.{fmt}", HTTP_IF_NONE_MATCH=first["ETag"])
        by_date = client.get(
            f"/en/feeds/topics/t.{fmt}", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
        )

    assert titles(parse(by_etag, fmt)) == ["Scheduled", "Now"]
    assert titles(parse(by_date, fmt)) == ["Scheduled", "Now"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_unpublished_item_disappears_from_the_next_fetch(client, fmt):
    ArticleFactory(title="Stays", published_at=hours_ago(5))
    withdrawn = ArticleFactory(title="Withdrawn", published_at=hours_ago(1))
    with later():
        first = client.get(f"/en/feeds/latest.{fmt}")
    assert titles(parse(first, fmt)) == ["Withdrawn", "Stays"]

    withdrawn.status = Status.DRAFT
    withdrawn.save()
    by_etag = client.get(f"/en/feeds/latest.{fmt}", HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get(f"/en/feeds/latest.{fmt}", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert titles(parse(by_etag, fmt)) == ["Stays"]
    assert titles(parse(by_date, fmt)) == ["Stays"]


def test_edited_item_changes_the_etag(client):
    article = ArticleFactory(title="Typo hedline")
    first = client.get("/en/feeds/latest.rss")

    article.title = "Typo headline"
    article.save()
    again = client.get("/en/feeds/latest.rss", HTTP_IF_NONE_MATCH=first["ETag"])

    assert titles(parse(again, "rss")) == ["Typo headline"]


def test_feed_holds_50_items_by_default_and_up_to_200_on_request(client):
    topic = TopicFactory(slug="t")
    for n in range(52):
        StoryFactory(title=f"Story {n}", topics=[topic])

    assert len(parse(client.get("/en/feeds/topics/t.rss"), "rss").entries) == 50
    assert len(parse(client.get("/en/feeds/topics/t.atom?limit=51"), "atom").entries) == 51
    assert len(parse(client.get("/en/feeds/topics/t.rss?limit=200"), "rss").entries) == 52
    assert titles(parse(client.get("/en/feeds/topics/t.rss?limit=2"), "rss")) == [
        "Story 0",
        "Story 1",
    ]


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=201",
        "limit=-1",
        "limit=abc",
        "limit=1.5",
        "limit=",
        "limit=%C2%B9",
        "limit=5&limit=6",
        "limit=99999999999999999999",
    ],
)
def test_bad_limit_is_a_400_with_a_plain_message(client, query):
    response = client.get(f"/en/feeds/latest.rss?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert b"limit" in response.content and len(response.content) < 200


@pytest.mark.parametrize(
    "query",
    ["kind=bogus", "topic=no-such-topic", "company=nobody", "date_from=yesterday", "q=a%00b"],
)
@pytest.mark.parametrize("url", ["/en/feeds/search.atom", "/en/feeds/topics/t.rss"])
def test_invalid_filter_is_a_400_with_a_plain_message(client, query, url):
    TopicFactory(slug="t")

    response = client.get(f"{url}?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.startswith(b"Invalid filter.")
    assert b"<" not in response.content and len(response.content) < 500


@pytest.mark.parametrize(
    "url",
    [
        "/en/feeds/topics/no-such-topic.rss",
        "/en/feeds/companies/no-such-company.atom",
        "/en/feeds/topics/draft-topic.rss",
        "/en/feeds/companies/draft-company.atom",
        "/en/feeds/topics/scheduled-topic.atom",
    ],
)
def test_unknown_or_unpublished_topic_or_company_is_404(client, url):
    TopicFactory(slug="draft-topic", status=Status.DRAFT)
    TopicFactory(slug="scheduled-topic", published_at=timezone.now() + dt.timedelta(days=1))
    CompanyFactory(slug="draft-company", status=Status.DRAFT)

    assert client.get(url).status_code == 404


def test_feeds_only_answer_get_and_head(client):
    assert client.head("/en/feeds/latest.rss").status_code == 200
    assert client.post("/en/feeds/latest.rss").status_code == 405


def test_feed_without_language_prefix_redirects_to_one(client):
    response = client.get("/feeds/latest.rss", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 302
    assert response["Location"] == "/fr/feeds/latest.rss"


FEED_URLS = [
    "/en/feeds/latest.{fmt}",
    "/en/feeds/topics/t.{fmt}",
    "/en/feeds/companies/c.{fmt}",
    "/en/feeds/search.{fmt}?kind=article&kind=story&topic=t&q=item",
    "/en/feeds/topics/t.{fmt}?company=c&tag=tagged",
    "/fr/feeds/companies/c.{fmt}?kind=response&kind=article",
]
ALL_FEED_URLS = [(url.format(fmt=fmt), fmt) for url in FEED_URLS for fmt in FORMATS]


def add_items(count, topic, company, tag):
    kinds = [ArticleFactory, StoryFactory, OpinionFactory]
    # A /fr/ request leaves French active: titles must still go into the English columns.
    translation.activate("en")
    for n in range(count):
        if n % 4 == 3:
            item = CompanyResponseFactory(company=company, topics=[topic])
        else:
            item = kinds[n % 3](topics=[topic], companies=[company])
        item.tags.add(tag)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return len(queries)


def test_query_count_of_every_feed_is_the_same_for_5_and_60_items(client):
    topic = TopicFactory(slug="t")
    company = CompanyFactory(slug="c")
    tag = TagFactory(slug="tagged")
    add_items(5, topic, company, tag)
    with_5 = {url: count_queries(client, url) for url, _fmt in ALL_FEED_URLS}
    # The items must really be in each feed, or the comparison proves nothing.
    for url, fmt in ALL_FEED_URLS:
        assert len(parse(client.get(url), fmt).entries) >= 2, url

    add_items(55, topic, company, tag)
    with_60 = {url: count_queries(client, url) for url, _fmt in ALL_FEED_URLS}

    assert with_60 == with_5
    # The content version, the topic, its tree, two filter lookups, the ids, then the rows
    # from the pages' own for_listing() (kinds joined; topics, companies, tags prefetched).
    assert max(with_5.values()) <= 10, with_5
