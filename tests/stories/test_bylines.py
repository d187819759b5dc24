import pytest

from tests.factories import CompanyFactory, OpinionFactory, TopicFactory
from tests.html import parse

pytestmark = pytest.mark.django_db


def test_mixed_language_byline_marks_each_part_in_its_own_language(client):
    topic = TopicFactory(slug="tech")
    OpinionFactory(
        topics=[topic],
        author_name="Sarina Phu",
        author_role_en="Research Associate",
        author_role_ar="باحثة مشاركة",
        author_organisation_en="Global Network Initiative",
        author_organisation_ar="",
    )
    page = parse(client.get("/ar/topics/tech/"))
    spans = page.xpath("//main//p[contains(@class, 'entry-byline')]/bdi/span")
    assert [s.text for s in spans] == [
        "Sarina Phu",
        "باحثة مشاركة",
        "Global Network Initiative",
    ]
    assert spans[0].get("lang") is None
    assert spans[1].get("lang") is None
    assert (spans[2].get("lang"), spans[2].get("dir")) == ("en", "ltr")


def test_company_website_reads_left_to_right_on_arabic_pages(client):
    CompanyFactory(slug="ubs", website="https://www.ubs.com/")
    page = parse(client.get("/ar/companies/ubs/"))
    link = page.xpath("//a[@href='https://www.ubs.com/']")[0]
    assert link.get("dir") == "ltr"
