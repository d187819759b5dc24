"""An editor adds a company response on a story's page in a real browser (Debian chromium),
with the admin in English and in French: the row offers the response's text with the
rich-text editor, no outcome is chosen until the editor chooses one (saving without one is
refused), and the response, filed under the story's topics and companies, is on the topic
page with its text in the topic's feed. And `make run` again (load_demo) leaves a demo story
an editor changed in the browser as they left it."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from responses.models import CompanyResponse
from stories.models import Story
from tests.e2e.conftest import _new_page, screenshot
from tests.resource_centre.admin.conftest import make_editor, make_publisher

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "a-long-editor-password"
PREFIX = "company_responses"
#: Django's own strings, in the admin's language (our new strings are not translated yet).
REQUIRED = {"en": "This field is required.", "fr": "Ce champ est obligatoire."}
SAVE = {"en": "Save", "fr": "Enregistrer"}


@pytest.fixture(params=["en", "fr"])
def admin_page(request, chromium_browser, live_server):
    """A browser whose admin speaks English or French (its Accept-Language)."""
    language = request.param
    context, page = _new_page(
        chromium_browser, live_server, locale={"en": "en-GB", "fr": "fr-FR"}[language]
    )
    page.language = language
    yield page
    context.close()
    assert not page.js_errors, f"JavaScript errors: {page.js_errors}"


def log_in(page, next_path, make_user=make_editor):
    """As a member of Editors (or, with `make_publisher`, of Publishers, who publish)."""
    make_user(username="editor", password=PASSWORD)
    page.goto(f"/admin/login/?next={next_path}")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def choose(page, row, field, search, option):
    """Pick `option` in the row's autocomplete (select2) `field`, searching for `search`."""
    row.locator(f".field-{field} .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option).click()


def english_tab(row, field):
    """Open the English tab of the row's translated `field`, if tabs are showing another."""
    tab = row.locator(".ui-tabs", has=row.locator(f"[id$='-{field}_en']")).get_by_role(
        "tab", name="EN"
    )
    if tab.count():
        tab.first.click()


def test_editor_adds_a_response_with_text_filed_under_the_storys_topics(admin_page):
    from tests import factories as f

    web = admin_page
    topic = f.TopicFactory(title="Digital Freedom", slug="digital-freedom")
    nso = f.CompanyFactory(name="NSO Group", slug="nso-group")
    whatsapp = f.CompanyFactory(name="WhatsApp", slug="whatsapp")
    story = f.StoryFactory(
        title="Spyware targets clergymen in Togo", topics=[topic], companies=[nso, whatsapp]
    )
    change = reverse("admin:stories_story_change", args=[story.pk])
    log_in(web, change, make_publisher)  # the row below is published at once

    web.locator(f"#{PREFIX}-group .add-row a").click()
    row = web.locator(f"#{PREFIX}-0")
    expect(row).to_be_visible()
    # The response's text, each language in its tab, the body in the rich-text editor.
    english_tab(row, "title")
    row.locator(f"#id_{PREFIX}-0-title_en").fill("NSO Group says it sells only to states")
    english_tab(row, "summary")
    row.locator(f"#id_{PREFIX}-0-summary_en").fill(
        "The company says its customers are vetted governments."
    )
    english_tab(row, "body")
    body = row.locator(
        f".prose-editor:has(#id_{PREFIX}-0-body_en) .ProseMirror[contenteditable=true]"
    )
    body.click()
    web.keyboard.type("NSO Group told the centre it investigates every report of misuse.")
    choose(web, row, "company", "NSO", "NSO Group")
    # No outcome is chosen until the editor chooses one.
    outcome = row.locator(f"#id_{PREFIX}-0-outcome")
    assert outcome.input_value() == ""
    row.locator(f"#id_{PREFIX}-0-requested_on").fill("2020-07-20")
    row.locator(f"#id_{PREFIX}-0-responded_on").fill("2020-07-28")
    row.locator(f"#id_{PREFIX}-0-status").select_option("published")
    # Topics and companies left empty: the story's are taken.
    assert not row.locator(f"#id_{PREFIX}-0-topics option:checked").count()

    web.get_by_role("button", name=SAVE[web.language], exact=True).first.click()
    expect(web.locator(f"#{PREFIX}-0 .errorlist")).to_contain_text(REQUIRED[web.language])
    assert not CompanyResponse.objects.exists()

    row = web.locator(f"#{PREFIX}-0")
    row.locator(f"#id_{PREFIX}-0-outcome").select_option("responded")
    screenshot(web, f"admin-response-inline-{web.language}.png")
    web.get_by_role("button", name=SAVE[web.language], exact=True).first.click()
    web.wait_for_url(re.compile(r".*/admin/stories/story/$"))

    response = CompanyResponse.objects.get()
    assert response.responds_to_id == story.pk
    assert response.body_en.startswith("<p>NSO Group told the centre")
    assert list(response.topics.all()) == [topic]
    assert set(response.companies.all()) == {nso, whatsapp}

    web.goto(topic.get_absolute_url())
    title = web.get_by_role("link", name="NSO Group says it sells only to states", exact=True)
    expect(title).to_be_visible()
    feed = web.request.get(reverse("feeds:topic", kwargs={"slug": topic.slug, "fmt": "atom"}))
    entry = feed.text().split("NSO Group says it sells only to states", 1)[1]
    assert "The company says its customers are vetted governments." in entry.split("</entry>")[0]


def test_load_demo_again_leaves_a_demo_story_the_editor_changed(web):
    """What `make run` does the second time: the editor's change stays."""
    call_command("load_demo", verbosity=0)
    story = Story.objects.get(slug="china-oecd-complaint-against-ubs-over-hikvision")
    log_in(web, reverse("admin:stories_story_change", args=[story.pk]))
    web.fill("#id_title_en", "China: UBS complaint, as our editor put it")
    web.click("input[name=_save]")
    web.wait_for_url(re.compile(r".*/admin/stories/story/$"))

    call_command("load_demo", verbosity=0)

    web.goto(story.get_absolute_url())
    expect(web.locator("h1")).to_have_text("China: UBS complaint, as our editor put it")
    story = Story.objects.get(pk=story.pk)
    assert story.title_en == "China: UBS complaint, as our editor put it"
