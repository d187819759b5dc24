"""Rich text and addresses written without the admin form never put script on a page.

The admin form cleans what an editor sends; these write hostile markup and addresses the
other ways (the ORM as a shell, an import or a factory would, `QuerySet.update()`,
`loaddata` of an old dump, raw SQL as a data migration would), into every rich-text field
(in English and French) and every address field, then read the public pages as a visitor's
browser would: no script element but the site's own, no event-handler attribute, no frame
or SVG, and no `javascript:`, `data:` or `vbscript:` link.
"""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core import management
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import translation

from companies.models import Company
from resource_centre.i18n import columns
from resource_centre.models import SiteMessage
from resource_centre.richtext import RichTextField
from responses.models import CompanyResponse
from stories.models import Article, Item, Topic
from tests.factories import (
    ArticleFactory,
    CompanyFactory,
    CompanyResponseFactory,
    OpinionFactory,
    SiteMessageFactory,
    StatementFactory,
    StoryFactory,
    TopicFactory,
)
from tests.html import parse

pytestmark = pytest.mark.django_db

#: Each way stored markup ran in a browser (issue 10), beside text that must stay.
PAYLOAD = (
    "<p>Kept words</p>"
    "<script>window.pwned = 1</script>"
    '<img src="x" onerror="window.pwned = 2">'
    '<svg onload="window.pwned = 3"><circle r="1"></circle></svg>'
    '<iframe src="javascript:window.pwned = 4"></iframe>'
    '<p><a href="javascript:window.pwned = 5">a script link</a></p>'
    '<p><a href=" JaVa&#x09;Script:window.pwned = 6">a disguised one</a></p>'
    '<p onclick="window.pwned = 7" style="color: red">styled</p>'
    '<object data="data:text/html,&lt;script&gt;window.pwned = 8&lt;/script&gt;"></object>'
    '<p><a href="https://example.org/report">a real link</a></p>'
)

SCRIPT_ADDRESSES = [
    "javascript:window.pwned = 1",
    "JavaScript:window.pwned = 2",
    " javascript:window.pwned = 3",
    "java\tscript:window.pwned = 4",
    "data:text/html,<script>window.pwned = 5</script>",
    "vbscript:msgbox(1)",
]

SCRIPT_SCHEMES = ("javascript:", "data:", "vbscript:")
ADDRESS_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster"}


def _as_browsers_read(value: str) -> str:
    """An address as a browser parses its scheme: leading spaces and controls dropped, tabs
    and newlines removed anywhere, case ignored."""
    value = value.lstrip("".join(chr(c) for c in range(33)))
    return "".join(ch for ch in value if ch not in "\t\n\r").lower()


def executable_markup(response) -> list[str]:
    """Everything on the page that could run script a visitor did not ask for."""
    found = []
    for element in parse(response).iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag == "script" and not (
            (element.get("src") or "").startswith("/static/") and not (element.text or "").strip()
        ):
            found.append(f"<script>{element.text}</script>")
        if tag in {"iframe", "frame", "svg", "object", "embed", "math", "base"}:
            found.append(f"<{tag}>")
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"<{tag} {name}={value!r}>")
            if name.lower() in ADDRESS_ATTRIBUTES and _as_browsers_read(value).startswith(
                SCRIPT_SCHEMES
            ):
                found.append(f"<{tag} {name}={value!r}>")
    return found


def page(client, obj, language="en"):
    with translation.override(language):
        url = obj.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def assert_safe(response):
    assert executable_markup(response) == []
    html = response.content.decode()
    assert "Kept words" in html  # the text around the payload is still shown
    assert 'href="https://example.org/report"' in html


# --- Rich text ---------------------------------------------------------------------------

ITEM_FACTORIES = [
    ArticleFactory,
    StoryFactory,
    OpinionFactory,
    StatementFactory,
    CompanyResponseFactory,
]


@pytest.mark.parametrize("factory", ITEM_FACTORIES, ids=lambda f: f._meta.model.__name__)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_body_saved_through_the_orm_runs_no_script_on_its_page(client, factory, language):
    item = factory(**{f"body_{language}": PAYLOAD})

    assert_safe(page(client, item, language))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_topic_intro_saved_through_the_orm_runs_no_script_on_its_page(client, language):
    topic = TopicFactory(**{f"intro_{language}": PAYLOAD})

    assert_safe(page(client, topic, language))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_site_message_saved_through_the_orm_runs_no_script_on_any_page(client, language):
    SiteMessageFactory(**{f"body_{language}": PAYLOAD})
    topic = TopicFactory()

    assert_safe(client.get(f"/{language}/"))
    assert_safe(page(client, topic, language))


