"""The item and company forms' pickers (resource_centre/pickers.py, stories/pickers.py):
the tag autocomplete (names in the editor's language; staff with the view permission on
tags only; bad input a 4xx), tags made only on purpose when an item is saved, country
pickers in the admin's language on every form with countries, and the topic and company
pickers' placeholders."""

import re

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.staticfiles import finders
from lxml import html as lxml_html

from stories.models import Article, Item, Tag
from tests.factories import (
    ArticleFactory,
    CompanyFactory,
    SignatoryFactory,
    StatementFactory,
    TagFactory,
)
from tests.resource_centre.admin.test_edit_conflicts import page_data

pytestmark = pytest.mark.django_db

AUTOCOMPLETE = "/admin/stories/tag/autocomplete/"
SOURCE = {"app_label": "stories", "model_name": "article", "field_name": "tags"}
FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr"}


def parse_page(content: bytes):
    return lxml_html.fromstring(content.decode())


def suggestions(client, term, **headers) -> list[str]:
    response = client.get(AUTOCOMPLETE, {**SOURCE, "term": term}, **headers)
    assert response.status_code == 200, response.content
    return [result["text"] for result in response.json()["results"]]


@pytest.fixture
def tags(db):
    return {
        "privacy": TagFactory(name="Privacy", name_fr="Vie privée"),
        "evictions": TagFactory(name="Evictions"),  # no French name
        "water": TagFactory(name="Water", name_fr="Eau"),
    }


# -- The tag autocomplete --------------------------------------------------------------------


def test_tag_autocomplete_finds_tags_by_their_name_in_the_editors_language(editor_client, tags):
    assert suggestions(editor_client, "priv") == ["Privacy"]
    assert suggestions(editor_client, "vie") == []
    assert suggestions(editor_client, "vie", **FRENCH) == ["Vie privée"]
    assert suggestions(editor_client, "vie priv", **FRENCH) == ["Vie privée"]
    assert suggestions(editor_client, "PRIVEE vie", **FRENCH) == ["Vie privée"]  # any order/case
    # A tag without a French name is found and shown by its English one.
    assert suggestions(editor_client, "evic", **FRENCH) == ["Evictions"]
    assert suggestions(editor_client, "", **FRENCH) == ["Eau", "Evictions", "Vie privée"]


def test_tag_autocomplete_answers_ids_and_pages_of_twenty(editor_client, tags):
    for n in range(25):
        TagFactory(name=f"Mining {n:02d}")
    response = editor_client.get(AUTOCOMPLETE, {**SOURCE, "term": "mining"})
    body = response.json()
    assert len(body["results"]) == 20 and body["pagination"] == {"more": True}
    assert body["results"][0] == {
        "id": str(Tag.objects.get(name_en="Mining 00").pk),
        "text": "Mining 00",
    }
    second = editor_client.get(AUTOCOMPLETE, {**SOURCE, "term": "mining", "page": 2}).json()
    assert [r["text"] for r in second["results"]] == [f"Mining {n}" for n in range(20, 25)]


def test_tag_autocomplete_is_for_staff_with_the_view_permission_on_tags(client, tags):
    # Not logged in, or logged in without being staff: the admin's login page.
    response = client.get(AUTOCOMPLETE, {**SOURCE, "term": "priv"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    User.objects.create_user("reader", password="a-long-reader-password")
    client.force_login(User.objects.get(username="reader"))
    response = client.get(AUTOCOMPLETE, {**SOURCE, "term": "priv"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]

    # Staff who may not see tags: refused.
    staff = User.objects.create_user("staff", password="a-long-staff-password", is_staff=True)
    client.force_login(staff)
    assert client.get(AUTOCOMPLETE, {**SOURCE, "term": "priv"}).status_code == 403
    staff.user_permissions.add(
        Permission.objects.get(codename="view_tag", content_type__app_label="stories")
    )
    staff = User.objects.get(pk=staff.pk)
    client.force_login(staff)
    assert suggestions(client, "priv") == ["Privacy"]


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"term": "priv"}, 403),  # no source field
        ({**SOURCE, "model_name": "nothing", "term": "priv"}, 403),
        ({**SOURCE, "field_name": "title", "term": "priv"}, 403),  # not a relation
        ({**SOURCE, "field_name": "topics", "term": "priv"}, 403),  # not a field of tags
        ({**SOURCE, "term": "priv\x00"}, 400),
        ({**SOURCE, "term": "p" * 101}, 400),
        ({**SOURCE, "term": "priv", "page": "x"}, 404),
        ({**SOURCE, "term": "priv", "page": "99"}, 404),
    ],
)
def test_tag_autocomplete_answers_bad_requests_with_a_4xx(editor_client, tags, params, status):
    assert editor_client.get(AUTOCOMPLETE, params).status_code == status


