"""A company profile's response record over time: the SVG bar chart by year of request and
the table behind it hold the same numbers as the data; both have accessible names; no chart
for a company never asked."""

import datetime as dt

import pytest
from django.utils import translation

from companies.charts import nice_step, response_chart
from companies.models import ResponseCounts, ResponseHistory
from resource_centre.publishing import Status
from responses.models import Outcome
from tests.factories import CompanyFactory, CompanyResponseFactory, days_ago
from tests.html import parse, text

pytestmark = pytest.mark.django_db

#: (year of request, outcome, how many): 2020 has no request, 2021 only one outcome.
RECORD = [
    (2019, Outcome.RESPONDED, 2),
    (2019, Outcome.DECLINED, 1),
    (2019, Outcome.NO_RESPONSE, 1),
    (2021, Outcome.RESPONDED, 3),
    (2022, Outcome.DECLINED, 2),
    (2022, Outcome.NO_RESPONSE, 4),
]
#: The table's rows for RECORD: year, requests, responded, declined, no response, rate.
EXPECTED_ROWS = [
    ["2019", "4", "2", "1", "1", "50%"],
    ["2020", "0", "0", "0", "0", "—no requests"],
    ["2021", "3", "3", "0", "0", "100%"],
    ["2022", "6", "0", "2", "4", "0%"],
]
EXPECTED_TOTAL = ["All years", "13", "5", "3", "5", "38%"]
OUTCOME_CLASSES = {
    Outcome.RESPONDED: "segment-responded",
    Outcome.DECLINED: "segment-declined",
    Outcome.NO_RESPONSE: "segment-no_response",
}


def respond(company, year, outcome, **kwargs):
    requested = dt.date(year, 6, 1)
    return CompanyResponseFactory(
        company=company,
        outcome=outcome,
        requested_on=requested,
        responded_on=requested + dt.timedelta(days=5) if outcome == Outcome.RESPONDED else None,
        **kwargs,
    )


@pytest.fixture
def company():
    company = CompanyFactory(name="Acme", slug="acme")
    for year, outcome, count in RECORD:
        for _ in range(count):
            respond(company, year, outcome)
    # Not counted: a draft, a scheduled response, another company's.
    respond(company, 2019, Outcome.RESPONDED, status=Status.DRAFT)
    respond(company, 2023, Outcome.DECLINED, published_at=days_ago(-5))
    respond(CompanyFactory(), 2021, Outcome.NO_RESPONSE)
    return company


def profile(client, company, language="en"):
    with translation.override(language):
        url = company.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    return parse(response)


def chart_svg(page):
    (svg,) = page.xpath("//section[@class='response-history']//svg[@role='img']")
    return svg


def cells(row) -> list[str]:
    return [text(cell) for cell in row.xpath("./th|./td")]


# -- the table -----------------------------------------------------------------------------


def test_table_gives_each_years_requests_by_outcome_as_recorded(client, company):
    page = profile(client, company)

    (table,) = page.xpath("//section[@class='response-history']/table")
    assert [cells(row) for row in table.xpath("./tbody/tr")] == EXPECTED_ROWS
    assert cells(table.xpath("./tfoot/tr")[0]) == EXPECTED_TOTAL


def test_table_has_a_caption_and_scoped_headers(client, company):
    page = profile(client, company)

    (table,) = page.xpath("//section[@class='response-history']/table")
    assert text(table.xpath("./caption")[0]) == "Requests to respond by year of request and outcome"
    headers = table.xpath("./thead/tr/th")
    assert [text(th) for th in headers] == [
        "Year",
        "Requests",
        "Responded",
        "Declined to respond",
        "Did not respond",
        "Response rate",
    ]
    assert {th.get("scope") for th in headers} == {"col"}
    row_headers = table.xpath("./tbody/tr/th|./tfoot/tr/th")
    assert [th.get("scope") for th in row_headers] == ["row"] * 5


def test_table_follows_the_chart_in_the_page(client, company):
    page = profile(client, company)

    section = page.xpath("//section[@class='response-history']")[0]
    order = [el.tag for el in section.iter() if el.tag in ("svg", "table")]
    assert order[0] == "svg" and order[-1] == "table"


def test_record_summary_agrees_with_the_table(client, company):
    page = profile(client, company)

    record = [text(li) for li in page.xpath("//ul[@class='record']/li")]
    assert record == [
        "13 requests to respond",
        "5 responses",
        "3 declined",
        "5 no response",
        "38% response rate",
    ]


# -- the chart -----------------------------------------------------------------------------


def test_chart_has_a_bar_per_year_with_its_year_and_total(client, company):
    svg = chart_svg(profile(client, company))

    bars = svg.xpath(".//g[@class='bar']")
    assert [text(bar.xpath("./text[@class='bar-year']")[0]) for bar in bars] == [
        "2019",
        "2020",
        "2021",
        "2022",
    ]
    assert [text(bar.xpath("./text[@class='bar-total']")[0]) for bar in bars] == [
        "4",
        "0",
        "3",
        "6",
    ]


