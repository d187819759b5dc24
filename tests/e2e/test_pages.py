"""What a visitor does in a real browser: read pages in English and Arabic (right to left),
switch language, open a translation, hide the site message, with and without JavaScript."""

import re

import pytest

from tests.e2e.conftest import PAGES, screenshot

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

# Where the text of an element sits inside its own box (a Range measures the glyphs).
TEXT_EDGES = """element => {
  const range = document.createRange();
  range.selectNodeContents(element);
  const text = range.getBoundingClientRect();
  const box = element.getBoundingClientRect();
  return {textLeft: text.left, textRight: text.right, boxLeft: box.left, boxRight: box.right,
          direction: getComputedStyle(element).direction};
}"""
SIDEWAYS_OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_arabic_pages_are_right_to_left(web, content):
    for name in PAGES:
        web.goto(content.path(name, "ar"))
        html = web.locator("html")
        assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl"), name
        heading = web.locator("h1").first
        edges = heading.evaluate(TEXT_EDGES)
        if name == "statement":
            # Not translated: the English title is marked as such inside the Arabic page.
            assert heading.get_attribute("lang") == "en"
            assert edges["direction"] == "ltr"
            assert web.locator(".language-note").first.is_visible()
        else:
            assert edges["direction"] == "rtl", name
            # The heading's text hugs the right-hand edge of its box.
            assert abs(edges["textRight"] - edges["boxRight"]) < 2, f"{name}: {edges}"


def test_topic_page_layout_mirrors_between_english_and_arabic(web, content):
    """Text starts on the left in English and on the right in Arabic, and so does the header.
    Screenshots land in test-results/ for a person to look at."""
    width = web.viewport_size["width"]

    web.goto(content.path("topic", "en"))
    assert web.locator("html").get_attribute("dir") == "ltr"
    edges = web.locator("h1").evaluate(TEXT_EDGES)
    assert edges["direction"] == "ltr"
    assert abs(edges["textLeft"] - edges["boxLeft"]) < 2, edges
    site_name = web.locator(".site-name").bounding_box()
    assert site_name["x"] + site_name["width"] < width / 2
    # The language bar lines up with the header above it.
    first_language = web.locator("nav.languages li").first.bounding_box()
    assert abs(first_language["x"] - site_name["x"]) < 2, (first_language, site_name)
    screenshot(web, "topic-en.png")

    web.goto(content.path("topic", "ar"))
    site_name = web.locator(".site-name").bounding_box()
    assert site_name["x"] > width / 2
    first_language = web.locator("nav.languages li").first.bounding_box()
    right = (first_language["x"] + first_language["width"], site_name["x"] + site_name["width"])
    assert abs(right[0] - right[1]) < 2, (first_language, site_name)
    assert web.get_by_role("heading", level=1).inner_text() == content.topic.title_ar
    screenshot(web, "topic-ar.png")


def test_language_switcher_opens_the_same_article_in_arabic_and_back(web, content):
    web.goto(content.path("article", "en"))
    web.locator("nav.languages a[hreflang=ar]").click()
    web.wait_for_url(re.compile(re.escape(content.path("article", "ar")) + "$"))
    assert web.locator("html").get_attribute("dir") == "rtl"
    assert web.get_by_role("heading", level=1).inner_text() == content.article.title_ar

    web.locator("nav.languages a[hreflang=en]").click()
    web.wait_for_url(re.compile(re.escape(content.path("article", "en")) + "$"))
    assert web.get_by_role("heading", level=1).inner_text() == content.article.title


def test_translation_disclosure_on_topic_page_reveals_the_french_title(web, content):
    web.goto(content.path("topic", "en"))
    entry = web.locator("article.entry").filter(has_text=content.article.title)
    french = entry.locator("details.entry-translation").filter(has_text="Français")
    french_title = french.get_by_text(content.article.title_fr)
    assert not french_title.is_visible()

    french.locator("summary").click()
    assert french_title.is_visible()
    assert french.locator("[lang=fr]").last.get_attribute("dir") == "ltr"
    link = french.get_by_role("link", name="Français")
    assert link.get_attribute("href") == content.path("article", "fr")

    french.locator("summary").click()
    assert not french_title.is_visible()


def test_translation_disclosure_in_arabic_page_shows_english_left_to_right(web, content):
    web.goto(content.path("topic", "ar"))
    entry = web.locator("article.entry").filter(has_text=content.article.title_ar)
    english = entry.locator("details.entry-translation").filter(has_text="English")
    english.locator("summary").click()
    english_title = english.get_by_text(content.article.title, exact=True)
    assert english_title.is_visible()
    assert english_title.evaluate("element => getComputedStyle(element).direction") == "ltr"


def test_hiding_site_message_with_javascript_removes_it_in_place_and_for_later_pages(web, content):
    web.goto(content.path("topic", "en"))
    banner = web.locator("[data-site-message]")
    assert banner.get_by_text(content.message.title).is_visible()
    web.evaluate("window.stillTheSamePage = true")

    banner.get_by_role("button", name="Hide message").click()

    assert banner.count() == 0
    assert web.evaluate("window.stillTheSamePage === true"), "hiding reloaded the page"
    assert web.evaluate("document.activeElement.id") == "main"
    web.reload()
    assert web.locator("[data-site-message]").count() == 0
    web.goto(content.path("article", "ar"))
    assert web.locator("[data-site-message]").count() == 0


def test_hiding_site_message_without_javascript_returns_to_the_same_page_without_it(
    web_without_js, content
):
    page = web_without_js
    path = content.path("story", "ar")
    page.goto(path)
    banner = page.locator("[data-site-message]")
    assert banner.get_by_text(content.message.title_ar).is_visible()

    with page.expect_navigation():
        banner.get_by_role("button").click()

    assert page.url.endswith(path)
    assert page.locator("[data-site-message]").count() == 0
    assert page.get_by_role("heading", level=1).inner_text() == content.story.title_ar
    page.goto(content.path("home", "en"))
    assert page.locator("[data-site-message]").count() == 0


def test_every_page_works_without_javascript_and_fits_a_phone_screen(web_without_js, content):
    page = web_without_js
    page.set_viewport_size({"width": 360, "height": 740})
    for language in ("en", "ar"):
        for name in PAGES:
            path = content.path(name, language)
            response = page.goto(path)
            assert response.status == 200, f"{path} answered {response.status}"
            assert page.locator("h1").first.is_visible(), path
            # The stylesheet applied: the skip link waits off screen until focused.
            assert page.locator(".skip-link").bounding_box()["y"] < 0, path
            assert page.evaluate(SIDEWAYS_OVERFLOW) <= 0, f"{path} scrolls sideways"
    screenshot(page, "response-ar-phone.png")

    # Native disclosure and plain links need no script either.
    page.goto(content.path("topic", "en"))
    french = page.locator("details.entry-translation").filter(has_text="Français")
    french.locator("summary").click()
    assert french.get_by_text(content.article.title_fr).is_visible()
    page.locator("nav.languages a[hreflang=ar]").click()
    page.wait_for_url(re.compile(re.escape(content.path("topic", "ar")) + "$"))
    assert page.get_by_role("heading", level=1).inner_text() == content.topic.title_ar
    screenshot(page, "topic-ar-phone.png")
