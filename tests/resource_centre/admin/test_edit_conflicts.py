"""Edit conflicts (resource_centre/content_admin.py, EditConflictAdminMixin): two editors
open the same page; the first saves; the second's save from the stale form is refused with a
message that says what the first changed, and nothing either of them wrote is lost: the form
keeps what the second typed and shows the first's values in the fields the second had left
alone, so saving again keeps both."""

import html
import re

import pytest
from django import forms
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from companies.models import Company
from resource_centre.models import SiteMessage
from responses.models import CompanyResponse
from stories.models import Article, Opinion, Signatory, Statement, Story, Topic
from tests import factories as f
from tests.html import parse, text
from tests.resource_centre.admin.conftest import make_editor, make_publisher

pytestmark = pytest.mark.django_db


def field_data(form) -> dict:
    """What a browser posts back for `form` as the page shows it."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        key = form.add_prefix(name)
        if isinstance(field, forms.FileField):  # nothing chosen: nothing sent
            continue
        if hasattr(field.widget, "widgets"):  # split date and time
            parts = value if isinstance(value, list) else field.widget.decompress(value)
            for i, part in enumerate(parts):
                data[f"{key}_{i}"] = "" if part is None else part
        elif isinstance(value, bool):
            if value:
                data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [v for v in value if v is not None]
        elif value is None:
            data[key] = ""
        else:
            data[key] = value
    return data


def page_data(response) -> dict:
    """Everything a browser would post back from an admin change page, unchanged: the
    object's fields, each inline row's and its management form, and the edit token."""
    assert response.status_code == 200
    data = field_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for form in formset.forms:
            data.update(field_data(form))
    token = re.search(r'<input type="hidden" name="_edit_token" value="([^"]*)"', html_of(response))
    if token:
        data["_edit_token"] = html.unescape(token.group(1))
    return data


def html_of(response) -> str:
    return response.content.decode()


def errors_shown(response) -> list[str]:
    """The errors listed at the top of the form, as the editor reads them."""
    page = parse(response)
    return [text(li) for li in page.xpath("//ul[contains(@class, 'nonfield')]/li")]


def shown_value(response, name) -> str:
    """The value the form shows in input or textarea `name`."""
    page = parse(response)
    (element,) = page.xpath(f"//*[@name='{name}']")
    if element.tag == "textarea":  # the line break after <textarea> is not part of it
        return (element.text or "").removeprefix("\n")
    return element.get("value", "")


@pytest.fixture
def first(editors_group):
    client = Client()
    client.force_login(make_editor("amina", "a-long-password-for-amina"))
    return client


@pytest.fixture
def second(editors_group):
    client = Client()
    client.force_login(make_editor("bruno", "a-long-password-for-bruno"))
    return client


def change_url(obj) -> str:
    opts = obj._meta
    return f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/change/"


def test_a_save_from_a_stale_story_form_is_refused_and_nothing_is_lost(first, second):
    story = f.StoryFactory(
        title="Old title", summary="Old summary", body="<p>Old body.</p>", status="draft"
    )
    url = change_url(story)
    stale = page_data(second.get(url))  # the second editor opens the story first

    mine = page_data(first.get(url))
    mine.update(title_en="New title", summary_en="New summary")
    assert first.post(url, mine).status_code == 302

    stale["body_en"] = "<p>My new paragraph.</p>"
    refused = second.post(url, stale)

    assert refused.status_code == 200
    errors = errors_shown(refused)
    assert errors[0].startswith("amina saved this story at ")
    assert "after you opened it. Nothing of yours is saved yet" in errors[0]
    assert "Title [en] is now “New title”: their change, now in the form." in errors
    assert "Summary [en] is now “New summary”: their change, now in the form." in errors
    assert len(errors) == 3  # the body was changed by the second editor only
    # What the second editor typed is still in the form; the first editor's title and
    # summary are shown beside it, and they are what is stored.
    assert shown_value(refused, "body_en") == "<p>My new paragraph.</p>"
    assert shown_value(refused, "title_en") == "New title"
    assert shown_value(refused, "summary_en") == "New summary"
    story.refresh_from_db()
    assert (story.title_en, story.summary_en) == ("New title", "New summary")
    assert story.body_en == "<p>Old body.</p>"

    # Saving the form as it is now keeps both editors' changes.
    assert second.post(url, page_data(refused)).status_code == 302
    story.refresh_from_db()
    assert (story.title_en, story.summary_en) == ("New title", "New summary")
    assert story.body_en == "<p>My new paragraph.</p>"


def test_a_field_both_editors_changed_keeps_the_second_editors_text_and_shows_the_first(
    first, second
):
    story = f.StoryFactory(body="<p>Old body.</p>")
    url = change_url(story)
    stale = page_data(second.get(url))
    mine = page_data(first.get(url))
    mine["body_en"] = "<p>The <strong>first</strong> editor's body.</p>"
    first.post(url, mine)

    stale["body_en"] = "<p>The second editor's body.</p>"
    refused = second.post(url, stale)

    assert refused.status_code == 200
    assert (
        "Body [en] is now “The first editor's body.”: you both changed it, and the form "
        "keeps your version."
    ) in errors_shown(refused)
    assert shown_value(refused, "body_en") == "<p>The second editor's body.</p>"
    field_errors = parse(refused).xpath("//div[contains(@class, 'field-body')]//ul")
    assert "Someone else changed this too" in text(field_errors[0])
    assert Story.objects.get(pk=story.pk).body_en == (
        "<p>The <strong>first</strong> editor's body.</p>"
    )


def test_a_single_editor_saves_as_before(second):
    story = f.StoryFactory(title="Old title")
    url = change_url(story)
    data = page_data(second.get(url))
    data["title_en"] = "New title"

    assert second.post(url, data).status_code == 302
    assert Story.objects.get(pk=story.pk).title_en == "New title"


def test_saving_twice_from_save_and_continue_editing_works(second):
    story = f.StoryFactory(title="Old title")
    url = change_url(story)
    data = page_data(second.get(url))
    data.update(title_en="Second title", _continue="1")
    assert second.post(url, data).status_code == 302

    data = page_data(second.get(url))
    data["title_en"] = "Third title"
    assert second.post(url, data).status_code == 302
    assert Story.objects.get(pk=story.pk).title_en == "Third title"


def test_a_save_that_changed_nothing_the_page_shows_blocks_no_one(first, second):
    story = f.StoryFactory(title="Old title")
    url = change_url(story)
    stale = page_data(second.get(url))
    assert first.post(url, page_data(first.get(url))).status_code == 302  # saved unchanged

    stale["title_en"] = "New title"
    assert second.post(url, stale).status_code == 302
    assert Story.objects.get(pk=story.pk).title_en == "New title"


def test_a_bulk_publish_meanwhile_is_listed_and_kept(admin_client):
    # A publisher's form (an editor's shows a published story's status read-only).
    second = Client()
    second.force_login(make_publisher("bruno", "a-long-password-for-bruno"))
    story = f.StoryFactory(status="draft", topics=[f.TopicFactory()])
    url = change_url(story)
    stale = page_data(second.get(url))
    admin_client.post(
        "/admin/stories/story/", {"action": "publish_selected", "_selected_action": [story.pk]}
    )

    stale["title_en"] = "New title"
    refused = second.post(url, stale)

    assert refused.status_code == 200
    errors = errors_shown(refused)
    assert errors[0].startswith("Someone else saved this story after you opened it.")
    assert "Status is now “Published”: their change, now in the form." in errors
    assert second.post(url, page_data(refused)).status_code == 302
    story.refresh_from_db()
    assert (story.status, story.title_en) == ("published", "New title")


EVERY_CONTENT_TYPE = [
    (f.TopicFactory, Topic, "title_en", "summary_en"),
    (f.ArticleFactory, Article, "title_en", "author_en"),
    (f.StoryFactory, Story, "title_en", "summary_en"),
    (f.OpinionFactory, Opinion, "title_en", "author_name"),
    (f.StatementFactory, Statement, "title_en", "summary_en"),
    (f.CompanyResponseFactory, CompanyResponse, "title_en", "summary_en"),
    (f.CompanyFactory, Company, "name", "description_en"),
    (f.SiteMessageFactory, SiteMessage, "title_en", "link_label_en"),
]


@pytest.mark.parametrize("factory, model, theirs, mine", EVERY_CONTENT_TYPE)
def test_every_content_type_refuses_a_stale_save(first, second, factory, model, theirs, mine):
    obj = factory()
    url = change_url(obj)
    stale = page_data(second.get(url))
    newer = page_data(first.get(url))
    newer[theirs] = "Changed by the first editor"
    assert first.post(url, newer).status_code == 302

    stale[mine] = "Typed by the second editor"
    refused = second.post(url, stale)

    assert refused.status_code == 200
    assert any("“Changed by the first editor”" in error for error in errors_shown(refused))
    assert shown_value(refused, mine) == "Typed by the second editor"
    stored = model.objects.get(pk=obj.pk)
    assert getattr(stored, theirs) == "Changed by the first editor"
    assert getattr(stored, mine) != "Typed by the second editor"


def test_an_inline_row_changed_meanwhile_is_listed_and_kept(first, second):
    statement = f.StatementFactory(body="<p>Old body.</p>")
    signatory = f.SignatoryFactory(statement=statement, name="Digital Rights Watch")
    url = change_url(statement)
    stale = page_data(second.get(url))
    newer = page_data(first.get(url))
    row = next(key for key, value in newer.items() if value == "Digital Rights Watch")
    newer[row] = "Digital Rights Watch International"
    assert first.post(url, newer).status_code == 302

    stale["body_en"] = "<p>New body.</p>"
    refused = second.post(url, stale)

    assert refused.status_code == 200
    assert (
        "Signatory “Digital Rights Watch”: Organisation is now “Digital Rights Watch "
        "International”: their change, now in the form."
    ) in errors_shown(refused)
    assert shown_value(refused, row) == "Digital Rights Watch International"
    assert second.post(url, page_data(refused)).status_code == 302
    signatory.refresh_from_db()
    assert signatory.name == "Digital Rights Watch International"
    assert Statement.objects.get(pk=statement.pk).body_en == "<p>New body.</p>"


def test_inline_rows_are_added_and_changed_as_before(second):
    statement = f.StatementFactory()
    f.SignatoryFactory(statement=statement, name="Press Freedom Forum")
    url = change_url(statement)
    page = second.get(url)
    data = page_data(page)
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    row = next(key for key, value in data.items() if value == "Press Freedom Forum")
    data[row] = "Press Freedom Forum (PFF)"
    data[f"{prefix}-TOTAL_FORMS"] = "2"
    data.update({f"{prefix}-1-name": "Open Networks", f"{prefix}-1-position": "2"})

    response = second.post(url, data)

    assert response.status_code == 302, [
        form.errors for form in response.context["inline_admin_formsets"][0].formset.forms
    ]
    assert sorted(Signatory.objects.filter(statement=statement).values_list("name", flat=True)) == [
        "Open Networks",
        "Press Freedom Forum (PFF)",
    ]


def test_a_company_response_edited_on_its_own_page_meanwhile_is_kept(first, second):
    story = f.StoryFactory()
    response = f.CompanyResponseFactory(responds_to=story, title="Meridian responded")
    url = change_url(story)
    stale = page_data(second.get(url))  # the story's page, with the response inline
    own = page_data(first.get(change_url(response)))
    own["title_en"] = "Meridian Telecom responded in writing"
    assert first.post(change_url(response), own).status_code == 302

    stale["summary_en"] = "A new summary of the story."
    refused = second.post(url, stale)

    assert refused.status_code == 200
    assert any("Meridian Telecom responded in writing" in e for e in errors_shown(refused))
    assert second.post(url, page_data(refused)).status_code == 302
    assert CompanyResponse.objects.get(pk=response.pk).title_en == (
        "Meridian Telecom responded in writing"
    )
    assert Story.objects.get(pk=story.pk).summary_en == "A new summary of the story."


def test_a_post_without_a_token_is_not_checked(second):
    """Forms made before this release, or posts not made from the page, are saved as
    before: there is nothing to compare with."""
    story = f.StoryFactory(title="Old title")
    url = change_url(story)
    data = page_data(second.get(url))
    assert data.pop("_edit_token")
    data["title_en"] = "New title"

    assert second.post(url, data).status_code == 302
    assert User.objects.get(username="bruno").logentry_set.count() == 1


@pytest.mark.postgres
def test_a_save_reads_the_object_with_a_row_lock(second):
    """Two saves at the same moment are taken one after the other: the second waits for
    the first to commit, then its check sees what the first saved."""
    story = f.StoryFactory()
    url = change_url(story)
    data = page_data(second.get(url))

    with CaptureQueriesContext(connection) as queries:
        assert second.post(url, data).status_code == 302

    locked = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    assert locked and 'FROM "stories_story"' in locked[0]
