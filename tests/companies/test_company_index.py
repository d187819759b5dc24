"""The company index: name search, sector, headquarters and A–Z filters, each company's
response rate, bad input, and a query count that does not grow with the list."""

import datetime as dt
import string

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from companies.models import Company, response_rate
from companies.names import initial_of, word_pattern
from resource_centre.publishing import Status
from responses.models import Outcome
from tests.factories import CompanyFactory, CompanyResponseFactory, SectorFactory, days_ago
from tests.html import parse, text
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

INDEX = "/en/companies/"
#: A company never asked, as the page's text: "—" shown, "no requests" read out instead.
NEVER_ASKED = "Response rate: —no requests"


def names(response) -> list[str]:
    return [text(h) for h in parse(response).xpath("//ul[contains(@class, 'company-list')]/li/h2")]


def rate_of(response, name: str) -> str:
    page = parse(response)
    (card,) = page.xpath(f"//ul[contains(@class, 'company-list')]/li[h2/a = '{name}']")
    return text(card.xpath(".//p[@class='response-rate']")[0])


def initial_bar(response) -> dict[str, str | None]:
    """Each initial of the A–Z bar with its link (None where it is not linked)."""
    bar = {}
    for item in parse(response).xpath("//nav[@class='initials']//li"):
        label = text(item).replace("#Other initials", "#")
        hrefs = item.xpath("./a/@href")
        bar[label] = hrefs[0] if hrefs else None
    return bar


def error_text(response) -> str:
    return text(parse(response).xpath("//*[@role='alert']")[0])


def respond(company, outcome, status=Status.PUBLISHED, published_at=None, year=None):
    when = dt.date(year, 5, 1) if year else dt.date.today() - dt.timedelta(days=10)
    return CompanyResponseFactory(
        company=company,
        outcome=outcome,
        status=status,
        published_at=published_at or days_ago(1),
        requested_on=when,
        responded_on=when + dt.timedelta(days=3) if outcome == Outcome.RESPONDED else None,
    )


@pytest.fixture
def directory():
    """Companies with accented, Cyrillic and digit initials in two sectors and countries."""
    mining = SectorFactory(name="Mining", slug="mining")
    energy = SectorFactory(name="Energy", slug="energy")
    companies = {
        "acme": CompanyFactory(name="Acme Mining", headquarters_country="CA"),
        "edf": CompanyFactory(name="Électricité de France", headquarters_country="FR"),
        "engie": CompanyFactory(name="Engie", headquarters_country="FR"),
        "gazprom": CompanyFactory(name="Газпром", headquarters_country="RU"),
        "3m": CompanyFactory(name="3M", headquarters_country="US"),
        "oersted": CompanyFactory(name="Ørsted", headquarters_country="DK"),
    }
    companies["acme"].sectors.set([mining])
    companies["edf"].sectors.set([energy])
    companies["engie"].sectors.set([energy, mining])
    companies["oersted"].sectors.set([energy])
    return companies


# -- search ---------------------------------------------------------------------------


def test_search_finds_a_name_whatever_its_case_and_accents(client, directory):
    assert names(client.get(INDEX, {"q": "electricite"})) == ["Électricité de France"]
    assert names(client.get(INDEX, {"q": "ÉLECTRICITÉ"})) == ["Électricité de France"]
    assert names(client.get(INDEX, {"q": "orsted"})) == ["Ørsted"]
    assert names(client.get(INDEX, {"q": "MINING"})) == ["Acme Mining"]


def test_search_folds_the_case_of_other_scripts_on_every_database(client, directory):
    # SQLite's LIKE folds ASCII only; the index's patterns spell out both cases.
    assert names(client.get(INDEX, {"q": "газ"})) == ["Газпром"]
    assert names(client.get(INDEX, {"q": "ГАЗПРОМ"})) == ["Газпром"]


def test_search_needs_every_word_in_any_order(client, directory):
    assert names(client.get(INDEX, {"q": "mining acme"})) == ["Acme Mining"]
    assert names(client.get(INDEX, {"q": "acme france"})) == []


def test_search_text_is_matched_literally_not_as_a_pattern(client):
    CompanyFactory(name="AT&T (US)")
    CompanyFactory(name="ATxT")

    assert names(client.get(INDEX, {"q": "(US)"})) == ["AT&T (US)"]
    assert names(client.get(INDEX, {"q": "AT.T"})) == []
    assert names(client.get(INDEX, {"q": "at&t"})) == ["AT&T (US)"]
    # Every ASCII sign, and a backslash before letters, is a literal on both databases.
    for query in [string.punctuation, "\\d", "\\w+", "a\\", "[[:alpha:]]"]:
        response = client.get(INDEX, {"q": query})
        assert response.status_code == 200, query
        assert names(response) == [], query


