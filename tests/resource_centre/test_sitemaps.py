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


def index_locations(client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)
    return [loc.text for loc in root.findall("sm:sitemap/sm:loc", NS)]


def page_of(pk: int) -> int:
    """The sitemap page of the row with id `pk` (ids differ between databases and runs)."""
    return (pk - 1) // IDS_PER_PAGE + 1


def sitemap_urls(client, section, page=None) -> list[ET.Element]:
    """The <url> entries of page `page` of `section`, or (no page) of every page of the
    section the index lists, as a crawler reads them."""
    if page is None:
        prefix = f"http://testserver/sitemap-{section}.xml"
        addresses = [loc for loc in index_locations(client) if loc.startswith(prefix)]
    else:
        addresses = [f"/sitemap-{section}.xml?p={page}"]
    entries = []
    for address in addresses:
        response = client.get(address.removeprefix("http://testserver"))
        assert response.status_code == 200
        entries += ET.fromstring(response.content).findall("sm:url", NS)
    return entries


def sitemap_locations(client, section, page=None) -> list[str]:
    return [url.find("sm:loc", NS).text for url in sitemap_urls(client, section, page)]


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


def page_address(section: str, pk: int) -> str:
    page = page_of(pk)
    return f"http://testserver/sitemap-{section}.xml" + (f"?p={page}" if page > 1 else "")


def test_sitemap_index_lists_each_section(client):
    topic, article, company = TopicFactory(), ArticleFactory(), CompanyFactory()
    assert index_locations(client) == [
        page_address("topics", topic.pk),
        page_address("items", article.pk),
        page_address("companies", company.pk),
    ]


def test_a_section_without_public_pages_is_left_out_of_the_index(client):
    topic = TopicFactory(status=Status.DRAFT)
    article = ArticleFactory()
    assert index_locations(client) == [page_address("items", article.pk)]
    assert client.get(f"/sitemap-topics.xml?p={page_of(topic.pk)}").status_code == 404
    assert client.get("/sitemap-companies.xml").status_code == 404


def test_item_sitemap_has_every_published_page_in_every_language(client, settings):
    ArticleFactory(slug="spyware-togo")
    locations = sitemap_locations(client, "items")
    for code, _name in settings.LANGUAGES:
        assert f"http://testserver/{code}/articles/spyware-togo/" in locations
    assert len(locations) == len(settings.LANGUAGES)


def test_sitemap_entries_carry_hreflang_alternates(client, settings):
    StoryFactory(slug="internet-shutdowns")
    first = sitemap_urls(client, "items")[0]
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
    listed = " ".join(
        " ".join(sitemap_locations(client, section)) for section in ("items", "topics", "companies")
    )
    for public in ("public-article", "public-topic", "public-company"):
        assert public in listed
    assert "draft-article" not in listed
    assert "scheduled-article" not in listed
    assert "draft-topic" not in listed
    assert "draft-company" not in listed


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
    topics = sitemap_locations(client, "topics")
    companies = sitemap_locations(client, "companies")
    assert "http://testserver/en/topics/digital-freedom/" in topics
    assert "http://testserver/en/companies/nso-group/" in companies


def test_unknown_sitemap_section_is_404(client):
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_unknown_or_bad_page_numbers_are_404(client):
    last = page_of(StoryFactory().pk)
    assert client.get(f"/sitemap-items.xml?p={last}").status_code == 200
    for page in ["abc", "0", "-1", "01", "1.0", " 1", "1_0", "١", "", "99999999999999999999"]:
        assert client.get("/sitemap-items.xml", {"p": page}).status_code == 404, page
    assert client.get(f"/sitemap-items.xml?p={last + 1}").status_code == 404  # past the end
    assert client.get("/sitemap-items.xml?p=999999999").status_code == 404


def test_sitemaps_answer_get_and_head_only(client):
    page = page_of(StoryFactory().pk)
    assert client.head(f"/sitemap-items.xml?p={page}").status_code == 200
    assert client.post(f"/sitemap-items.xml?p={page}").status_code == 405
    assert client.post("/sitemap.xml").status_code == 405


