"""The pickers of the item and company forms in a real browser (Debian chromium), in English
and with the admin in French: countries found by typing their name in the admin's language,
tags found by their name in the editor's language and made only through "Create tag …"
(which fills the labelled New tags field), placeholders on the topic and company pickers,
keyboard use, axe, and the plain selects without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from companies.models import Company
from stories.models import Article, Tag
from tests.e2e.conftest import _new_page, screenshot
from tests.e2e.test_accessibility import AXE, BLOCKING_IMPACTS
from tests.factories import (
    ArticleFactory,
    CompanyFactory,
    SignatoryFactory,
    StatementFactory,
    TagFactory,
    TopicFactory,
)
from tests.resource_centre.admin.conftest import make_editor

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "a-long-editor-password"


def log_in(page, path):
    make_editor("editor", PASSWORD)
    page.goto(f"/admin/login/?next={path}")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{path}")


def picker(page, field):
    """The select2 box that stands for the select `#id_<field>`."""
    return page.locator(f"#id_{field} + .select2")


def search_box(page, field):
    """Where the editor types in a picker of several choices."""
    return picker(page, field).locator(".select2-search__field")


def chosen(page, field) -> list[str]:
    """The names the picker shows as chosen, in order."""
    names = picker(page, field).locator(".select2-selection__choice").all_inner_texts()
    return [name.lstrip("×").strip() for name in names]


def options(page):
    return page.locator(".select2-results__option")


#: The form rows holding pickers, and an open picker's list of choices (at the page's end).
PICKER_PARTS = [
    ".field-topics",
    ".field-companies",
    ".field-countries",
    ".field-tags",
    ".field-new_tags",
    ".field-headquarters_country",
    ".field-country",
    ".select2-dropdown",
]


def picker_violations(page) -> list[str]:
    """axe-core's serious and critical violations in the pickers, one readable line each.
    Only there: the rest of the admin's forms (language tabs, the rich-text editor, date
    fields) is not the pickers' doing and is checked on its own."""
    present = [[part] for part in PICKER_PARTS if page.locator(part).count()]
    results = AXE.run(page, context={"include": present})
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} "
        f"[e.g. {' | '.join(', '.join(node['target']) for node in violation['nodes'][:3])}]"
        for violation in results.response["violations"]
        if violation.get("impact") in BLOCKING_IMPACTS
    ]


@pytest.fixture
def french(chromium_browser, live_server):
    """A page whose browser asks for French: the admin answers in French."""
    context, page = _new_page(chromium_browser, live_server, locale="fr-FR")
    yield page
    context.close()
    assert not page.js_errors, f"JavaScript errors: {page.js_errors}"


def test_editor_picks_a_country_and_tags_and_creates_a_tag_only_on_purpose(web):
    TagFactory(name="Privacy", name_fr="Vie privée")
    TagFactory(name="Pollution")
    article = ArticleFactory(title="Mine spill report")
    path = f"/admin/stories/article/{article.pk}/change/"
    log_in(web, path)

    # Countries: typing part of the name finds it.
    search_box(web, "countries").click()
    web.keyboard.type("germ")
    expect(options(web)).to_have_text(["Germany"])
    web.keyboard.press("Enter")
    assert chosen(web, "countries") == ["Germany"]

    # Tags: an existing tag by its name; a typo offers only to create, and Escape leaves it.
    search_box(web, "tags").click()
    web.keyboard.type("privac")
    expect(options(web)).to_have_text(["Privacy", "Create tag “privac”"])
    web.keyboard.press("Enter")  # the first choice, the tag that exists
    assert chosen(web, "tags") == ["Privacy"]
    search_box(web, "tags").fill("")
    web.keyboard.type("Pollutoin")
    expect(options(web)).to_have_text(["Create tag “Pollutoin”"])
    web.keyboard.press("Escape")
    assert chosen(web, "tags") == ["Privacy"]
    assert web.input_value("#id_new_tags") == ""

    # Choosing "Create tag …" writes the name under New tags and says so; nothing is chosen.
    search_box(web, "tags").fill("")
    web.keyboard.type("Tailings dams")
    web.get_by_role("option", name="Create tag “Tailings dams”").click()
    assert web.input_value("#id_new_tags") == "Tailings dams"
    expect(web.get_by_role("status")).to_contain_text("Tailings dams")
    assert chosen(web, "tags") == ["Privacy"]
    screenshot(web, "admin-pickers-en.png")

    web.click("input[name=_save]")
    web.wait_for_url("**/admin/stories/article/")
    stored = Article.objects.get(pk=article.pk)
    assert list(stored.countries) == ["DE"]
    assert sorted(tag.name for tag in stored.tags.all()) == ["Privacy", "Tailings dams"]
    assert not Tag.objects.filter(name_en__icontains="Pollutoin").exists()
    assert not Tag.objects.filter(name_en__icontains="privac", name_en__endswith="c").exists()


