import pytest
from django.urls import reverse
from django.utils import translation

from resource_centre.publishing import Status
from responses.models import Outcome
from tests.factories import (
    ArticleFactory,
    CompanyFactory,
    CompanyResponseFactory,
    SectorFactory,
    StoryFactory,
    days_ago,
)
from tests.html import entry_titles, parse, text
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


def test_company_profile_shows_sectors_headquarters_and_website(client):
    company = CompanyFactory(name="UBS", headquarters_country="CH", website="https://www.ubs.com/")
    company.sectors.set([SectorFactory(name="Banking"), SectorFactory(name="Investment")])

    page = parse(client.get(company.get_absolute_url()))

    assert text(page.xpath("//h1")[0]) == "UBS"
    facts = text(page.xpath("//dl[@class='facts']")[0])
    assert "Sectors Banking, Investment" in facts
    assert "Headquarters Switzerland" in facts
    assert page.xpath("//dl[@class='facts']//a/@href") == ["https://www.ubs.com/"]


def test_company_profile_lists_every_public_item_naming_it_newest_first(client):
    company = CompanyFactory()
    ArticleFactory(companies=[company], title="Older article", published_at=days_ago(5))
    StoryFactory(companies=[company], title="Newer story", published_at=days_ago(2))
    CompanyResponseFactory(company=company, title="Its response", published_at=days_ago(3))
    ArticleFactory(companies=[company], title="Draft article", status=Status.DRAFT)
    ArticleFactory(companies=[CompanyFactory()], title="About someone else")

    response = client.get(company.get_absolute_url())

    assert entry_titles(response) == ["Newer story", "Its response", "Older article"]


def test_company_profile_shows_its_response_record(client):
    company = CompanyFactory(name="Acme")
    CompanyResponseFactory.create_batch(3, company=company, outcome=Outcome.RESPONDED)
    CompanyResponseFactory(company=company, outcome=Outcome.DECLINED, responded_on=None)
    CompanyResponseFactory(company=company, outcome=Outcome.NO_RESPONSE, responded_on=None)
    CompanyResponseFactory(company=company, status=Status.DRAFT)

    page = parse(client.get(company.get_absolute_url()))

    record = [text(li) for li in page.xpath("//ul[@class='record']/li")]
    assert record == [
        "5 requests to respond",
        "3 responses",
        "1 declined",
        "1 no response",
        "60% response rate",
    ]


def test_company_never_asked_has_no_response_rate(client):
    company = CompanyFactory(name="Acme")

    page = parse(client.get(company.get_absolute_url()))

    section = text(page.xpath("//section[@class='response-record']")[0])
    assert "has not yet asked Acme to respond" in section
    assert "%" not in section


def test_company_profile_is_paginated_and_announces_its_feeds(client):
    company = CompanyFactory(slug="acme")
    for n in range(21):
        ArticleFactory(companies=[company], published_at=days_ago(n + 1))

    first = client.get(company.get_absolute_url())
    second = client.get(company.get_absolute_url() + "?page=2")

    assert len(entry_titles(first)) == 20
    assert len(entry_titles(second)) == 1
    assert client.get(company.get_absolute_url() + "?page=3").status_code == 404
    feeds = parse(first).xpath("//head/link[@type='application/rss+xml']/@href")
    assert feeds == ["http://testserver/en/feeds/companies/acme.rss"]


def test_draft_company_is_not_found_but_staff_can_preview_it(client, admin_client):
    company = CompanyFactory(status=Status.DRAFT)

    assert client.get(company.get_absolute_url()).status_code == 404
    preview = admin_client.get(company.get_absolute_url())
    assert preview.status_code == 200
    assert preview["X-Robots-Tag"] == "noindex"


def test_company_profile_runs_as_many_queries_for_60_entries_as_for_5(
    client, django_assert_max_num_queries
):
    company = CompanyFactory()
    company.sectors.set([SectorFactory()])

    def add_entries(count):
        for n in range(count):
            if n % 3 == 0:
                CompanyResponseFactory(company=company)
            else:
                ArticleFactory(companies=[company], title_fr=f"Titre {n}")

    assert_constant_queries(
        client, company.get_absolute_url(), add_entries, django_assert_max_num_queries, cap=10
    )


def test_company_index_lists_public_companies_alphabetically(client):
    CompanyFactory(name="Zeta")
    CompanyFactory(name="Alpha").sectors.set([SectorFactory(name="Mining")])
    CompanyFactory(name="Hidden", status=Status.DRAFT)

    page = parse(client.get(reverse("companies:company_list")))

    assert [text(h) for h in page.xpath("//main//h2")] == ["Alpha", "Zeta"]
    assert "Mining" in text(page.xpath("//main")[0])


def test_company_index_page_past_the_end_is_not_found(client):
    CompanyFactory()

    assert client.get(reverse("companies:company_list") + "?page=2").status_code == 404
    assert client.get(reverse("companies:company_list") + "?page=x").status_code == 404


def test_company_index_runs_as_many_queries_for_60_companies_as_for_5(
    client, django_assert_max_num_queries
):
    sector = SectorFactory()

    def add_entries(count):
        for _ in range(count):
            CompanyFactory().sectors.add(sector)

    assert_constant_queries(
        client, reverse("companies:company_list"), add_entries, django_assert_max_num_queries
    )


def test_company_profile_in_french_has_french_country_name(client):
    company = CompanyFactory(headquarters_country="DE")
    with translation.override("fr"):
        url = company.get_absolute_url()

    page = parse(client.get(url))

    assert "Allemagne" in text(page.xpath("//dl[@class='facts']")[0])


def test_company_description_falls_back_to_english_and_names_its_languages(client):
    company = CompanyFactory(description="A Swiss bank.", description_de="Eine Schweizer Bank.")
    with translation.override("fr"):
        url = company.get_absolute_url()

    page = parse(client.get(url))

    assert page.xpath("//div[@class='intro']/@lang") == ["en"]
    links = page.xpath("//p[@class='language-note']//a/@hreflang")
    assert links == ["en", "de"]
