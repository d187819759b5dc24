"""Bulk publish and unpublish from the changelists, with the change permission required."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from companies.models import Company
from resource_centre.publishing import Status
from stories.models import Story
from tests.factories import CompanyFactory, StoryFactory, days_ago

pytestmark = pytest.mark.django_db


def run_action(client, path, action, objects):
    return client.post(
        path, {"action": action, "_selected_action": [obj.pk for obj in objects]}, follow=True
    )


def test_publish_action_publishes_drafts_dated_now(editor_client):
    drafts = StoryFactory.create_batch(2, status=Status.DRAFT, published_at=days_ago(5))
    untouched = StoryFactory(status=Status.DRAFT)
    before = timezone.now()

    response = run_action(editor_client, "/admin/stories/story/", "publish_selected", drafts)

    assert response.status_code == 200
    assert "2 published now." in response.content.decode()
    for story in Story.objects.filter(pk__in=[d.pk for d in drafts]):
        assert story.status == Status.PUBLISHED
        assert story.published_at >= before
        assert story.is_public
    untouched.refresh_from_db()
    assert untouched.status == Status.DRAFT


def test_publish_action_keeps_a_future_date_so_the_story_is_scheduled(editor_client):
    next_week = timezone.now() + dt.timedelta(days=7)
    draft = StoryFactory(status=Status.DRAFT, published_at=next_week)

    response = run_action(editor_client, "/admin/stories/story/", "publish_selected", [draft])

    assert "1 scheduled" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert draft.published_at == next_week
    assert draft.is_scheduled
    assert not Story.objects.published().filter(pk=draft.pk).exists()


def test_publish_action_leaves_published_dates_alone(editor_client):
    story = StoryFactory(published_at=days_ago(30))
    original_date = story.published_at

    response = run_action(editor_client, "/admin/stories/story/", "publish_selected", [story])

    assert "Nothing to publish" in response.content.decode()
    story.refresh_from_db()
    assert story.published_at == original_date


def test_unpublish_action_turns_published_stories_into_drafts(editor_client):
    stories = StoryFactory.create_batch(3)

    response = run_action(editor_client, "/admin/stories/story/", "unpublish_selected", stories[:2])

    assert "2 turned back into drafts." in response.content.decode()
    assert list(Story.objects.drafts().order_by("pk")) == stories[:2]
    assert list(Story.objects.published()) == [stories[2]]


def test_publish_action_works_on_companies_too(editor_client):
    company = CompanyFactory(status=Status.DRAFT)

    run_action(editor_client, "/admin/companies/company/", "publish_selected", [company])

    assert Company.objects.published().get() == company


def test_publish_action_changes_last_changed_time(editor_client):
    story = StoryFactory(status=Status.DRAFT)
    Story.objects.filter(pk=story.pk).update(updated_at=days_ago(3))

    run_action(editor_client, "/admin/stories/story/", "unpublish_selected", [story])
    run_action(editor_client, "/admin/stories/story/", "publish_selected", [story])

    story.refresh_from_db()
    assert story.updated_at > days_ago(1)


def test_staff_with_view_permission_only_cannot_publish(client):
    viewer = User.objects.create_user("viewer", password="a-long-viewer-password", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_story"))
    client.force_login(viewer)
    draft = StoryFactory(status=Status.DRAFT)

    page = client.get("/admin/stories/story/")
    assert page.status_code == 200
    assert "publish_selected" not in page.content.decode()
    client.post(
        "/admin/stories/story/", {"action": "publish_selected", "_selected_action": [draft.pk]}
    )

    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