def test_search_box_is_labelled_and_keeps_what_was_typed(client, directory):
    page = parse(client.get(INDEX, {"q": "acme"}))

    (field,) = page.xpath("//main//form[@role='search']//input[@name='q']")
    assert field.get("value") == "acme"
    assert text(page.xpath(f"//label[@for='{field.get('id')}']")[0]) == "Company name"


# -- sector and country ------------------------------------------------------------------


def test_sector_filter_lists_the_companies_in_that_sector(client, directory):
    response = client.get(INDEX, {"sector": "mining"})

    assert names(response) == ["Acme Mining", "Engie"]
    selected = parse(response).xpath("//select[@name='sector']/option[@selected]/@value")
    assert selected == ["mining"]


def test_country_filter_lists_the_companies_headquartered_there(client, directory):
    # (How "É" sorts against "E" is the database collation's business: compare as sets.)
    assert set(names(client.get(INDEX, {"country": "FR"}))) == {"Engie", "Électricité de France"}
    assert set(names(client.get(INDEX, {"country": "fr"}))) == {"Engie", "Électricité de France"}
    assert names(client.get(INDEX, {"country": "RU"})) == ["Газпром"]


def test_country_choices_are_the_headquarters_of_public_companies(client, directory):
    CompanyFactory(name="Hidden", headquarters_country="JP", status=Status.DRAFT)

    page = parse(client.get(INDEX))

    codes = page.xpath("//select[@name='country']/option/@value")
    assert codes[0] == ""
    assert set(codes[1:]) == {"CA", "FR", "RU", "US", "DK"}


def test_a_real_country_without_companies_is_an_empty_list_not_an_error(client, directory):
    response = client.get(INDEX, {"country": "JP"})

    assert response.status_code == 200
    assert names(response) == []
    assert "No companies match these filters." in text(parse(response).xpath("//main")[0])
    # The chosen country stays chosen in the form.
    assert parse(response).xpath("//select[@name='country']/option[@selected]/@value") == ["JP"]


# -- A–Z ---------------------------------------------------------------------------------


def test_letter_filter_counts_accented_latin_initials_under_their_letter(client, directory):
    assert names(client.get(INDEX, {"letter": "A"})) == ["Acme Mining"]
    assert set(names(client.get(INDEX, {"letter": "E"}))) == {"Engie", "Électricité de France"}
    assert names(client.get(INDEX, {"letter": "O"})) == ["Ørsted"]
    assert names(client.get(INDEX, {"letter": "e"})) != []


def test_other_initials_are_grouped_under_hash(client, directory):
    assert names(client.get(INDEX, {"letter": "#"})) == ["3M", "Газпром"]


