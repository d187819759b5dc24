"""Bulk add of a topic in a real browser without JavaScript (the change list's checkboxes,
action select and Go button, then the intermediate page's select), and axe-core over the
new admin pages (the bulk page, the translation request form, the queue)."""

import pytest
from playwright.sync_api import expect

from stories.models import Story
from tests import factories as f
from tests.e2e.test_accessibility import AXE, BLOCKING_IMPACTS
from tests.resource_centre.admin.conftest import make_editor
from tests.translation_requests.conftest import make_translator
from translation_requests.services import request_translation

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def log_in(page, username, password):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def test_a_topic_is_added_to_selected_stories_without_javascript(web_without_js):
    page = web_without_js
    make_editor(username="editor", password="a-long-editor-password")
    topic = f.TopicFactory(title="Digital freedom", slug="digital-freedom")
    chosen = [f.StoryFactory(title="First story"), f.StoryFactory(title="Second story")]
    left = f.StoryFactory(title="Left alone")
    log_in(page, "editor", "a-long-editor-password")

    page.goto("/admin/stories/story/")
    for story in chosen:
        page.locator(f"input[name=_selected_action][value='{story.pk}']").check()
    page.select_option("select[name=action]", "add_topic")
    page.get_by_role("button", name="Go").click()
    page.get_by_label("Topic").select_option(label="Digital freedom")
    page.get_by_role("button", name="Add").click()

    page.wait_for_url("**/admin/stories/story/")
    expect(page.locator(".messagelist")).to_contain_text("to 2 items")
    assert {s.title for s in Story.objects.filter(topics=topic)} == {"First story", "Second story"}
    assert not left.topics.exists()
    page.goto(topic.get_absolute_url())
    expect(page.locator("main")).to_contain_text("First story")
    expect(page.locator("main")).to_contain_text("Second story")


def blocking_violations_in_content(page) -> list[str]:
    """axe-core's serious and critical violations inside the admin's #content (the part these
    pages add; the admin's own frame is checked by the admin accessibility tests)."""
    results = AXE.run(page, context="#content")
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in BLOCKING_IMPACTS
    ]


def test_the_new_admin_pages_have_no_serious_or_critical_axe_violation(web):
    editor = make_editor(username="editor", password="a-long-editor-password")
    make_translator(username="translator", password="a-long-translator-password")
    f.TopicFactory(title="Digital freedom")
    stories = [f.StoryFactory(title="A story"), f.StoryFactory(title="Another")]
    request_translation(stories, ["fr", "ja"], editor, note="Names stay as they are.")
    problems = []

    log_in(web, "editor", "a-long-editor-password")
    web.goto("/admin/stories/story/")
    for story in stories:
        web.locator(f"input[name=_selected_action][value='{story.pk}']").check()
    web.select_option("select[name=action]", "add_topic")
    web.locator("button[name=index]").first.click()
    expect(web.get_by_label("Topic")).to_be_visible()
    problems += blocking_violations_in_content(web)
    web.goto(f"/admin/translation_requests/translationrequest/ask/{stories[0].pk}/")
    problems += blocking_violations_in_content(web)
    web.goto("/admin/translation_requests/translationrequest/")
    problems += blocking_violations_in_content(web)
    web.goto("/admin/logout/")

    web.context.clear_cookies()
    log_in(web, "translator", "a-long-translator-password")
    web.goto("/admin/translation_requests/translationrequest/queue/")
    expect(web.locator("#translation-queue tbody tr")).to_have_count(2)
    problems += blocking_violations_in_content(web)

    assert not problems, "axe-core found serious/critical violations:\n" + "\n".join(problems)
