"""The Content-Security-Policy in a real browser (Debian chromium): the public pages and the
admin, its rich-text editor included, work under it with no violation, and the public policy
really blocks what an injection would add.

Violations are collected two ways, across navigations and popups: the pages'
`securitypolicyviolation` events (sent to the test through a binding, which the policy does
not govern) and chromium's console messages about either policy (a refused inline style or
script, an unknown Permissions-Policy feature).
"""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import TIMEOUT_MS
from tests.resource_centre.admin.conftest import make_editor

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation({
    page: location.pathname,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile + ":" + event.lineNumber,
  });
});
"""


class Watched:
    """A browser context whose policy violations and console policy messages are kept in
    `violations` and `console`, whatever page (or popup) they happened on."""

    def __init__(self, browser, live_server):
        self.context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}
        )
        self.context.set_default_timeout(TIMEOUT_MS)
        self.violations, self.console, self.js_errors = [], [], []
        self.context.expose_function("reportViolation", self._violation)
        self.context.add_init_script(REPORT_VIOLATIONS)
        self.context.on("console", self._console)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.js_errors.append(str(error)))

    def _violation(self, report):
        self.violations.append(report)

    def _console(self, message):
        if "Content Security Policy" in message.text or "Permissions-Policy" in message.text:
            self.console.append(f"{message.page.url if message.page else ''}: {message.text}")

    def problems(self) -> list:
        return [*self.violations, *self.console]


@pytest.fixture
def watched(chromium_browser, live_server):
    watched = Watched(chromium_browser, live_server)
    yield watched
    watched.context.close()
    assert not watched.js_errors, f"JavaScript errors: {watched.js_errors}"


def settle(page):
    """Let late reports arrive (a script's run-time styles, the binding's round trip)."""
    page.wait_for_load_state("load")
    page.evaluate("() => new Promise(resolve => setTimeout(resolve, 100))")


def log_in(page, username, password, next_path):
    page.goto(f"/admin/login/?next={next_path}")
    settle(page)
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{next_path}")
    settle(page)


def test_public_pages_run_with_no_policy_violation(watched, content):
    page = watched.page
    paths = [
        content.path("home", "en"),
        content.path("topic", "en"),
        content.path("article", "en"),
        content.path("company", "en"),
        content.path("story", "ar"),
        "/en/search/?q=shutdown",
    ]
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        assert "'unsafe-inline'" not in response.headers["content-security-policy"], path
        assert response.headers["permissions-policy"], path
        settle(page)
        # Styled by the site's style sheet, which the policy allows.
        assert page.locator(".skip-link").evaluate("e => getComputedStyle(e).position") in {
            "absolute",
            "fixed",
        }, path
    response = page.goto("/en/no-such-page/")
    assert response.status == 404
    assert response.headers["content-security-policy"]
    settle(page)

    assert watched.problems() == []


def test_the_public_policy_blocks_an_injected_script_handler_and_style(watched, content):
    page = watched.page
    page.goto(content.path("article", "en"))
    settle(page)
    assert watched.problems() == []

    # What an injection, stored or reflected, would add: an inline script, an inline event
    # handler and an inline style.
    with pytest.raises(Exception, match="Content Security Policy"):
        page.add_script_tag(content="window.injected = 'script';")
    page.evaluate(
        """() => {
          document.body.insertAdjacentHTML("beforeend",
            "<img id=injected-img src=/no-such.png onerror=\\"window.injected = 'handler'\\">" +
            "<p id=injected-style style='color: rgb(255, 0, 0)'>red</p>");
        }"""
    )
    page.wait_for_function("() => document.getElementById('injected-img').complete")
    settle(page)

    assert page.evaluate("() => window.injected") is None
    assert page.locator("#injected-style").evaluate("e => getComputedStyle(e).color") != (
        "rgb(255, 0, 0)"
    )
    refused = {violation["directive"] for violation in watched.violations}
    assert {"script-src-elem", "script-src-attr", "style-src-attr"} <= refused


def test_an_editor_logs_in_lists_edits_rich_text_and_saves_with_no_policy_violation(
    watched, content
):
    page = watched.page
    make_editor(username="editor", password="a-long-editor-password")
    article = content.article
    change_list = reverse("admin:stories_article_changelist")
    change = reverse("admin:stories_article_change", args=[article.pk])

    log_in(page, "editor", "a-long-editor-password", change_list)
    page.click(f"a[href='{change}']")
    page.wait_for_url(f"**{change}")
    settle(page)

    # The Spanish body, empty so far: shown by the form's language switch, its own editor.
    page.locator("#rc-language-switch").get_by_role("radio", name="Spanish").check()
    body = page.locator(".prose-editor:has(#id_body_es) .ProseMirror[contenteditable=true]")
    body.click()
    page.keyboard.type("El servicio volvió ")
    page.keyboard.press("Control+b")
    page.keyboard.type("tras nueve días")
    page.keyboard.press("Control+b")
    page.keyboard.type(".")
    # The editor's own menu: a heading from the block-type picker.
    menu = page.locator(".prose-editor:has(#id_body_es) .prose-menubar")
    menu.locator(".prose-menubar__selected").click()
    menu.locator(".prose-menubar__option[data-name=heading3]").click()
    page.click("input[name=_save]")
    page.wait_for_url(f"**{change_list}")
    settle(page)
    expect(page.locator(".messagelist .success")).to_be_visible()

    article.refresh_from_db()
    assert article.body_es == "<h3>El servicio volvió <strong>tras nueve días</strong>.</h3>"
    assert article.body_en == "<p>Mobile data was unavailable for nine days across the region.</p>"
    assert watched.problems() == []


def test_every_admin_list_and_form_runs_with_no_policy_violation(watched, content, admin_user):
    """As a superuser: every registered model's change list, add form and the change form
    of its first row (the import map of the rich-text editors is on most of them)."""
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    paths = []
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        paths.append(reverse(f"{name}_changelist"))
        if model_admin.has_add_permission(request):
            paths.append(reverse(f"{name}_add"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            paths.append(reverse(f"{name}_change", args=[first.pk]))
    assert reverse("admin:stories_article_add") in paths

    page = watched.page
    log_in(page, admin_user.username, "password", "/admin/")
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        settle(page)
    # A related-object popup opens a page of its own.
    page.goto(reverse("admin:stories_article_change", args=[content.article.pk]))
    with page.expect_popup() as popup:
        page.locator("a.add-related").first.click()
    settle(popup.value)

    assert watched.problems() == []