def test_topic_and_company_pickers_have_placeholders_and_are_named_after_their_labels(web):
    TopicFactory(title="Land rights")
    CompanyFactory(name="Acme Mining")
    article = ArticleFactory()
    log_in(web, f"/admin/stories/article/{article.pk}/change/")

    expect(search_box(web, "topics")).to_have_attribute("placeholder", "Search topics…")
    expect(search_box(web, "companies")).to_have_attribute("placeholder", "Search companies…")
    expect(search_box(web, "countries")).to_have_attribute("placeholder", "Search countries…")
    expect(search_box(web, "tags")).to_have_attribute("placeholder", "Search tags…")
    # Named by the field's label itself (aria-labelledby: "Topics:", as Django writes it).
    for field, label in [("topics", "Topics"), ("companies", "Companies"), ("tags", "Tags")]:
        expect(search_box(web, field)).to_have_accessible_name(re.compile(f"^{label}:?$"))
    expect(picker(web, "topics").get_by_role("combobox")).to_have_accessible_name(
        re.compile("^Topics")
    )

    # Keyboard only: from the topics box, type, arrow down, Enter.
    search_box(web, "topics").focus()
    web.keyboard.type("land")
    expect(options(web)).to_have_text(["Land rights"])
    web.keyboard.press("Enter")
    assert chosen(web, "topics") == ["Land rights"]


def test_in_french_countries_and_tags_show_in_french_and_are_saved(french):
    TagFactory(name="Privacy", name_fr="Vie privée")
    TagFactory(name="Evictions")  # no French name: shown in English
    article = ArticleFactory(title="Mine spill report")
    path = f"/admin/stories/article/{article.pk}/change/"
    log_in(french, path)
    assert french.locator("html").get_attribute("lang") == "fr"

    search_box(french, "countries").click()
    french.keyboard.type("allem")
    expect(options(french)).to_have_text(["Allemagne"])
    french.keyboard.press("Enter")
    search_box(french, "countries").fill("")
    french.keyboard.type("DE")  # a country's code finds it too
    expect(options(french).first).to_have_text("Allemagne")
    french.keyboard.press("Escape")

    search_box(french, "tags").click()
    french.keyboard.type("vie priv")
    expect(options(french).first).to_have_text("Vie privée")
    french.keyboard.press("Enter")
    search_box(french, "tags").fill("")
    french.keyboard.type("evic")
    expect(options(french).first).to_have_text("Evictions")
    french.keyboard.press("Enter")
    # select2's own messages are in French.
    search_box(french, "topics").click()
    french.keyboard.type("zzz")
    expect(french.locator(".select2-results__message")).to_have_text("Aucun résultat trouvé")
    french.keyboard.press("Escape")
    screenshot(french, "admin-pickers-fr.png")

    french.click("input[name=_save]")
    french.wait_for_url("**/admin/stories/article/")
    stored = Article.objects.get(pk=article.pk)
    assert list(stored.countries) == ["DE"]
    assert sorted(tag.name_en for tag in stored.tags.all()) == ["Evictions", "Privacy"]

    french.goto(path)
    assert chosen(french, "countries") == ["Allemagne"]
    assert chosen(french, "tags") == ["Evictions", "Vie privée"]


