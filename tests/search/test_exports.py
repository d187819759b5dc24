"""CSV and JSON downloads of any result list, and the company-response dataset."""

import csv
import io
import json
import tracemalloc
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from resource_centre.publishing import unpublish
from responses.models import Outcome
from search import exports
from search.exports import ITEM_COLUMNS, RESPONSE_COLUMNS
from stories.models import Item
from tests.bulk import insert_items
from tests.factories import (
    ArticleFactory,
    CompanyFactory,
    CompanyResponseFactory,
    IssueFactory,
    SectorFactory,
    StoryFactory,
    TagFactory,
    TopicFactory,
    days_ago,
)

pytestmark = pytest.mark.django_db


def export(client, query="", fmt="csv", name="search:export"):
    response = client.get(reverse(name, kwargs={"fmt": fmt}) + (f"?{query}" if query else ""))
    assert response.status_code == 200
    assert response.streaming
    return response


def body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(response) -> list[dict]:
    content = body(response)
    assert content.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(content[1:])))


def test_csv_export_has_the_documented_columns_and_opens_in_spreadsheets(client):
    ArticleFactory(title="Cobalt mines")

    response = export(client)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="resource-centre-')
    content = body(response)
    assert content.startswith("\ufeff" + ",".join(ITEM_COLUMNS) + "\r\n")


def test_item_rows_hold_what_researchers_need(client):
    topic = TopicFactory(title="Labour rights")
    company = CompanyFactory(name="Glencore")
    article = ArticleFactory(
        title="Cobalt mines",
        title_fr="Mines de cobalt",
        summary="Miners protested.",
        topics=[topic],
        companies=[company, CompanyFactory(name="Trafigura")],
        countries=["CD", "ZM"],
        author="Jane Doe",
        publication="The Paper",
        source_url="https://news.example.org/cobalt",
        original_language="fr",
    )
    article.tags.add(TagFactory(name="cobalt"), TagFactory(name="mining"))

    [row] = csv_rows(export(client))

    assert row["kind"] == "article"
    assert row["title"] == "Cobalt mines"
    assert row["title_language"] == "en"
    assert row["summary"] == "Miners protested."
    assert row["url"] == f"http://testserver{article.get_absolute_url()}"
    assert row["published_at"] == article.published_at.isoformat()
    assert row["original_language"] == "fr"
    assert row["translations"] == "en | fr"
    assert row["topics"] == "Labour rights"
    assert row["companies"] == "Glencore | Trafigura"
    assert row["countries"] == "Democratic Republic of the Congo | Zambia"
    assert row["country_codes"] == "CD | ZM"
    assert row["tags"] == "cobalt | mining"
    assert (row["author"], row["publication"]) == ("Jane Doe", "The Paper")
    assert row["source_url"] == "https://news.example.org/cobalt"


def test_exports_are_in_the_urls_language(client):
    ArticleFactory(title="Cobalt mines", title_fr="Mines de cobalt")

    response = client.get("/fr/search/export.csv")

    [row] = list(csv.DictReader(io.StringIO(body(response)[1:])))
    assert (row["title"], row["title_language"]) == ("Mines de cobalt", "fr")


