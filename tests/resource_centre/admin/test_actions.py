"""Bulk publish and unpublish from the changelists, with the publish permission required
(Publishers, superusers); items need a topic to be published."""

import datetime as dt

import factory
import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from companies.models import Company
from resource_centre.publishing import Status
from stories.models import Story
from tests.factories import CompanyFactory, TopicFactory, days_ago
from tests.factories import StoryFactory as BareStoryFactory

pytestmark = pytest.mark.django_db


class StoryFactory(BareStoryFactory):
    """A story on a topic, as publishing needs."""

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create:
            self.topics.set(extracted or [TopicFactory()])


def run_action(client, path, action, objects):
    return client.post(
        path, {"action": action, "_selected_action": [obj.pk for obj in objects]}, follow=True
    )


def test_publish_action_publishes_drafts_dated_now(publisher_client):
    drafts = StoryFactory.create_batch(2, status=Status.DRAFT, published_at=days_ago(5))
    untouched = StoryFactory(status=Status.DRAFT)
    before = timezone.now()

    response = run_action(publisher_client, "/admin/stories/story/", "publish_selected", drafts)

    assert response.status_code == 200
    assert "2 published now." in response.content.decode()
    for story in Story.objects.filter(pk__in=[d.pk for d in drafts]):
        assert story.status == Status.PUBLISHED
        assert story.published_at >= before
        assert story.is_public
    untouched.refresh_from_db()
    assert untouched.status == Status.DRAFT


def test_publish_action_keeps_a_future_date_so_the_story_is_scheduled(publisher_client):
    next_week = timezone.now() + dt.timedelta(days=7)
    draft = StoryFactory(status=Status.DRAFT, published_at=next_week)

    response = run_action(publisher_client, "/admin/stories/story/", "publish_selected", [draft])

    assert "1 scheduled" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert draft.published_at == next_week
    assert draft.is_scheduled
    assert not Story.objects.published().filter(pk=draft.pk).exists()


def test_publish_action_leaves_published_dates_alone(publisher_client):
    story = StoryFactory(published_at=days_ago(30))
    original_date = story.published_at

    response = run_action(publisher_client, "/admin/stories/story/", "publish_selected", [story])

    assert "Nothing to publish" in response.content.decode()
    story.refresh_from_db()
    assert story.published_at == original_date


def test_unpublish_action_turns_published_stories_into_drafts(publisher_client):
    stories = StoryFactory.create_batch(3)

    response = run_action(
        publisher_client, "/admin/stories/story/", "unpublish_selected", stories[:2]
    )

    assert "2 turned back into drafts." in response.content.decode()
    assert list(Story.objects.drafts().order_by("pk")) == stories[:2]
    assert list(Story.objects.published()) == [stories[2]]


def test_publish_action_works_on_companies_too(publisher_client):
    company = CompanyFactory(status=Status.DRAFT)

    run_action(publisher_client, "/admin/companies/company/", "publish_selected", [company])

    assert Company.objects.published().get() == company


def test_publish_action_changes_last_changed_time(publisher_client):
    story = StoryFactory(status=Status.DRAFT)
    Story.objects.filter(pk=story.pk).update(updated_at=days_ago(3))

    run_action(publisher_client, "/admin/stories/story/", "unpublish_selected", [story])
    run_action(publisher_client, "/admin/stories/story/", "publish_selected", [story])

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


# -- The review workflow ---------------------------------------------------------------------


def test_editor_sees_submit_for_review_but_neither_publish_nor_unpublish(editor_client):
    StoryFactory()  # a list with no rows shows no actions
    page = editor_client.get("/admin/stories/story/").content.decode()

    assert 'value="submit_for_review_selected"' in page
    assert 'value="publish_selected"' not in page
    assert 'value="unpublish_selected"' not in page


def test_editor_cannot_publish_or_unpublish_in_bulk(editor_client):
    draft = StoryFactory(status=Status.DRAFT)
    public = StoryFactory()

    run_action(editor_client, "/admin/stories/story/", "publish_selected", [draft])
    run_action(editor_client, "/admin/stories/story/", "unpublish_selected", [public])

    draft.refresh_from_db()
    public.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert public.is_public


