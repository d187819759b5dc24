"""An editor in a real browser (Debian chromium) changes an article, opens its history,
compares the two versions and restores the earlier one: the public page shows it again."""

import pytest
from playwright.sync_api import expect

from stories.models import Article
from tests.e2e.conftest import screenshot
from tests.factories import ArticleFactory
from tests.resource_centre.admin.conftest import make_editor

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def test_an_editor_compares_two_versions_and_restores_the_earlier_one(web):
    make_editor("editor", "a-long-editor-password")
    article = ArticleFactory(
        title="Workers win back pay", body="<p>The factory paid every worker.</p>"
    )
    refused = []
    web.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    path = f"/admin/stories/article/{article.pk}/change/"
    web.goto(f"/admin/login/?next={path}")
    web.fill("#id_username", "editor")
    web.fill("#id_password", "a-long-editor-password")
    web.click("input[type=submit]")
    web.wait_for_url(f"**{path}")

    web.fill("#id_title_en", "Workers still waiting for back pay")
    body = web.locator(".prose-editor:has(#id_body_en) .ProseMirror[contenteditable=true]")
    body.click()
    web.keyboard.press("Control+End")
    web.keyboard.type(" Some were left out.")
    web.click("input[name=_save]")
    web.wait_for_url("**/admin/stories/article/")

    web.goto(path)
    web.get_by_role("link", name="History").first.click()
    rows = web.locator("#change-history tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("editor")
    expect(rows.first).to_contain_text("Changed Title [en] and Body [en].")
    expect(rows.nth(1)).to_contain_text("As it was before its history was recorded.")
    screenshot(web, "admin-history.png")

    # The newest two are chosen by default.
    web.get_by_role("button", name="Compare the chosen versions").click()
    title_row = web.locator(".rc-compare tbody tr", has_text="Title [en]")
    expect(title_row.locator("del")).to_have_text("win")
    expect(title_row.locator("ins")).to_contain_text("still waiting for")
    body_row = web.locator(".rc-compare tbody tr", has_text="Body [en]")
    expect(body_row.locator("ins")).to_contain_text("Some were left out.")
    inserted = title_row.locator("ins").first
    assert inserted.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    screenshot(web, "admin-history-compare.png")

    web.get_by_role("link", name="See the earlier version, and restore it").click()
    assert web.input_value("#id_title_en") == "Workers win back pay"
    expect(web.locator(".rc-history-note")).to_contain_text("press “Save” to restore it")
    web.locator("input[name=_save]").first.click()
    web.wait_for_url("**/admin/stories/article/")
    expect(web.locator(".messagelist")).to_contain_text("was changed successfully")

    stored = Article.objects.get(pk=article.pk)
    assert stored.title_en == "Workers win back pay"
    assert stored.body_en == "<p>The factory paid every worker.</p>"
    web.goto(stored.get_absolute_url())
    expect(web.locator("main h1")).to_have_text("Workers win back pay")
    web.goto(f"/admin/stories/article/{article.pk}/history/")
    expect(web.locator("#change-history tbody tr")).to_have_count(3)
    expect(web.locator("#change-history tbody tr").first).to_contain_text("Restored the version of")
    assert not refused, refused
