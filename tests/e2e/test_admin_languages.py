"""Editors write in several languages with one language switch for the whole form (Debian
chromium): it shows every translated field of one language together, the inlines' too,
marks which languages each field is written in, remembers the editor's choice, and lists
the editor's own languages ("My languages") first; in English and with the admin in
French. Without JavaScript every language's fields stay on the form."""

import re

import pytest
from playwright.sync_api import expect

from resource_centre.models import EditorProfile
from stories.models import Article
from tests.e2e.conftest import screenshot
from tests.resource_centre.admin.conftest import make_editor

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "a-long-editor-password"
#: The translated fields of an article, in the order of its form.
ARTICLE_FIELDS = [
    "title",
    "summary",
    "body",
    "image_alt",
    "image_credit",
    "author",
    "publication",
    "original_headline",
]


def log_in(page, path, username="editor"):
    page.goto(f"/admin/login/?next={path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{path}")


def switch(page):
    return page.locator("#rc-language-switch")


def choose(page, language_name):
    switch(page).get_by_role("radio", name=language_name).check()


def switch_order(page) -> list[str]:
    return (
        switch(page)
        .locator("input[type=radio]")
        .evaluate_all("radios => radios.map(radio => radio.value)")
    )


def shown_languages(page, fields=ARTICLE_FIELDS) -> dict[str, list[str]]:
    """For each translated field, the languages whose input is on screen."""
    return page.evaluate(
        """fields => Object.fromEntries(fields.map(field => [field,
             Array.from(document.querySelectorAll(`[name^="${field}_"][data-language]`))
               .filter(input => input.closest(".form-row").checkVisibility())
               .map(input => input.dataset.language)]))""",
        fields,
    )


def marker(page, name):
    """The "Written in" marker under the field whose input is named `name`."""
    return page.locator(".form-row", has=page.locator(f"[name='{name}']")).locator(
        ".rc-field-languages"
    )


def rich_text(page, name):
    return page.locator(f".prose-editor:has([name='{name}']) [contenteditable=true]")


def test_editor_says_their_languages_and_writes_a_bilingual_article_with_one_switch(web):
    editor = make_editor(password=PASSWORD)
    log_in(web, "/admin/")

    # "My languages", from the user links: French first, then English.
    web.get_by_role("link", name="My languages").click()
    web.get_by_label(re.compile(r"^Language 1\b")).select_option("fr")
    web.get_by_label(re.compile(r"^Language 2\b")).select_option("en")
    web.get_by_role("button", name="Save").click()
    expect(web.locator(".messagelist .success")).to_be_visible()
    assert EditorProfile.objects.get(user=editor).languages == ["fr", "en"]

    web.goto("/admin/stories/article/add/")
    # One labelled switch, names not codes, the editor's languages first; the form opens in
    # the first of them. No row of tabs per field is left.
    expect(switch(web).get_by_role("group", name="Language of the fields shown")).to_be_visible()
    assert switch_order(web)[:2] == ["fr", "en"]
    expect(switch(web).get_by_role("radio", name="French")).to_be_checked()
    expect(switch(web).get_by_role("radio", name="Simplified Chinese")).to_be_visible()
    assert web.locator(".ui-tabs, #modeltranslation-main-switch").count() == 0
    assert shown_languages(web) == {field: ["fr"] for field in ARTICLE_FIELDS}
    expect(web.locator("#id_slug")).to_be_visible()  # not translated: always shown
    expect(marker(web, "title_fr")).to_have_text("Not written in any language yet.")

    web.fill("#id_title_fr", "Coupure d'internet : les ONG interrogent l'opérateur")
    web.fill("#id_author_fr", "Lina Haddad")
    rich_text(web, "body_fr").click()
    web.keyboard.type("Neuf jours sans données mobiles.")
    expect(marker(web, "title_fr")).to_have_text("Written in: FR")
    expect(marker(web, "body_fr")).to_have_text("Written in: FR")
    expect(switch(web).locator("[data-filled-for=fr]")).to_have_text("3 of 8")
    expect(switch(web).locator("[data-filled-for=en]")).to_have_text("0 of 8")

    choose(web, "English")
    assert shown_languages(web) == {field: ["en"] for field in ARTICLE_FIELDS}
    web.locator("#id_title_en").press_sequentially("Internet shutdown: groups question operator")
    assert web.input_value("#id_slug") == "internet-shutdown-groups-question-operator"
    rich_text(web, "body_en").click()
    web.keyboard.type("Nine days without mobile data.")
    expect(marker(web, "title_en")).to_have_text("Written in: FR EN")
    expect(marker(web, "author_en")).to_have_text("Written in: FR")
    expect(switch(web).locator("[data-filled-for=en]")).to_have_text("2 of 8")
    screenshot(web, "admin-article-language-switch.png")

    # Arabic fields, shown together, are written right to left.
    choose(web, "Arabic")
    assert web.locator("#id_title_ar").evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert rich_text(web, "body_ar").evaluate("e => getComputedStyle(e).direction") == "rtl"
    choose(web, "English")

    web.click("input[name=_save]")
    web.wait_for_url("**/admin/stories/article/")
    article = Article.objects.get()
    assert article.title_en == "Internet shutdown: groups question operator"
    assert article.title_fr == "Coupure d'internet : les ONG interrogent l'opérateur"
    assert article.author_fr == "Lina Haddad"
    assert article.body_fr == "<p>Neuf jours sans données mobiles.</p>"
    assert article.body_en == "<p>Nine days without mobile data.</p>"

    # Remembered: the next form opens in English, the language last chosen; the markers
    # read what is stored.
    assert EditorProfile.objects.get(user=editor).form_language == "en"
    web.goto(f"/admin/stories/article/{article.pk}/change/")
    expect(switch(web).get_by_role("radio", name="English")).to_be_checked()
    assert shown_languages(web) == {field: ["en"] for field in ARTICLE_FIELDS}
    expect(marker(web, "title_en")).to_have_text("Written in: FR EN")
    expect(marker(web, "author_en")).to_have_text("Written in: FR")
    expect(marker(web, "publication_en")).to_have_text("Not written in any language yet.")
    web.reload()
    expect(switch(web).get_by_role("radio", name="English")).to_be_checked()