@pytest.mark.parametrize("page", [None, "items"])
def test_sitemap_query_count_is_constant(client, page, django_assert_max_num_queries):
    first = ArticleFactory.create_batch(5)[0]
    url = f"/sitemap-items.xml?p={page_of(first.pk)}" if page else "/sitemap.xml"
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    ArticleFactory.create_batch(55)
    insert_items(4_000_001, 4_002_500, explicit_ids=True)  # and three more pages of items
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
    # A page reads its rows; the index asks each of its three sections for its pages.
    assert len(few.captured_queries) == (1 if page else 3)


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_robots_txt_answers_a_head_request(client):
    """Crawlers and monitors ask HEAD; it was refused with a 405."""
    response = client.head("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")


def test_a_page_holds_at_most_ten_thousand_addresses(client, settings):
    # 1,500 items at consecutive ids from the start of a page: a full page and half of one.
    first = 5_000 * IDS_PER_PAGE + 1
    insert_items(first, first + 1_499, explicit_ids=True)

    assert item_pages(client) == [5_001, 5_002]
    full = sitemap_locations(client, "items", 5_001)
    half = sitemap_locations(client, "items", 5_002)
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
    listed = [n for page in pages for n in bulk_slugs(sitemap_locations(client, "items", page))]
    assert listed == numbers
    assert bulk_slugs(sitemap_locations(client, "items", 7_001)) == numbers[:3]


def test_deleting_or_unpublishing_items_moves_no_other_item_to_another_page(client):
    start = 8_000 * IDS_PER_PAGE
    insert_items(start + 1, start + 3 * IDS_PER_PAGE, explicit_ids=True)
    before = {page: sitemap_locations(client, "items", page) for page in item_pages(client)}
    assert sorted(before) == [8_001, 8_002, 8_003]

    # The whole middle page goes (deleted or unpublished), and one item of the first page.
    Item.objects.filter(pk__gt=start + IDS_PER_PAGE, pk__lte=start + 1500).delete()
    unpublish(Item.objects.filter(pk__gt=start + 1500, pk__lte=start + 2 * IDS_PER_PAGE))
    Item.objects.filter(pk=start + 10).delete()
    cache.clear()

    assert item_pages(client) == [8_001, 8_003]
    assert client.get("/sitemap-items.xml?p=8002").status_code == 404
    first = sitemap_locations(client, "items", 8_001)
    assert bulk_slugs(first) == [n for n in bulk_slugs(before[8_001]) if n != start + 10]
    assert sitemap_locations(client, "items", 8_003) == before[8_003]


def test_each_address_is_the_page_reverse_gives_in_its_language(client, settings):
    article = ArticleFactory(slug="droits-numériques")
    urls = sitemap_urls(client, "items")
    locations = [url.find("sm:loc", NS).text for url in urls]
    expected = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            expected.append(
                "http://testserver"
                + reverse("stories:article_detail", kwargs={"slug": article.slug})
            )
    assert locations == expected
    assert "%C3%A9" in locations[0]  # the slug's é, percent-encoded as reverse() does
    entry = urls[0]
    assert entry.find("sm:lastmod", NS).text == timezone.localdate(article.updated_at).isoformat()
    assert entry.find("sm:changefreq", NS).text == "weekly"
    assert entry.find("sm:priority", NS).text == "0.6"


def test_a_withdrawn_item_leaves_the_sitemap_and_a_new_one_joins_at_the_next_request(
    client, settings
):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    withdrawn = ArticleFactory(slug="withdrawn-article")
    assert "withdrawn-article" in " ".join(sitemap_locations(client, "items"))

    unpublish(Item.objects.filter(pk=withdrawn.pk))
    ArticleFactory(slug="new-article")

    listed = " ".join(sitemap_locations(client, "items"))
    assert "withdrawn-article" not in listed
    assert "new-article" in listed
