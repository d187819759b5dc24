import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.utils import timezone

from resource_centre.publishing import Status
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


def sitemap_locations(client, section):
    response = client.get(f"/sitemap-{section}.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return root, [loc.text for loc in root.findall("sm:url/sm:loc", NS)]


def test_sitemap_index_lists_each_section(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    sections = [loc.text for loc in root.findall("sm:sitemap/sm:loc", NS)]
    assert any(s.endswith("/sitemap-topics.xml") for s in sections)
    assert any(s.endswith("/sitemap-items.xml") for s in sections)
    assert any(s.endswith("/sitemap-companies.xml") for s in sections)


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
    TopicFactory(slug="draft-topic", status=Status.DRAFT)
    CompanyFactory(slug="draft-company", status=Status.DRAFT)
    body = b"".join(
        client.get(f"/sitemap-{section}.xml").content
        for section in ("items", "topics", "companies")
    )
    assert b"draft-article" not in body
    assert b"scheduled-article" not in body
    assert b"draft-topic" not in body
    assert b"draft-company" not in body


def test_topic_and_company_sitemaps_link_their_pages(client):
    TopicFactory(slug="digital-freedom")
    CompanyFactory(slug="nso-group")
    _root, topics = sitemap_locations(client, "topics")
    _root, companies = sitemap_locations(client, "companies")
    assert "http://testserver/en/topics/digital-freedom/" in topics
    assert "http://testserver/en/companies/nso-group/" in companies


def test_unknown_sitemap_section_is_404(client):
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_sitemap_query_count_is_constant(client, django_assert_max_num_queries):
    ArticleFactory.create_batch(60)
    with django_assert_max_num_queries(3):
        client.get("/sitemap-items.xml")


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text
