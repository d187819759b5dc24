"""Facet counts: how many results each filter choice would give, in a bounded number of
queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from resource_centre.publishing import Status
from tests.factories import (
    ArticleFactory,
    CompanyFactory,
    CompanyResponseFactory,
    SectorFactory,
    StoryFactory,
    TagFactory,
    TopicFactory,
)
from tests.html import parse, text

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:results")


def facet(response, name) -> dict[str, tuple[str, int, bool]]:
    """{value: (label, count, checked)} of the facet `name` in the filter form."""
    result = {}
    for box in parse(response).xpath(f"//fieldset[contains(@class, 'facet-{name}')]//input"):
        label = text(parse_label(box))
        match = re.fullmatch(r"(.*) \((\d+)\)", label)
        assert match, label
        result[box.get("value")] = (match[1], int(match[2]), box.get("checked") is not None)
    return result


def parse_label(box):
    return box.getparent().xpath(f".//label[@for='{box.get('id')}']")[0]


def counts(response, name) -> dict[str, int]:
    return {value: count for value, (_label, count, _checked) in facet(response, name).items()}


def test_each_facet_counts_the_results_for_each_choice(client):
    labour = TopicFactory(slug="labour", title="Labour")
    child = TopicFactory(slug="child", title="Child labour", parent=labour)
    mining = SectorFactory(slug="mining", name="Mining")
    glencore = CompanyFactory(slug="glencore", name="Glencore")
    glencore.sectors.set([mining])
    cobalt = TagFactory(slug="cobalt", name="cobalt")
    one = ArticleFactory(topics=[labour, child], companies=[glencore], countries=["CD", "ZM"])
    one.tags.add(cobalt)
    StoryFactory(topics=[child], countries=["CD"], original_language="fr")
    CompanyResponseFactory(company=glencore, countries=["FR"])

    response = client.get(SEARCH)

    assert counts(response, "kind") == {"article": 1, "story": 1, "response": 1}
    assert counts(response, "topic") == {"labour": 2, "child": 2}
    assert facet(response, "topic")["child"][0] == "Child labour"
    assert counts(response, "company") == {"glencore": 2}
    assert counts(response, "sector") == {"mining": 2}
    assert counts(response, "country") == {"CD": 2, "ZM": 1, "FR": 1}
    assert counts(response, "region")["africa"] == 2
    assert counts(response, "region")["middle-africa"] == 2
    assert counts(response, "region")["europe"] == 1
    assert counts(response, "language") == {"en": 2, "fr": 1}
    assert counts(response, "tag") == {"cobalt": 1}


def test_a_facet_is_counted_without_its_own_choice_but_with_the_others(client):
    ArticleFactory(countries=["FR"])
    ArticleFactory(countries=["DE"])
    StoryFactory(countries=["FR"])

    response = client.get(f"{SEARCH}?kind=article")

    assert facet(response, "kind")["article"] == ("Article", 2, True)
    assert facet(response, "kind")["story"] == ("Story", 1, False)
    assert counts(response, "country") == {"FR": 1, "DE": 1}


def test_selected_choices_stay_checked_even_when_they_count_nothing(client):
    TopicFactory(slug="empty-topic", title="Empty topic")
    ArticleFactory()

    response = client.get(f"{SEARCH}?topic=empty-topic")

    assert facet(response, "topic")["empty-topic"] == ("Empty topic", 0, True)


def test_unpublished_topics_and_companies_are_not_offered(client):
    hidden_topic = TopicFactory(slug="hidden-topic", status=Status.DRAFT)
    hidden_company = CompanyFactory(slug="hidden-company", status=Status.DRAFT)
    ArticleFactory(topics=[hidden_topic], companies=[hidden_company])

    response = client.get(SEARCH)

    assert counts(response, "topic") == {}
    assert counts(response, "company") == {}


def test_labels_are_in_the_visitors_language_with_english_fallback(client):
    topic = TopicFactory(slug="t", title="Labour rights", title_fr="Droits du travail")
    sector = SectorFactory(slug="s", name="Mining")
    company = CompanyFactory()
    company.sectors.set([sector])
    ArticleFactory(topics=[topic], companies=[company])

    with translation.override("fr"):
        response = client.get(reverse("search:results"))

    assert facet(response, "topic")["t"][0] == "Droits du travail"
    assert facet(response, "sector")["s"][0] == "Mining"
    assert facet(response, "kind")["article"][0] == "Article"


def test_facets_take_the_same_number_of_queries_for_few_and_many_results(client):
    def add(count):
        for _ in range(count):
            topic = TopicFactory()
            company = CompanyFactory()
            company.sectors.set([SectorFactory()])
            article = ArticleFactory(topics=[topic], companies=[company], countries=["FR", "KE"])
            article.tags.add(TagFactory())
            CompanyResponseFactory(company=company)

    query = "?kind=article&kind=response&country=FR&region=europe&q=item"
    add(3)
    client.get(SEARCH + query)
    with CaptureQueriesContext(connection) as few:
        assert client.get(SEARCH + query).status_code == 200
    add(40)
    with CaptureQueriesContext(connection) as many:
        assert client.get(SEARCH + query).status_code == 200

    assert len(many) == len(few)
    assert len(few) <= 20


def test_language_choices_are_marked_with_their_own_language(client):
    ArticleFactory(original_language="fr")

    page = parse(client.get(SEARCH))

    [name] = page.xpath("//fieldset[contains(@class, 'facet-language')]//label/span[@lang='fr']")
    assert name.text_content() == "Français"


def test_a_response_that_also_names_its_company_is_counted_once_for_it(client):
    nso = CompanyFactory(slug="nso", name="NSO Group")
    SectorFactory(slug="surveillance", name="Surveillance").companies.set([nso])
    CompanyResponseFactory(company=nso, companies=[nso])
    ArticleFactory(companies=[nso])

    response = client.get(SEARCH)

    assert counts(response, "company") == {"nso": 2}
    assert counts(response, "sector") == {"surveillance": 2}


def test_facet_labels_are_escaped_and_choices_keep_their_state(client):
    company = CompanyFactory(name="<b>Acme</b> & Sons", slug="acme")
    ArticleFactory(companies=[company])

    response = client.get(SEARCH, {"company": "acme"})

    assert "<b>Acme</b>" not in response.content.decode()
    assert facet(response, "company")["acme"] == ("<b>Acme</b> & Sons", 1, True)


def test_a_tag_only_drafts_carry_is_no_choice_and_its_name_is_never_shown(client):
    secret = TagFactory(slug="embargoed", name="Embargoed investigation")
    ArticleFactory(status=Status.DRAFT).tags.add(secret)
    ArticleFactory(title="Public").tags.add(TagFactory(slug="public-tag", name="Open"))

    response = client.get(SEARCH, {"tag": "embargoed"})

    assert response.status_code == 400
    assert "Embargoed investigation" not in response.content.decode()
    assert client.get(SEARCH, {"tag": "public-tag"}).status_code == 200