def test_letter_bar_links_only_initials_that_have_companies(client, directory):
    bar = initial_bar(client.get(INDEX))

    assert list(bar) == ["All", *"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "#"]
    linked = [label for label, href in bar.items() if href]
    assert linked == ["All", "A", "E", "O", "#"]
    assert bar["A"] == INDEX + "?letter=A"
    assert bar["#"] == INDEX + "?letter=%23"
    assert bar["All"] == INDEX


def test_letter_bar_marks_the_chosen_initial(client, directory):
    page = parse(client.get(INDEX, {"letter": "E"}))

    current = page.xpath("//nav[@class='initials']//a[@aria-current]")
    assert [text(a) for a in current] == ["E"]


def test_every_company_is_under_exactly_one_initial_the_one_its_bar_links(client, directory):
    for name in ["“Quoted”", "Ĳsselmeer Energie", "ǅemal", "Ünal Holding", "ıspak", "ßeta"]:
        CompanyFactory(name=name)
    listed = {}
    for initial in initial_bar(client.get(INDEX)):
        if initial == "All":
            continue
        for name in names(client.get(INDEX, {"letter": initial})):
            listed.setdefault(name, []).append(initial)

    everyone = Company.objects.published().values_list("name", flat=True)
    assert listed == {name: [initial_of(name)] for name in everyone}
    assert listed["Ĳsselmeer Energie"] == ["I"] and listed["Ünal Holding"] == ["U"]
    assert listed["“Quoted”"] == ["#"]


def test_initial_helpers_agree_with_the_database_filter():
    assert initial_of("Électricité") == "E"
    assert initial_of("Ørsted") == "O"
    assert initial_of("3M") == "#"
    assert initial_of("Газпром") == "#"
    assert initial_of("acme") == "A"
    assert initial_of("“Quoted”") == "#"
    assert "É" in word_pattern("e") and "е" not in word_pattern("e")  # Cyrillic е is not e


# -- combined filters and their links ---------------------------------------------------------


def test_filters_combine(client, directory):
    response = client.get(INDEX, {"q": "e", "sector": "energy", "country": "FR", "letter": "E"})

    assert set(names(response)) == {"Engie", "Électricité de France"}
    assert names(client.get(INDEX, {"sector": "energy", "country": "DK"})) == ["Ørsted"]
    assert names(client.get(INDEX, {"sector": "mining", "letter": "E"})) == ["Engie"]
    assert names(client.get(INDEX, {"sector": "mining", "country": "FR", "q": "acme"})) == []


def test_letter_links_keep_the_other_filters_and_follow_them(client, directory):
    bar = initial_bar(client.get(INDEX, {"sector": "energy", "q": "e", "letter": "E"}))

    assert bar["E"] == INDEX + "?q=e&sector=energy&letter=E"
    assert bar["O"] == INDEX + "?q=e&sector=energy&letter=O"
    assert bar["All"] == INDEX + "?q=e&sector=energy"
    # Acme is not in energy: A has no company under these filters.
    assert bar["A"] is None
    assert bar["#"] is None


def test_the_form_keeps_the_chosen_letter(client, directory):
    page = parse(client.get(INDEX, {"letter": "E"}))

    assert page.xpath("//main//form[@role='search']//input[@name='letter']/@value") == ["E"]


def test_page_links_keep_every_filter(client):
    sector = SectorFactory(slug="banking")
    for n in range(101):
        CompanyFactory(name=f"Bank {n:03}", headquarters_country="CH").sectors.add(sector)

    response = client.get(INDEX, {"q": "bank", "sector": "banking", "country": "CH", "letter": "B"})

    assert len(names(response)) == 100
    (next_link,) = parse(response).xpath("//nav[@class='pagination']//a[@rel='next']/@href")
    assert next_link == "?q=bank&sector=banking&country=CH&letter=B&page=2"
    assert names(client.get(INDEX + next_link)) == ["Bank 100"]


def test_empty_result_says_so(client, directory):
    response = client.get(INDEX, {"q": "nothing like this"})

    assert response.status_code == 200
    assert "No companies match these filters." in text(parse(response).xpath("//main")[0])
    assert parse(response).xpath("//a[text()='Clear filters']/@href") == [INDEX]


# -- response rates ------------------------------------------------------------------------


def test_rate_counts_every_public_request_whatever_its_outcome(client):
    acme = CompanyFactory(name="Acme")
    for _ in range(2):
        respond(acme, Outcome.RESPONDED)
    respond(acme, Outcome.DECLINED)
    respond(acme, Outcome.NO_RESPONSE)
    CompanyFactory(name="Never Asked")

    response = client.get(INDEX)

    assert rate_of(response, "Acme") == "Responded to 2 of 4 requests (50%)"
    assert rate_of(response, "Never Asked") == NEVER_ASKED
    page = parse(response)
    never_asked = page.xpath("//li[h2/a='Never Asked']//p[@class='response-rate']")[0]
    assert [text(span) for span in never_asked.xpath(".//span[@aria-hidden='true']")] == ["—"]
    assert [text(span) for span in never_asked.xpath(".//span[@class='visually-hidden']")] == [
        "no requests"
    ]


def test_rate_rounds_to_the_nearest_percent_and_speaks_in_the_singular(client):
    thirds = CompanyFactory(name="Thirds")
    respond(thirds, Outcome.RESPONDED)
    respond(thirds, Outcome.RESPONDED)
    respond(thirds, Outcome.DECLINED)
    single = CompanyFactory(name="Single")
    respond(single, Outcome.NO_RESPONSE)

    response = client.get(INDEX)

    assert rate_of(response, "Thirds") == "Responded to 2 of 3 requests (67%)"
    assert rate_of(response, "Single") == "Responded to 0 of 1 request (0%)"


def test_response_rate_is_none_without_requests_and_rounds_halves_up():
    assert response_rate(0, 0) is None
    assert response_rate(1, 8) == 13  # 12.5
    assert response_rate(1, 3) == 33
    assert response_rate(3, 3) == 100


def test_draft_and_scheduled_responses_do_not_count(client):
    acme = CompanyFactory(name="Acme")
    respond(acme, Outcome.RESPONDED)
    respond(acme, Outcome.DECLINED)
    respond(acme, Outcome.RESPONDED, status=Status.DRAFT)
    respond(acme, Outcome.NO_RESPONSE, published_at=days_ago(-3))  # scheduled
    other = CompanyFactory(name="Other")
    respond(other, Outcome.RESPONDED, status=Status.DRAFT)

    response = client.get(INDEX)

    assert rate_of(response, "Acme") == "Responded to 1 of 2 requests (50%)"
    assert rate_of(response, "Other") == NEVER_ASKED


def test_index_in_arabic_is_right_to_left_with_its_rates(client):
    acme = CompanyFactory(name="Acme")
    respond(acme, Outcome.RESPONDED)
    with translation.override("ar"):
        url = reverse("companies:company_list")

    response = client.get(url)

    page = parse(response)
    assert page.get("lang") == "ar" and page.get("dir") == "rtl"
    assert names(response) == ["Acme"]
    assert "100" in rate_of(response, "Acme")


# -- what is listed ------------------------------------------------------------------------


def test_draft_and_scheduled_companies_are_not_listed_nor_in_the_letter_bar(client):
    CompanyFactory(name="Public")
    CompanyFactory(name="Draft", status=Status.DRAFT)
    CompanyFactory(name="Zeta Scheduled", published_at=days_ago(-2))

    response = client.get(INDEX)

    assert names(response) == ["Public"]
    assert initial_bar(response)["Z"] is None
    assert initial_bar(response)["D"] is None
    assert names(client.get(INDEX, {"q": "draft"})) == []


def test_index_lists_companies_a_to_z_with_count(client, directory):
    response = client.get(INDEX, {"sector": "energy"})

    assert text(parse(response).xpath("//p[@class='result-count']")[0]) == "3 companies"


# -- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"sector": "no-such-sector"}, "Sector: There is no such sector."),
        ({"country": "ZZ"}, "Headquarters: There is no country with that code."),
        ({"country": "France"}, "Headquarters: There is no country with that code."),
        ({"letter": "ZZ"}, "Initial: Choose an initial from A to Z, or “#” for the others."),
        ({"letter": "Ä"}, "Initial: Choose an initial from A to Z"),
        ({"q": "x" * 201}, "Company name: Ensure this value has at most 200 characters"),
        ({"q": ["acme", "engie"]}, "Give “q” only once."),
        ({"letter": ["A", "B"]}, "Give “letter” only once."),
        ({"q": "a\x00b"}, "The address contains a character that is not allowed."),
    ],
)
def test_bad_filters_answer_400_with_a_clear_message(client, directory, params, message):
    response = client.get(INDEX, params)

    assert response.status_code == 400
    assert message in error_text(response)
    assert names(response) == []
    assert "These filters could not be applied." in error_text(response)


