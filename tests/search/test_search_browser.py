"""The search page in a real browser: no serious accessibility problem in English or
Arabic, with results, facets and errors; the filters and the sort work without JavaScript."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.factories import (
    ArticleFactory,
    CompanyFactory,
    CompanyResponseFactory,
    StoryFactory,
    TopicFactory,
    days_ago,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

AXE = Axe()


def serious_violations(page) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in AXE.run(page).response["violations"]
        if v.get("impact") in {"serious", "critical"}
    ]


@pytest.fixture
def results():
    topic = TopicFactory(slug="tech", title="Technology", title_ar="التكنولوجيا")
    nso = CompanyFactory(slug="nso", name="NSO Group")
    ArticleFactory(
        title="Spyware sold to governments",
        title_ar="بيع برامج التجسس للحكومات",
        topics=[topic],
        companies=[nso],
        countries=["MX"],
    )
    StoryFactory(title="Spyware found on phones", topics=[topic], countries=["ES"])
    CompanyResponseFactory(title="NSO Group responds on spyware", company=nso, countries=["MX"])


@pytest.mark.parametrize("language", ["en", "ar"])
def test_search_results_and_errors_have_no_serious_accessibility_problem(web, results, language):
    problems = []
    for query in ["?q=spyware&kind=article&kind=story", "?date_from=never"]:
        response = web.goto(f"/{language}/search/{query}")
        assert response.status in (200, 400)
        problems += [f"{query}: {line}" for line in serious_violations(web)]
    assert not problems, "\n".join(problems)


def test_filters_apply_and_clear_without_javascript(web_without_js, results):
    page = web_without_js
    page.goto("/en/search/?q=spyware")
    assert page.locator("article.entry").count() == 3

    page.locator("fieldset.facet-country").get_by_label("Mexico").check()
    page.get_by_role("button", name="Apply filters").click()

    assert "country=MX" in page.url
    titles = page.locator("article.entry .entry-title").all_inner_texts()
    assert sorted(titles) == ["NSO Group responds on spyware", "Spyware sold to governments"]
    assert page.locator("fieldset.facet-country").get_by_label("Mexico").is_checked()

    # Both "Clear filters" links (beside the active-filter chips and under the form) clear.
    filtered = page.url
    clear_links = page.get_by_role("link", name="Clear filters")
    assert clear_links.count() == 2
    for index in range(2):
        page.goto(filtered)
        page.get_by_role("link", name="Clear filters").nth(index).click()
        # The URL changes when the navigation commits, before the new page has parsed:
        # wait for the load rather than counting entries in a half-built document.
        page.wait_for_load_state("load")
        assert page.url.endswith("/en/search/")
        expect(page.locator("article.entry")).to_have_count(3)


def test_newest_first_is_chosen_in_the_form_without_javascript(web_without_js):
    StoryFactory(title="Newer", body="<p>It mentions cobalt once.</p>", published_at=days_ago(1))
    StoryFactory(title="Cobalt mines", published_at=days_ago(30))
    page = web_without_js
    page.goto("/en/search/?q=cobalt")
    assert page.locator("article.entry .entry-title").all_inner_texts() == ["Cobalt mines", "Newer"]

    page.get_by_label("Sort search results by").select_option(label="Newest first")
    page.get_by_role("button", name="Apply filters").click()

    assert "sort=newest" in page.url
    assert page.locator("article.entry .entry-title").all_inner_texts() == ["Newer", "Cobalt mines"]
    assert page.get_by_label("Sort search results by").input_value() == "newest"
