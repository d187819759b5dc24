"""Editors find what needs translating: badges of the languages each entry is written in,
and "Missing <language>" / "Translated into <language>" filters."""

import pytest

from tests.factories import (
    ArticleFactory,
    CompanyFactory,
    SiteMessageFactory,
    StoryFactory,
    TopicFactory,
)
from tests.resource_centre.admin.conftest import changelist_titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def stories():
    return {
        "english only": StoryFactory(title="English only"),
        "with french": StoryFactory(title="With French", title_fr="Avec le français"),
        "french and japanese": StoryFactory(
            title="French and Japanese", title_fr="Français et japonais", title_ja="日本語"
        ),
        "empty french": StoryFactory(title="Empty French", title_fr=""),
    }


def test_missing_french_filter_lists_exactly_the_stories_without_a_french_title(
    editor_client, stories
):
    response = editor_client.get("/admin/stories/story/", {"missing": "fr"})

    assert response.status_code == 200
    assert sorted(changelist_titles(response)) == ["Empty French", "English only"]


def test_translated_into_french_filter_lists_the_stories_with_a_french_title(
    editor_client, stories
):
    response = editor_client.get("/admin/stories/story/", {"translated": "fr"})

    assert sorted(changelist_titles(response)) == ["French and Japanese", "With French"]


def test_filters_combine_translated_into_french_but_missing_japanese(editor_client, stories):
    response = editor_client.get("/admin/stories/story/", {"translated": "fr", "missing": "ja"})

    assert changelist_titles(response) == ["With French"]


def test_missing_filter_offers_every_language_by_name(editor_client, stories):
    html = editor_client.get("/admin/stories/story/").content.decode()

    for name in ("Missing French", "Missing Simplified Chinese", "Translated into Arabic"):
        assert name in html
    assert "?missing=zh-hans" in html


def test_translation_column_shows_a_badge_per_language(editor_client, stories):
    html = editor_client.get("/admin/stories/story/", {"translated": "ja"}).content.decode()

    assert '<span class="rc-lang" lang="en" title="English">en</span>' in html
    assert '<span class="rc-lang" lang="fr" title="French">fr</span>' in html
    assert '<span class="rc-lang" lang="ja" title="Japanese">ja</span>' in html
    assert 'lang="de"' not in html.split('id="result_list"')[1]


def test_unknown_language_in_the_filter_is_refused_without_an_error_page(editor_client):
    response = editor_client.get("/admin/stories/story/", {"missing": "xx"})

    # Django's admin answers bad filter parameters by redirecting to "?e=1".
    assert response.status_code == 302
    assert response.url.endswith("?e=1")


def test_missing_french_across_every_kind_in_all_content(editor_client):
    ArticleFactory(title="Article in English")
    StoryFactory(title="Story in both", title_fr="Histoire")

    response = editor_client.get("/admin/stories/item/", {"missing": "fr"})

    assert changelist_titles(response) == ["Article in English"]


def test_missing_french_topics(editor_client):
    TopicFactory(title="Water", title_fr="Eau")
    TopicFactory(title="Land")

    response = editor_client.get("/admin/stories/topic/", {"missing": "fr"})

    assert changelist_titles(response) == ["Land"]


def test_company_translation_status_follows_the_description(editor_client):
    CompanyFactory(name="Described", description="A miner.", description_fr="Une minière.")
    CompanyFactory(name="English description", description="A bank.")

    missing = editor_client.get("/admin/companies/company/", {"missing": "fr"})
    translated = editor_client.get("/admin/companies/company/", {"translated": "fr"})

    assert changelist_titles(missing) == ["English description"]
    assert changelist_titles(translated) == ["Described"]


def test_missing_french_site_messages(editor_client):
    SiteMessageFactory(title="Maintenance", title_fr="Maintenance prévue")
    SiteMessageFactory(title="New design")

    response = editor_client.get("/admin/resource_centre/sitemessage/", {"missing": "fr"})

    assert changelist_titles(response) == ["New design"]


def test_counts_of_the_translation_filters_can_be_shown(editor_client, stories):
    response = editor_client.get("/admin/stories/story/", {"_facets": "1"})

    assert response.status_code == 200
    assert "Missing French (2)" in response.content.decode()