def test_bar_segments_stack_each_outcome_with_heights_proportional_to_counts(client, company):
    svg = chart_svg(profile(client, company))

    expected = {year: [] for year in (2019, 2020, 2021, 2022)}
    for year, outcome, count in RECORD:
        expected[year].append((OUTCOME_CLASSES[outcome], count))
    units, bottoms = [], []
    for bar, year in zip(svg.xpath(".//g[@class='bar']"), expected, strict=True):
        segments = bar.xpath("./rect")
        drawn = [(rect.get("class").split()[-1], rect) for rect in segments]
        assert [name for name, _rect in drawn] == [name for name, _count in expected[year]]
        top = None
        for (_name, rect), (_expected_name, count) in zip(drawn, expected[year], strict=True):
            height, y = float(rect.get("height")), float(rect.get("y"))
            units.append(height / count)
            if top is None:
                bottoms.append(y + height)
            else:  # each segment sits on the one below it
                assert y + height == pytest.approx(top, abs=0.02)
            top = y
    # One request is the same height everywhere, and every bar stands on the same baseline.
    assert max(units) - min(units) < 0.02
    assert max(bottoms) - min(bottoms) < 0.02


def test_tallest_bar_fills_the_scale_of_round_ticks(client, company):
    svg = chart_svg(profile(client, company))

    ticks = [text(t) for t in svg.xpath(".//g[@class='chart-scale']/text")]
    assert ticks == ["0", "2", "4", "6"]
    heights = [
        sum(float(rect.get("height")) for rect in bar.xpath("./rect"))
        for bar in svg.xpath(".//g[@class='bar']")
    ]
    assert heights[3] == pytest.approx(200, abs=0.02)  # 6 requests: the top tick
    assert heights[1] == 0


def test_outcomes_differ_by_pattern_and_legend_text_not_colour_alone(client, company):
    page = profile(client, company)

    svg = chart_svg(page)
    fills = {
        rect.get("class").split()[-1]: rect.get("fill")
        for rect in svg.xpath(".//g[@class='bar']/rect")
    }
    assert fills["segment-responded"].startswith("#")
    assert fills["segment-declined"] == "url(#chart-declined)"
    assert fills["segment-no_response"] == "url(#chart-no-response)"
    assert svg.xpath(".//pattern/@id") == ["chart-declined", "chart-no-response"]
    legend = [text(li) for li in page.xpath("//ul[@class='chart-legend']/li")]
    assert legend == ["Responded", "Declined to respond", "Did not respond"]


def test_chart_has_an_accessible_name_and_description(client, company):
    svg = chart_svg(profile(client, company))

    (title,) = svg.xpath(f".//*[@id='{svg.get('aria-labelledby')}']")
    assert title.tag == "title"
    assert text(title) == "Requests to respond per year, by outcome"
    (desc,) = svg.xpath(f".//*[@id='{svg.get('aria-describedby')}']")
    assert desc.tag == "desc"
    assert "13 requests to respond from 2019 to 2022" in text(desc)
    assert "The table below gives the same numbers." in text(desc)


def test_chart_coordinates_are_not_localised(client, company):
    # One request is 200/6 = 33.33 high, which French would write 33,33.
    svg = chart_svg(profile(client, company, "fr"))

    numbers = [
        value
        for element in svg.iter()
        for name, value in element.attrib.items()
        if name in ("x", "y", "width", "height", "x1", "x2", "y1", "y2")
    ]
    assert numbers and all("," not in value for value in numbers)
    assert any("." in value for value in numbers)
    float_heights = [float(h) for h in svg.xpath(".//g[@class='bar']/rect/@height")]
    assert pytest.approx(200 / 6, abs=0.01) in float_heights


def test_in_arabic_the_page_is_right_to_left_and_the_chart_keeps_time_left_to_right(
    client, company
):
    page = profile(client, company, "ar")

    assert page.get("dir") == "rtl"
    svg = chart_svg(page)
    assert svg.get("direction") == "ltr"
    lefts = [
        float(bar.xpath("./text[@class='bar-year']/@x")[0])
        for bar in svg.xpath(".//g[@class='bar']")
    ]
    assert lefts == sorted(lefts)
    rows = page.xpath("//section[@class='response-history']/table/tbody/tr")
    assert [cells(row)[:2] for row in rows] == [row[:2] for row in EXPECTED_ROWS]


# -- no chart ------------------------------------------------------------------------------


def test_no_chart_or_table_for_a_company_never_asked(client):
    company = CompanyFactory(name="Quiet")
    respond(company, 2020, Outcome.RESPONDED, status=Status.DRAFT)

    page = profile(client, company)

    assert page.xpath("//section[@class='response-history']") == []
    assert page.xpath("//main//svg") == []
    assert page.xpath("//main//table") == []
    section = text(page.xpath("//section[@class='response-record']")[0])
    assert "has not yet asked Quiet to respond" in section


# -- the data ------------------------------------------------------------------------------


def test_yearly_record_is_read_in_one_query(company, django_assert_num_queries):
    with django_assert_num_queries(1):
        history = company.response_history()

    assert [year.year for year in history.years] == [2019, 2020, 2021, 2022]
    assert history.years[0].counts == ResponseCounts(4, 2, 1, 1)
    assert history.years[1].counts == ResponseCounts()
    assert history.total == ResponseCounts(13, 5, 3, 5)


def test_history_without_requests_draws_no_chart():
    assert response_chart(ResponseHistory(())) is None


@pytest.mark.parametrize(
    ("largest", "step"), [(1, 1), (5, 1), (6, 2), (10, 2), (11, 5), (26, 10), (240, 50)]
)
def test_scale_steps_are_round_and_at_most_five(largest, step):
    assert nice_step(largest) == step
    assert -(-largest // step) <= 5
