"""Detail pages of articles, stories, opinions and statements; the topic index."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from resource_centre.publishing import Status
from responses.models import Outcome
from tests.factories import (
    ArticleFactory,
    CompanyFactory,
    CompanyResponseFactory,
    OpinionFactory,
    SignatoryFactory,
    StatementFactory,
    StoryFactory,
    TopicFactory,
    days_ago,
)
from tests.html import entry_titles, parse, text
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


def url_in(obj, language):
    with translation.override(language):
        return obj.get_absolute_url()


def test_article_page_shows_byline_quoted_headline_and_links_to_its_source(client):
    topic = TopicFactory(title="Digital freedom")
    company = CompanyFactory(name="NSO Group")
    article = ArticleFactory(
        title="USA: WhatsApp lawsuit against NSO Group can proceed",
        author="Stephanie Kirchgaessner",
        publication="The Guardian",
        original_headline="US judge: WhatsApp lawsuit against Israeli spyware firm can proceed",
        original_published_on=dt.date(2020, 7, 17),
        source_url="https://www.theguardian.com/example",
        body="<p>A judge ruled on the case.</p>",
        topics=[topic],
        companies=[company],
    )

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    page = parse(response)
    assert text(page.xpath("//h1")[0]) == "USA: WhatsApp lawsuit against NSO Group can proceed"
    main = text(page.xpath("//main")[0])
    assert "Author: Stephanie Kirchgaessner, The Guardian" in main
    assert "US judge: WhatsApp lawsuit against Israeli spyware firm can proceed" in main
    assert "17 July 2020" in main
    assert "A judge ruled on the case." in main
    (source,) = page.xpath("//a[@href='https://www.theguardian.com/example']")
    assert source.get("rel") == "noopener"
    assert text(source) == "Read the full article at The Guardian"
    assert page.xpath("//main//a[text()='Digital freedom']/@href") == [topic.get_absolute_url()]
    assert page.xpath("//main//a[text()='NSO Group']/@href") == [company.get_absolute_url()]
    assert page.xpath("//meta[@property='og:type']/@content") == ["article"]


def test_article_page_lists_public_company_responses_to_it(client):
    article = ArticleFactory()
    CompanyResponseFactory(responds_to=article, title="Acme responded")
    CompanyResponseFactory(responds_to=article, title="Draft response", status=Status.DRAFT)

    response = client.get(article.get_absolute_url())

    assert entry_titles(response) == ["Acme responded"]


def test_story_page_lists_its_public_articles_and_company_responses(client):
    story = StoryFactory(title="Hikvision and UBS", body="<p>What the story says.</p>")
    linked = ArticleFactory(title="Linked article", published_at=days_ago(4))
    hidden = ArticleFactory(title="Draft linked article", status=Status.DRAFT)
    story.related_items.set([linked, hidden])
    CompanyResponseFactory(
        responds_to=story, title="UBS responded", company__name="UBS", published_at=days_ago(2)
    )
    CompanyResponseFactory(
        responds_to=story,
        title="Hikvision did not respond",
        outcome=Outcome.NO_RESPONSE,
        responded_on=None,
        published_at=days_ago(3),
    )

    response = client.get(story.get_absolute_url())

    page = parse(response)
    assert text(page.xpath("//h1")[0]) == "Hikvision and UBS"
    assert "What the story says." in text(page.xpath("//main")[0])
    related = page.xpath("//section[@class='related']")[0]
    assert [text(h) for h in related.xpath(".//h3")] == ["Linked article"]
    responses = page.xpath("//section[@class='responses']")[0]
    assert [text(h) for h in responses.xpath(".//h3")] == [
        "UBS responded",
        "Hikvision did not respond",
    ]
    assert b"Draft linked article" not in response.content


def test_opinion_page_shows_author_role_organisation_and_series(client):
    opinion = OpinionFactory(
        title="Empowering human rights in the State-business nexus",
        author_name="Sarina Phu",
        author_role="Research & Program Associate",
        author_organisation="Global Network Initiative",
        series="B-Tech blog series",
    )

    page = parse(client.get(opinion.get_absolute_url()))

    assert text(page.xpath("//*[contains(@class, 'author')]")[0]) == (
        "Author: Sarina Phu, Research & Program Associate, Global Network Initiative"
    )
    assert "B-Tech blog series" in text(page.xpath("//*[@class='series']")[0])


def test_statement_page_lists_signatories_in_one_page(client):
    statement = StatementFactory(title="Joint NGO statement", body="<ul><li>Act now</li></ul>")
    for n in range(200):
        SignatoryFactory(statement=statement, name=f"Organisation {n:03d}", position=n)

    page = parse(client.get(statement.get_absolute_url()))

    assert text(page.xpath("//h2[@id='signatories-heading']")[0]) == "200 signatories"
    names = page.xpath("//ul[@class='signatories']/li")
    assert len(names) == 200
    assert text(names[0]) == "Organisation 000"
    assert "Act now" in text(page.xpath("//main")[0])


def test_statement_signatories_can_be_filtered_by_name(client):
    statement = StatementFactory()
    SignatoryFactory(statement=statement, name="Access Now", country="US")
    SignatoryFactory(statement=statement, name="Amnesty International")
    for _ in range(12):
        SignatoryFactory(statement=statement)

    response = client.get(statement.get_absolute_url() + "?signatory=access")

    page = parse(response)
    form = page.xpath("//form[@class='signatory-filter']")[0]
    assert form.get("method") == "get"
    field = form.xpath(".//input[@name='signatory']")[0]
    assert field.get("value") == "access"
    assert form.xpath(f".//label[@for='{field.get('id')}']")
    assert [text(li) for li in page.xpath("//ul[@class='signatories']/li")] == [
        "Access Now (United States of America)"
    ]


def test_statement_filter_with_no_match_says_so(client):
    statement = StatementFactory()
    SignatoryFactory(statement=statement, name="Access Now")

    response = client.get(statement.get_absolute_url() + "?signatory=" + "x" * 5000)

    assert response.status_code == 200
    assert "0 signatories match" in text(parse(response).xpath("//main")[0])


def test_statement_filter_ignores_a_nul_character(client):
    statement = StatementFactory()
    SignatoryFactory(statement=statement, name="Access Now")
    SignatoryFactory(statement=statement, name="Amnesty International")

    response = client.get(statement.get_absolute_url() + "?signatory=Acc%00ess")

    assert response.status_code == 200
    page = parse(response)
    assert [text(li) for li in page.xpath("//ul[@class='signatories']/li")] == ["Access Now"]
    assert "\x00" not in response.content.decode()


@pytest.mark.parametrize(
    "factory", [ArticleFactory, StoryFactory, OpinionFactory, StatementFactory]
)
def test_draft_and_scheduled_items_are_not_found_by_the_public(client, factory):
    draft = factory(status=Status.DRAFT)
    scheduled = factory(published_at=timezone.now() + dt.timedelta(hours=2))

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(scheduled.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "factory", [ArticleFactory, StoryFactory, OpinionFactory, StatementFactory]
)
def test_staff_can_preview_a_scheduled_item_which_is_marked_and_not_cached(admin_client, factory):
    scheduled = factory(title="Embargoed", published_at=timezone.now() + dt.timedelta(hours=2))

    response = admin_client.get(scheduled.get_absolute_url())

    assert response.status_code == 200
    page = parse(response)
    assert "Preview — not public" in text(page.xpath("//main")[0])
    assert page.xpath("//link[@rel='canonical']") == []
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]


def test_staff_see_public_items_without_a_preview_banner(admin_client):
    article = ArticleFactory()

    response = admin_client.get(article.get_absolute_url())

    assert "Preview" not in text(parse(response).xpath("//main")[0])
    assert "X-Robots-Tag" not in response


def test_non_staff_user_cannot_preview(client, django_user_model):
    user = django_user_model.objects.create_user("reader", password="x")
    client.force_login(user)
    draft = ArticleFactory(status=Status.DRAFT)

    assert client.get(draft.get_absolute_url()).status_code == 404


def test_an_item_of_one_kind_is_not_found_at_another_kinds_address(client):
    story = StoryFactory(slug="a-story")

    assert client.get(story.get_absolute_url()).status_code == 200
    assert (
        client.get(reverse("stories:article_detail", kwargs={"slug": story.slug})).status_code
        == 404
    )


def test_item_address_redirects_to_the_page_of_its_kind(client):
    story = StoryFactory(slug="a-story")
    draft = StoryFactory(status=Status.DRAFT)

    response = client.get(reverse("stories:item_detail", kwargs={"slug": "a-story"}))

    assert response.status_code == 302
    assert response["Location"] == story.get_absolute_url()
    assert client.get(reverse("stories:item_detail", kwargs={"slug": draft.slug})).status_code == (
        404
    )


def test_item_with_a_unicode_slug_has_a_page(client):
    article = ArticleFactory(slug="droits-numériques", title="Droits numériques")

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200


def test_item_in_french_and_english_says_which_other_languages_it_has(client):
    article = ArticleFactory(title="Digital rights", title_fr="Droits numériques")

    page = parse(client.get(url_in(article, "fr")))

    assert text(page.xpath("//h1")[0]) == "Droits numériques"
    assert page.xpath("//h1/@lang") == []
    links = page.xpath("//p[@class='language-note']//a")
    assert [(a.get("hreflang"), text(a)) for a in links] == [("en", "English")]


def test_item_missing_in_arabic_is_shown_in_english_marked_ltr_on_an_rtl_page(client):
    article = ArticleFactory(title="Digital rights", body="<p>English body.</p>")

    page = parse(client.get(url_in(article, "ar")))

    assert page.get("dir") == "rtl"
    h1 = page.xpath("//h1")[0]
    assert (h1.get("lang"), h1.get("dir")) == ("en", "ltr")
    assert page.xpath("//div[contains(@class, 'body')]/@lang") == ["en"]
    note = text(page.xpath("//p[@class='language-note']")[0])
    assert "العربية" in note and "English" in note


def test_topic_index_lists_public_topics_with_public_subtopics(client):
    root = TopicFactory(title="Technology", summary="Tech and rights.")
    TopicFactory(title="Digital freedom", parent=root)
    TopicFactory(title="Secret sub-topic", parent=root, status=Status.DRAFT)
    TopicFactory(title="Draft topic", status=Status.DRAFT)

    page = parse(client.get(reverse("stories:topic_list")))

    assert [text(h) for h in page.xpath("//main//h2")] == ["Technology"]
    assert "Digital freedom" in text(page.xpath("//main")[0])
    assert "Secret sub-topic" not in text(page.xpath("//main")[0])
    assert "Draft topic" not in text(page.xpath("//main")[0])


def test_topic_index_runs_as_many_queries_for_60_topics_as_for_5(
    client, django_assert_max_num_queries
):
    def add_entries(count):
        for _ in range(count):
            TopicFactory(parent=TopicFactory())

    assert_constant_queries(
        client, reverse("stories:topic_list"), add_entries, django_assert_max_num_queries
    )


def test_statement_page_runs_as_many_queries_for_240_signatories_as_for_20(
    client, django_assert_max_num_queries
):
    statement = StatementFactory(topics=[TopicFactory()])

    def add_entries(count):
        for _ in range(count * 4):
            SignatoryFactory(statement=statement, country="FR")

    assert_constant_queries(
        client, statement.get_absolute_url(), add_entries, django_assert_max_num_queries
    )
