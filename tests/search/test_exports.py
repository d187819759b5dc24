"""CSV and JSON downloads of any result list, and the company-response dataset."""

import csv
import gc
import io
import json

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from responses.models import Outcome
from search.exports import CHUNK_SIZE, ITEM_COLUMNS, RESPONSE_COLUMNS
from stories.models import Item
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
    now = timezone.now()
    sql = """
        WITH RECURSIVE seq(n) AS (SELECT %s UNION ALL SELECT n + 1 FROM seq WHERE n < %s)
        INSERT INTO stories_item (status, published_at, created_at, updated_at, kind, title,
            title_en, slug, summary, summary_en, body, body_en, original_language, countries,
            search_extra)
        SELECT 'published', %s, %s, %s, 'story', 'Generated item ' || n, 'Generated item ' || n,
            'bulk-' || n, '', %s, '', '', 'en', 'FR,KE', ''
        FROM seq
    """
    summary = "A generated summary of what happened, long enough to weigh. " * 3
    with connection.cursor() as cursor:
        cursor.execute(sql, [start + 1, start + count, now, now, now, summary])


def live_items() -> int:
    return sum(1 for obj in gc.get_objects() if isinstance(obj, Item))


def test_a_large_export_streams_without_loading_every_row(client):
    make_items(20_000)
    response = export(client)
    gc.collect()
    before = live_items()

    lines, most_alive = 0, 0
    for chunk in response.streaming_content:
        lines += chunk.count(b"\n")
        if lines // 2_500 != (lines - chunk.count(b"\n")) // 2_500:
            most_alive = max(most_alive, live_items() - before)

    assert lines - 1 == 20_000
    # Never more than about one chunk of items in memory, not the 20,000 rows.
    assert 0 < most_alive <= 2 * CHUNK_SIZE, most_alive