def test_cells_a_spreadsheet_would_run_as_formulas_are_defused(client):
    StoryFactory(title='=HYPERLINK("http://evil.example","click")', summary="+1 -2 @3")

    [row] = csv_rows(export(client))

    assert row["title"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["summary"] == "'+1 -2 @3"


def test_json_export_is_one_array_with_lists_for_several_values(client):
    ArticleFactory(title="Première", countries=["FR", "GB"])
    StoryFactory(title="Second", published_at=days_ago(5))

    response = export(client, fmt="json")

    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(body(response))
    assert [row["title"] for row in data] == ["Première", "Second"]
    assert list(data[0]) == ITEM_COLUMNS
    assert data[0]["country_codes"] == ["FR", "GB"]
    assert "Première" in body(export(client, fmt="json"))  # UTF-8, not \\u escapes


def test_an_empty_result_is_a_valid_empty_download(client):
    assert json.loads(body(export(client, fmt="json"))) == []
    assert csv_rows(export(client)) == []


def test_exports_apply_the_same_filters_and_order_as_the_page(client):
    topic = TopicFactory(slug="tech")
    ArticleFactory(title="Old", topics=[topic], published_at=days_ago(9))
    StoryFactory(title="New", topics=[topic], published_at=days_ago(1))
    ArticleFactory(title="Off topic")
    StoryFactory(title="Draft", topics=[topic], status="draft")

    assert [r["title"] for r in csv_rows(export(client, "topic=tech"))] == ["New", "Old"]
    assert [r["title"] for r in csv_rows(export(client, "topic=tech&kind=article"))] == ["Old"]


def test_response_dataset_has_the_columns_researchers_use(client):
    mining = SectorFactory(name="Mining")
    metals = SectorFactory(name="Metals")
    company = CompanyFactory(name="Glencore", headquarters_country="CH")
    company.sectors.set([mining, metals])
    response = CompanyResponseFactory(
        company=company,
        title="Glencore responds",
        summary="Glencore denies the allegations.",
        countries=["CD", "ZM"],
        document_url="https://example.com/response.pdf",
    )
    response.issues.set([IssueFactory(name="Child labour"), IssueFactory(name="Pollution")])
    CompanyResponseFactory(company=company, outcome=Outcome.DECLINED, responded_on=None)
    CompanyResponseFactory(company=company, outcome=Outcome.NO_RESPONSE, responded_on=None)
    ArticleFactory(title="Not a response")

    rows = csv_rows(export(client, name="search:responses_export"))

    assert list(rows[0]) == RESPONSE_COLUMNS
    first = next(row for row in rows if row["title"] == "Glencore responds")
    assert first["company"] == "Glencore"
    assert first["sector"] == "Metals | Mining"
    assert first["headquarters_country"] == "Switzerland"
    assert first["country_of_alleged_abuse"] == "Democratic Republic of the Congo | Zambia"
    assert first["date"] == response.requested_on.isoformat()
    assert first["summary"] == "Glencore denies the allegations."
    assert first["issues"] == "Child labour | Pollution"
    assert first["responded"] == "yes"
    assert first["response_link"] == f"http://testserver{response.get_absolute_url()}"
    assert first["company_link"] == f"http://testserver{company.get_absolute_url()}"
    assert first["response_document"] == "https://example.com/response.pdf"
    assert sorted(row["responded"] for row in rows) == ["declined", "no", "yes"]


def test_response_dataset_takes_the_same_filters(client):
    CompanyResponseFactory(company=CompanyFactory(slug="shell"), title="Shell responds")
    CompanyResponseFactory(title="Someone else responds")

    rows = csv_rows(export(client, "company=shell", name="search:responses_export"))

    assert [row["title"] for row in rows] == ["Shell responds"]
    data = json.loads(body(export(client, "company=shell", "json", "search:responses_export")))
    assert [row["title"] for row in data] == ["Shell responds"]


def make_items(count: int, start: int = 0):
    """`count` published items, generated inside the database (quick on both backends)."""
    insert_items(start + 1, start + count)


def streamed(response) -> tuple[int, int]:
    """(lines, the peak of Python's allocations while streaming `response`)."""
    lines = 0
    tracemalloc.start()
    try:
        for chunk in response.streaming_content:
            lines += chunk.count(b"\n")
        return lines, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_large_export_streams_in_flat_memory(client):
    make_items(4_000)
    few_lines, few_peak = streamed(export(client))
    make_items(16_000, start=4_000)
    many_lines, many_peak = streamed(export(client))

    assert (few_lines - 1, many_lines - 1) == (4_000, 20_000)
    # Five times the rows, about the same memory: a chunk at a time, never the whole list.
    assert many_peak < 1.5 * few_peak, (few_peak, many_peak)


def mixed_archive(count: int) -> None:
    """`count` items of every kind, with topics, companies and tags, some published at the
    same moment (so that a chunk boundary falls between items of equal date)."""
    topics = [TopicFactory(title="Labour rights"), TopicFactory(title="Mining")]
    companies = [CompanyFactory(name="Glencore"), CompanyFactory(name="Trafigura")]
    tags = [TagFactory(name="cobalt"), TagFactory(name="mining")]
    same_moment = days_ago(3)
    for n in range(count):
        published_at = same_moment if n % 3 == 0 else days_ago(3) - timedelta(hours=n)
        if n % 4 == 0:
            item = CompanyResponseFactory(company=companies[n % 2], published_at=published_at)
        else:
            factory = [ArticleFactory, StoryFactory, ArticleFactory][n % 4 - 1]
            item = factory(
                published_at=published_at, topics=topics[: n % 3], companies=companies[: n % 2]
            )
        item.tags.add(*tags[: n % 3])


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_download_of_many_chunks_holds_every_item_once_in_the_pages_order(
    client, monkeypatch, fmt
):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 4)
    mixed_archive(23)
    StoryFactory(status="draft")
    StoryFactory(published_at=timezone.now() + timedelta(days=1))  # scheduled
    expected = [
        f"http://testserver{item.get_absolute_url()}"
        for item in Item.objects.published().newest_first()
    ]

    response = export(client, fmt=fmt)

    rows = csv_rows(response) if fmt == "csv" else json.loads(body(response))
    assert [row["url"] for row in rows] == expected
    assert len(expected) == 23


