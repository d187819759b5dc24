"""What a subscriber's feed reader gets: the right items in order, valid RSS 2.0 and Atom 1.0,
with stable ids, authors, categories, sanitised summaries and the feed's language."""

import datetime as dt
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.utils import timezone

from resource_centre.publishing import Status
from search.filters import filter_items
from stories.models import Item
from tests.factories import (
    ArticleFactory,
    CompanyFactory,
    CompanyResponseFactory,
    OpinionFactory,
    StatementFactory,
    StoryFactory,
    TagFactory,
    TopicFactory,
)
from tests.feeds.feedcheck import ATOM, DC, XML_LANG, parse, rfc822, rfc3339, titles

pytestmark = pytest.mark.django_db
FORMATS = ["rss", "atom"]


def days_ago(days, hours=0):
    return timezone.now() - dt.timedelta(days=days, hours=hours)


@pytest.fixture
def topic():
    return TopicFactory(slug="digital-rights", title="Digital rights", title_fr="Droits numériques")


@pytest.mark.parametrize("fmt", FORMATS)
def test_latest_feed_lists_every_kind_newest_first(client, fmt):
    company = CompanyFactory()
    StoryFactory(title="Story, three days old", published_at=days_ago(3))
    ArticleFactory(title="Article, one day old", published_at=days_ago(1))
    OpinionFactory(title="Opinion, two days old", published_at=days_ago(2))
    StatementFactory(title="Statement, four days old", published_at=days_ago(4))
    CompanyResponseFactory(
        title="Response, five days old", company=company, published_at=days_ago(5)
    )

    parsed = parse(client.get(f"/en/feeds/latest.{fmt}"), fmt)

    assert titles(parsed) == [
        "Article, one day old",
        "Opinion, two days old",
        "Story, three days old",
        "Statement, four days old",
        "Response, five days old",
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_topic_feed_includes_sub_topic_items_and_nothing_else(client, topic, fmt):
    child = TopicFactory(parent=topic, title="Surveillance")
    grandchild = TopicFactory(parent=child, title="Spyware")
    ArticleFactory(title="On the topic", topics=[topic], published_at=days_ago(3))
    StoryFactory(title="On a sub-topic", topics=[child], published_at=days_ago(2))
    OpinionFactory(title="Two levels down", topics=[grandchild], published_at=days_ago(1))
    ArticleFactory(title="Elsewhere", topics=[TopicFactory()])

    parsed = parse(client.get(f"/en/feeds/topics/digital-rights.{fmt}"), fmt)

    assert titles(parsed) == ["Two levels down", "On a sub-topic", "On the topic"]
    assert parsed.feed.title == "Resource Centre: Digital rights"
    assert parsed.feed.link == "http://testserver/en/topics/digital-rights/"


@pytest.mark.parametrize("fmt", FORMATS)
def test_company_feed_holds_items_naming_it_and_its_responses(client, fmt):
    company = CompanyFactory(slug="nso-group", name="NSO Group")
    ArticleFactory(title="Names NSO", companies=[company], published_at=days_ago(2))
    CompanyResponseFactory(title="NSO Group responded", company=company, published_at=days_ago(1))
    ArticleFactory(title="Names another company", companies=[CompanyFactory()])

    parsed = parse(client.get(f"/en/feeds/companies/nso-group.{fmt}"), fmt)

    assert titles(parsed) == ["NSO Group responded", "Names NSO"]
    assert parsed.feed.link == "http://testserver/en/companies/nso-group/"
    # The company answered: it is the response's author.
    assert parsed.entries[0].author == "NSO Group"


@pytest.mark.parametrize("fmt", FORMATS)
def test_search_feed_holds_exactly_the_filtered_list_in_its_order(client, topic, fmt):
    other = TopicFactory(slug="land")
    for n in range(4):
        ArticleFactory(title=f"Spyware article {n}", topics=[topic], countries=["TG"])
        StoryFactory(title=f"Spyware story {n}", topics=[topic], countries=["TG"])
        ArticleFactory(title=f"Spyware elsewhere {n}", topics=[other], countries=["TG"])
        ArticleFactory(title=f"Unrelated {n}", topics=[topic], countries=["TG"])
    query = {"q": "spyware", "kind": "article", "topic": "digital-rights", "country": "TG"}

    parsed = parse(client.get(f"/en/feeds/search.{fmt}", query), fmt)

    data = QueryDict(urlencode(query))
    expected = [item.title for item in filter_items(data, Item.objects.published()).qs]
    assert titles(parsed) == expected
    assert titles(parsed) == [f"Spyware article {n}" for n in range(4)]
    assert parsed.feed.link.startswith("http://testserver/en/search/?")
    assert "kind=article" in parsed.feed.link and "q=spyware" in parsed.feed.link


@pytest.mark.parametrize("fmt", FORMATS)
def test_topic_feed_applies_the_pages_filters_on_top_of_the_topic(client, topic, fmt):
    ArticleFactory(title="Article on topic", topics=[topic])
    StoryFactory(title="Story on topic", topics=[topic])
    ArticleFactory(title="Article elsewhere", topics=[TopicFactory()])

    response = client.get(f"/en/feeds/topics/digital-rights.{fmt}", {"kind": "article"})
    parsed = parse(response, fmt)

    assert titles(parsed) == ["Article on topic"]
    assert parsed.feed.link == "http://testserver/en/topics/digital-rights/?kind=article"
    assert parsed.feed.title == "Resource Centre: Digital rights (filtered)"


def test_page_limit_and_format_parameters_do_not_filter_the_feed(client, topic):
    ArticleFactory(title="Kept", topics=[topic])

    response = client.get(
        "/en/feeds/topics/digital-rights.rss", {"page": "7", "limit": "10", "format": "csv"}
    )

    assert titles(parse(response, "rss")) == ["Kept"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_draft_and_scheduled_items_never_appear_in_any_feed(client, topic, fmt):
    company = CompanyFactory(slug="acme")
    common = {"topics": [topic], "companies": [company]}
    ArticleFactory(title="Public", **common)
    ArticleFactory(title="Draft", status=Status.DRAFT, **common)
    ArticleFactory(title="Scheduled", published_at=timezone.now() + dt.timedelta(hours=1), **common)
    CompanyResponseFactory(title="Draft response", company=company, status=Status.DRAFT)

    for url in (
        f"/en/feeds/latest.{fmt}",
        f"/en/feeds/topics/digital-rights.{fmt}",
        f"/en/feeds/companies/acme.{fmt}",
        f"/en/feeds/search.{fmt}?topic=digital-rights",
    ):
        assert titles(parse(client.get(url), fmt)) == ["Public"], url


def test_draft_topic_is_not_a_category_of_an_entry(client):
    public = TopicFactory(title="Public topic")
    draft = TopicFactory(title="Draft topic", status=Status.DRAFT)
    ArticleFactory(topics=[public, draft])

    parsed = parse(client.get("/en/feeds/latest.atom"), "atom")

    assert [tag.term for tag in parsed.entries[0].tags] == ["Public topic"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_french_feed_is_in_french_with_english_fallback_marked_per_entry(client, topic, fmt):
    tag = TagFactory(name="surveillance", name_fr="surveillance de masse")
    translated = ArticleFactory(
        title="Spyware found",
        title_fr="Logiciel espion découvert",
        summary="English summary",
        summary_fr="Résumé en français",
        topics=[topic],
        published_at=days_ago(1),
    )
    translated.tags.add(tag)
    ArticleFactory(
        title="Only in English", summary="English only", topics=[topic], published_at=days_ago(2)
    )

    response = client.get(f"/fr/feeds/topics/digital-rights.{fmt}")
    parsed = parse(response, fmt)
    root = ET.fromstring(response.content)

    assert parsed.feed.language == "fr"
    assert response["Content-Language"] == "fr"
    assert parsed.feed.title == "Resource Centre: Droits numériques"
    assert titles(parsed) == ["Logiciel espion découvert", "Only in English"]
    assert "Résumé en français" in parsed.entries[0].summary
    assert "English only" in parsed.entries[1].summary
    assert [t.term for t in parsed.entries[0].tags] == [
        "Droits numériques",
        "surveillance de masse",
    ]
    assert parsed.entries[0].link == f"http://testserver/fr/articles/{translated.slug}/"
    if fmt == "atom":
        assert root.get(XML_LANG) == "fr"
        entries = root.findall(f"{ATOM}entry")
        assert [entry.get(XML_LANG) for entry in entries] == ["fr", "en"]
    else:
        assert root.find("channel").findtext("language") == "fr"
        languages = [item.findtext(f"{DC}language") for item in root.iter("item")]
        assert languages == ["fr", "en"]


def test_atom_summary_marks_its_own_language_when_it_falls_back(client):
    ArticleFactory(title="Title", title_de="Titel", summary="Only an English summary")

    root = ET.fromstring(client.get("/de/feeds/latest.atom").content)

    entry = root.find(f"{ATOM}entry")
    assert entry.get(XML_LANG) == "de"
    assert entry.find(f"{ATOM}summary").get(XML_LANG) == "en"


@pytest.mark.parametrize("fmt", FORMATS)
def test_entry_id_is_a_tag_uri_that_survives_editing_and_translation(client, fmt):
    article = ArticleFactory(title="First headline", slug="first-headline")
    before = parse(client.get(f"/en/feeds/latest.{fmt}"), fmt).entries[0].id

    article.title = "Corrected headline"
    article.title_fr = "Titre corrigé"
    article.slug = "corrected-headline"
    article.save()
    after = parse(client.get(f"/en/feeds/latest.{fmt}"), fmt)
    in_french = parse(client.get(f"/fr/feeds/latest.{fmt}"), fmt)

    created = article.created_at.astimezone(dt.UTC).date().isoformat()
    assert before == f"tag:testserver,{created}:item:{article.pk}"
    assert after.entries[0].id == before == in_french.entries[0].id
    assert "headline" not in before
    assert after.entries[0].link == "http://testserver/en/articles/corrected-headline/"


@pytest.mark.parametrize("fmt", FORMATS)
def test_entry_carries_dates_author_categories_and_article_source(client, topic, fmt):
    published = timezone.now().replace(microsecond=0) - dt.timedelta(days=3)
    article = ArticleFactory(
        title="Spyware found",
        author="Stephanie Kirchgaessner",
        publication="The Guardian",
        source_url="https://www.theguardian.com/spyware",
        topics=[topic],
        published_at=published,
    )
    article.tags.add(TagFactory(name="pegasus"))
    Item.objects.filter(pk=article.pk).update(updated_at=published + dt.timedelta(hours=5))

    response = client.get(f"/en/feeds/latest.{fmt}")
    parsed = parse(response, fmt)
    root = ET.fromstring(response.content)
    entry = parsed.entries[0]

    assert entry.author == "Stephanie Kirchgaessner, The Guardian"
    assert [tag.term for tag in entry.tags] == ["Digital rights", "pegasus"]
    assert 'href="https://www.theguardian.com/spyware"' in entry.summary
    if fmt == "rss":
        item = root.find("channel/item")
        assert rfc822(item.findtext("pubDate")) == published
        # The channel's date is its newest item's, not the time of the request.
        last_build = rfc822(root.findtext("channel/lastBuildDate"))
        assert last_build == published + dt.timedelta(hours=5)
    else:
        node = root.find(f"{ATOM}entry")
        assert rfc3339(node.findtext(f"{ATOM}published")) == published
        assert rfc3339(node.findtext(f"{ATOM}updated")) == published + dt.timedelta(hours=5)
        assert rfc3339(root.findtext(f"{ATOM}updated")) == published + dt.timedelta(hours=5)
        via = [link for link in node.findall(f"{ATOM}link") if link.get("rel") == "via"]
        assert [link.get("href") for link in via] == ["https://www.theguardian.com/spyware"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_entry_has_an_author_falling_back_to_the_site(client, fmt):
    StoryFactory(title="Our story", published_at=days_ago(1))
    ArticleFactory(title="Unsigned", author="", publication="", published_at=days_ago(2))
    OpinionFactory(
        title="An opinion",
        author_name="Sarina Phu",
        author_organisation="Global Network Initiative",
        published_at=days_ago(3),
    )

    parsed = parse(client.get(f"/en/feeds/latest.{fmt}"), fmt)

    assert [entry.author for entry in parsed.entries] == [
        "Resource Centre",
        "Resource Centre",
        # The opinion's byline, role included, as its page and list entry show it.
        "Sarina Phu, Research & Program Associate, Global Network Initiative",
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_summary_is_sanitised_html_with_absolute_links(client, fmt):
    ArticleFactory(
        summary=(
            '<p onclick="steal()">Read <a href="/en/topics/x/">this</a> '
            '<script>alert("x")</script><img src=x onerror=alert(1)>now</p>'
        ),
        source_url="",
    )

    response = client.get(f"/en/feeds/latest.{fmt}")
    parse(response, fmt)
    root = ET.fromstring(response.content)

    if fmt == "rss":
        summary = root.find("channel/item").findtext("description")
    else:
        summary = root.find(f"{ATOM}entry/{ATOM}summary").text
        assert root.find(f"{ATOM}entry/{ATOM}summary").get("type") == "html"
    assert "<script" not in summary and "onclick" not in summary and "<img" not in summary
    assert 'href="http://testserver/en/topics/x/"' in summary
    assert summary.startswith("<p>Read <a ")


NASTY_TITLE = "Fish & Chips <b>bold</b> </title> \x01\x08\x0b\x0c\x1f\x7f\ufffe\uffff end"


@pytest.mark.parametrize("fmt", FORMATS)
def test_text_xml_forbids_html_rtl_and_cjk_come_out_well_formed(client, fmt):
    ArticleFactory(
        title=NASTY_TITLE,
        summary="Tom & Jerry <3 \x02 control &#1;&#xFFFE;&#x1F;",
        author="Ann \x03 Author",
        published_at=days_ago(1),
    )
    ArticleFactory(title="x", title_ar="شركات التكنولوجيا وحقوق الإنسان", published_at=days_ago(2))
    ArticleFactory(title="企业与人权 — 中文标题", published_at=days_ago(3))
    tag = TagFactory(name="tag \x04 with control")
    Item.objects.get(title_en=NASTY_TITLE).tags.add(tag)

    response = client.get(f"/ar/feeds/latest.{fmt}")
    parsed = parse(response, fmt)

    assert titles(parsed) == [
        "Fish & Chips <b>bold</b> </title>  end",
        "شركات التكنولوجيا وحقوق الإنسان",
        "企业与人权 — 中文标题",
    ]
    assert "Tom &amp; Jerry &lt;3  control" in parsed.entries[0].summary
    assert parsed.entries[0].author == "Ann  Author, The Guardian"
    assert [tag.term for tag in parsed.entries[0].tags] == ["tag  with control"]
    assert parsed.feed.language == "ar"


@pytest.mark.parametrize("fmt", FORMATS)
def test_title_made_only_of_control_characters_still_makes_a_valid_entry(client, fmt):
    ArticleFactory(title="\x01\x02 \x03")

    assert titles(parse(client.get(f"/en/feeds/latest.{fmt}"), fmt)) == ["Untitled"]


def test_search_query_with_control_characters_makes_a_well_formed_feed(client):
    ArticleFactory(title="Spyware")

    parse(client.get("/en/feeds/search.atom", {"q": "spy\x01ware\x1f"}), "atom")
    parsed = parse(client.get("/en/feeds/search.rss", {"q": "spyware"}), "rss")

    assert titles(parsed) == ["Spyware"]
    assert parsed.feed.title == "Resource Centre: Search results for “spyware”"
