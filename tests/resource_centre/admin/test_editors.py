"""What an editor (Editors group, staff, not superuser) can and cannot do in the admin."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

from stories.models import Story
from tests.factories import CompanyFactory, TopicFactory
from tests.resource_centre.admin.conftest import management_data, run_editors_migration

pytestmark = pytest.mark.django_db

APPS = ["stories", "companies", "responses", "resource_centre"]
CONTENT_MODELS = [
    "stories.item",
    "stories.topic",
    "stories.tag",
    "stories.article",
    "stories.story",
    "stories.opinion",
    "stories.statement",
    "stories.signatory",
    "companies.company",
    "companies.sector",
    "responses.companyresponse",
    "responses.issue",
    "resource_centre.sitemessage",
]


def story_form(**fields):
    data = {
        "title_en": "",
        "slug": "",
        "status": "draft",
        "published_at_0": "2025-03-04",
        "published_at_1": "10:30:00",
        "original_language": "en",
        "tags": "",
    }
    data.update(fields)
    return data


def test_editors_group_may_add_change_and_view_every_content_model(editors_group):
    codenames = set(editors_group.permissions.values_list("content_type__app_label", "codename"))
    for label in CONTENT_MODELS:
        app_label, model = label.split(".")
        for action in ("add", "change", "view"):
            assert (app_label, f"{action}_{model}") in codenames, (action, label)


def test_editors_group_has_no_user_group_or_content_delete_permissions(editors_group):
    codenames = {
        f"{app}.{codename}"
        for app, codename in editors_group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }
    assert not {name for name in codenames if name.startswith("auth.")}
    assert "stories.delete_story" not in codenames
    assert "companies.delete_company" not in codenames
    # Removing a signatory is part of editing a statement's list.
    assert "stories.delete_signatory" in codenames


def test_editors_migration_works_before_any_permission_exists(editors_group):
    """On a fresh database permissions are only created after all migrations: the data
    migration creates the ones it needs itself."""
    editors_group.delete()
    ContentType.objects.filter(app_label__in=APPS).delete()  # and their permissions
    ContentType.objects.clear_cache()

    run_editors_migration()

    group = Group.objects.get(name="Editors")
    assert group.permissions.count() == len(CONTENT_MODELS) * 3 + 1
    assert group.permissions.filter(codename="change_story").exists()
    ContentType.objects.clear_cache()


def test_editor_sees_content_on_the_admin_index(editor_client):
    response = editor_client.get("/admin/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Resource Centre administration" in html
    for path in ("/admin/stories/story/", "/admin/companies/company/", "/admin/stories/item/"):
        assert f'href="{path}"' in html
    assert 'href="/admin/auth/user/"' not in html


@pytest.mark.parametrize(
    "path",
    [
        "/admin/auth/user/",
        "/admin/auth/user/add/",
        "/admin/auth/group/",
        "/admin/auth/group/add/",
    ],
)
def test_editor_is_refused_user_and_group_management(editor_client, path):
    assert editor_client.get(path).status_code == 403


def test_editor_creates_a_story_with_english_and_french_titles(editor_client):
    topic = TopicFactory(title="Technology & human rights")
    company = CompanyFactory(name="NSO Group")
    add_page = editor_client.get("/admin/stories/story/add/")
    assert add_page.status_code == 200

    response = editor_client.post(
        "/admin/stories/story/add/",
        story_form(
            title_en="Spyware used against journalists",
            title_fr="Un logiciel espion utilisé contre des journalistes",
            slug="spyware-used-against-journalists",
            summary_en="Researchers found the spyware on phones.",
            body_en="<p>Researchers found the spyware.</p>",
            topics=[topic.pk],
            companies=[company.pk],
            **management_data(add_page),
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    story = Story.objects.get(slug="spyware-used-against-journalists")
    assert story.title_en == "Spyware used against journalists"
    assert story.title_fr == "Un logiciel espion utilisé contre des journalistes"
    assert story.kind == "story"
    assert story.status == "draft"
    assert list(story.topics.all()) == [topic]
    assert list(story.companies.all()) == [company]
    assert story.translations == ["en", "fr"]


def test_story_without_english_title_is_refused_with_the_form_shown_again(editor_client):
    add_page = editor_client.get("/admin/stories/story/add/")
    response = editor_client.post(
        "/admin/stories/story/add/",
        story_form(title_fr="Seulement en français", slug="seulement", **management_data(add_page)),
    )
    assert response.status_code == 200
    assert "title_en" in response.context["adminform"].form.errors
    assert not Story.objects.exists()


def test_editor_cannot_delete_a_story(editor_client):
    from tests.factories import StoryFactory

    story = StoryFactory()
    response = editor_client.post(f"/admin/stories/story/{story.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Story.objects.filter(pk=story.pk).exists()
