"""A translation request in a real browser (Debian chromium), with the admin in English and
in French: an editor asks for an article in French from its change form, a translator finds
it in their queue, writes the French text, and the request closes by itself.

In French the test reads Django's own French strings (language names, the Save button),
never this project's new ones, whose translations come later."""

import pytest
from playwright.sync_api import expect

from stories.models import Article
from tests import factories as f
from tests.e2e.conftest import TIMEOUT_MS, screenshot
from tests.resource_centre.admin.conftest import make_editor
from tests.translation_requests.conftest import make_translator
from translation_requests.models import State, TranslationRequest

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

#: What each admin language calls things, in Django's own catalogue.
WORDS = {
    "en": {"French": "French", "Japanese": "Japanese", "save": "Save"},
    "fr": {"French": "Français", "Japanese": "Japonais", "save": "Enregistrer"},
}


def logged_in(browser, live_server, language, username, password):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        locale={"en": "en-GB", "fr": "fr-FR"}[language],
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    assert page.locator("html").get_attribute("lang") == language
    return context, page, errors


def show(page, field, code):
    """The input of `field` in language `code`, in view (for rich text, its editor): with one
    row of language tabs per field, its tab is clicked first."""
    rich = page.locator(f".prose-editor:has(#id_{field}_{code}) .ProseMirror[contenteditable=true]")
    target = rich if rich.count() else page.locator(f"#id_{field}_{code}")
    if not target.is_visible():
        tabs = page.locator(".ui-tabs", has=page.locator(f"#id_{field}_en"))
        tabs.get_by_role("tab", name=code.upper()).first.click()
    expect(target).to_be_visible()
    return target


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_translation_request_from_asking_to_closing(chromium_browser, live_server, language):
    words = WORDS[language]
    make_editor(username="editor", password="a-long-editor-password")
    make_translator(username="traductrice", password="a-long-translator-password", languages=["fr"])
    article = f.ArticleFactory(
        title="Nine days offline",
        summary="Mobile data was cut for nine days.",
        body="<p>Across the region.</p>",
        original_language="en",
    )

    # The editor asks for French from the article's change form.
    context, page, errors = logged_in(
        chromium_browser, live_server, language, "editor", "a-long-editor-password"
    )
    page.goto(f"/admin/stories/article/{article.pk}/change/")
    page.locator(".object-tools a[href*='/ask/']").click()
    expect(page.get_by_label(words["Japanese"], exact=True)).to_be_visible()
    page.get_by_label(words["French"], exact=True).check()
    page.locator("textarea[name=note]").fill("Keep the operator's name as it is.")
    page.locator(".submit-row input[type=submit]").click()
    page.wait_for_url(f"**/admin/stories/article/{article.pk}/change/")
    request = TranslationRequest.objects.prefetch_related("languages").get()
    assert request.asked() == ["fr"]
    assert request.requested_by.username == "editor"
    context.close()
    assert not errors, errors

    # The translator finds it in their queue and writes the French text.
    context, page, errors = logged_in(
        chromium_browser, live_server, language, "traductrice", "a-long-translator-password"
    )
    page.goto("/admin/translation_requests/translationrequest/queue/")
    queue = page.locator("#translation-queue")
    expect(queue.locator("tbody tr")).to_have_count(1)
    expect(queue.locator("tbody tr td").first).to_have_text(words["French"])
    queue.get_by_role("link", name="Nine days offline").click()
    page.wait_for_url(f"**/admin/stories/article/{article.pk}/change/")
    page.wait_for_load_state("load")
    # Text only: no status to change, no slug to edit.
    expect(page.locator("#id_status")).to_have_count(0)
    expect(page.locator("#id_slug")).to_have_count(0)

    show(page, "title", "fr").fill("Neuf jours hors ligne")
    show(page, "summary", "fr").fill("Les données mobiles ont été coupées neuf jours.")
    show(page, "body", "fr").click()
    page.keyboard.type("Dans toute la région.")
    screenshot(page, f"admin-translation-request-{language}.png")
    page.get_by_role("button", name=words["save"], exact=True).first.click()
    page.wait_for_url("**/admin/stories/article/")

    article = Article.objects.get(pk=article.pk)
    assert article.title_fr == "Neuf jours hors ligne"
    assert article.body_fr == "<p>Dans toute la région.</p>"
    request = TranslationRequest.objects.get()
    assert request.state == State.CLOSED
    assert request.closed_at is not None
    page.goto("/admin/translation_requests/translationrequest/queue/")
    expect(page.locator("#translation-queue")).to_have_count(0)
    context.close()
    assert not errors, errors
