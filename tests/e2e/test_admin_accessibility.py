"""The admin pages editors use, in English and in Arabic (right to left), pass axe-core with
no violation of impact "serious" or "critical": the index, every change list, and the add
and change forms of every content admin (the rich-text editors, date and time inputs,
topic and company pickers and the language switch included), in Debian's chromium."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from resource_centre.content_admin import TranslatedAdmin
from resource_centre.models import Page
from tests.e2e.test_accessibility import blocking_violations

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
    # Five minutes of axe over every admin page, whose markup the database does not change:
    # run once, in CI's SQLite pass (the PostgreSQL pass runs every other admin test).
    pytest.mark.skipif(
        "os.environ.get('DATABASE_URL', '').startswith('postgres')",
        reason="the admin's markup is the same on either database: checked in the SQLite pass",
    ),
]


def admin_paths(user) -> list[str]:
    """The index, every change list the user may see, and the add form and the change form
    of the first row of every content admin (a translated admin)."""
    request = RequestFactory().get("/admin/")
    request.user = user
    paths = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_module_permission(request):
            continue
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        paths.append(reverse(f"{name}_changelist"))
        if not isinstance(model_admin, TranslatedAdmin):
            continue
        if model_admin.has_add_permission(request):
            paths.append(reverse(f"{name}_add"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            paths.append(reverse(f"{name}_change", args=[first.pk]))
    return paths


def log_in(page, username, password):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


#: Every rich-text editor on the page has started (they are modules, run after the load).
EDITORS_STARTED = """() => Array.from(document.querySelectorAll(".prose-editor"))
  .every(editor => editor.querySelector("[contenteditable]"))"""


def test_admin_pages_have_no_serious_or_critical_axe_violation_in_english_and_arabic(
    web, live_server, content, admin_user
):
    from tests import factories as f

    f.TagFactory(name="Shutdowns", slug="shutdowns")
    f.IssueFactory()
    if not Page.objects.exists():  # made by a migration, emptied by earlier browser tests
        Page.objects.create(title="About", slug="about", body="<p>About us.</p>")
    paths = admin_paths(admin_user)
    assert reverse("admin:stories_article_add") in paths
    assert reverse("admin:stories_article_change", args=[content.article.pk]) in paths

    log_in(web, admin_user.username, "password")
    problems = []
    for language in ("en", "ar"):
        # The admin has no language prefix: LocaleMiddleware reads this cookie.
        web.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        for path in paths:
            response = web.goto(path)
            assert response.status == 200, f"{path} answered {response.status}"
            assert web.locator("html").get_attribute("lang") == language, path
            web.wait_for_function(EDITORS_STARTED)
            problems += [f"{language} {path}: {line}" for line in blocking_violations(web)]
    # In the right-to-left admin, each language's fields keep their own direction.
    web.goto(reverse("admin:stories_article_change", args=[content.article.pk]))
    web.wait_for_function(EDITORS_STARTED)
    for name, direction in [("title_en", "ltr"), ("body_en", "ltr"), ("body_ar", "rtl")]:
        field = web.locator(f".form-row:has([name={name}]) :is(input, [contenteditable])")
        assert field.evaluate("e => getComputedStyle(e).direction") == direction, name
    assert not problems, "axe-core found serious/critical violations:\n" + "\n".join(problems)


#: How many lines each title of a change list takes (one box per line of its link).
TITLE_LINES = """() => Array.from(document.querySelectorAll("#result_list .field-title a"))
  .map(link => link.getClientRects().length)"""


def test_all_content_titles_take_at_most_three_lines_at_1280_px(web, admin_user):
    from tests import factories as f

    long_title = (
        "Rights groups question a telecom operator over a regional internet shutdown "
        "ordered during the protests"
    )
    for _ in range(3):
        f.ArticleFactory(title=long_title, **{f"title_{code}": "…" for code in ("fr", "ar", "ja")})
    f.StoryFactory(title="Operator restores mobile data")
    log_in(web, admin_user.username, "password")

    web.goto(reverse("admin:stories_item_changelist"))
    assert web.viewport_size["width"] == 1280
    # The navigation and the filters beside the list, as editors have them.
    assert web.locator("#nav-sidebar").is_visible()
    assert web.locator("#changelist-filter").is_visible()
    lines = web.evaluate(TITLE_LINES)
    assert len(lines) == 4
    assert max(lines) <= 3, lines
