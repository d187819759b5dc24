"""An editor in a real browser (Debian chromium) takes a story from a news outlet's feed to
a topic page: source added → polled → entry in the inbox → Create article → published →
on the topic page. The feed is served from this test on loopback."""

import pytest
from django.contrib.auth.models import Permission
from django.utils import translation
from playwright.sync_api import expect

from monitoring.models import Entry, EntryState, Source
from monitoring.tasks import poll_due_sources
from stories.models import Article
from tests import factories as f
from tests.e2e.conftest import screenshot
from tests.e2e.test_accessibility import blocking_violations
from tests.monitoring.feedserver import RSS_TYPE, FeedServer, rss
from tests.resource_centre.admin.conftest import (
    get_editors_group,
    get_publishers_group,
    make_editor,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

HEADLINE = "Meridian Telecom cuts mobile data as digital freedom groups protest"


@pytest.fixture
def outlet():
    server = FeedServer().start()
    server.serve(
        "/rss.xml",
        rss(
            [
                {
                    "title": HEADLINE,
                    "link": "https://courier.example/news/shutdown?utm_source=rss",
                    "guid": "https://courier.example/news/shutdown",
                    "description": "<p>Mobile data was cut for nine days in the north.</p>",
                    "author": "Lina Haddad",
                }
            ]
        ),
        headers=RSS_TYPE,
    )
    yield server
    server.stop()


def test_a_story_from_a_feed_reaches_its_topic_page(web, outlet):
    topic = f.TopicFactory(title="Digital freedom", slug="digital-freedom")
    company = f.CompanyFactory(name="Meridian Telecom", slug="meridian-telecom")
    # A transactional test's fresh Editors group, with what monitoring's migration adds.
    get_editors_group().permissions.add(
        *Permission.objects.filter(content_type__app_label="monitoring")
    )
    # An editor who also publishes (Publishers), so the article goes out at once.
    make_editor(username="editor", password="a-long-editor-password").groups.add(
        get_publishers_group()
    )
    web.goto("/admin/login/?next=/admin/monitoring/source/add/")
    web.fill("#id_username", "editor")
    web.fill("#id_password", "a-long-editor-password")
    web.click("input[type=submit]")

    # The source.
    web.fill("#id_publication", "The Daily Courier")
    web.fill("#id_feed_url", outlet.url("/rss.xml"))
    web.select_option("#id_language", "en")
    web.click("input[name=_save]")
    web.wait_for_url("**/admin/monitoring/source/")
    expect(web.get_by_text("Not polled yet")).to_be_visible()

    # The scheduled job runs (immediate mode in tests) and polls it.
    poll_due_sources()
    assert Source.objects.get().last_status == 200

    # The entry in the inbox, the company and topic it names marked.
    web.goto("/admin/monitoring/entry/")
    row = web.locator("#result_list tbody tr", has_text="cuts mobile data")
    expect(row.locator("mark.rc-match--company")).to_have_text("Meridian Telecom")
    expect(row.locator("mark.rc-match--topic")).to_have_text("digital freedom")
    expect(row).to_contain_text("The Daily Courier")
    screenshot(web, "admin-monitoring-inbox.png")
    assert blocking_violations(web) == []

    # Create article: the form is filled in from the entry.
    row.get_by_role("link", name="Create article").click()
    expect(web.locator("#id_title_en")).to_have_value(HEADLINE)
    expect(web.locator("#id_original_headline_en")).to_have_value(HEADLINE)
    expect(web.locator("#id_author_en")).to_have_value("Lina Haddad")
    expect(web.locator("#id_publication_en")).to_have_value("The Daily Courier")
    expect(web.locator("#id_source_url")).to_have_value(
        "https://courier.example/news/shutdown?utm_source=rss"
    )
    expect(web.locator("#id_topics option[selected]")).to_have_text("Digital freedom")
    expect(web.locator("#id_companies option[selected]")).to_have_text("Meridian Telecom")
    web.select_option("#id_status", "published")
    web.locator("input[name=_save]").first.click()
    web.wait_for_url("**/admin/stories/article/")

    article = Article.objects.get()
    entry = Entry.objects.get()
    assert (entry.state, entry.article) == (EntryState.USED, article)
    assert list(article.topics.all()) == [topic]
    assert list(article.companies.all()) == [company]

    # Published on its topic page.
    with translation.override("en"):
        topic_path = topic.get_absolute_url()
    web.goto(topic_path)
    expect(web.get_by_role("link", name=HEADLINE, exact=True)).to_be_visible()
