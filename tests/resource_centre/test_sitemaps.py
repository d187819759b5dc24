import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from resource_centre.i18n_sitemap import IDS_PER_PAGE
from resource_centre.publishing import Status, unpublish
from stories.models import Item
from tests.bulk import insert_items
from tests.factories import ArticleFactory, CompanyFactory, StoryFactory, TopicFactory

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def sitemap_locations(client, section, page=None):
    response = client.get(f"/sitemap-{section}.xml" + (f"?p={page}" if page else ""))
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return root, [loc.text for loc in root.findall("sm:url/sm:loc", NS)]


def index_locations(client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)
    return [loc.text for loc in root.findall("sm:sitemap/sm:loc", NS)]


def item_pages(client) -> list[int]:
    prefix = "http://testserver/sitemap-items.xml"
    return [
        int(loc.partition("?p=")[2] or 1)
        for loc in index_locations(client)
        if loc.startswith(prefix)
    ]


def bulk_slugs(locations) -> list[int]:
    """The numbers of the `bulk-<n>` items among English addresses, in page order."""
    return [
        int(loc.rsplit("bulk-", 1)[1].strip("/"))
        for loc in locations
        if loc.startswith("http://testserver/en/") and "bulk-" in loc
    ]


def test_sitemap_index_lists_each_section(client):
    TopicFactory()
    ArticleFactory()
    CompanyFactory()
    assert index_locations(client) == [
        "http://testserver/sitemap-topics.xml",
        "http://testserver/sitemap-items.xml",
        "http://testserver/sitemap-companies.xml",
    ]


def test_a_section_without_public_pages_is_left_out_of_the_index(client):
    TopicFactory(status=Status.DRAFT)
    ArticleFactory()
    assert index_locations(client) == ["http://testserver/sitemap-items.xml"]
    assert client.get("/sitemap-topics.xml").status_code == 404
    assert client.get("/sitemap-companies.xml").status_code == 404


def test_item_sitemap_has_every_published_page_in_every_language(client, settings):
    article = ArticleFactory(slug="spyware-togo")
    _root, locations = sitemap_locations(client, "items")
    for code, _name in settings.LANGUAGES:
        assert f"http://testserver/{code}/articles/spyware-togo/" in locations
    assert len(locations) == len(settings.LANGUAGES)
    assert article.pk


def test_sitemap_entries_carry_hreflang_alternates(client, settings):
    StoryFactory(slug="internet-shutdowns")
    root, _locations = sitemap_locations(client, "items")
    first = root.find("sm:url", NS)
    alternates = {
        link.get("hreflang"): link.get("href") for link in first.findall("xhtml:link", NS)
    }
    assert alternates["fr"] == "http://testserver/fr/stories/internet-shutdowns/"
    assert alternates["ar"] == "http://testserver/ar/stories/internet-shutdowns/"
    # x-default is the language-neutral address, which redirects by Accept-Language.
    assert alternates["x-default"] == "http://testserver/stories/internet-shutdowns/"
    assert len(alternates) == len(settings.LANGUAGES) + 1
    redirect = client.get("/stories/internet-shutdowns/", HTTP_ACCEPT_LANGUAGE="fr")
    assert redirect.status_code == 302
    assert redirect["Location"] == "/fr/stories/internet-shutdowns/"


def test_drafts_and_scheduled_items_are_not_in_the_sitemap(client):
    ArticleFactory(slug="draft-article", status=Status.DRAFT)
    ArticleFactory(slug="scheduled-article", published_at=timezone.now() + dt.timedelta(days=1))
    ArticleFactory(slug="public-article")
    TopicFactory(slug="draft-topic", status=Status.DRAFT)
    TopicFactory(slug="public-topic")
    CompanyFactory(slug="draft-company", status=Status.DRAFT)
    CompanyFactory(slug="public-company")
    body = b"".join(
        client.get(f"/sitemap-{section}.xml").content
        for section in ("items", "topics", "companies")
    )
    for public in (b"public-article", b"public-topic", b"public-company"):
        assert public in body
    assert b"draft-article" not in body
    assert b"scheduled-article" not in body
    assert b"draft-topic" not in body
    assert b"draft-company" not in body


def test_a_page_holding_only_scheduled_items_is_neither_listed_nor_served(client):
    insert_items(3_000_001, 3_000_005, explicit_ids=True)
    insert_items(
        3_001_001, 3_001_005, explicit_ids=True, published_at=timezone.now() + dt.timedelta(days=1)
    )
    insert_items(3_002_001, 3_002_001, explicit_ids=True)

    pages = index_locations(client)

    assert "http://testserver/sitemap-items.xml?p=3001" in pages
    assert "http://testserver/sitemap-items.xml?p=3002" not in pages
    assert "http://testserver/sitemap-items.xml?p=3003" in pages
    assert client.get("/sitemap-items.xml?p=3002").status_code == 404


