"""Full-text search as every database does it (PostgreSQL and the SQLite fallback)."""

import pytest
from django.urls import reverse
from django.utils import translation

from resource_centre.publishing import Status
from search.fulltext.query import parse_query
from search.fulltext.upkeep import refresh_search_text
from tests.factories import (
    ArticleFactory,
    CompanyFactory,
    CompanyResponseFactory,
    OpinionFactory,
    StoryFactory,
    days_ago,
)
from tests.html import entries, entry_titles, parse

pytestmark = pytest.mark.django_db


def search(client, query, language="en", extra=""):
    with translation.override(language):
        url = reverse("search:results")
    response = client.get(url, {"q": query, **dict(p.split("=") for p in extra.split("&") if p)})
    assert response.status_code == 200, response.content[:300]
    return response


def marks(response) -> list[str]:
    return [m.text_content() for m in parse(response).xpath("//main//article//mark")]


def test_finds_words_in_titles_summaries_and_bodies(client):
    ArticleFactory(title="Cobalt mines in Congo")
    StoryFactory(title="Second", summary="Workers at the cobalt refinery went on strike.")
    StoryFactory(title="Third", body="<p>Its <strong>cobalt</strong> suppliers were audited.</p>")
    StoryFactory(title="Unrelated", summary="Nothing about that metal.")

    found = entry_titles(search(client, "cobalt"))

    assert sorted(found) == ["Cobalt mines in Congo", "Second", "Third"]


def test_finds_authors_publications_and_company_names(client):
    nso = CompanyFactory(name="NSO Group")
    ArticleFactory(title="By Kirchgaessner", author="Stephanie Kirchgaessner", publication="X")
    ArticleFactory(title="In Le Monde", author="A", publication="Le Monde")
    StoryFactory(title="About a company", companies=[nso])
    CompanyResponseFactory(title="A response", company=CompanyFactory(name="Vodafone"))
    OpinionFactory(title="An opinion", author_name="Sarina Phu")

    assert entry_titles(search(client, "Kirchgaessner")) == ["By Kirchgaessner"]
    assert entry_titles(search(client, "Monde")) == ["In Le Monde"]
    assert entry_titles(search(client, "NSO")) == ["About a company"]
    assert entry_titles(search(client, "Vodafone")) == ["A response"]
    assert entry_titles(search(client, "Sarina")) == ["An opinion"]


def test_every_word_must_match_and_a_quoted_phrase_stays_together(client):
    StoryFactory(title="Forced labour in cotton fields")
    StoryFactory(title="Labour rights and forced evictions")
    StoryFactory(title="Cotton prices")

    assert sorted(entry_titles(search(client, "forced labour"))) == [
        "Forced labour in cotton fields",
        "Labour rights and forced evictions",
    ]
    assert entry_titles(search(client, '"forced labour"')) == ["Forced labour in cotton fields"]
    assert entry_titles(search(client, "cotton -forced")) == ["Cotton prices"]


def test_title_matches_rank_above_body_matches_even_when_older(client):
    StoryFactory(title="Newest", body="<p>Mentions surveillance in passing.</p>")
    StoryFactory(title="Surveillance exports", published_at=days_ago(30))
    StoryFactory(title="Unrelated")

    assert entry_titles(search(client, "surveillance")) == ["Surveillance exports", "Newest"]
    assert "most relevant first" in search(client, "surveillance").content.decode()


def test_matched_words_are_highlighted_and_the_rest_escaped(client):
    StoryFactory(
        title="Spyware <script>alert(1)</script> sold abroad",
        summary="The spyware was sold to several governments.",
    )

    response = search(client, "spyware")
    html = response.content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert [m.lower() for m in marks(response)][:2] == ["spyware", "spyware"]
    title = entries(response)[0].xpath(".//*[contains(@class, 'entry-title')]//mark")
    assert title and title[0].text_content() == "Spyware"


def test_a_body_only_match_shows_the_matching_passage(client):
    StoryFactory(
        title="Annual report",
        summary="A summary that says nothing relevant.",
        body="<p>" + "Filler words here. " * 40 + "The refinery polluted the river.</p>",
    )

    response = search(client, "refinery")
    excerpt = entries(response)[0].xpath(".//*[contains(@class, 'entry-excerpt')]")[0]

    assert "refinery" in [m.text_content() for m in excerpt.xpath(".//mark")]
    assert "polluted the river" in excerpt.text_content()


def test_searches_the_visitors_language_and_english(client):
    StoryFactory(title="Migrant workers", title_fr="Travailleurs migrants")
    StoryFactory(title="Only in English: migrant camps")

    found = entry_titles(search(client, "migrant", language="fr"))

    assert sorted(found) == ["Only in English: migrant camps", "Travailleurs migrants"]
    assert entry_titles(search(client, "travailleurs", language="fr")) == ["Travailleurs migrants"]


def test_drafts_and_scheduled_items_are_never_found(client):
    StoryFactory(title="Lithium draft", status=Status.DRAFT)
    StoryFactory(title="Lithium public")

    assert entry_titles(search(client, "lithium")) == ["Lithium public"]


def test_search_combines_with_filters(client):
    StoryFactory(title="Nickel story")
    ArticleFactory(title="Nickel article")

    assert entry_titles(search(client, "nickel", extra="kind=article")) == ["Nickel article"]


def test_search_text_follows_company_renames_and_removals(client):
    company = CompanyFactory(name="Acme Mining")
    story = StoryFactory(title="A story", companies=[company])
    assert entry_titles(search(client, "Acme")) == ["A story"]

    company.name = "Zenith Metals"
    company.save()
    assert entry_titles(search(client, "Acme")) == []
    assert entry_titles(search(client, "Zenith")) == ["A story"]

    story.companies.remove(company)
    assert entry_titles(search(client, "Zenith")) == []
    company.items.add(story)
    assert entry_titles(search(client, "Zenith")) == ["A story"]
    company.items.clear()
    assert entry_titles(search(client, "Zenith")) == []


def test_unpublished_company_names_are_not_searchable(client):
    hidden = CompanyFactory(name="Secretcorp", status=Status.DRAFT)
    StoryFactory(title="A story", companies=[hidden])

    assert entry_titles(search(client, "Secretcorp")) == []
    hidden.status = Status.PUBLISHED
    hidden.save()
    assert entry_titles(search(client, "Secretcorp")) == ["A story"]


def test_refresh_search_text_repairs_rows_written_without_signals(client):
    story = StoryFactory(title="A story", companies=[CompanyFactory(name="Glencore")])
    type(story).objects.filter(pk=story.pk).update(search_extra="")
    assert entry_titles(search(client, "Glencore")) == []

    assert refresh_search_text([story.pk]) == 1
    assert entry_titles(search(client, "Glencore")) == ["A story"]


def test_parse_query_reads_words_phrases_and_exclusions():
    parsed = parse_query('cobalt "forced  labour" -child OR -"open pit"')

    assert parsed.include == ["cobalt", "forced labour"]
    assert parsed.exclude == ["child", "open pit"]


def test_case_is_ignored_in_every_alphabet(client):
    StoryFactory(title="Russia", title_ru="Россия и права человека")
    StoryFactory(title="Économie sociale", title_fr="Économie sociale")

    assert entry_titles(search(client, "РОССИЯ", language="ru")) == ["Россия и права человека"]
    assert entry_titles(search(client, "économie", language="fr")) == ["Économie sociale"]
