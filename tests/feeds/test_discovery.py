"""A subscriber pastes a page's address into a feed reader: the page must announce its RSS
and Atom feeds with absolute addresses, and those feeds must hold the page's list."""

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.utils import timezone, translation

from feeds.links import feed_links
from tests.factories import ArticleFactory, CompanyFactory, StoryFactory, TopicFactory
from tests.feeds.feedcheck import local_path, parse, titles

pytestmark = pytest.mark.django_db
FEED_TYPES = {"application/rss+xml": "rss", "application/atom+xml": "atom"}


class FeedLinkParser(HTMLParser):
    """Collects `<link rel="alternate" type="application/(rss|atom)+xml">` from the head."""

    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "alternate" and attrs.get("type") in FEED_TYPES:
            self.links.append(attrs)


def discovered_feeds(client, url):
    """{format: href} of the feeds the page at `url` announces, as a feed reader finds them."""
    response = client.get(url)
    assert response.status_code == 200, url
    parser = FeedLinkParser()
    parser.feed(response.content.decode())
    found = {FEED_TYPES[link["type"]]: link for link in parser.links}
    assert len(parser.links) == 2 and set(found) == {"rss", "atom"}, parser.links
    for link in found.values():
        assert link["href"].startswith("http://testserver/"), link
        assert link.get("title")
    return {fmt: link["href"] for fmt, link in found.items()}


def test_feed_links_are_absolute_and_leave_out_page_and_limit(rf):
    request = rf.get("/fr/topics/x/")
    translation.activate("fr")

    links = feed_links(request, "topic", "X", query_string="kind=story&page=3&limit=9", slug="x")

    assert [(link.content_type, link.href) for link in links] == [
        ("application/rss+xml", "http://testserver/fr/feeds/topics/x.rss?kind=story"),
        ("application/atom+xml", "http://testserver/fr/feeds/topics/x.atom?kind=story"),
    ]
    assert links[0].title == "X (RSS)"


def days_ago(days):
    return timezone.now() - dt.timedelta(days=days)


def test_home_page_announces_the_latest_feed(client):
    ArticleFactory(title="Newest", published_at=days_ago(1))
    ArticleFactory(title="Older", published_at=days_ago(2))

    feeds = discovered_feeds(client, "/en/")

    assert feeds["rss"] == "http://testserver/en/feeds/latest.rss"
    assert feeds["atom"] == "http://testserver/en/feeds/latest.atom"
    for fmt, href in feeds.items():
        assert titles(parse(client.get(local_path(href)), fmt)) == ["Newest", "Older"]


def test_topic_page_announces_its_feed_and_the_feed_holds_its_list(client):
    topic = TopicFactory(slug="digital-freedom", title="Digital freedom")
    ArticleFactory(title="On topic", topics=[topic], published_at=days_ago(1))
    StoryFactory(
        title="On a sub-topic", topics=[TopicFactory(parent=topic)], published_at=days_ago(0.5)
    )
    ArticleFactory(title="Elsewhere", topics=[TopicFactory()])

    feeds = discovered_feeds(client, "/en/topics/digital-freedom/")

    assert feeds["rss"] == "http://testserver/en/feeds/topics/digital-freedom.rss"
    for fmt, href in feeds.items():
        assert titles(parse(client.get(local_path(href)), fmt)) == ["On a sub-topic", "On topic"]


def test_filtered_topic_page_announces_a_feed_of_exactly_its_filtered_list(client):
    topic = TopicFactory(slug="digital-freedom")
    ArticleFactory(title="Article", topics=[topic])
    StoryFactory(title="Story", topics=[topic])

    feeds = discovered_feeds(client, "/en/topics/digital-freedom/?kind=story&page=1")

    assert "kind=story" in feeds["rss"] and "page=" not in feeds["rss"]
    for fmt, href in feeds.items():
        assert titles(parse(client.get(local_path(href)), fmt)) == ["Story"]


def test_company_page_announces_its_feed(client):
    company = CompanyFactory(slug="nso-group", name="NSO Group")
    ArticleFactory(title="Names NSO", companies=[company])
    ArticleFactory(title="Names someone else", companies=[CompanyFactory()])

    feeds = discovered_feeds(client, "/en/companies/nso-group/")

    assert feeds["atom"] == "http://testserver/en/feeds/companies/nso-group.atom"
    for fmt, href in feeds.items():
        assert titles(parse(client.get(local_path(href)), fmt)) == ["Names NSO"]


def test_search_page_announces_a_feed_of_its_results(client):
    topic = TopicFactory(slug="digital-freedom")
    ArticleFactory(title="Spyware article", topics=[topic], published_at=days_ago(1))
    StoryFactory(title="Spyware story", topics=[topic], published_at=days_ago(2))
    ArticleFactory(title="Land grab", topics=[topic])

    feeds = discovered_feeds(client, "/en/search/?q=spyware&topic=digital-freedom")

    assert feeds["rss"].startswith("http://testserver/en/feeds/search.rss?")
    for fmt, href in feeds.items():
        assert titles(parse(client.get(local_path(href)), fmt)) == [
            "Spyware article",
            "Spyware story",
        ]


def test_french_page_announces_the_french_feed(client):
    TopicFactory(slug="digital-freedom", title="Digital freedom", title_fr="Liberté numérique")
    ArticleFactory(title="Hello", title_fr="Bonjour", topics=[TopicFactory(slug="x")])

    feeds = discovered_feeds(client, "/fr/topics/digital-freedom/")
    home_feeds = discovered_feeds(client, "/fr/")

    assert feeds["rss"] == "http://testserver/fr/feeds/topics/digital-freedom.rss"
    parsed = parse(client.get(local_path(home_feeds["atom"])), "atom")
    assert parsed.feed.language == "fr" and titles(parsed) == ["Bonjour"]
