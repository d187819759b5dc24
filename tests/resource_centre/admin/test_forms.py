"""The change forms: a rich-text editor in every language whose output is cleaned on
save, slugs filled in from the English title, topic and company pickers, and company
responses edited on the story they respond to."""

import json
import re

import pytest
from django import forms
from django.conf import settings

from responses.models import CompanyResponse, Outcome
from stories.models import Story
from tests.factories import (
    ArticleFactory,
    CompanyFactory,
    CompanyResponseFactory,
    StoryFactory,
    TopicFactory,
)
from tests.resource_centre.admin.conftest import management_data

pytestmark = pytest.mark.django_db

LANGUAGE_FIELD_SUFFIXES = [code.replace("-", "_") for code, _name in settings.LANGUAGES]


def form_data(response) -> dict:
    """The values an unchanged admin form would post back."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        bound = form[name]
        value = bound.value()
        if isinstance(field, forms.FileField):  # a file input left alone posts nothing
            continue
        if hasattr(field.widget, "widgets"):  # split date and time
            for i, part in enumerate(field.widget.decompress(value)):
                data[f"{form.add_prefix(name)}_{i}"] = "" if part is None else part
        elif isinstance(value, list | tuple):
            data[form.add_prefix(name)] = [v for v in value if v is not None]
        elif value is None:
            data[form.add_prefix(name)] = ""
        else:
            data[form.add_prefix(name)] = value
    data.update(management_data(response))
    return data


def test_story_form_has_a_rich_text_editor_for_every_language(editor_client):
    html = editor_client.get("/admin/stories/story/add/").content.decode()

    for suffix in LANGUAGE_FIELD_SUFFIXES:
        textarea = re.search(rf'<textarea name="body_{suffix}"[^>]*>', html)
        assert textarea, suffix
        assert "data-django-prose-editor-configurable" in textarea.group(0)
        assert f"mt-field-body-{suffix}" in textarea.group(0)
    assert '<script type="importmap"' in html
    assert "django_prose_editor/configurable.js" in html


def test_the_language_switch_is_served_from_our_own_static_files(editor_client):
    html = editor_client.get("/admin/stories/story/add/").content.decode()

    assert "/static/resource_centre/admin/language_switch.js" in html
    assert "googleapis" not in html


def test_script_and_event_handlers_posted_through_the_admin_are_removed(editor_client):
    story = StoryFactory(status="draft")
    page = editor_client.get(f"/admin/stories/story/{story.pk}/change/")
    data = form_data(page)
    data["body_en"] = (
        '<p onclick="steal()">Hello <strong>world</strong><script>alert(1)</script></p>'
        '<p><a href="javascript:alert(2)">bad link</a> <a href="https://example.org/">ok</a></p>'
    )
    data["body_fr"] = '<h2 style="color:red">Titre</h2><img src=x onerror="alert(3)">'

    response = editor_client.post(f"/admin/stories/story/{story.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    story.refresh_from_db()
    for body in (story.body_en, story.body_fr):
        assert "<script" not in body
        assert "onclick" not in body
        assert "onerror" not in body
        assert "javascript:" not in body
        assert "style=" not in body
        assert "<img" not in body
    assert "<strong>world</strong>" in story.body_en
    assert 'href="https://example.org/"' in story.body_en
    assert story.body_fr == "<h2>Titre</h2>"


def test_slug_is_prefilled_from_the_english_title(editor_client):
    response = editor_client.get("/admin/stories/story/add/")
    html = response.content.decode()

    constants = re.search(r'data-prepopulated-fields="([^"]*)"', html).group(1)
    fields = json.loads(constants.replace("&quot;", '"'))
    slug = next(field for field in fields if field["id"] == "#id_slug")
    assert slug["dependency_ids"] == ["#id_title_en"]
    assert slug["allowUnicode"] is True


@pytest.mark.parametrize(
    "model, source",
    [("topic", "title_en"), ("article", "title_en"), ("tag", "name_en")],
)
def test_other_slugs_are_prefilled_too(editor_client, model, source):
    html = editor_client.get(f"/admin/stories/{model}/add/").content.decode()

    assert f"&quot;#id_{source}&quot;" in html


def test_topic_autocomplete_returns_matching_topics(editor_client):
    water = TopicFactory(title="Water", title_fr="Eau")
    TopicFactory(title="Land")

    response = editor_client.get(
        "/admin/autocomplete/",
        {"app_label": "stories", "model_name": "story", "field_name": "topics", "term": "eau"},
    )

    assert response.status_code == 200
    assert response.json()["results"] == [{"id": str(water.pk), "text": "Water"}]


def test_company_autocomplete_returns_matching_companies(editor_client):
    nso = CompanyFactory(name="NSO Group")
    CompanyFactory(name="Acme Mining")

    response = editor_client.get(
        "/admin/autocomplete/",
        {"app_label": "stories", "model_name": "story", "field_name": "companies", "term": "nso"},
    )

    assert response.json()["results"] == [{"id": str(nso.pk), "text": "NSO Group"}]


def test_related_items_autocomplete_searches_every_kind(editor_client):
    article = ArticleFactory(title="Report on spyware")

    response = editor_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "stories",
            "model_name": "story",
            "field_name": "related_items",
            "term": "spyware",
        },
    )

    assert [result["id"] for result in response.json()["results"]] == [str(article.pk)]


def test_story_page_lists_the_company_responses_to_it(editor_client):
    story = StoryFactory()
    response = CompanyResponseFactory(title="NSO Group responded", responds_to=story)
    CompanyResponseFactory(title="Unrelated response")

    page = editor_client.get(f"/admin/stories/story/{story.pk}/change/")
    inline = page.context["inline_admin_formsets"][0]

    assert [form.instance for form in inline.formset.forms] == [response]
    assert "Unrelated response" not in page.content.decode()


def test_editor_adds_a_company_response_on_the_story_page(editor_client):
    story = StoryFactory()
    company = CompanyFactory(name="NSO Group")
    page = editor_client.get(f"/admin/stories/story/{story.pk}/change/")
    data = form_data(page)
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-title_en": "NSO Group responded",
            f"{prefix}-0-title_fr": "NSO Group a répondu",
            f"{prefix}-0-slug": "nso-group-responded",
            f"{prefix}-0-company": str(company.pk),
            f"{prefix}-0-outcome": Outcome.RESPONDED,
            f"{prefix}-0-requested_on": "2025-03-01",
            f"{prefix}-0-responded_on": "2025-03-04",
            f"{prefix}-0-document_url": "",
            f"{prefix}-0-status": "draft",
            f"{prefix}-0-published_at_0": "2025-03-05",
            f"{prefix}-0-published_at_1": "09:00:00",
        }
    )

    response = editor_client.post(f"/admin/stories/story/{story.pk}/change/", data)

    assert response.status_code == 302, response.context and [
        f.errors for f in response.context["inline_admin_formsets"][0].formset.forms
    ]
    added = CompanyResponse.objects.get(slug="nso-group-responded")
    assert added.responds_to_id == story.pk
    assert added.company == company
    assert added.kind == "response"
    assert added.title_fr == "NSO Group a répondu"
    assert list(story.company_responses.all()) == [added]


def test_company_response_inline_refuses_a_response_dated_before_the_request(editor_client):
    story = StoryFactory()
    page = editor_client.get(f"/admin/stories/story/{story.pk}/change/")
    data = form_data(page)
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-title_en": "Too early",
            f"{prefix}-0-slug": "too-early",
            f"{prefix}-0-company": str(CompanyFactory().pk),
            f"{prefix}-0-outcome": Outcome.RESPONDED,
            f"{prefix}-0-requested_on": "2025-03-04",
            f"{prefix}-0-responded_on": "2025-03-01",
            f"{prefix}-0-status": "draft",
            f"{prefix}-0-published_at_0": "2025-03-05",
            f"{prefix}-0-published_at_1": "09:00:00",
        }
    )

    response = editor_client.post(f"/admin/stories/story/{story.pk}/change/", data)

    assert response.status_code == 200
    assert "The response cannot come before the request." in response.content.decode()
    assert not CompanyResponse.objects.filter(slug="too-early").exists()


def test_article_page_has_the_company_response_inline_too(editor_client):
    article = ArticleFactory()
    page = editor_client.get(f"/admin/stories/article/{article.pk}/change/")

    assert page.context["inline_admin_formsets"][0].formset.model is CompanyResponse


def test_editing_a_story_keeps_its_kind_and_translations(editor_client):
    story = StoryFactory(title="Before", title_ja="前")
    page = editor_client.get(f"/admin/stories/story/{story.pk}/change/")
    data = form_data(page)
    data["title_en"] = "After"

    response = editor_client.post(f"/admin/stories/story/{story.pk}/change/", data)

    assert response.status_code == 302
    story = Story.objects.get(pk=story.pk)
    assert (story.title_en, story.title_ja, story.kind) == ("After", "前", "story")
