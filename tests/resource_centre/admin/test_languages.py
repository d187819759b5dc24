"""The languages of the admin's forms, server side: the one language switch (editor's
languages first, opening in the language last chosen), the address it remembers the choice
at, "My languages", and the translated inputs marked with their language."""

import re

import pytest
from django.test import Client

from resource_centre.i18n import LANGUAGE_CODES
from resource_centre.models import EditorProfile
from tests.resource_centre.admin.conftest import make_editor

pytestmark = pytest.mark.django_db

REMEMBER = "/admin/resource_centre/editorprofile/form-language/"
MY_LANGUAGES = "/admin/resource_centre/editorprofile/"


def switch_languages(html: str) -> list[str]:
    switch = re.search(r'<form class="rc-language-switch".*?</form>', html, re.S).group(0)
    return re.findall(r'<input type="radio" name="language" value="([^"]+)"', switch)


def checked_language(html: str) -> str:
    return re.search(r'name="language" value="([^"]+)" checked', html).group(1)


def test_the_switch_lists_every_language_by_name_the_editors_own_first(editor_client, editor):
    EditorProfile.objects.create(user=editor, languages=["ar", "fr"])
    html = editor_client.get("/admin/stories/article/add/").content.decode()

    languages = switch_languages(html)
    assert languages[:2] == ["ar", "fr"]
    assert sorted(languages) == sorted(LANGUAGE_CODES)
    assert checked_language(html) == "ar"
    assert "Simplified Chinese" in html
    assert "Language of the fields shown" in html
    # Hidden until its script runs: without JavaScript every language stays shown.
    assert re.search(r'<form class="rc-language-switch" id="rc-language-switch" hidden', html)


def test_an_editor_who_never_said_gets_english_first(editor_client):
    html = editor_client.get("/admin/companies/company/add/").content.decode()

    assert switch_languages(html) == LANGUAGE_CODES
    assert checked_language(html) == "en"


def test_modeltranslations_tabs_are_gone_and_the_switch_script_is_served(editor_client):
    html = editor_client.get("/admin/stories/story/add/").content.decode()

    assert "tabbed_translation_fields.js" not in html
    assert "jquery-ui" not in html
    assert "/static/resource_centre/admin/language_switch.js" in html
    assert "/static/resource_centre/admin/accessible_names.js" in html


def test_translated_inputs_carry_their_language_and_direction(editor_client):
    html = editor_client.get("/admin/stories/article/add/").content.decode()

    title_fr = re.search(r'<input[^>]*name="title_fr"[^>]*>', html).group(0)
    assert 'lang="fr"' in title_fr and 'data-language="fr"' in title_fr
    assert 'dir="ltr"' in title_fr  # in the Arabic admin too
    body_ar = re.search(r'<textarea[^>]*name="body_ar"[^>]*>', html).group(0)
    assert 'lang="ar"' in body_ar and 'dir="rtl"' in body_ar
    slug = re.search(r'<input[^>]*name="slug"[^>]*>', html).group(0)
    assert "data-language" not in slug


def test_date_and_time_inputs_have_labels_of_their_own(editor_client):
    html = editor_client.get("/admin/stories/article/add/").content.decode()

    assert '<label for="id_published_at_0">Date:</label>' in html
    assert '<label for="id_published_at_1">Time:</label>' in html


def test_the_choice_is_remembered_and_the_next_form_opens_in_it(editor_client, editor):
    response = editor_client.post(REMEMBER, {"language": "ja"})

    assert response.status_code == 204
    assert EditorProfile.objects.get(user=editor).form_language == "ja"
    html = editor_client.get("/admin/stories/topic/add/").content.decode()
    assert checked_language(html) == "ja"


@pytest.mark.parametrize("language", ["xx", "", "zh_hans", "fr\x00"])
def test_an_unknown_language_is_refused_with_400(editor_client, editor, language):
    response = editor_client.post(REMEMBER, {"language": language})

    assert response.status_code == 400
    assert not EditorProfile.objects.filter(user=editor).exists()


def test_remembering_needs_a_post_with_the_csrf_token_from_a_logged_in_editor(editor):
    anonymous = Client()
    assert anonymous.post(REMEMBER, {"language": "fr"}).status_code == 302

    checked = Client(enforce_csrf_checks=True)
    checked.force_login(editor)
    assert checked.post(REMEMBER, {"language": "fr"}).status_code == 403
    assert checked.get(REMEMBER).status_code == 405
    assert not EditorProfile.objects.exists()


def test_my_languages_is_in_the_user_links_and_not_on_the_index(editor_client):
    html = editor_client.get("/admin/").content.decode()

    assert f'<a href="{MY_LANGUAGES}">My languages</a>' in html
    assert "Editor profiles" not in html


def test_an_editor_saves_their_languages_in_order(editor_client, editor):
    page = editor_client.get(MY_LANGUAGES)
    assert page.status_code == 200
    assert '<label for="id_language_1">Language 1:</label>' in page.content.decode()

    response = editor_client.post(
        MY_LANGUAGES, {"language_1": "ar", "language_2": "", "language_3": "fr"}, follow=True
    )

    assert response.redirect_chain[-1] == (MY_LANGUAGES, 302)
    assert "Your languages were saved." in response.content.decode()
    assert EditorProfile.objects.get(user=editor).languages == ["ar", "fr"]
    html = response.content.decode()
    assert re.search(r'<option value="ar" selected>', html)


def test_a_language_chosen_twice_is_refused_and_nothing_is_saved(editor_client, editor):
    response = editor_client.post(MY_LANGUAGES, {"language_1": "fr", "language_2": "fr"})

    assert response.status_code == 200
    assert "French is already in your list." in response.content.decode()
    assert not EditorProfile.objects.filter(user=editor).exists()


def test_an_unknown_language_on_my_languages_is_a_form_error_not_a_500(editor_client):
    response = editor_client.post(MY_LANGUAGES, {"language_1": "klingon"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_each_editor_edits_only_their_own_languages(client, editor):
    other = make_editor("other")
    EditorProfile.objects.create(user=other, languages=["ja"])
    client.force_login(editor)

    client.post(MY_LANGUAGES, {"language_1": "es"})

    assert EditorProfile.objects.get(user=other).languages == ["ja"]
    assert EditorProfile.objects.get(user=editor).languages == ["es"]
    html = client.get(MY_LANGUAGES).content.decode()
    assert '<option value="es" selected>' in html
    assert '<option value="ja" selected>' not in html
