"""Bulk add and remove of a topic, company or tag from the item change lists
(resource_centre/bulk_actions.py): an intermediate page with a labelled select, one message
with the count, a version of each changed item, untouched items left alone, and the public
pages, facet counts, search text and content version following."""

import pytest
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from resource_centre import content_version
from stories.models import Item, Story
from tests import factories as f
from tests.html import entry_titles, parse, text
from tests.resource_centre.admin.test_revision_history import admin_url, history_rows
from tests.search.test_facet_counts import assert_counts_exact

pytestmark = pytest.mark.django_db

STORIES = reverse("admin:stories_story_changelist")


def messages_of(response) -> list[str]:
    return [text(li) for li in parse(response).xpath("//ul[@class='messagelist']/li")]


def run(client, action, objects, target=None, changelist=STORIES, **extra):
    data = {"action": action, "_selected_action": [obj.pk for obj in objects], **extra}
    if target is not None:
        data.update(apply="yes", target=target.pk if hasattr(target, "pk") else target)
    return client.post(changelist, data, follow=target is not None)


def version_comments(obj) -> list[str]:
    return [v.revision.comment for v in Version.objects.get_for_object(obj).order_by("pk")]


def test_the_intermediate_page_offers_a_labelled_select_of_topics(editor_client):
    stories = f.StoryFactory.create_batch(2)
    f.TopicFactory(title="Digital freedom")

    page = run(editor_client, "add_topic", stories)

    assert page.status_code == 200
    tree = parse(page)
    label = tree.xpath("//label[@for='id_target']")
    assert label and text(label[0]).startswith("Topic")
    options = [text(o) for o in tree.xpath("//select[@id='id_target']/option")]
    assert "Digital freedom" in options
    assert len(tree.xpath("//input[@name='_selected_action']")) == 2


def test_adding_a_topic_changes_only_the_items_without_it_each_with_a_version(editor_client):
    topic = f.TopicFactory(title="Digital freedom", slug="digital-freedom")
    tagged_before = f.StoryFactory(title="Already there", topics=[topic])
    first = f.StoryFactory(title="First new one")
    second = f.StoryFactory(title="Second new one")
    before = tagged_before.updated_at
    token = content_version.current().token

    response = run(editor_client, "add_topic", [tagged_before, first, second], topic)

    assert messages_of(response) == ["Added the topic “Digital freedom” to 2 items."]
    for story in (first, second):
        assert list(Story.objects.get(pk=story.pk).topics.all()) == [topic]
        rows = history_rows(editor_client.get(admin_url(story, "history")))
        assert rows[0]["action"] == "Added the topic “Digital freedom” (bulk action)."
        assert rows[0]["user"] == "editor"
    # Each its own revision: restoring one never touches the other.
    revision = Version.objects.get_for_object(first).latest("pk").revision
    assert not revision.version_set.filter(object_id=str(second.pk)).exists()
    assert version_comments(tagged_before) == []
    tagged_before.refresh_from_db()
    assert tagged_before.updated_at == before
    assert content_version.current().token != token
    assert_counts_exact()
    # The public topic page lists the items at once, for a visitor.
    page = Client().get(topic.get_absolute_url())
    assert {"First new one", "Second new one", "Already there"} <= set(entry_titles(page))


def test_removing_a_company_offers_only_linked_ones_and_updates_the_search_text(editor_client):
    named = f.CompanyFactory(name="Meridian Telecom")
    other = f.CompanyFactory(name="Unrelated Mining")
    story = f.StoryFactory(companies=[named])
    untouched = f.StoryFactory()
    assert "Meridian Telecom" in Item.objects.get(pk=story.pk).search_extra

    page = run(editor_client, "remove_company", [story, untouched])
    options = [text(o) for o in parse(page).xpath("//select[@id='id_target']/option")]
    assert "Meridian Telecom" in options and "Unrelated Mining" not in options
    response = run(editor_client, "remove_company", [story, untouched], named)

    assert messages_of(response) == ["Removed the company “Meridian Telecom” from 1 item."]
    assert not Story.objects.get(pk=story.pk).companies.exists()
    assert "Meridian Telecom" not in Item.objects.get(pk=story.pk).search_extra
    assert version_comments(untouched) == []
    # Not offered, so refused as a choice: nothing changes.
    page = run(editor_client, "remove_company", [story], other)
    assert page.status_code == 200
    assert parse(page).xpath("//ul[@class='errorlist']")
    assert_counts_exact()