def test_a_search_download_of_many_chunks_is_in_relevance_order(client, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    for n in range(4):
        StoryFactory(title=f"Cobalt report {n}", published_at=days_ago(n + 1))
        StoryFactory(title=f"Report {n}", summary="On cobalt.", published_at=days_ago(n + 1))
    StoryFactory(title="Unrelated")
    page = client.get("/en/search/?q=cobalt")
    expected = [f"http://testserver{item.get_absolute_url()}" for item in page.context["items"]]

    rows = csv_rows(export(client, "q=cobalt"))

    assert [row["url"] for row in rows] == expected
    assert len(rows) == 8
    assert rows[0]["title"].startswith("Cobalt report")  # titles rank above summaries


def test_the_response_dataset_of_many_chunks_holds_every_response_once(client, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 3)
    mixed_archive(24)
    expected = [
        f"http://testserver{item.get_absolute_url()}"
        for item in Item.objects.published().of_kind("response").newest_first()
    ]

    rows = csv_rows(export(client, name="search:responses_export"))

    assert [row["response_link"] for row in rows] == expected
    assert len(rows) == 6


def test_items_unpublished_or_deleted_while_a_download_streams_are_left_out(client, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 3)
    items = [StoryFactory(published_at=days_ago(n + 1)) for n in range(9)]
    stream = iter(export(client).streaming_content)
    header_and_first_chunk = next(stream) + next(stream)

    unpublish(Item.objects.filter(pk=items[4].pk))
    items[7].delete()
    content = (header_and_first_chunk + b"".join(stream)).decode()

    rows = list(csv.DictReader(io.StringIO(content[1:])))
    kept = [item for n, item in enumerate(items) if n not in (4, 7)]
    assert [row["url"] for row in rows] == [
        f"http://testserver{item.get_absolute_url()}" for item in kept
    ]


#: The most queries one chunk of a download takes, whatever its items: their ids (one query
#: reads five chunks' ids), their columns and their kinds', their topics, tags and
#: companies, and the names of topics, tags and credited companies not met before
#: (responses: their columns, issues, the names of issues not met before, and for
#: companies not met before, four more).
QUERIES_PER_CHUNK = 7


@pytest.mark.parametrize("name", ["search:export", "search:responses_export"])
def test_a_chunk_takes_a_constant_number_of_queries(
    client, monkeypatch, django_assert_max_num_queries, name
):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 4)
    with CaptureQueriesContext(connection) as empty:
        body(export(client, name=name))
    mixed_archive(64)  # 16 chunks of items, 4 of responses

    with django_assert_max_num_queries(len(empty) + 16 * QUERIES_PER_CHUNK):
        body(export(client, name=name))


def test_kind_columns_come_from_the_kind_in_the_downloads_language(client):
    article = ArticleFactory(
        title="Mines",
        original_language="de",
        author="",
        author_de="Jana Roth",
        publication="The Paper",
        publication_fr="Le Journal",
    )

    response = client.get("/fr/search/export.json")

    [row] = json.loads(body(response))
    expected = article.export_fields("fr")
    assert (row["author"], row["publication"]) == ("Jana Roth", "Le Journal")
    assert {name: row[name] for name in expected} == expected


def test_topics_the_order_ties_are_listed_by_id_in_every_download(client):
    # Ordered by position, then title in the download's language: without French titles,
    # a French download ties them, and lists them in the order they were made.
    zeta, alpha = TopicFactory(title="Zeta"), TopicFactory(title="Alpha")
    StoryFactory(topics=[alpha, zeta])

    [english] = csv_rows(export(client))
    [french] = list(csv.DictReader(io.StringIO(body(client.get("/fr/search/export.csv"))[1:])))

    assert english["topics"] == "Alpha | Zeta"
    assert french["topics"] == "Zeta | Alpha"
