"""Content lists in the admin: a constant number of queries, and a link to the public page
that reads "Preview" while the content is not public."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from resource_centre.publishing import Status
from tests.factories import (
    ArticleFactory,
    CompanyFactory,
    CompanyResponseFactory,
    IssueFactory,
    OpinionFactory,
    SectorFactory,
    SiteMessageFactory,
    StatementFactory,
    StoryFactory,
    TagFactory,
    TopicFactory,
)
from tests.resource_centre.admin.conftest import changelist_titles

pytestmark = pytest.mark.django_db

MAX_CHANGELIST_QUERIES = 12


def make_stories(n, topic, company):
    for i in range(n):
        StoryFactory(title_fr=f"Histoire {i}" if i % 2 else "", topics=[topic], companies=[company])


def make_mix(n, topic, company):
    kinds = [ArticleFactory, StoryFactory, OpinionFactory, StatementFactory]
    for i in range(n):
        if i % 5 == 4:
            CompanyResponseFactory(company=company, topics=[topic])
        else:
            kinds[i % 4](topics=[topic], companies=[company])


def make_topics(n, topic, company):
    for _i in range(n):
        TopicFactory(parent=topic)


def make_companies(n, topic, company):
    sector = SectorFactory()
    for _i in range(n):
        CompanyFactory().sectors.add(sector)


def make_responses(n, topic, company):
    story = StoryFactory()
    for _i in range(n):
        CompanyResponseFactory(company=CompanyFactory(), responds_to=story)


CHANGELISTS = {
    "/admin/stories/story/": make_stories,
    "/admin/stories/article/": lambda n, t, c: ArticleFactory.create_batch(n, topics=[t]),
    "/admin/stories/opinion/": lambda n, t, c: OpinionFactory.create_batch(n, topics=[t]),
    "/admin/stories/statement/": lambda n, t, c: StatementFactory.create_batch(n),
    "/admin/stories/item/": make_mix,
    "/admin/stories/topic/": make_topics,
    "/admin/stories/tag/": lambda n, t, c: TagFactory.create_batch(n),
    "/admin/companies/company/": make_companies,
    "/admin/companies/sector/": lambda n, t, c: SectorFactory.create_batch(n),
    "/admin/responses/companyresponse/": make_responses,
    "/admin/responses/issue/": lambda n, t, c: IssueFactory.create_batch(n),
    "/admin/resource_centre/sitemessage/": lambda n, t, c: SiteMessageFactory.create_batch(n),
}


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", CHANGELISTS)
def test_changelist_needs_the_same_queries_for_5_and_30_entries(
    editor_client, path, django_assert_max_num_queries
):
    make = CHANGELISTS[path]
    topic, company = TopicFactory(), CompanyFactory()
    make(5, topic, company)
    with django_assert_max_num_queries(MAX_CHANGELIST_QUERIES):
        with_five = count_queries(editor_client, path)

    make(25, topic, company)
    with django_assert_max_num_queries(MAX_CHANGELIST_QUERIES):
        with_thirty = count_queries(editor_client, path)

    assert with_thirty == with_five


def test_draft_has_a_preview_link_to_its_public_page(editor_client):
    draft = StoryFactory(status=Status.DRAFT, slug="a-draft")

    html = editor_client.get("/admin/stories/story/").content.decode()

    assert (
        f'<a class="rc-preview" href="{draft.get_absolute_url()}" target="_blank" '
        'rel="noopener">Preview</a>'
    ) in html
    assert '<span class="rc-state rc-state--draft">Draft</span>' in html


def test_scheduled_story_has_a_preview_link(editor_client):
    scheduled = StoryFactory(published_at=timezone.now() + dt.timedelta(days=2))

    html = editor_client.get("/admin/stories/story/").content.decode()

    assert f'class="rc-preview" href="{scheduled.get_absolute_url()}"' in html
    assert "rc-state--scheduled" in html


def test_public_story_has_a_view_link(editor_client):
    story = StoryFactory()

    html = editor_client.get("/admin/stories/story/").content.decode()

    assert f'<a class="rc-view" href="{story.get_absolute_url()}"' in html
    assert 'class="rc-preview"' not in html


def test_change_form_of_a_draft_offers_preview_not_view_on_site(editor_client):
    draft = StoryFactory(status=Status.DRAFT)

    html = editor_client.get(f"/admin/stories/story/{draft.pk}/change/").content.decode()

    assert "Preview draft" in html
    assert "View on site" not in html


def test_change_form_of_a_public_story_offers_view_on_site(editor_client):
    story = StoryFactory()

    response = editor_client.get(f"/admin/stories/story/{story.pk}/change/")
    html = response.content.decode()

    assert "View on site" in html
    assert "Preview draft" not in html
    # The "view on site" address leads to the story's public page.
    shortcut = response.context["absolute_url"]
    assert editor_client.get(shortcut).url.endswith(story.get_absolute_url())


def test_all_content_sends_each_row_to_the_admin_of_its_kind(editor_client):
    article = ArticleFactory()

    response = editor_client.get(f"/admin/stories/item/{article.pk}/change/")

    assert response.status_code == 302
    assert response.url == f"/admin/stories/article/{article.pk}/change/"


def test_all_content_cannot_add_items_of_no_kind(editor_client):
    assert editor_client.get("/admin/stories/item/add/").status_code == 403


def test_changelist_search_finds_a_story_by_its_french_title(editor_client):
    StoryFactory(title="Mining in the Andes", title_fr="Exploitation minière dans les Andes")
    StoryFactory(title="Garment workers")

    response = editor_client.get("/admin/stories/story/", {"q": "minière"})

    assert "Mining in the Andes" in response.content.decode()
    assert "Garment workers" not in response.content.decode()


def test_company_country_filter_offers_only_countries_in_use(editor_client):
    CompanyFactory(name="Meridian Telecom", headquarters_country="KE")
    CompanyFactory(name="Acme Mining", headquarters_country="CL")

    response = editor_client.get("/admin/companies/company/", {"headquarters_country": "KE"})
    html = response.content.decode()

    assert changelist_titles(response) == ["Meridian Telecom"]
    assert "Kenya" in html and "Chile" in html
    assert "Andorra" not in html


@pytest.mark.parametrize(
    "state, expected",
    [("draft", ["Draft"]), ("scheduled", ["Scheduled"]), ("published", ["Public"])],
)
def test_status_filter_tells_drafts_scheduled_and_public_apart(editor_client, state, expected):
    StoryFactory(title="Draft", status=Status.DRAFT)
    StoryFactory(title="Scheduled", published_at=timezone.now() + dt.timedelta(hours=3))
    StoryFactory(title="Public")

    response = editor_client.get("/admin/stories/story/", {"state": state})

    assert changelist_titles(response) == expected


def test_all_content_filters_by_kind_and_topic(editor_client):
    water = TopicFactory(title="Water")
    ArticleFactory(title="Article on water", topics=[water])
    StoryFactory(title="Story on water", topics=[water])
    StoryFactory(title="Story on land")

    response = editor_client.get(
        "/admin/stories/item/", {"kind__exact": "story", "topics__id__exact": water.pk}
    )

    assert changelist_titles(response) == ["Story on water"]
