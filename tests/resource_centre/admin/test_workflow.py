"""The review workflow in the change forms: Editors write and submit for review, Publishers
publish, schedule and unpublish, superusers do everything; publishing an item with no topic
is refused (drafts and items awaiting review may have none)."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from resource_centre.publishing import PUBLISHABLE_PERMISSIONS, Status
from stories.models import Item, Story
from tests.factories import CompanyResponseFactory, StoryFactory, TopicFactory, days_ago
from tests.resource_centre.admin.conftest import run_publishers_migration
from tests.resource_centre.admin.test_edit_conflicts import change_url, page_data

pytestmark = pytest.mark.django_db

PUBLISHABLE = [
    "stories.topic",
    "stories.item",
    "stories.article",
    "stories.story",
    "stories.opinion",
    "stories.statement",
    "companies.company",
    "responses.companyresponse",
    "resource_centre.sitemessage",
]


def group_codenames(group) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def add_story(client, **fields):
    add_page = client.get("/admin/stories/story/add/")
    data = {
        "title_en": "Spyware used against journalists",
        "slug": "spyware",
        "body_en": "<p>Researchers found it.</p>",
        "status": "draft",
        "published_at_0": "2025-03-04",
        "published_at_1": "10:30:00",
        "original_language": "en",
        "tags": "",
    }
    for inline in add_page.context["inline_admin_formsets"]:
        form = inline.formset.management_form
        for name, field in form.fields.items():
            data[form.add_prefix(name)] = form.initial.get(name, field.initial) or 0
    data.update(fields)
    return client.post("/admin/stories/story/add/", data)


def form_errors(response) -> dict:
    return response.context["adminform"].form.errors


# -- The groups ------------------------------------------------------------------------


def test_every_publishable_model_has_a_publish_permission():
    for label in PUBLISHABLE:
        app_label, model = label.split(".")
        assert Permission.objects.filter(
            content_type__app_label=app_label, codename=f"publish_{model}"
        ).exists(), label
    assert "publish" in PUBLISHABLE_PERMISSIONS


def test_editors_may_not_publish_and_publishers_may(editors_group, publisher):
    publishers = Group.objects.get(name="Publishers")
    editors, can_publish = group_codenames(editors_group), group_codenames(publishers)
    for label in PUBLISHABLE:
        app_label, model = label.split(".")
        assert f"{app_label}.publish_{model}" not in editors
        assert f"{app_label}.publish_{model}" in can_publish
        assert f"{app_label}.change_{model}" in can_publish
    # What Editors may do, Publishers may too; neither deletes content nor manages users.
    assert editors <= can_publish
    assert not {name for name in can_publish if name.startswith(("auth.", "stories.delete_st"))}


def test_publishers_migration_works_before_any_permission_exists(publisher):
    Group.objects.filter(name="Publishers").delete()
    ContentType.objects.filter(
        app_label__in=["stories", "companies", "responses", "resource_centre"]
    ).delete()
    ContentType.objects.clear_cache()

    run_publishers_migration()

    group = Group.objects.get(name="Publishers")
    assert group.permissions.filter(codename="publish_story").exists()
    assert group.permissions.filter(codename="change_story").exists()
    ContentType.objects.clear_cache()


# -- Editors ---------------------------------------------------------------------------


def test_an_editors_status_field_offers_draft_and_ready_for_review_only(editor_client):
    html = editor_client.get("/admin/stories/story/add/").content.decode()

    assert '<option value="draft" selected>Draft</option>' in html
    assert '<option value="review">Ready for review</option>' in html
    assert 'value="published"' not in html


def test_an_editor_who_posts_published_is_refused_with_a_message(editor_client):
    response = add_story(editor_client, status="published", topics=[TopicFactory().pk])

    assert response.status_code == 200
    assert "Only Publishers can publish" in str(form_errors(response)["status"])
    assert not Story.objects.exists()


def test_an_editor_submits_for_review_from_the_form_and_who_and_when_are_kept(
    editor_client, editor
):
    before = timezone.now()
    response = add_story(editor_client, status="review")  # no topic yet: allowed

    assert response.status_code == 302
    story = Story.objects.get()
    assert story.status == Status.REVIEW
    assert story.review_requested_by == editor
    assert story.review_requested_at >= before
    assert not Item.objects.published().exists()
    page = editor_client.get(change_url(story)).content.decode()
    assert "Review requested" in page and "by editor" in page
    listed = editor_client.get("/admin/stories/story/?state=review").content.decode()
    assert "Ready for review" in listed and "by editor" in listed


def test_an_editor_edits_a_published_story_without_changing_its_status_or_date(editor_client):
    story = StoryFactory(title="Old title", published_at=days_ago(2))
    page = editor_client.get(change_url(story))
    form = page.context["adminform"].form
    assert "status" not in form.fields and "published_at" not in form.fields

    data = page_data(page)
    data.update(title_en="New title", status="draft", published_at_0="2030-01-01")
    assert editor_client.post(change_url(story), data).status_code == 302

    story.refresh_from_db()
    assert story.title_en == "New title"
    assert story.is_public
    assert story.published_at.date() == days_ago(2).date()


def test_an_editor_cannot_publish_a_company_response_on_the_story_page(editor_client):
    story = StoryFactory(status=Status.DRAFT, topics=[TopicFactory()])
    response = CompanyResponseFactory(responds_to=story, status=Status.DRAFT)
    page = editor_client.get(change_url(story))
    data = page_data(page)
    data["company_responses-0-status"] = "published"

    refused = editor_client.post(change_url(story), data)

    assert refused.status_code == 200
    assert "Only Publishers can publish" in refused.content.decode()
    response.refresh_from_db()
    assert response.status == Status.DRAFT


# -- Publishers and superusers ---------------------------------------------------------


def test_a_publisher_publishes_what_waits_for_review_from_the_form(publisher_client, editor):
    story = StoryFactory(
        status=Status.REVIEW,
        review_requested_by=editor,
        review_requested_at=days_ago(1),
        topics=[TopicFactory()],
    )
    data = page_data(publisher_client.get(change_url(story)))
    data["status"] = "published"

    assert publisher_client.post(change_url(story), data).status_code == 302

    story.refresh_from_db()
    assert story.is_public
    assert story.review_requested_by is None and story.review_requested_at is None


def test_a_publisher_schedules_and_unpublishes_from_the_form(publisher_client):
    story = StoryFactory(topics=[TopicFactory()])
    data = page_data(publisher_client.get(change_url(story)))
    next_week = timezone.localtime(timezone.now() + dt.timedelta(days=7))
    data.update(published_at_0=next_week.strftime("%Y-%m-%d"), published_at_1="10:00:00")
    assert publisher_client.post(change_url(story), data).status_code == 302
    story.refresh_from_db()
    assert story.is_scheduled

    data = page_data(publisher_client.get(change_url(story)))
    data["status"] = "draft"
    assert publisher_client.post(change_url(story), data).status_code == 302
    story.refresh_from_db()
    assert story.status == Status.DRAFT


@pytest.mark.parametrize("client_fixture", ["publisher_client", "superuser_client"])
def test_publishing_an_item_with_no_topic_is_refused_naming_the_topics_field(
    request, client_fixture
):
    client = request.getfixturevalue(client_fixture)

    response = add_story(client, status="published")

    assert response.status_code == 200
    errors = form_errors(response)
    assert list(errors) == ["topics"]
    assert "Choose at least one topic before publishing" in str(errors["topics"])
    assert not Story.objects.exists()
    assert add_story(client, status="published", topics=[TopicFactory().pk]).status_code == 302
    assert Story.objects.published().count() == 1


def test_a_published_item_may_not_lose_its_last_topic(publisher_client):
    story = StoryFactory(topics=[TopicFactory()])
    data = page_data(publisher_client.get(change_url(story)))
    data["topics"] = []

    response = publisher_client.post(change_url(story), data)

    assert response.status_code == 200
    assert "topics" in form_errors(response)
    assert story.topics.count() == 1


def test_drafts_may_have_no_topic(publisher_client):
    assert add_story(publisher_client, status="draft").status_code == 302
    assert Story.objects.drafts().count() == 1


def test_a_publisher_sees_every_action_on_all_content(publisher_client):
    StoryFactory()
    html = publisher_client.get("/admin/stories/item/").content.decode()
    for action in ("submit_for_review_selected", "publish_selected", "unpublish_selected"):
        assert f'value="{action}"' in html
