"""What the demo tells a researcher: real items only, vocabulary in the languages it claims.

The demo (`make run`'s `load_demo`) is a sample a visitor may take at its word: every item a
real, dated public event summarised in our own words, no generated filler, no invented
companies, and topic, sector, issue and tag names translated wherever items are.
"""

import re
from collections import Counter

import lxml.html
import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from companies.models import Company, Sector
from demo.loader import read_data
from resource_centre.i18n import LANGUAGE_CODES, column
from responses.models import CompanyResponse, Issue, Outcome
from stories.models import Item, Kind, Tag, Topic
from tests.html import entries, entry_titles, parse, text

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]

# What the generated filler and the fictional companies of earlier demos were made of.
# Names are matched with their capital ("a sample of phones" is not filler).
FILLER_MARKERS = [
    r"\bExample\b",
    r"\bSample\b",
    r"(?i:fictional)",
    r"(?i:generated demonstration)",
    r"(?i:demonstration content)",
    r"(?i:demo blog series)",
    r"\.example\b",
    r"(?i:lorem ipsum)",
]
FILLER = re.compile("|".join(FILLER_MARKERS))
# The models the demo writes, and every text column of theirs (all languages).
DEMO_MODELS = [
    "stories.Item",
    "stories.Article",
    "stories.Opinion",
    "stories.Topic",
    "stories.Tag",
    "stories.Signatory",
    "companies.Company",
    "companies.Sector",
    "responses.Issue",
    "resource_centre.SiteMessage",
]
# Languages whose scripts cannot share a label with English: a copy there is untranslated.
OTHER_SCRIPTS = ["ru", "ar", "zh-hans", "ja", "ko"]
SAME_EVERYWHERE = {"COVID-19", "VPN"}
SEARCH = "/en/search/"
# A quotation longer than this many words reads as someone's words; the demo paraphrases.
LONGEST_QUOTE_WORDS = 5


def demo_texts():
    """(model, field, value) for every text value the demo stored."""
    for label in DEMO_MODELS:
        model = apps.get_model(label)
        fields = [
            f.name
            for f in model._meta.get_fields()
            if isinstance(f, models.CharField | models.TextField) and f.concrete
        ]
        for row in model._default_manager.values(*fields):
            for field, value in row.items():
                if value:
                    yield label, field, value


def test_the_demo_stores_no_generated_filler_anywhere(demo):
    found = [
        (label, field, value[:80]) for label, field, value in demo_texts() if FILLER.search(value)
    ]

    assert found == []


def test_the_marker_check_would_catch_the_old_filler():
    """The markers are those of the filler earlier demos generated (demo/generated.py)."""
    for filler in [
        "Amina Example",
        "The Example Gazette (fictional)",
        "Acme Telecom (fictional)",
        "This is generated demonstration content for the Resource Centre demo site.",
        "Example Institute (fictional)",
        "Demo blog series",
        "https://gazette.example/demo-internet-shutdowns-01",
    ]:
        assert FILLER.search(filler), filler


@pytest.mark.parametrize(
    "url",
    [
        "/en/",
        "/en/topics/technology-and-human-rights/",
        "/en/topics/technology-and-human-rights/?page=2",
        "/en/topics/surveillance-technology/",
        "/en/topics/surveillance-technology/?page=2",
        "/en/topics/internet-shutdowns/",
        "/en/topics/human-rights-defenders/",
        "/en/companies/",
        "/en/search/?q=spyware",
    ],
)
def test_public_pages_show_no_filler(client, demo, url):
    response = client.get(url)

    assert response.status_code == 200
    page = text(parse(response))
    assert not FILLER.search(page), FILLER.search(page)


def test_no_company_is_fictional_and_each_has_sectors_and_a_country(demo):
    companies = list(Company.objects.published().prefetch_related("sectors"))

    assert len(companies) >= 10
    for company in companies:
        assert not FILLER.search(company.name), company.name
        assert company.website.startswith("https://") and ".example" not in company.website
        assert company.headquarters_country, company.slug
        assert company.sectors.exists(), company.slug
    assert len({company.headquarters_country.code for company in companies}) >= 5


def test_every_kind_is_there_with_responses_declined_and_unanswered(demo):
    public = Item.objects.published()
    kinds = Counter(public.values_list("kind", flat=True))
    outcomes = Counter(CompanyResponse.objects.published().values_list("outcome", flat=True))

    assert 40 <= public.count() <= 60
    assert kinds[Kind.ARTICLE] >= 20 and kinds[Kind.STORY] >= 10
    assert kinds[Kind.RESPONSE] >= 4 and kinds[Kind.OPINION] >= 2 and kinds[Kind.STATEMENT] >= 1
    assert set(outcomes) == {Outcome.RESPONDED, Outcome.DECLINED, Outcome.NO_RESPONSE}


def test_items_are_dated_across_several_years(demo):
    years = Counter(Item.objects.published().values_list("published_at__year", flat=True))

    assert len(years) >= 6
    assert max(years.values()) <= Item.objects.published().count() / 2


def test_articles_credit_an_author_or_publication_and_date_or_link_their_source(demo):
    for article in Item.objects.published().filter(kind=Kind.ARTICLE):
        article = article.specific
        assert article.byline, article.slug
        assert article.original_published_on or article.source_url or article.original_headline


