"""Markup stored in any text field, in any language, runs nowhere a visitor goes.

Every text and rich-text column of every content model (read from `_meta`, so a new field or
language is covered without anyone listing it: titles, summaries, names, captions, author
names, tag, sector, issue and signatory names, the site message, each language's column such
as title_fr, title_ar, title_ja) gets a payload, saved through the ORM, not the admin form.
Then every public page type the URLconf has (the routes, tests/resource_centre/routes.py,
reached by following the site's own links) is opened in chromium in English, French and
Arabic, with search results, filtered lists, tag lists, a signatory search and the 404 page:
no payload sets its flag on `window`, no dialog opens, no element carries an event handler
attribute, no link has a script address, and the visitor reads the payload's words, its
markup shown as text. Feeds are shown as XML and downloads are saved as files: nothing runs
there either, and they hold the payload's words.

tests/e2e/test_stored_script.py covers markup written with raw SQL and the address fields.
"""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation

from resource_centre.models import ContentVersion
from resource_centre.richtext import RichTextField
from response_requests.links import token_for
from response_requests.models import ResponseRequest
from tests.e2e.test_stored_script import PAYLOAD, SCRIPT_LINKS
from tests.resource_centre.routes import crawl, public_routes
from tests.resource_centre.statistics import analyze

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

#: The languages each page is opened in: the default, another Latin one, right-to-left.
SHOWN = ["en", "fr", "ar"]
#: Models of the content apps that hold no text anyone writes.
NOT_CONTENT = {ContentVersion: "the content version's token, made by the code"}
#: Breaks out of an attribute, a <title> or a <textarea> if a template fails to escape it.
BREAKOUT = "'\"></title></textarea>"
SCRIPTED = (
    "<img src=x onerror=\"window.pwned='img';alert('img')\">"
    "<script>window.pwned='script';alert('script')</script>"
    "<svg onload=\"window.pwned='svg'\">"
)
SHORT_SCRIPTED = "<img src=x onerror=window.pwned=1;alert(1)>"
#: What a visitor sees of a plain-text payload: its markup, as text.
SHOWN_MARKUP = "<img src=x onerror="


def words(language: str) -> str:
    """The words a payload starts with, naming the column's language ("all" for a column
    every language shares)."""
    return f"Kept words {language}"


def plain_payload(language: str, max_length: int | None, number: int = 0) -> str:
    """A payload that fits in `max_length`, ending in `number` (names are unique)."""
    for markup in (BREAKOUT + SCRIPTED, BREAKOUT + SHORT_SCRIPTED, "'\"></title>" + SHORT_SCRIPTED):
        value = f"{words(language)} {markup} {number}"
        if max_length is None or len(value) <= max_length:
            return value
    raise AssertionError(f"no payload fits in {max_length} characters")


def rich_payload(language: str) -> str:
    return f"<p>{words(language)}</p>{PAYLOAD}"


#: The content apps, and the requests to respond: a company's answer page shows its
#: request's question beside the item and the company.
PAYLOAD_APPS = [*settings.CONTENT_APPS, "response_requests"]


def content_models():
    return [
        model
        for label in PAYLOAD_APPS
        for model in apps.get_app_config(label).get_models()
        if model not in NOT_CONTENT
    ]


def text_fields(model) -> list:
    """The model's own text columns: every CharField and TextField (rich text included), and
    each language's column of a translated one, but slugs, addresses, choices and columns
    the code fills (not editable). A translated field's own column is left to its language
    columns, which it reads."""
    fields = model._meta.local_concrete_fields
    names = {field.name for field in fields}
    default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    return [
        field
        for field in fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.SlugField | models.URLField | models.EmailField)
        and not field.choices
        and field.editable
        and f"{field.name}_{default}" not in names
    ]


def payload_for(field, number: int) -> str:
    language = getattr(field, "language", None) or "all"
    language = language.replace("-", "_")
    if isinstance(field, RichTextField):
        return rich_payload(language)
    return plain_payload(language, field.max_length, number)