# -- Tags on an item's form ------------------------------------------------------------------


def change_url(item) -> str:
    return f"/admin/stories/article/{item.pk}/change/"


def save(client, item, headers=None, **changes):
    headers = headers or {}
    data = page_data(client.get(change_url(item), **headers))
    data.update(changes)
    return client.post(change_url(item), data, **headers)


def form_errors(response) -> dict[str, list[str]]:
    form = response.context["adminform"].form
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


def tag_names(item) -> list[str]:
    return sorted(tag.name_en or tag.name_fr for tag in Article.objects.get(pk=item.pk).tags.all())


def test_chosen_tags_and_new_tags_are_the_items_tags(editor_client, tags):
    article = ArticleFactory()
    response = save(
        editor_client,
        article,
        tags=[str(tags["privacy"].pk)],
        new_tags='Tailings dams, "Land, water"',
    )
    assert response.status_code == 302, form_errors(response)
    assert tag_names(article) == ["Land, water", "Privacy", "Tailings dams"]
    assert Tag.objects.count() == 5


def test_a_name_that_is_not_a_tag_is_refused_in_the_picker_and_makes_no_tag(editor_client, tags):
    article = ArticleFactory()
    response = save(editor_client, article, tags=["Pollutoin"])
    assert response.status_code == 200
    assert "tags" in form_errors(response)
    assert Tag.objects.count() == 3 and tag_names(article) == []


def test_a_new_tag_that_exists_already_is_that_tag(editor_client, tags):
    article = ArticleFactory()
    response = save(editor_client, article, new_tags="privacy, EVICTIONS")
    assert response.status_code == 302, form_errors(response)
    assert tag_names(article) == ["Evictions", "Privacy"]
    assert Tag.objects.count() == 3


def test_a_new_tag_named_like_another_languages_tag_is_refused_with_its_name(editor_client, tags):
    article = ArticleFactory()
    response = save(editor_client, article, new_tags="Eau")  # Water's French name
    assert response.status_code == 200
    assert form_errors(response)["new_tags"] == [
        "“Eau” is already the name of the tag “Water” in another language: choose that tag "
        "under Tags."
    ]
    assert Tag.objects.count() == 3


def test_a_new_tag_name_longer_than_a_tag_name_is_refused(editor_client, tags):
    response = save(editor_client, ArticleFactory(), new_tags="x" * 101)
    assert response.status_code == 200 and "new_tags" in form_errors(response)


def test_a_french_editor_makes_a_tag_named_in_french_and_sees_saved_tags_in_french(
    editor_client, tags
):
    article = ArticleFactory()
    response = save(
        editor_client,
        article,
        headers=FRENCH,
        tags=[str(tags["privacy"].pk), str(tags["evictions"].pk)],
        new_tags="Barrages miniers",
    )
    assert response.status_code == 302, form_errors(response)
    made = Tag.objects.get(name_fr="Barrages miniers")
    assert made.name_en is None and made.slug == "barrages-miniers"

    page = parse_page(editor_client.get(change_url(article), **FRENCH).content)
    shown = page.xpath("//select[@name='tags']/option[@selected]/text()")
    assert shown == ["Barrages miniers", "Evictions", "Vie privée"]


def test_the_tag_picker_lists_every_tag_without_javascript_and_asks_for_new_ones(
    editor_client, tags
):
    page = parse_page(editor_client.get("/admin/stories/article/add/", **FRENCH).content)
    picker = page.xpath("//select[@name='tags']")[0]
    assert picker.get("multiple") is not None
    assert picker.xpath("./option/text()") == ["Eau", "Evictions", "Vie privée"]
    assert picker.get("data-ajax--url") == AUTOCOMPLETE
    assert picker.get("data-create-into") == "id_new_tags"
    label = page.xpath("//label[@for='id_new_tags']")[0]
    assert page.xpath("//input[@id='id_new_tags'][@name='new_tags']")
    assert label.text_content().strip()
    help_text = page.xpath("//*[@id='id_new_tags_helptext']")[0].text_content()
    assert "Français" in help_text