def test_company_headquarters_is_a_searchable_single_picker(french):
    company = CompanyFactory(name="Acme Mining")
    path = f"/admin/companies/company/{company.pk}/change/"
    log_in(french, path)

    picker(french, "headquarters_country").get_by_role("combobox").click()
    french.keyboard.type("allem")
    expect(options(french)).to_have_text(["Allemagne"])
    french.keyboard.press("Enter")
    expect(picker(french, "headquarters_country")).to_contain_text("Allemagne")
    french.click("input[name=_save]")
    french.wait_for_url("**/admin/companies/company/")
    assert Company.objects.get(pk=company.pk).headquarters_country == "DE"


def test_a_signatory_row_added_in_the_page_gets_a_searchable_country_picker(french):
    statement = StatementFactory()
    SignatoryFactory(statement=statement, name="Rights Watch", country="FR")
    log_in(french, f"/admin/stories/statement/{statement.pk}/change/")
    expect(picker(french, "signatories-0-country")).to_contain_text("France")

    french.locator(".add-row a").click()
    row = picker(french, "signatories-1-country")
    row.get_by_role("combobox").click()
    french.keyboard.type("allem")
    expect(options(french)).to_have_text(["Allemagne"])
    french.keyboard.press("Enter")
    french.fill("#id_signatories-1-name", "Press Forum")
    french.click("input[name=_save]")
    french.wait_for_url("**/admin/stories/statement/")
    countries = dict(statement.signatories.values_list("name", "country"))
    assert countries == {"Rights Watch": "FR", "Press Forum": "DE"}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_item_and_company_forms_have_no_serious_or_critical_axe_violation(
    chromium_browser, live_server, language
):
    context, page = _new_page(chromium_browser, live_server, locale=language)
    try:
        TagFactory(name="Privacy", name_fr="Vie privée")
        article = ArticleFactory(countries=["DE"])
        article.tags.add(Tag.objects.get())
        company = CompanyFactory(headquarters_country="FR")
        statement = StatementFactory()
        SignatoryFactory(statement=statement, country="FR")
        log_in(page, f"/admin/stories/article/{article.pk}/change/")
        problems = []
        for path in [
            f"/admin/stories/article/{article.pk}/change/",
            "/admin/stories/story/add/",
            f"/admin/companies/company/{company.pk}/change/",
            f"/admin/stories/statement/{statement.pk}/change/",
        ]:
            page.goto(path)
            problems += [f"{path}: {line}" for line in picker_violations(page)]
        # Open, with a choice under the cursor: the list of choices too.
        page.goto(f"/admin/stories/article/{article.pk}/change/")
        for field in ["countries", "tags", "topics"]:
            search_box(page, field).click()
            expect(options(page).first).to_be_visible()
            page.keyboard.press("ArrowDown")
            problems += [f"{field} open: {line}" for line in picker_violations(page)]
            page.keyboard.press("Escape")
        page.goto(f"/admin/companies/company/{company.pk}/change/")
        picker(page, "headquarters_country").get_by_role("combobox").click()
        expect(options(page).first).to_be_visible()
        problems += [f"headquarters open: {line}" for line in picker_violations(page)]
        assert not problems, "axe-core found serious/critical violations:\n" + "\n".join(problems)
        assert not page.js_errors
    finally:
        context.close()


def test_without_javascript_the_pickers_are_plain_selects_and_new_tags_a_text_field(
    web_without_js,
):
    page = web_without_js
    TagFactory(name="Privacy")
    article = ArticleFactory(title="Mine spill report")
    path = f"/admin/stories/article/{article.pk}/change/"
    log_in(page, path)

    page.select_option("#id_countries", label="Germany")
    page.select_option("#id_tags", label="Privacy")
    page.fill("#id_new_tags", "Tailings dams")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/stories/article/")

    stored = Article.objects.get(pk=article.pk)
    assert list(stored.countries) == ["DE"]
    assert sorted(tag.name for tag in stored.tags.all()) == ["Privacy", "Tailings dams"]