def test_pages_past_the_end_or_absurd_are_not_found(client, directory):
    assert client.get(INDEX, {"page": "2"}).status_code == 404
    assert client.get(INDEX, {"page": "9" * 30}).status_code == 404
    assert client.get(INDEX, {"page": "-1"}).status_code == 404
    assert client.get(INDEX, {"page": "x", "letter": "A"}).status_code == 404


# -- queries -------------------------------------------------------------------------------------


def test_index_runs_as_many_queries_for_60_companies_with_responses_as_for_5(
    client, django_assert_max_num_queries
):
    sector = SectorFactory(slug="mining")

    def add_entries(count):
        for n in range(count):
            company = CompanyFactory(name=f"Acme {Company.objects.count():03}")
            company.sectors.add(sector)
            respond(company, Outcome.RESPONDED)
            respond(company, [Outcome.DECLINED, Outcome.NO_RESPONSE][n % 2])

    assert_constant_queries(
        client, INDEX + "?q=acme&sector=mining&letter=A", add_entries, django_assert_max_num_queries
    )


def test_response_rates_come_from_one_grouped_query(client):
    for n in range(5):
        company = CompanyFactory(name=f"Acme {n}")
        respond(company, Outcome.RESPONDED)
        respond(company, Outcome.DECLINED)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(INDEX)

    assert response.status_code == 200
    table = connection.ops.quote_name("responses_companyresponse")
    counting = [q["sql"] for q in queries.captured_queries if f"FROM {table}" in q["sql"]]
    assert len(counting) == 1
    assert "GROUP BY" in counting[0]