def test_topic_and_company_sitemaps_link_their_pages(client):
    TopicFactory(slug="digital-freedom")
    CompanyFactory(slug="nso-group")
    _root, topics = sitemap_locations(client, "topics")
    _root, companies = sitemap_locations(client, "companies")
    assert "http://testserver/en/topics/digital-freedom/" in topics
    assert "http://testserver/en/companies/nso-group/" in companies


def test_unknown_sitemap_section_is_404(client):
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_unknown_or_bad_page_numbers_are_404(client):
    StoryFactory()
    assert client.get("/sitemap-items.xml?p=1").status_code == 200
    for page in ["abc", "0", "-1", "01", "1.0", " 1", "1_0", "١", "", "99999999999999999999"]:
        assert client.get("/sitemap-items.xml", {"p": page}).status_code == 404, page
    assert client.get("/sitemap-items.xml?p=2").status_code == 404  # past the last page
    assert client.get("/sitemap-items.xml?p=999999999").status_code == 404


def test_sitemaps_answer_get_and_head_only(client):
    StoryFactory()
    assert client.head("/sitemap-items.xml").status_code == 200
    assert client.post("/sitemap-items.xml").status_code == 405
    assert client.post("/sitemap.xml").status_code == 405


@pytest.mark.parametrize("url", ["/sitemap.xml", "/sitemap-items.xml"])
def test_sitemap_query_count_is_constant(client, url, django_assert_max_num_queries):
    ArticleFactory.create_batch(5)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    ArticleFactory.create_batch(55)
    insert_items(4_000_001, 4_002_500, explicit_ids=True)  # and three more pages of items
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
    # A page reads its rows; the index asks each of its three sections for its pages.
    assert len(few.captured_queries) == (3 if url == "/sitemap.xml" else 1)


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_a_page_holds_at_most_ten_thousand_addresses(client, settings):
    # 1,500 items at consecutive ids from the start of a page: a full page and half of one.
    first = 5_000 * IDS_PER_PAGE + 1
    insert_items(first, first + 1_499, explicit_ids=True)

    assert item_pages(client) == [5_001, 5_002]
    _root, full = sitemap_locations(client, "items", 5_001)
    _root, half = sitemap_locations(client, "items", 5_002)
    assert len(full) == 10_000 == IDS_PER_PAGE * len(settings.LANGUAGES)
    assert len(half) == 5_000
    assert bulk_slugs(full) + bulk_slugs(half) == list(range(first, first + 1_500))


def test_every_item_is_on_exactly_one_page_across_page_boundaries(client):
    # Items on both sides of the boundaries between pages 7,001, 7,002 and 7,003.
    start = 7_000 * IDS_PER_PAGE
    numbers = [start + 1, start + 999, start + 1000, start + 1001, start + 2000, start + 2001]
    for n in numbers:
        insert_items(n, n, explicit_ids=True)

    pages = item_pages(client)

    assert pages == [7_001, 7_002, 7_003]
    listed = [n for page in pages for n in bulk_slugs(sitemap_locations(client, "items", page)[1])]
    assert listed == numbers
    assert bulk_slugs(sitemap_locations(client, "items", 7_001)[1]) == numbers[:3]


def test_deleting_or_unpublishing_items_moves_no_other_item_to_another_page(client):
    start = 8_000 * IDS_PER_PAGE
    insert_items(start + 1, start + 3 * IDS_PER_PAGE, explicit_ids=True)
    before = {page: sitemap_locations(client, "items", page)[1] for page in item_pages(client)}
    assert sorted(before) == [8_001, 8_002, 8_003]

    # The whole middle page goes (deleted or unpublished), and one item of the first page.
    Item.objects.filter(pk__gt=start + IDS_PER_PAGE, pk__lte=start + 1500).delete()
    unpublish(Item.objects.filter(pk__gt=start + 1500, pk__lte=start + 2 * IDS_PER_PAGE))
    Item.objects.filter(pk=start + 10).delete()
    cache.clear()

    assert item_pages(client) == [8_001, 8_003]
    assert client.get("/sitemap-items.xml?p=8002").status_code == 404
    first = sitemap_locations(client, "items", 8_001)[1]
    assert bulk_slugs(first) == [n for n in bulk_slugs(before[8_001]) if n != start + 10]
    assert sitemap_locations(client, "items", 8_003)[1] == before[8_003]


def test_each_address_is_the_page_reverse_gives_in_its_language(client, settings):
    article = ArticleFactory(slug="droits-numériques")
    root, locations = sitemap_locations(client, "items")
    expected = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            expected.append(
                "http://testserver"
                + reverse("stories:article_detail", kwargs={"slug": article.slug})
            )
    assert locations == expected
    assert "%C3%A9" in locations[0]  # the slug's é, percent-encoded as reverse() does
    entry = root.find("sm:url", NS)
    assert entry.find("sm:lastmod", NS).text == timezone.localdate(article.updated_at).isoformat()
    assert entry.find("sm:changefreq", NS).text == "weekly"
    assert entry.find("sm:priority", NS).text == "0.6"
