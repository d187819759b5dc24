"""Two editors in real browsers (Debian chromium) open the same story; the first saves a new
title and summary; the second, who changed the body in the rich-text editor, is told what
changed and keeps what they typed, and saving again keeps both."""

import pytest
from playwright.sync_api import expect

from stories.models import Story
from tests.e2e.conftest import _new_page, screenshot
from tests.factories import StoryFactory
from tests.resource_centre.admin.conftest import make_editor

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def log_in(page, username, password, path):
    page.goto(f"/admin/login/?next={path}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{path}")


def test_the_second_editor_keeps_their_body_and_sees_the_first_editors_title(
    web, chromium_browser, live_server
):
    make_editor("amina", "a-long-password-for-amina")
    make_editor("bruno", "a-long-password-for-bruno")
    story = StoryFactory(title="Old title", summary="Old summary", body="<p>Old body.</p>")
    path = f"/admin/stories/story/{story.pk}/change/"
    log_in(web, "bruno", "a-long-password-for-bruno", path)  # the second editor opens it first

    context, first = _new_page(chromium_browser, live_server)
    try:
        log_in(first, "amina", "a-long-password-for-amina", path)
        first.fill("#id_title_en", "New title")
        first.fill("#id_summary_en", "New summary")
        first.click("input[name=_save]")
        first.wait_for_url("**/admin/stories/story/")
    finally:
        context.close()

    body = web.locator(".prose-editor:has(#id_body_en) .ProseMirror[contenteditable=true]")
    body.click()
    web.keyboard.press("Control+End")
    web.keyboard.type(" Added by the second editor.")
    web.click("input[name=_save]")

    errors = web.locator("ul.errorlist.nonfield")
    expect(errors).to_contain_text("amina saved this story at")
    expect(errors).to_contain_text("Title [en] is now “New title”: their change, now in the form.")
    expect(body).to_contain_text("Old body. Added by the second editor.")
    assert web.input_value("#id_title_en") == "New title"
    assert web.input_value("#id_summary_en") == "New summary"
    screenshot(web, "admin-edit-conflict.png")
    stored = Story.objects.get(pk=story.pk)
    assert (stored.title_en, stored.body_en) == ("New title", "<p>Old body.</p>")

    web.click("input[name=_save]")
    web.wait_for_url("**/admin/stories/story/")
    stored = Story.objects.get(pk=story.pk)
    assert (stored.title_en, stored.summary_en) == ("New title", "New summary")
    assert stored.body_en == "<p>Old body. Added by the second editor.</p>"
