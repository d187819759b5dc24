"""Every field an editor fills, on every content admin's form and inline, has a line of
help saying what it is for and where it shows. The forms are read from the admin site's
registry, so a field added later without help text fails here."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from resource_centre.content_admin import TranslatedAdmin

pytestmark = pytest.mark.django_db

#: The content every editor works on; the walk below must reach each of them.
CONTENT_MODELS = {
    "stories.topic",
    "stories.tag",
    "stories.item",
    "stories.article",
    "stories.story",
    "stories.opinion",
    "stories.statement",
    "stories.signatory",
    "responses.companyresponse",
    "responses.issue",
    "companies.company",
    "companies.sector",
    "resource_centre.sitemessage",
    "resource_centre.page",
}


def content_admins():
    """The registered admins of content: every admin built on the content bases."""
    return [
        model_admin
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, TranslatedAdmin)
    ]


def editor_forms(request):
    """(admin name, form class) of every content admin's form and of each of its inlines'
    rows, as the admin builds them for `request`."""
    for model_admin in content_admins():
        name = str(model_admin)
        yield name, model_admin.model, model_admin.get_form(request, None)
        for formset, inline in model_admin.get_formsets_with_inlines(request):
            yield f"{name} › {inline.model._meta.label}", inline.model, formset.form


@pytest.fixture
def admin_request(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    return request


def test_every_field_of_every_content_form_has_help_text(admin_request):
    missing = [
        f"{where}: {name}"
        for where, _model, form in editor_forms(admin_request)
        for name, field in form.base_fields.items()
        if not str(field.help_text or "").strip()
    ]

    assert not missing, "Fields without help text:\n" + "\n".join(missing)


def test_the_walk_reaches_every_kind_of_content_and_the_inlines(admin_request):
    forms = list(editor_forms(admin_request))
    reached = {model._meta.label_lower for _where, model, _form in forms}

    assert reached >= CONTENT_MODELS
    # Translated fields are checked in every language's column.
    topic_form = next(form for where, model, form in forms if model._meta.label == "stories.Topic")
    assert {"title_en", "title_fr", "title_ar", "slug", "status"} <= set(topic_form.base_fields)


def test_help_text_is_shown_under_the_story_forms_fields(client, admin_user):
    client.force_login(admin_user)

    page = client.get("/admin/stories/story/add/").content.decode()

    assert "The end of the page's web address, filled in from the English title." in page
    assert "The topic pages (and their parents' pages) and topic feeds" in page
    assert "Articles, responses and other items this story brings together" in page
