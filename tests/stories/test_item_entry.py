"""The list entry (`{% item_entry %}`) shared by topic, company, home and search pages."""

from types import SimpleNamespace

import lxml.html
import pytest
from django.template import Context, Template
from django.utils.safestring import mark_safe

from stories.models import Item
from tests.factories import ArticleFactory, CompanyResponseFactory
from tests.html import text

pytestmark = pytest.mark.django_db


def entry_html(item, **context) -> str:
    """A list entry as pages render it (`{% item_entry item heading %}`)."""
    template = Template("{% load stories_tags %}{% item_entry item heading %}")
    return template.render(Context({"item": item, "heading": "h3", **context}))


def render_entry(item, **context):
    return lxml.html.fragment_fromstring(entry_html(item, **context))


def listed(obj):
    return Item.objects.for_listing().get(pk=obj.pk)


def test_entry_escapes_editor_text(db):
    article = ArticleFactory(title="<script>alert(1)</script>", summary="<b>bold</b>")

    html = entry_html(listed(article))

    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<b>" not in html


def test_entry_heading_level_can_be_chosen(db):
    entry = render_entry(listed(ArticleFactory(title="Headline")), heading="h2")

    assert text(entry.xpath("./h2")[0]) == "Headline"


def test_entry_shows_search_highlights_when_the_item_carries_them(db):
    item = listed(ArticleFactory(title="Spyware found in phones", summary="Plain summary"))
    item.highlight = SimpleNamespace(
        title=mark_safe("<mark>Spyware</mark> found in phones"),
        title_language="en",
        snippet=mark_safe("…the <mark>spyware</mark> was…"),
        snippet_language="fr",
    )

    entry = render_entry(item)

    assert entry.xpath(".//h3//mark/text()") == ["Spyware"]
    excerpt = entry.xpath(".//*[@class='entry-excerpt']")[0]
    assert excerpt.xpath(".//mark/text()") == ["spyware"]
    assert excerpt.get("lang") == "fr"


def test_company_response_entry_names_the_company(db):
    response = CompanyResponseFactory(company__name="UBS", title="UBS responded")

    entry = render_entry(listed(response))

    assert "Company: UBS" in text(entry)
    assert entry.get("class") == "entry entry-response"
