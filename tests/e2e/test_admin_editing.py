"""An editor in a real browser (Debian chromium): the form's language switch, the rich-text
editor of each language, and the slug filled in from the English title."""

import pytest
from playwright.sync_api import expect

from stories.models import Story
from tests.e2e.conftest import screenshot
from tests.resource_centre.admin.conftest import make_editor

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def show_language(page, name):
    """Choose `name` on the form's one language switch."""
    page.locator("#rc-language-switch").get_by_role("radio", name=name).check()


def test_editor_writes_a_french_story_with_the_language_switch_and_rich_text_editor(web):
    make_editor(username="editor", password="a-long-editor-password")
    web.goto("/admin/login/?next=/admin/stories/story/add/")
    web.fill("#id_username", "editor")
    web.fill("#id_password", "a-long-editor-password")
    web.click("input[type=submit]")

    # Every language of the body has its own rich-text editor.
    expect(web.locator(".prose-editor .ProseMirror[contenteditable=true]")).to_have_count(10)

    web.locator("#id_title_en").press_sequentially("Droits numériques: a new report")
    assert web.input_value("#id_slug") == "droits-numériques-a-new-report"

    show_language(web, "French")
    assert web.locator("#id_title_fr").is_visible()
    assert not web.locator("#id_title_en").is_visible()
    web.fill("#id_title_fr", "Droits numériques : un nouveau rapport")

    french_body = web.locator(".prose-editor:has(#id_body_fr) .ProseMirror[contenteditable=true]")
    french_body.click()
    web.keyboard.type("Bonjour ")
    web.keyboard.press("Control+b")
    web.keyboard.type("gras")
    screenshot(web, "admin-story-french.png")

    show_language(web, "Arabic")
    arabic_body = web.locator(".prose-editor:has(#id_body_ar) .ProseMirror[contenteditable=true]")
    assert arabic_body.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert web.locator("#id_title_ar").evaluate("e => getComputedStyle(e).direction") == "rtl"

    web.click("input[name=_save]")
    web.wait_for_url("**/admin/stories/story/")

    story = Story.objects.get()
    assert story.slug == "droits-numériques-a-new-report"
    assert story.title_fr == "Droits numériques : un nouveau rapport"
    assert story.body_fr == "<p>Bonjour <strong>gras</strong></p>"
    assert story.translations == ["en", "fr"]
