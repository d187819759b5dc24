"""The names search finds items by (authors, publications, public companies) stay right on
every path that changes them: a dump loaded into an empty database, companies published and
unpublished in bulk, and a company's publication time passing (`search.fulltext.upkeep`).
"""

import datetime as dt

import pytest
from django.core import management
from django.urls import reverse
from django.utils import timezone

from companies.models import Company
from resource_centre.publishing import Status, publish, unpublish
from stories.models import Item, Topic
from tests.factories import (
    ArticleFactory,
    CompanyFactory,
    CompanyResponseFactory,
    OpinionFactory,
    StoryFactory,
    TopicFactory,
)
from tests.html import entry_titles

pytestmark = pytest.mark.django_db

SEARCHES = [
    "Kirchgaessner",
    "Guardian",
    "Glencore",
    "Vodafone",
    "Sarina",
    "Secretcorp",
    "cobalt",
    "cobalt Glencore",
    "Glencore -cobalt",
]


def search(client, query):
    response = client.get(reverse("search:results"), {"q": query})
    assert response.status_code == 200
    return entry_titles(response)


def results(client) -> dict[str, list[str]]:
    return {query: search(client, query) for query in SEARCHES}


@pytest.fixture
def archive():
    topic = TopicFactory(slug="mining")
    glencore = CompanyFactory(name="Glencore", slug="glencore")
    vodafone = CompanyFactory(name="Vodafone", slug="vodafone")
    hidden = CompanyFactory(name="Secretcorp", slug="secretcorp", status=Status.DRAFT)
    ArticleFactory(
        title="Cobalt article",
        author="Stephanie Kirchgaessner",
        publication="The Guardian",
        body="<p>Cobalt mines.</p>",
        topics=[topic],
        companies=[glencore, hidden],
    )
    ArticleFactory(title="Plain article", author="Other Writer", publication="Le Monde")
    StoryFactory(title="Mining story", companies=[glencore], topics=[topic])
    CompanyResponseFactory(title="A response", company=vodafone, companies=[glencore])
    OpinionFactory(title="An opinion", author_name="Sarina Phu", companies=[vodafone])


EXPECTED = {
    "Kirchgaessner": ["Cobalt article"],
    "Guardian": ["Cobalt article"],
    "Glencore": {"Cobalt article", "Mining story", "A response"},
    "Vodafone": {"A response", "An opinion"},
    "Sarina": ["An opinion"],
    "Secretcorp": [],
    "cobalt": ["Cobalt article"],
    "cobalt Glencore": ["Cobalt article"],
    "Glencore -cobalt": {"Mining story", "A response"},
}


def assert_expected(found):
    for query, expected in EXPECTED.items():
        shown = set(found[query]) if isinstance(expected, set) else found[query]
        assert shown == expected, query


# --- Dump and load --------------------------------------------------------------------


@pytest.mark.parametrize(
    "apps",
    [
        ["companies", "stories", "responses", "taggit"],
        # Items before the companies they name, responses before their items.
        ["responses", "stories", "taggit", "companies"],
    ],
    ids=["companies-first", "companies-last"],
)
def test_a_dump_loaded_into_an_empty_database_searches_the_same(client, archive, tmp_path, apps):
    before = results(client)
    assert_expected(before)
    stored = sorted(Item.objects.values_list("slug", "search_extra"))
    dump = tmp_path / "dump.json"
    management.call_command("dumpdata", *apps, output=str(dump), verbosity=0)
    Item.objects.all().delete()
    Company.objects.all().delete()
    Topic.objects.all().delete()
    assert search(client, "Kirchgaessner") == []

    management.call_command("loaddata", str(dump), verbosity=0)

    assert results(client) == before
    assert sorted(Item.objects.values_list("slug", "search_extra")) == stored


def test_a_dump_holding_stale_search_text_is_loaded_right(client, archive, tmp_path):
    """An older dump (from a database with the stale text) is put right by loading it."""
    Item.objects.update(search_extra="")
    dump = tmp_path / "old.json"
    management.call_command(
        "dumpdata", "companies", "stories", "responses", output=str(dump), verbosity=0
    )
    Item.objects.all().delete()
    Company.objects.all().delete()
    Topic.objects.all().delete()

    management.call_command("loaddata", str(dump), verbosity=0)

    assert_expected(results(client))


# --- Publication in bulk --------------------------------------------------------------


def test_a_company_published_in_bulk_finds_its_items_by_name(client):
    company = CompanyFactory(name="Zircona", status=Status.DRAFT)
    StoryFactory(title="A story", companies=[company])
    assert search(client, "Zircona") == []

    publish(Company.objects.filter(pk=company.pk))

    assert search(client, "Zircona") == ["A story"]


def test_a_company_unpublished_in_bulk_no_longer_finds_its_items(client):
    company = CompanyFactory(name="Zircona")
    StoryFactory(title="A story", companies=[company])
    CompanyResponseFactory(title="Its response", company=company)
    assert set(search(client, "Zircona")) == {"A story", "Its response"}

    unpublish(Company.objects.filter(pk=company.pk))

    assert search(client, "Zircona") == []


def test_a_company_published_in_bulk_for_later_waits_for_its_time(client):
    company = CompanyFactory(
        name="Zircona", status=Status.DRAFT, published_at=timezone.now() + dt.timedelta(days=1)
    )
    StoryFactory(title="A story", companies=[company])

    publish(Company.objects.filter(pk=company.pk))

    assert search(client, "Zircona") == []


# --- Publication by schedule ----------------------------------------------------------


def time_passes(company):
    """As if the clock had moved on two hours since `company` was saved, scheduled for an
    hour later: its time has passed with nothing written."""
    now = timezone.now()
    Company.objects.filter(pk=company.pk).update(
        published_at=now - dt.timedelta(hours=1), updated_at=now - dt.timedelta(hours=2)
    )


def scheduled(name):
    return CompanyFactory(name=name, published_at=timezone.now() + dt.timedelta(hours=1))


def test_a_scheduled_company_is_not_found_by_name_before_its_time(client):
    StoryFactory(title="A story", companies=[scheduled("Zircona")])

    assert search(client, "Zircona") == []


def test_a_company_whose_time_has_come_finds_its_items_by_name(client):
    company = scheduled("Zircona")
    StoryFactory(title="A story", companies=[company])
    CompanyResponseFactory(title="Its response", company=company, body="<p>Nickel.</p>")
    assert search(client, "Zircona") == []

    time_passes(company)

    assert set(search(client, "Zircona")) == {"A story", "Its response"}
    assert search(client, "zircona -nickel") == ["A story"]
    assert search(client, "Zirconium") == []


def test_a_company_whose_time_has_come_is_stored_at_its_next_save(client):
    company = scheduled("Zircona")
    StoryFactory(title="A story", companies=[company], summary="About nickel.")
    time_passes(company)

    Company.objects.get(pk=company.pk).save()

    assert search(client, "Zircona nickel") == ["A story"]
    assert search(client, "Zircona") == ["A story"]