def test_what_the_orm_saved_is_stored_clean_and_held_clean():
    article = ArticleFactory(body_en=PAYLOAD, body_fr=PAYLOAD)

    stored = Item.objects.values_list("body_en", "body_fr").get(pk=article.pk)
    for body in (*stored, article.body_en, article.body_fr):
        assert "pwned" not in body and 'style="' not in body
        assert body.startswith("<p>Kept words</p>")


def test_an_update_of_many_rows_stores_clean_rich_text(client):
    story = StoryFactory()
    topic = TopicFactory()
    SiteMessageFactory()

    Item.objects.filter(pk=story.pk).update(body_en=PAYLOAD)
    Topic.objects.filter(pk=topic.pk).update(intro_en=PAYLOAD)
    SiteMessage.objects.update(body_en=PAYLOAD)

    assert_safe(page(client, story))
    assert_safe(page(client, topic))


def test_an_old_dump_with_script_in_its_rich_text_is_cleaned_when_loaded(client, tmp_path):
    """`loaddata` saves raw (no `pre_save`): what it writes is cleaned all the same."""
    topic = TopicFactory(slug="loaded")
    article = ArticleFactory(slug="loaded-article", topics=[topic])
    dump = tmp_path / "old.json"
    management.call_command(
        "dumpdata", "stories.topic", "stories.item", "stories.article", output=str(dump)
    )
    Item.objects.all().delete()
    Topic.objects.all().delete()
    rows = json.loads(dump.read_text())
    for row in rows:
        for name in ("intro", "body"):
            for field in (name, *columns(name)):
                if field in row["fields"]:
                    row["fields"][field] = PAYLOAD
    dump.write_text(json.dumps(rows))

    management.call_command("loaddata", str(dump), verbosity=0)

    assert_safe(page(client, Topic.objects.get(slug="loaded")))
    assert_safe(page(client, Article.objects.get(pk=article.pk)))
    assert_safe(page(client, Article.objects.get(pk=article.pk), "fr"))


def test_rich_text_written_with_raw_sql_is_cleaned_when_shown(client):
    """A data migration (its historical models see a plain TextField) or raw SQL goes round
    the field: the page cleans what it shows."""
    article = ArticleFactory()
    topic = TopicFactory()
    SiteMessageFactory()
    for model, name, pk in ((Item, "body", article.pk), (Topic, "intro", topic.pk)):
        _raw_update(model, [name, *columns(name)], PAYLOAD, pk)
    _raw_update(SiteMessage, ["body", *columns("body")], PAYLOAD)

    assert_safe(page(client, article))
    assert_safe(page(client, article, "fr"))
    assert_safe(page(client, topic))


