"""The reader's layout in a real browser: on a phone the results come first (the filters behind
one "Filters (n)" control that works without JavaScript, active filters as removable chips),
on a desktop the first result is above the fold, and a page that falls back in part says so."""

import re

import pytest

from tests.e2e.conftest import PAGES, TIMEOUT_MS, screenshot

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
FIRST_RESULT_TOP = "document.querySelector('.list-main .entry').getBoundingClientRect().top"


@pytest.fixture
def phone_without_js(chromium_browser, live_server):
    context = chromium_browser.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=False
    )
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(chromium_browser, live_server):
    context = chromium_browser.new_context(base_url=live_server.url, viewport=PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, errors


@pytest.mark.parametrize("language", ["en", "ar", "ja"])
def test_on_a_phone_the_first_result_of_a_topic_page_is_on_the_first_screen(
    phone, content, language
):
    phone.goto(content.path("topic", language))

    top = phone.evaluate(FIRST_RESULT_TOP)
    assert 0 < top <= PHONE["height"], f"first result at y={top}"
    # The filters are one closed control above the results, not nine open fieldsets.
    assert phone.locator("details.filter-panel > summary").is_visible()
    assert not phone.locator("fieldset.facet-kind").is_visible()
    screenshot(phone, f"reader-topic-{language}-390.png")


def test_on_a_desktop_the_first_result_is_above_the_fold_and_the_filters_stand_open(web, content):
    web.set_viewport_size(DESKTOP)
    web.goto(content.path("topic", "en"))

    top = web.evaluate(FIRST_RESULT_TOP)
    assert 0 < top <= DESKTOP["height"], f"first result at y={top}"
    assert web.locator("fieldset.facet-kind").is_visible()
    assert not web.locator("details.filter-panel > summary").is_visible()
    # The width is used: the side column (feed, downloads) is beside the list.
    side = web.locator(".list-side").bounding_box()
    main = web.locator(".list-main").bounding_box()
    assert side["x"] > main["x"] + main["width"], (side, main)


def test_filters_open_apply_and_clear_without_javascript(phone_without_js, content):
    page = phone_without_js
    page.goto(content.path("topic", "en"))
    toggle = page.locator("details.filter-panel > summary")
    assert toggle.inner_text().strip() == "Filters"

    toggle.click()
    article = page.locator("fieldset.facet-kind").get_by_label(re.compile(r"^Article"))
    assert article.is_visible()
    article.check()
    page.get_by_role("button", name="Apply filters").click()

    page.wait_for_url(re.compile(r"kind=article"))
    assert page.locator("details.filter-panel > summary").inner_text().strip() == "Filters (1)"
    kinds = {text.lower() for text in page.locator(".list-main .entry-kind").all_inner_texts()}
    assert kinds == {"article"}

    page.locator("details.filter-panel > summary").click()
    page.locator("form.filters").get_by_role("link", name="Clear filters").click()
    page.wait_for_url(re.compile(re.escape(content.path("topic", "en")) + "$"))
    assert page.locator(".active-filters").count() == 0
    assert page.locator(".list-main .entry").count() > 1


def test_an_active_filter_chip_removes_its_filter_and_keeps_the_others(phone, content):
    phone.goto(content.path("topic", "en") + "?kind=article&kind=story&page=1")
    chips = phone.locator(".active-filters .chip")
    assert chips.count() == 2
    assert "Kind: Article" in chips.first.inner_text()

    chips.first.click()

    phone.wait_for_url(re.compile(r"\?kind=story$"))
    assert phone.locator(".active-filters .chip").count() == 1
    kinds = {text.lower() for text in phone.locator(".list-main .entry-kind").all_inner_texts()}
    assert kinds == {"story"}


@pytest.mark.parametrize("language", ["ar", "ja"])
def test_a_page_that_falls_back_in_part_says_so_and_links_the_full_languages(
    web, content, language
):
    web.goto(content.path("hub", language))

    notice = web.locator(".language-note-partial")
    assert notice.is_visible()
    assert "English" in notice.inner_text()
    assert notice.get_by_role("link", name="English").get_attribute("hreflang") == "en"
    # The intro shown in English is marked as such.
    assert web.locator(".intro").get_attribute("lang") == "en"


def test_a_fully_translated_page_has_no_partial_notice(web, content):
    for name in ("topic", "article"):
        web.goto(content.path(name, "ar"))
        assert web.locator(".language-note-partial").count() == 0, name


def test_an_arabic_byline_isolates_each_run_of_one_direction(web, content):
    web.goto(content.path("opinion", "ar"))

    runs = web.locator(".entry-byline.author bdi")
    # Latin name, Arabic role, English organisation: three runs, each in its own direction.
    assert runs.all_inner_texts() == ["Karim Mansour", "مسؤول السياسات", "Open Networks Coalition"]
    directions = [run.evaluate("e => getComputedStyle(e).direction") for run in runs.all()]
    assert directions == ["ltr", "rtl", "ltr"]


def test_every_reader_page_fits_a_phone_without_sideways_scrolling(phone, content):
    overflow = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    for language in ("en", "ar"):
        for name in PAGES:
            phone.goto(content.path(name, language))
            assert phone.evaluate(overflow) <= 0, f"{name} ({language})"
