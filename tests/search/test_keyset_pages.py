"""Result lists page by position past their numbered pages: "Older", "Newer", "Oldest".

Numbered pages stop at NUMBERED_PAGES (an OFFSET stays cheap that far); from the last one,
"Older" links walk on to the end, each page read from a position in the (published_at, id)
order, as fast at the end of a million items as at the start.
"""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

import search.results
from tests.factories import ArticleFactory, TopicFactory, days_ago
from tests.html import entry_titles, parse, text
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(monkeypatch):
    monkeypatch.setattr(search.results, "PER_PAGE", 3)
    monkeypatch.setattr(search.results, "NUMBERED_PAGES", 2)
    topic = TopicFactory(slug="labour")
    # Two items share each publication time: the order falls back on the id.
    same_time = days_ago(50)
    for n in range(14):
        when = same_time if n in (6, 7) else days_ago(n + 1)
        ArticleFactory(topics=[topic], title=f"Article {n:02d}", published_at=when)
    ArticleFactory(topics=[topic], title="Scheduled", published_at=timezone.now() + dt.timedelta(1))
    return topic


def url(**params):
    base = reverse("stories:topic_detail", kwargs={"slug": "labour"})
    return base + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def links(response) -> dict[str, str]:
    nav = parse(response).xpath("//nav[@class='pagination']//a")
    return {text(a): a.get("href") for a in nav}


def follow(client, response, label):
    href = links(response)[label]
    return client.get(urlsplit(href).path or url() + href)


def expected_order():
    from stories.models import Item

    return list(Item.objects.published().newest_first().values_list("title", flat=True))


def test_older_links_walk_past_the_numbered_pages_to_the_end_and_newer_walks_back(client, topic):
    order = expected_order()
    page = client.get(url(page=2))
    assert "Page 2 of 2+" in text(parse(page).xpath("//nav[@class='pagination']")[0])
    pages = [client.get(url()), page]
    seen = entry_titles(pages[0]) + entry_titles(page)
    while "Older" in links(page):
        page = client.get(url() + links(page)["Older"])
        assert page.status_code == 200
        seen += entry_titles(page)
        pages.append(page)
    assert seen == order, "every public item once, newest first, across the pages"
    assert "Scheduled" not in seen
    # Back again with "Newer", from the oldest page: the same pages in reverse.
    back = []
    while "Newer" in links(page):
        page = client.get(url() + links(page)["Newer"])
        back.append(entry_titles(page))
    assert back == [entry_titles(p) for p in reversed(pages[:-1])]


def test_oldest_shows_the_last_items_and_numbered_pages_stop(client, topic):
    first = client.get(url())
    oldest = client.get(url() + links(first)["Oldest"])
    assert entry_titles(oldest) == expected_order()[-3:]
    assert "Older" not in links(oldest) and "Newer" in links(oldest)
    assert client.get(url(page=3)).status_code == 404


def test_feeds_and_downloads_of_a_positioned_page_are_those_of_the_whole_list(client, topic):
    page = client.get(url() + links(client.get(url(page=2)))["Older"])
    found = parse(page).xpath("//a[contains(@class, 'export-link')] | //link[@type]")
    assert len(found) >= 4  # the feeds (RSS, Atom) and the downloads (CSV, JSON)
    for a in found:
        query = parse_qs(urlsplit(a.get("href")).query)
        assert not {"before", "after", "page"} & set(query), a.get("href")


@pytest.mark.parametrize(
    "params",
    [
        {"before": "abc"},
        {"before": "12-"},
        {"after": "9" * 30 + "-1"},
        {"before": "1-1", "after": "1-1"},
        {"before": "1-1", "page": "2"},
        {"before": "1-1", "q": "Article"},
        # Digits str.isdigit() takes but int() refuses, or reads: once a 500.
        {"before": "²-1"},
        {"after": "1-²"},
        {"before": "١٧٠٠٠٠٠٠٠٠٠٠٠٠٠٠-١"},
    ],
)
def test_bad_positions_are_not_found(client, topic, params):
    assert client.get(url(**params)).status_code == 404


def test_a_repeated_position_is_a_bad_request(client, topic):
    assert client.get(url() + "?before=1-1&before=2-2").status_code == 400


def test_a_positioned_page_runs_as_many_queries_for_60_entries_as_for_5(
    client, django_assert_max_num_queries
):
    topic = TopicFactory(slug="labour")

    def add_entries(count):
        for n in range(count):
            ArticleFactory(topics=[topic], published_at=days_ago(n + 100))

    token = f"{int(days_ago(10).timestamp()) * 1_000_000}-999999"
    assert_constant_queries(
        client, url(before=token), add_entries, django_assert_max_num_queries, cap=10
    )
