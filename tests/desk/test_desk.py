"""The editors' desk on the admin index (desk/queues.py): what waits for each editor and
publisher, each entry linking to its change page, in a constant number of queries."""

import datetime as dt
import re

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from resource_centre.models import EditorProfile
from resource_centre.publishing import Status
from tests.factories import ArticleFactory, OpinionFactory, StoryFactory, TopicFactory, days_ago
from tests.html import parse

pytestmark = pytest.mark.django_db


def queue(response, key) -> list[tuple[str, str]]:
    """(title, link) of each entry of the desk's list `key`, top to bottom."""
    section = parse(response).find(f".//section[@id='desk-{key}']")
    assert section is not None, key
    return [(a.text, a.get("href")) for a in section.findall("./ul/li/a")]


def queue_text(response, key) -> str:
    section = parse(response).find(f".//section[@id='desk-{key}']")
    return " ".join("".join(section.itertext()).split())


def log_change(user, obj):
    LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action_flag=CHANGE,
    )


def test_the_index_names_the_list_of_every_kind_all_content(editor_client):
    html = editor_client.get("/admin/").content.decode()

    assert re.search(r'<a href="/admin/stories/item/">All content</a>', html)
    assert '<a href="/admin/stories/item/">Items</a>' not in html


def test_my_drafts_are_the_drafts_i_added_or_changed(editor_client, editor):
    mine = StoryFactory(status=Status.DRAFT, title="My draft")
    log_change(editor, mine)
    StoryFactory(status=Status.DRAFT, title="Someone else's draft")
    published = StoryFactory(title="Mine, but published")
    log_change(editor, published)

    response = editor_client.get("/admin/")

    assert queue(response, "drafts") == [("My draft", f"/admin/stories/story/{mine.pk}/change/")]


def test_a_draft_added_in_the_admin_is_on_my_desk(editor_client):
    add_page = editor_client.get("/admin/stories/opinion/add/")
    assert add_page.status_code == 200
    from tests.resource_centre.admin.test_workflow import add_story

    assert add_story(editor_client, title_en="Added just now").status_code == 302

    assert [title for title, _url in queue(editor_client.get("/admin/"), "drafts")] == [
        "Added just now"
    ]


def test_awaiting_review_lists_the_longest_waiting_first_with_who_asked(publisher_client, editor):
    newer = ArticleFactory(
        status=Status.REVIEW,
        title="Asked today",
        review_requested_by=editor,
        review_requested_at=timezone.now(),
    )
    older = OpinionFactory(
        status=Status.REVIEW,
        title="Asked last week",
        review_requested_by=editor,
        review_requested_at=days_ago(7),
    )
    StoryFactory(status=Status.DRAFT, title="Not asked")

    response = publisher_client.get("/admin/")

    assert queue(response, "review") == [
        ("Asked last week", f"/admin/stories/opinion/{older.pk}/change/"),
        ("Asked today", f"/admin/stories/article/{newer.pk}/change/"),
    ]
    assert "asked by editor" in queue_text(response, "review")


def test_scheduled_next_is_soonest_first_and_recently_published_newest_first(editor_client):
    now = timezone.now()
    later = StoryFactory(title="Next month", published_at=now + dt.timedelta(days=30))
    sooner = StoryFactory(title="Tomorrow", published_at=now + dt.timedelta(days=1))
    old = StoryFactory(title="Last week", published_at=days_ago(7))
    new = StoryFactory(title="Yesterday", published_at=days_ago(1))
    StoryFactory(status=Status.DRAFT, title="A draft", published_at=days_ago(2))
    StoryFactory(status=Status.REVIEW, title="Waiting", published_at=days_ago(2))

    response = editor_client.get("/admin/")

    assert [t for t, _u in queue(response, "scheduled")] == [str(sooner), str(later)]
    assert [t for t, _u in queue(response, "published")] == [str(new), str(old)]


def test_missing_translations_are_in_my_languages(editor_client, editor):
    EditorProfile.objects.create(user=editor, languages=["fr", "ar"])
    StoryFactory(title="In every language of mine", title_fr="Partout", title_ar="في كل مكان")
    no_french = StoryFactory(title="No French", title_ar="بالعربية")
    StoryFactory(title="No Spanish", title_fr="Pas d'espagnol", title_ar="لا")

    response = editor_client.get("/admin/")

    assert queue(response, "translations") == [
        ("No French", f"/admin/stories/story/{no_french.pk}/change/")
    ]
    assert "missing: fr" in queue_text(response, "translations")
    assert 'href="/admin/stories/item/?missing=fr"' in response.content.decode()


def test_without_languages_the_desk_says_how_to_get_that_list(editor_client):
    response = editor_client.get("/admin/")

    assert queue(response, "translations") == []
    assert "Choose the languages you work in" in queue_text(response, "translations")


def test_each_list_links_to_the_whole_list_in_all_content(editor_client):
    html = editor_client.get("/admin/").content.decode()

    for state in ("draft", "review", "scheduled", "published"):
        assert f'href="/admin/stories/item/?state={state}"' in html


def test_the_review_filter_of_all_content_lists_what_waits(editor_client):
    StoryFactory(status=Status.REVIEW, title="Waiting")
    StoryFactory(status=Status.DRAFT, title="A draft")

    html = editor_client.get("/admin/stories/item/?state=review").content.decode()

    assert "Waiting" in html and "A draft" not in html


def test_staff_who_may_not_see_items_get_no_desk(client, django_user_model):
    staff = django_user_model.objects.create_user("staff", password="pw-long-enough", is_staff=True)
    client.force_login(staff)

    html = client.get("/admin/").content.decode()

    assert "desk-review" not in html


def make_content(n, editor):
    topic = TopicFactory()
    now = timezone.now()
    for i in range(n):
        draft = StoryFactory(status=Status.DRAFT, topics=[topic])
        log_change(editor, draft)
        ArticleFactory(
            status=Status.REVIEW,
            review_requested_by=editor,
            review_requested_at=days_ago(i),
            topics=[topic],
        )
        OpinionFactory(published_at=now + dt.timedelta(days=i + 1), topics=[topic])
        StoryFactory(published_at=days_ago(i + 1), topics=[topic])


@pytest.mark.parametrize("count", [1, 12])
def test_the_desk_reads_a_constant_number_of_queries(
    editor_client, editor, count, django_assert_max_num_queries
):
    EditorProfile.objects.create(user=editor, languages=["fr", "de"])
    make_content(count, editor)

    # Session, user, permissions (2), the editor profile, five lists, recent actions: 11.
    with django_assert_max_num_queries(11):
        response = editor_client.get("/admin/")

    assert len(queue(response, "drafts")) == min(count, 5)
    assert len(queue(response, "review")) == min(count, 5)
    assert len(queue(response, "scheduled")) == min(count, 5)
    assert len(queue(response, "published")) == min(count, 5)
    assert len(queue(response, "translations")) == min(count * 4, 5)