def store_payloads() -> set[str]:
    """Every text field of every content object, payloads saved through the ORM; the
    fields filled, as "app.Model.field"."""
    filled = set()
    for model in content_models():
        fields = text_fields(model)
        for obj in model._default_manager.all():
            for field in fields:
                setattr(obj, field.attname, payload_for(field, obj.pk))
            obj.save()
        filled |= {f"{model._meta.label}.{field.name}" for field in fields}
    return filled


@pytest.fixture
def site(transactional_db):
    """A site with every kind of content, each text in it a payload."""
    from tests import factories as f

    topic = f.TopicFactory(slug="hostile", lead_image="topics/hostile.png")
    sub_topic = f.TopicFactory(slug="hostile-sub", parent=topic)
    sector = f.SectorFactory(slug="hostile-sector")
    company = f.CompanyFactory(slug="hostile-co")
    company.sectors.set([sector])
    tag = f.TagFactory(slug="hostile-tag")
    article = f.ArticleFactory(
        slug="hostile-article", topics=[sub_topic], companies=[company], countries=["FR"]
    )
    story = f.StoryFactory(slug="hostile-story", topics=[topic], companies=[company])
    opinion = f.OpinionFactory(slug="hostile-opinion", topics=[topic])
    statement = f.StatementFactory(slug="hostile-statement", topics=[topic])
    for _ in range(11):  # over ten: the statement offers its signatory search
        f.SignatoryFactory(statement=statement)
    response = f.CompanyResponseFactory(
        slug="hostile-response", company=company, responds_to=article, topics=[topic]
    )
    response.issues.set([f.IssueFactory()])
    story.related_items.set([article, response])
    for item in (article, story, opinion, statement, response):
        item.tags.add(tag)
    f.SiteMessageFactory(link_url="https://example.org/")
    answering = ResponseRequest.objects.create(
        company=company,
        item=article,
        question="Question",
        language="en",
        deadline=timezone.localdate() + dt.timedelta(days=7),
    )
    filled = store_payloads()
    analyze()
    return {
        "filled": filled,
        "topic": topic,
        "statement": statement,
        "tag": tag,
        "answering": answering,
    }


def addresses(site) -> list[str]:
    """One address of each public route, in each of SHOWN; search results, filtered and tag
    lists, a signatory search and not-found pages."""
    starts = [
        "/en/",
        "/en/topics/",
        site["topic"].get_absolute_url(),
        "/en/companies/",
        "/en/companies/hostile-co/",
        site["statement"].get_absolute_url(),
        "/en/search/?q=words",
        "/sitemap.xml",
        "/robots.txt",
    ]
    found = crawl(starts)
    paths = []
    for route in public_routes():
        if route.name in {"set_language", "hide_site_message", "site:health", "site:health_ready"}:
            continue  # forms that take a post; health checks show no content
        if route.name == "stories:item_detail":  # only redirects: no page links to it
            with translation.override("en"):
                found[route.name] = [reverse(route.name, kwargs={"slug": "hostile-article"})]
        if route.name == "response_requests:answer":  # linked from the e-mail only
            with translation.override("en"):
                token = token_for(site["answering"].pk)
                found[route.name] = [reverse(route.name, kwargs={"token": token})]
        assert found.get(route.name), f"no page links to {route.name}: add a start page"
        for address in one_per_format(found[route.name]):
            paths += in_languages(address) if route.has_language else [address]
    tag = site["tag"].slug
    for query in [f"q=words&tag={tag}", "q=onerror", "q=pwned", f"tag={tag}", "kind=opinion"]:
        paths += in_languages(f"/en/search/?{query}")
    paths += in_languages(f"/en/topics/{site['topic'].slug}/?tag={tag}&sector=hostile-sector")
    paths += in_languages(f"{site['statement'].get_absolute_url()}?signatory=Kept")
    paths += in_languages(f"/en/feeds/search.rss?tag={tag}")
    paths += in_languages("/en/no-such-page/")
    return paths