def _raw_update(model, fields, value, pk=None):
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(model._meta.get_field(f).column)} = %s" for f in fields)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments}"
    params = [value] * len(fields)
    if pk is not None:
        sql += f" WHERE {quote(model._meta.pk.column)} = %s"
        params.append(pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_every_translated_column_of_a_rich_text_field_is_rich_text():
    for model in (Item, Topic, SiteMessage):
        for field in model._meta.concrete_fields:
            original = getattr(field, "translated_field", field)
            if isinstance(original, RichTextField):
                assert isinstance(field, RichTextField), f"{model.__name__}.{field.name}"
    assert isinstance(Item._meta.get_field("body_ja"), RichTextField)


def test_no_template_shows_text_unchecked_with_safe():
    """Rich text is shown with `|rich_text`, which cleans it; `|safe` would trust it."""
    templates = Path(settings.BASE_DIR, "templates").rglob("*.html")
    trusting = [
        f"{path.name}:{number}"
        for path in templates
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "|safe" in line.replace(" ", "").replace("|safe_url", "")
    ]
    assert trusting == []


# --- Addresses ---------------------------------------------------------------------------

ADDRESS_FIELDS = [
    (Company, "website"),
    (Article, "source_url"),
    (CompanyResponse, "document_url"),
    (SiteMessage, "link_url"),
]
ADDRESS_IDS = [f"{model.__name__}.{field}" for model, field in ADDRESS_FIELDS]


def _make(model, **fields):
    factory = {
        Company: CompanyFactory,
        Article: ArticleFactory,
        CompanyResponse: CompanyResponseFactory,
        SiteMessage: SiteMessageFactory,
    }[model]
    return factory(**fields)


@pytest.mark.parametrize(("model", "field"), ADDRESS_FIELDS, ids=ADDRESS_IDS)
@pytest.mark.parametrize("address", SCRIPT_ADDRESSES)
def test_a_script_address_is_refused_when_saved_through_the_orm(model, field, address):
    with pytest.raises(ValidationError) as refused, transaction.atomic():
        _make(model, **{field: address})

    assert "http://, https:// or mailto:" in str(refused.value)
    assert not model.objects.exists()


@pytest.mark.parametrize(("model", "field"), ADDRESS_FIELDS, ids=ADDRESS_IDS)
def test_a_script_address_is_refused_by_an_update_of_many_rows(model, field):
    obj = _make(model, **{field: "https://example.org/kept"})

    with pytest.raises(ValidationError), transaction.atomic():
        model.objects.filter(pk=obj.pk).update(**{field: "javascript:window.pwned = 1"})

    assert getattr(model.objects.get(pk=obj.pk), field) == "https://example.org/kept"


@pytest.mark.parametrize(("model", "field"), ADDRESS_FIELDS, ids=ADDRESS_IDS)
@pytest.mark.parametrize(
    "address", ["https://example.org/a", "HTTP://example.org/b", "mailto:press@example.org"]
)
def test_http_https_and_mailto_addresses_are_stored(model, field, address):
    obj = _make(model, **{field: address})

    assert getattr(model.objects.get(pk=obj.pk), field) == address


def test_an_old_dump_with_a_script_address_is_refused(tmp_path):
    CompanyFactory(slug="dumped")
    dump = tmp_path / "old.json"
    management.call_command("dumpdata", "companies.company", output=str(dump))
    Company.objects.all().delete()
    rows = json.loads(dump.read_text())
    rows[0]["fields"]["website"] = "javascript:window.pwned = 1"
    dump.write_text(json.dumps(rows))

    with pytest.raises(ValidationError):
        management.call_command("loaddata", str(dump), verbosity=0)

    assert not Company.objects.filter(slug="dumped").exists()


@pytest.mark.parametrize("address", SCRIPT_ADDRESSES)
def test_a_script_address_written_with_raw_sql_is_never_a_link(client, address):
    """Raw SQL and data migrations go round the field: the pages link nothing else than
    http, https and mailto addresses, and show no link at all for another."""
    company = CompanyFactory()
    article = ArticleFactory(publication="The Daily")
    response = CompanyResponseFactory(document_url="https://example.org/doc.pdf")
    SiteMessageFactory(link_url="https://example.org/more", link_label="More")
    for model, field, pk in (
        (Company, "website", company.pk),
        (Article, "source_url", article.pk),
        (CompanyResponse, "document_url", response.pk),
        (SiteMessage, "link_url", None),
    ):
        _raw_update(model, [field], address, pk)

    for obj in (company, article, response):
        shown = page(client, obj)
        assert executable_markup(shown) == []
        html = shown.content.decode()
        assert "pwned" not in html and "vbscript" not in html
    assert "Read the full article at" not in page(client, article).content.decode()
    assert "Read the full response document" not in page(client, response).content.decode()
    assert parse(page(client, company)).xpath("//dt[.='Website']") == []
    assert parse(client.get("/en/")).xpath("//*[@class='site-message']//a") == []


def test_safe_addresses_are_still_links(client):
    company = CompanyFactory(website="https://example.com/")
    article = ArticleFactory(source_url="https://news.example.org/story", publication="Daily")
    response = CompanyResponseFactory(document_url="https://example.org/doc.pdf")
    SiteMessageFactory(link_url="mailto:press@example.org", link_label="Write to us")

    assert parse(page(client, company)).xpath("//dd/a/@href") == ["https://example.com/"]
    assert parse(page(client, article)).xpath("//a[@class='source-link']/@href") == [
        "https://news.example.org/story"
    ]
    assert parse(page(client, response)).xpath("//a[@class='source-link']/@href") == [
        "https://example.org/doc.pdf"
    ]
    assert parse(client.get("/en/")).xpath("//*[@class='site-message']//a/@href") == [
        "mailto:press@example.org"
    ]