def test_summaries_and_bodies_paraphrase_rather_than_quote(demo):
    """No one's words are put in quotation marks at length: short terms only."""
    quote = re.compile(r"[“\"«]([^”\"»]+)[”\"»]")
    long_quotes = []
    for item in Item.objects.all():
        for field in ["summary", "body"]:
            for code in LANGUAGE_CODES:
                value = getattr(item, column(field, code)) or ""
                plain = lxml.html.fromstring(f"<div>{value}</div>").text_content()
                long_quotes += [
                    (item.slug, quoted)
                    for quoted in quote.findall(plain)
                    if len(quoted.split()) > LONGEST_QUOTE_WORDS
                ]

    assert long_quotes == []


def test_searching_spyware_lists_real_spyware_items_first(client, demo):
    real = {entry["slug"] for entry in read_data()["items"]}

    response = client.get(SEARCH, {"q": "spyware"})

    titles = entry_titles(response)
    links = [
        entry.xpath(".//*[contains(@class, 'entry-title')]//a/@href")[0]
        for entry in entries(response)
    ]
    assert len(titles) >= 10
    # Every result is one of the real items of data.json, found by its address.
    assert [link.rstrip("/").rsplit("/", 1)[-1] in real for link in links] == [True] * len(links)
    # The first page is headed by items about spyware, by name, never by filler.
    assert all("spyware" in title.lower() for title in titles[:8]), titles[:8]
    assert not any(FILLER.search(title) for title in titles)
    assert any("Pegasus Project" in title for title in titles[:8])
    assert any(title.startswith("Togo: Senior clergymen") for title in titles[:8])


def vocabulary():
    """(label, slug, field, row) of every topic title and sector, issue and tag name."""
    for model, field in [(Topic, "title"), (Sector, "name"), (Issue, "name"), (Tag, "name")]:
        for row in model.objects.all():
            yield model.__name__, row.slug, field, row


def test_vocabulary_is_translated_into_every_site_language(demo):
    missing, copied = [], []
    for label, slug, field, row in vocabulary():
        english = getattr(row, column(field, "en"))
        for code in LANGUAGE_CODES:
            value = getattr(row, column(field, code))
            if not value:
                missing.append((label, slug, code))
            elif code in OTHER_SCRIPTS and value == english and english not in SAME_EVERYWHERE:
                copied.append((label, slug, code))

    assert missing == []
    assert copied == []


def test_every_language_items_are_translated_into_has_its_vocabulary(demo):
    """Where the demo shows items in a language, the labels around them are in it too."""
    claimed = {code for item in Item.objects.published() for code in item.translations}

    assert claimed >= {"en", "fr", "es", "ar", "ja"}
    for item in Item.objects.published().prefetch_related("topics", "tags", "companies__sectors"):
        for code in item.translations:
            for topic in item.topics.all():
                assert getattr(topic, column("title", code)), (topic.slug, code)
            for tag in item.tags.all():
                assert getattr(tag, column("name", code)), (tag.slug, code)
            for company in item.companies.all():
                for sector in company.sectors.all():
                    assert getattr(sector, column("name", code)), (sector.slug, code)


def facet_labels(page, name) -> list[str]:
    """The choices of one facet as shown, without their counts."""
    return [
        text(label).rsplit(" (", 1)[0]
        for label in page.xpath(f"//fieldset[contains(@class, 'facet-{name}')]//label")
    ]


@pytest.mark.parametrize(
    "language, title, sectors, tag",
    [
        (
            "fr",
            "Technologies de surveillance",
            {"Technologie", "Surveillance et sécurité", "Services financiers"},
            "Logiciels espions",
        ),
        (
            "ar",
            "تكنولوجيا المراقبة",
            {"التكنولوجيا", "المراقبة والأمن", "الخدمات المالية"},
            "برامج التجسس",
        ),
        ("ja", "監視技術", {"テクノロジー", "監視・セキュリティ", "金融サービス"}, "スパイウェア"),
    ],
)
def test_topic_page_shows_translated_title_and_facets(client, demo, language, title, sectors, tag):
    topic = Topic.objects.get(slug="surveillance-technology")
    with translation.override(language):
        url = topic.get_absolute_url()

    page = parse(client.get(url))

    assert text(page.xpath("//h1")[0]) == title
    shown = set(facet_labels(page, "sector"))
    assert shown >= sectors
    english = set(Sector.objects.values_list("name_en", flat=True))
    assert not shown & english, shown & english
    assert tag in facet_labels(page, "tag")


def test_arabic_hub_page_names_its_topics_in_arabic(client, demo):
    hub = Topic.objects.get(slug="technology-and-human-rights")
    with translation.override("ar"):
        url = hub.get_absolute_url()

    page = parse(client.get(url))

    assert text(page.xpath("//h1")[0]) == "التكنولوجيا وحقوق الإنسان"
    topics = facet_labels(page, "topic")
    assert "الحرية الرقمية" in " ".join(topics)
    assert not any(re.search("[A-Za-z]{4,}", label) for label in topics), topics


def test_data_json_gives_the_vocabulary_in_exactly_the_site_languages():
    """A language added to the site needs its vocabulary here too: this says so."""
    data = read_data()

    for kind in ["topics", "sectors", "issues", "tags"]:
        key = "title" if kind == "topics" else "name"
        for entry in data[kind]:
            assert set(entry[key]) == set(LANGUAGE_CODES), (kind, entry["slug"])