def one_per_format(found: list[str]) -> list[str]:
    """The first address of each format (RSS and Atom, CSV and JSON; pages have one)."""
    first = {}
    for address in found:
        name = urlsplit(address).path.rsplit("/", 1)[-1]
        first.setdefault(name.rsplit(".", 1)[-1] if "." in name else "", address)
    return list(first.values())


def in_languages(address: str) -> list[str]:
    rest = address.split("/", 2)[2]
    return [f"/{language}/{rest}" for language in SHOWN]


WHAT_RUNS = """() => {
  const handlers = [];
  for (const element of document.querySelectorAll('*')) {
    for (const attribute of element.attributes) {
      if (/^on/i.test(attribute.name)) handlers.push(`${element.tagName} ${attribute.name}`);
    }
  }
  const scripts = [...document.querySelectorAll('script')]
    .filter(s => /pwned|alert/.test(s.textContent)).map(s => s.outerHTML.slice(0, 80));
  const frames = [...document.querySelectorAll('iframe, frame, object, embed')]
    .map(e => e.outerHTML.slice(0, 80));
  const flag = window.pwned === undefined ? null : String(window.pwned);
  return {flag, handlers, scripts, frames};
}"""
NOTHING_RUNS = {"flag": None, "handlers": [], "scripts": [], "frames": []}


def is_download(path: str) -> bool:
    return "/search/export." in path or "/search/responses." in path


def language_of(path: str) -> str:
    first = urlsplit(path).path.split("/")[1]
    return first if first in SHOWN else "en"


def test_every_text_field_of_every_content_model_holds_a_payload(site):
    """The fields the issue names, and each language's column, are among those filled."""
    filled = site["filled"]
    expected = {
        "stories.Item.title_en",
        "stories.Item.title_fr",
        "stories.Item.title_ar",
        "stories.Item.title_ja",
        "stories.Item.summary_ar",
        "stories.Item.body_fr",
        "stories.Topic.title_ar",
        "stories.Topic.intro_ja",
        "stories.Topic.quote_attribution_fr",
        "stories.Topic.image_alt_ar",
        "stories.Topic.image_credit_en",
        "stories.Tag.name_fr",
        "stories.Article.author_ar",
        "stories.Article.publication_fr",
        "stories.Article.original_headline_en",
        "stories.Opinion.author_name",
        "stories.Opinion.author_role_ar",
        "stories.Opinion.series_ja",
        "stories.Signatory.name",
        "companies.Company.name",
        "companies.Company.description_ar",
        "companies.Sector.name_fr",
        "responses.Issue.name_ar",
        "resource_centre.SiteMessage.title_ja",
        "resource_centre.SiteMessage.link_label_ar",
        "resource_centre.SiteMessage.body_en",
    }
    assert expected <= filled, expected - filled
    languages = {code.replace("-", "_") for code, _name in settings.LANGUAGES}
    assert {f"stories.Item.title_{language}" for language in languages} <= filled
    assert not {name for name in filled if name.endswith((".slug", ".search_extra", ".kind"))}


def test_no_stored_payload_runs_on_any_page_feed_or_download(web, site, live_server):
    dialogs = []
    web.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    opened = []

    for path in addresses(site):
        language = language_of(path)
        if is_download(path):
            with web.expect_download() as download:
                web.evaluate("url => { window.location.href = url }", path)
            content = open(download.value.path(), encoding="utf-8").read()
            assert words(language) in content or words("all") in content, path
            opened.append(path)
            continue
        answer = web.goto(path)
        web.wait_for_load_state("load")
        assert web.evaluate(WHAT_RUNS) == NOTHING_RUNS, path
        assert web.evaluate(SCRIPT_LINKS) == [], path
        shown = web.evaluate("() => document.documentElement.innerText || ''")
        if answer.headers["content-type"].startswith("text/html"):
            # The site message's title and body are on every page, in the page's language.
            assert words(language) in shown, path
            assert SHOWN_MARKUP in shown, f"the markup of a plain text is not shown: {path}"
        elif "sitemap" not in path and "robots" not in path:
            assert "Kept words" in shown, path
        opened.append(path)

    assert dialogs == []
    assert len(opened) >= 60