def test_an_unchanged_save_keeps_the_tags_and_passes_the_edit_check(editor_client, tags):
    article = ArticleFactory()
    article.tags.add(tags["privacy"])
    response = save(editor_client, article)
    assert response.status_code == 302, form_errors(response)
    assert tag_names(article) == ["Privacy"]


# -- Countries ------------------------------------------------------------------------------


def country_select(client, url, name, **headers):
    page = parse_page(client.get(url, **headers).content)
    return page.xpath(f"//select[@name='{name}']")[0]


def test_the_item_country_picker_lists_country_names_in_the_admins_language(editor_client):
    select = country_select(editor_client, "/admin/stories/article/add/", "countries", **FRENCH)
    assert "rc-searchable" in select.get("class") and select.get("multiple") is not None
    names = dict(zip(select.xpath("./option/@value"), select.xpath("./option/text()"), strict=True))
    assert names["DE"] == "Allemagne" and len(names) >= 249
    assert select.get("data-placeholder") and select.get("lang") == "fr"
    assert select.get("data-allow-clear") == "false"

    english = country_select(editor_client, "/admin/stories/article/add/", "countries")
    assert (
        dict(zip(english.xpath("./option/@value"), english.xpath("./option/text()"), strict=True))[
            "DE"
        ]
        == "Germany"
    )


def test_every_form_with_countries_has_a_searchable_country_picker(editor_client):
    company = CompanyFactory()
    statement = StatementFactory()
    SignatoryFactory(statement=statement, name="Rights Watch")
    headquarters = country_select(
        editor_client, f"/admin/companies/company/{company.pk}/change/", "headquarters_country"
    )
    assert "rc-searchable" in headquarters.get("class")
    assert headquarters.get("multiple") is None and headquarters.get("data-allow-clear") == "true"
    for kind in ["article", "story", "opinion", "statement"]:
        select = country_select(editor_client, f"/admin/stories/{kind}/add/", "countries")
        assert "rc-searchable" in select.get("class"), kind
    signatory = country_select(
        editor_client, f"/admin/stories/statement/{statement.pk}/change/", "signatories-0-country"
    )
    assert "rc-searchable" in signatory.get("class")
    response = editor_client.get("/admin/responses/companyresponse/add/")
    assert 'name="countries"' in response.content.decode()
    assert re.search(r'<select name="countries"[^>]*rc-searchable', response.content.decode())


def test_countries_chosen_in_the_picker_are_saved(editor_client):
    article = ArticleFactory()
    response = save(editor_client, article, countries=["DE", "BR"])
    assert response.status_code == 302, form_errors(response)
    assert sorted(country.code for country in Item.objects.get(pk=article.pk).countries) == [
        "BR",
        "DE",
    ]
    response = save(editor_client, article, countries=["XX"])
    assert response.status_code == 200 and "countries" in form_errors(response)


# -- Topic and company pickers ---------------------------------------------------------------


def test_topic_and_company_pickers_have_a_placeholder_and_a_help_line(editor_client):
    page = parse_page(editor_client.get("/admin/stories/article/add/", **FRENCH).content)
    in_french = [("topics", "Rechercher des thèmes…"), ("companies", "Rechercher des entreprises…")]
    for name, placeholder in in_french:
        select = page.xpath(f"//select[@name='{name}']")[0]
        assert "admin-autocomplete" in select.get("class")
        assert select.get("data-placeholder") == placeholder
        assert select.get("data-allow-clear") == "false"
        help_line = page.xpath(f"//*[@id='id_{name}_helptext']")[0].text_content().strip()
        assert help_line


def test_a_model_help_text_is_kept_rather_than_the_pickers_help_line(editor_client, monkeypatch):
    field = Item._meta.get_field("topics")
    monkeypatch.setattr(field, "help_text", "The topics whose pages list this item.")
    page = parse_page(editor_client.get("/admin/stories/article/add/").content)
    help_line = page.xpath("//*[@id='id_topics_helptext']")[0].text_content().strip()
    assert help_line == "The topics whose pages list this item."
    assert page.xpath("//select[@name='topics']")[0].get("data-placeholder") == "Search topics…"


def test_the_pickers_scripts_and_styles_are_static_files(editor_client):
    html = editor_client.get("/admin/stories/article/add/").content.decode()
    assert "/static/resource_centre/pickers.js" in html
    assert "/static/resource_centre/pickers.css" in html
    assert "/static/admin/js/vendor/select2/select2.full" in html
    assert finders.find("resource_centre/pickers.js") and finders.find(
        "resource_centre/pickers.css"
    )