def test_adding_and_removing_a_tag_from_the_all_content_list(editor_client):
    tag = f.TagFactory(name="Surveillance")
    article = f.ArticleFactory(title="An article")
    story = f.StoryFactory(title="A story")
    items = reverse("admin:stories_item_changelist")

    response = run(editor_client, "add_tag", [article, story], tag, changelist=items)
    assert messages_of(response) == ["Added the tag “Surveillance” to 2 items."]
    assert [t.name for t in Item.objects.get(pk=article.pk).tags.all()] == ["Surveillance"]
    assert_counts_exact()
    # The version is the article's own (its kind's admin shows it).
    rows = history_rows(editor_client.get(admin_url(article, "history")))
    assert rows[0]["action"] == "Added the tag “Surveillance” (bulk action)."

    response = run(editor_client, "remove_tag", [article], tag, changelist=items)
    assert messages_of(response) == ["Removed the tag “Surveillance” from 1 item."]
    assert not Item.objects.get(pk=article.pk).tags.exists()
    assert Item.objects.get(pk=story.pk).tags.count() == 1
    assert_counts_exact()


def test_removing_a_topic_never_leaves_published_content_without_one(editor_client):
    """Published (or scheduled) items whose only topic it is keep it, and the message says
    so; drafts, and items with another topic, lose it."""
    business, labour = f.TopicFactory(title="Business"), f.TopicFactory(title="Labour")
    only = f.StoryFactory(title="Only Business", topics=[business])
    scheduled = f.StoryFactory(title="Scheduled", topics=[business], published_at=f.days_ago(-3))
    both = f.StoryFactory(title="Both", topics=[business, labour])
    draft = f.StoryFactory(title="Draft", topics=[business], status="draft")

    response = run(editor_client, "remove_topic", [only, scheduled, both, draft], business)

    assert messages_of(response) == [
        "2 published items keep “Business”: it is their only one, and published content "
        "needs one. Unpublish them or give them another first.",
        "Removed the topic “Business” from 2 items.",
    ]
    assert list(only.topics.all()) == [business] and list(scheduled.topics.all()) == [business]
    assert list(both.topics.all()) == [labour] and not draft.topics.exists()
    assert version_comments(only) == []
    assert_counts_exact()


def test_nothing_to_change_says_so_and_writes_nothing(editor_client):
    topic = f.TopicFactory(title="Business")
    story = f.StoryFactory(topics=[topic])

    response = run(editor_client, "add_topic", [story], topic)

    assert messages_of(response) == ["Nothing changed: every one selected already had “Business”."]
    assert version_comments(story) == []


def test_a_missing_or_unknown_choice_gives_the_form_back(editor_client):
    story = f.StoryFactory()

    for target in ("", "999999", "not-a-number"):
        page = run(editor_client, "add_topic", [story], target)
        assert page.status_code == 200
        assert parse(page).xpath("//ul[@class='errorlist']")
    assert not Story.objects.get(pk=story.pk).topics.exists()


def test_the_actions_need_the_change_permission(client, editors_group):
    from django.contrib.auth.models import Permission

    from tests.resource_centre.admin.conftest import make_editor

    viewer = make_editor(username="viewer")
    viewer.groups.clear()
    viewer.user_permissions.add(Permission.objects.get(codename="view_story"))
    client.force_login(viewer)
    topic = f.TopicFactory()
    story = f.StoryFactory()

    page = client.get(STORIES)
    assert page.status_code == 200
    assert b"add_topic" not in page.content
    run(client, "add_topic", [story], topic)
    assert not Story.objects.get(pk=story.pk).topics.exists()