def test_editor_submits_drafts_for_review_in_bulk_recording_who_and_when(editor_client, editor):
    drafts = StoryFactory.create_batch(2, status=Status.DRAFT)
    public = StoryFactory()
    before = timezone.now()

    response = run_action(
        editor_client, "/admin/stories/story/", "submit_for_review_selected", [*drafts, public]
    )

    assert "2 submitted for review." in response.content.decode()
    for story in Story.objects.filter(pk__in=[d.pk for d in drafts]):
        assert story.status == Status.REVIEW
        assert story.review_requested_by == editor
        assert story.review_requested_at >= before
        assert not story.is_public
    assert not Story.objects.published().filter(pk__in=[d.pk for d in drafts]).exists()
    public.refresh_from_db()
    assert public.is_public and public.review_requested_by is None


def test_submit_for_review_of_nothing_but_published_items_says_so(editor_client):
    public = StoryFactory()

    response = run_action(
        editor_client, "/admin/stories/story/", "submit_for_review_selected", [public]
    )

    assert "Nothing to submit" in response.content.decode()


def test_publisher_publishes_what_waits_for_review_and_the_request_is_cleared(
    publisher_client, editor
):
    waiting = StoryFactory(
        status=Status.REVIEW,
        review_requested_by=editor,
        review_requested_at=days_ago(1),
        published_at=days_ago(3),
    )

    response = run_action(publisher_client, "/admin/stories/story/", "publish_selected", [waiting])

    assert "1 published now." in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.is_public
    assert waiting.review_requested_by is None and waiting.review_requested_at is None


def test_bulk_publish_skips_items_without_a_topic_names_them_and_publishes_the_others(
    publisher_client,
):
    on_a_topic = StoryFactory(status=Status.DRAFT, title="On a topic")
    nowhere = BareStoryFactory(status=Status.DRAFT, title="Filed nowhere")
    also_nowhere = BareStoryFactory(status=Status.REVIEW, title="Waiting, filed nowhere")

    response = run_action(
        publisher_client,
        "/admin/stories/story/",
        "publish_selected",
        [on_a_topic, nowhere, also_nowhere],
    )

    html = response.content.decode()
    assert "1 published now." in html
    assert "2 not published" in html
    assert "“Filed nowhere”" in html and "“Waiting, filed nowhere”" in html
    assert "Choose at least one topic before publishing" in html
    assert "“On a topic”" not in html
    on_a_topic.refresh_from_db()
    nowhere.refresh_from_db()
    also_nowhere.refresh_from_db()
    assert on_a_topic.is_public
    assert nowhere.status == Status.DRAFT
    assert also_nowhere.status == Status.REVIEW


def test_all_content_publishes_items_of_every_kind_and_skips_those_without_a_topic(
    publisher_client,
):
    on_a_topic = StoryFactory(status=Status.DRAFT)
    nowhere = BareStoryFactory(status=Status.DRAFT, title="Filed nowhere")

    response = run_action(
        publisher_client, "/admin/stories/item/", "publish_selected", [on_a_topic, nowhere]
    )

    assert "“Filed nowhere”" in response.content.decode()
    assert Story.objects.published().get() == on_a_topic


def test_bulk_submit_and_publish_are_recorded_in_the_history(editor, client):
    from reversion.models import Version

    from tests.resource_centre.admin.conftest import make_publisher

    draft = StoryFactory(status=Status.DRAFT)
    client.force_login(editor)
    run_action(client, "/admin/stories/story/", "submit_for_review_selected", [draft])
    client.force_login(make_publisher())
    run_action(client, "/admin/stories/story/", "publish_selected", [draft])

    versions = Version.objects.get_for_object(draft).select_related("revision__user")
    recorded = [(getattr(v.revision.user, "username", None), v.revision.comment) for v in versions]
    assert ("editor", '{"history": "submitted"}') in recorded
    assert ("publisher", '{"history": "published"}') in recorded
    history = client.get(f"/admin/stories/story/{draft.pk}/history/").content.decode()
    assert "Submitted for review (bulk action)." in history
    assert "Published (bulk action)." in history