def test_with_the_admin_in_french_the_switch_names_languages_in_french(web, live_server, content):
    """The admin's language comes from the `django_language` cookie (the admin has no
    language prefix); the switch's names come from Django's own French catalogue."""
    editor = make_editor(password=PASSWORD)
    EditorProfile.objects.create(user=editor, languages=["ar"])
    web.context.add_cookies([{"name": "django_language", "value": "fr", "url": live_server.url}])
    article = content.article
    path = f"/admin/stories/article/{article.pk}/change/"
    log_in(web, path)

    assert web.locator("html").get_attribute("lang") == "fr"
    expect(web.locator("input[name=_save]").first).to_have_value("Enregistrer")
    assert switch_order(web)[0] == "ar"
    expect(switch(web).get_by_role("radio", name="Arabe")).to_be_checked()
    expect(switch(web).get_by_role("radio", name="Anglais")).to_be_visible()
    expect(switch(web).get_by_role("radio", name="Français")).to_be_visible()

    # The company response edited on this page follows the same switch.
    response_title = "[name='company_responses-0-title_{}']"
    expect(web.locator(response_title.format("ar"))).to_be_visible()
    expect(web.locator(response_title.format("en"))).to_be_hidden()
    choose(web, "Français")
    expect(web.locator(response_title.format("fr"))).to_be_visible()
    expect(web.locator(response_title.format("ar"))).to_be_hidden()
    assert shown_languages(web) == {field: ["fr"] for field in ARTICLE_FIELDS}
    # In the order of the switch: the editor's Arabic first.
    expect(marker(web, "title_fr")).to_have_text("Rédigé en\u00a0: AR EN FR")
    expect(marker(web, "body_fr")).to_have_text("Rédigé en\u00a0: AR EN")
    expect(marker(web, "company_responses-0-title_fr")).to_have_text("Rédigé en\u00a0: AR EN")

    web.fill("#id_title_fr", "Coupure régionale : des ONG interrogent un opérateur")
    web.fill(response_title.format("fr"), "Meridian Telecom dit avoir suivi un ordre")
    expect(marker(web, "company_responses-0-title_fr")).to_have_text("Rédigé en\u00a0: AR EN FR")
    web.locator("input[name=_continue]").first.click()
    expect(web.locator(".messagelist .success")).to_be_visible()
    article.refresh_from_db()
    assert article.title_fr == "Coupure régionale : des ONG interrogent un opérateur"
    assert article.title_ar == "منظمات حقوقية تسائل مشغلًا بشأن قطع الإنترنت في منطقة"
    content.response.refresh_from_db()
    assert content.response.title_fr == "Meridian Telecom dit avoir suivi un ordre"
    # The page after saving opens in French again, the language last chosen.
    expect(switch(web).get_by_role("radio", name="Français")).to_be_checked()


def test_a_field_with_an_error_stays_shown_whatever_language_is_chosen(web):
    make_editor(password=PASSWORD)
    log_in(web, "/admin/stories/article/add/")
    choose(web, "French")
    web.fill("#id_title_fr", "Sans titre anglais")
    web.click("input[name=_save]")

    # The English title is required: its error is on screen, in French mode too.
    expect(web.locator(".errornote")).to_be_visible()
    expect(switch(web).get_by_role("radio", name="French")).to_be_checked()
    expect(web.locator("#id_title_en")).to_be_visible()
    expect(web.locator(".form-row.errors", has=web.locator("#id_title_en"))).to_be_visible()
    expect(web.locator("#id_summary_en")).to_be_hidden()


def test_without_javascript_every_language_is_shown_and_saved(web_without_js):
    web = web_without_js
    make_editor(password=PASSWORD)
    log_in(web, "/admin/stories/article/add/")

    expect(switch(web)).to_be_hidden()
    for code in ("en", "fr", "ar", "zh_hans"):
        expect(web.locator(f"#id_title_{code}")).to_be_visible()
        expect(web.locator(f"#id_body_{code}")).to_be_visible()
    expect(web.get_by_label("Title [fr]").first).to_have_id("id_title_fr")
    web.fill("#id_title_en", "Written without JavaScript")
    web.fill("#id_slug", "written-without-javascript")
    web.fill("#id_title_fr", "Écrit sans JavaScript")
    web.fill("#id_published_at_0", "2024-05-01")
    web.fill("#id_published_at_1", "10:00:00")
    web.click("input[name=_save]")
    web.wait_for_url("**/admin/stories/article/")
    article = Article.objects.get()
    assert article.title_en == "Written without JavaScript"
    assert article.title_fr == "Écrit sans JavaScript"
