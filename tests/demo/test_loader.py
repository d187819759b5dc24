"""The demo loader (`manage.py load_demo`): what it builds from data.json, and reruns, which
only create what is missing and never change a row that exists.

The demo is loaded once for the whole module (the `demo` fixture in conftest.py); what the
demo says, and that it says nothing generated, is tests/demo/test_demo_content.py.
"""

import datetime as dt
import re
from collections import Counter
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone, translation

from companies.models import Company
from demo.loader import DATA_PATH, load_demo, read_data
from resource_centre.models import SiteMessage
from resource_centre.publishing import Status
from responses.models import CompanyResponse, Outcome
from stories.models import Article, Item, Kind, Opinion, Statement, Story, Topic
from tests.factories import ArticleFactory, CompanyFactory, CompanyResponseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]


@pytest.fixture
def digital_freedom(demo):
    return Topic.objects.get(slug="digital-freedom")


def table_counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def published_on(topic):
    return Item.objects.published().for_topic(topic).newest_first()


def test_demo_builds_technology_hub_with_digital_freedom_inside(demo, digital_freedom):
    hub = Topic.objects.get(slug="technology-and-human-rights")

    assert hub.parent is None
    assert hub.title_en == "Technology and Human Rights"
    assert hub.title_fr == "Technologie et droits humains"
    assert hub.quote.startswith("Together, as we seek to recover from the pandemic")
    assert hub.quote_attribution == "António Guterres, Secretary-General of the United Nations"
    assert hub.image_credit == "Illustration: Resource Centre demo"
    assert hub.lead_image.name.startswith("topics/technology-network")
    assert hub.intro.startswith("<p>")
    assert digital_freedom.parent == hub
    assert digital_freedom.title_en == "Digital Freedom"
    assert set(Topic.objects.published().featured().values_list("slug", flat=True)) >= {
        "technology-and-human-rights",
        "digital-freedom",
    }


def test_digital_freedom_runs_past_one_page_newest_first_from_4_august_2020(digital_freedom):
    items = list(published_on(digital_freedom))
    dates = [item.published_at for item in items]

    assert len(items) > 20
    assert dates == sorted(dates, reverse=True)
    assert {item.published_at.time() for item in items} == {dt.time(12)}
    # The two 4 August 2020 items come first, in the order the captured page shows them.
    assert [item.published_at.date() for item in items[:2]] == [dt.date(2020, 8, 4)] * 2
    assert items[0].title_fr.startswith("Togo : ")
    assert items[1].title_en.startswith("Togo: Senior clergymen and civil society actors")
    assert items[-1].published_at.date() == dt.date(2019, 12, 10)
    assert {item.kind for item in items} == {Kind.ARTICLE, Kind.STORY, Kind.RESPONSE}


def test_guardian_article_keeps_author_publication_and_original_headline(demo):
    article = Article.objects.get(slug="togo-clergymen-and-civil-society-targeted-by-nso-spyware")

    assert article.byline == "Stephanie Kirchgaessner & Jennifer Rankin, The Guardian"
    assert article.original_headline == (
        "WhatsApp spyware attack: senior clergymen in Togo among activists targeted"
    )
    assert article.original_published_on == dt.date(2020, 8, 3)
    assert article.source_url.startswith("https://www.theguardian.com/")
    assert [country.code for country in article.countries] == ["TG"]
    assert set(article.companies.values_list("name", flat=True)) >= {"NSO Group", "WhatsApp"}
    assert "spyware" in set(article.tags.values_list("slug", flat=True))


def test_ubs_response_answers_its_story_with_outcome_responded(demo):
    story = Story.objects.get(slug="china-oecd-complaint-against-ubs-over-hikvision")
    response = CompanyResponse.objects.get(company__name="UBS")

    assert story.title_en.startswith("China: OECD Contact Point complaint filed against UBS")
    assert response.responds_to_id == story.pk
    assert response.outcome == Outcome.RESPONDED
    assert response.requested_on < response.responded_on == dt.date(2020, 7, 13)
    assert response.published_at == dt.datetime(2020, 7, 13, 12, tzinfo=dt.UTC)
    assert response.document_url.startswith("https://")
    assert [country.code for country in response.countries] == ["CN"]
    assert set(response.issues.values_list("slug", flat=True)) == {
        "surveillance",
        "discrimination",
    }
    related = set(story.related_items.values_list("slug", flat=True))
    assert {"ubs-response-hikvision-oecd-complaint"} < related
    assert "china-stp-files-oecd-complaint-against-ubs-over-hikvision" in related


def test_digital_freedom_response_record_shows_responded_declined_and_silence(digital_freedom):
    record = CompanyResponse.objects.published().for_topic(digital_freedom).record()

    assert record == {"requests": 3, "responded": 1, "declined": 1, "no_response": 1}
    silent = CompanyResponse.objects.get(outcome=Outcome.NO_RESPONSE, company__name="NSO Group")
    assert silent.responded_on is None


def test_french_only_article_falls_back_to_french_in_english(demo):
    article = Article.objects.get(
        slug="togo-religieux-et-acteurs-politiques-espionnes-logiciel-espion"
    )

    assert article.original_language == "fr"
    assert not article.title_en
    assert article.translations == ["fr"]
    title = article.display_title
    assert title.language == "fr" and title.is_fallback
    assert article.byline == "Journal du Togo.com"
    assert article.original_headline_fr.startswith("Des acteurs politiques et des religieux")


def test_japanese_item_has_japanese_title_and_summary(demo):
    article = Article.objects.get(slug="technology-and-human-rights-blog-series-japanese")

    assert article.original_language == "ja"
    assert article.published_at.date() == dt.date(2019, 12, 20)
    assert "ja" in article.translations
    with translation.override("ja"):
        assert article.display_title.language == "ja"
        assert article.display_summary.language == "ja"
        assert not article.display_title.is_fallback


def test_several_items_are_translated_into_french_japanese_and_arabic(digital_freedom):
    items = list(published_on(digital_freedom))

    assert sum("fr" in item.translations for item in items) >= 5
    assert sum("ar" in item.translations for item in items) >= 2
    assert sum("ja" in item.translations for item in items) >= 2


def test_draft_and_scheduled_items_are_never_published(digital_freedom):
    draft = Item.objects.get(slug="draft-spyware-and-journalists-briefing")
    scheduled = Item.objects.get(slug="scheduled-annual-review-of-digital-freedom")

    assert draft.status == Status.DRAFT
    assert scheduled.status == Status.PUBLISHED and scheduled.published_at > timezone.now()
    assert set(draft.topics.all()) == set(scheduled.topics.all()) == {digital_freedom}
    public = set(Item.objects.published().values_list("pk", flat=True))
    assert draft.pk not in public and scheduled.pk not in public


def test_surveillance_technology_runs_past_one_page_of_several_kinds(demo):
    items = list(published_on(Topic.objects.get(slug="surveillance-technology")))

    assert len(items) > 20
    assert {item.kind for item in items} >= {
        Kind.ARTICLE,
        Kind.STORY,
        Kind.RESPONSE,
        Kind.OPINION,
    }
    assert len({item.published_at.year for item in items}) >= 5


@pytest.mark.parametrize("slug", ["internet-shutdowns", "human-rights-defenders"])
def test_other_topics_have_ten_items_or_more_of_several_kinds_and_years(demo, slug):
    items = list(published_on(Topic.objects.get(slug=slug)))

    assert len(items) >= 10
    assert len({item.kind for item in items}) >= 3
    assert len({item.published_at.year for item in items}) >= 4


def test_technology_hub_lists_its_topics_items_over_three_pages(client, demo):
    hub = Topic.objects.get(slug="technology-and-human-rights")

    assert published_on(hub).count() > 40
    assert client.get(hub.get_absolute_url(), {"page": 3}).status_code == 200


def test_statement_lists_every_signatory_in_order(demo):
    statement = Statement.objects.get(
        slug="joint-statement-protect-defenders-in-the-digital-sphere"
    )
    names = list(statement.signatories.values_list("name", flat=True))

    assert len(names) == 196
    assert names[0] == "International Service for Human Rights (ISHR)"
    assert names[-1] == "Public Association “Equal rights”"
    assert "Rights Realization Centre /مركز تفعيل الحقوق" in names
    assert "<ul>" in statement.body


def test_opinion_credits_author_role_organisation_and_series(demo):
    opinion = Opinion.objects.get(slug="empowering-human-rights-in-the-state-business-nexus")

    assert opinion.byline == ("Sarina Phu, Research & Program Associate, Global Network Initiative")
    assert opinion.series == "UN Human Rights B-Tech Project blog series"
    assert opinion.published_at.date() == dt.date(2021, 12, 1)
    assert opinion.body.count("<p>") >= 3 and 'href="https://' in opinion.body


def test_site_message_is_current_in_english_and_french(demo):
    message = SiteMessage.objects.current()

    assert message.title == "Updating the Resource Centre Digital Platform"
    assert message.link_label == "Find out more"
    assert message.title_fr and message.body_fr and message.link_label_fr == "En savoir plus"


def test_second_run_adds_and_changes_nothing(demo):
    before = table_counts()
    message_stamp = SiteMessage.objects.get().updated_at
    out = StringIO()

    call_command("load_demo", stdout=out)

    assert table_counts() == before
    assert SiteMessage.objects.get().updated_at == message_stamp
    articles = sum(entry["kind"] == "article" for entry in read_data()["items"])
    assert f"Article: 0 created, {articles} skipped" in out.getvalue().splitlines()
    # Every row the first run made is skipped, a new statement's signatories with it.
    skipped = demo.total("created") - demo.counts["Signatory"]["created"]
    assert f"Demo loaded: 0 created, {skipped} skipped" in out.getvalue()


UBS_STORY = "china-oecd-complaint-against-ubs-over-hikvision"


def test_rerun_leaves_an_edited_demo_story_as_the_editor_left_it(demo):
    """`make run` loads the demo every time: an editor's changes to a demo story (its text,
    status, topics, companies, tags and related items) survive it, untouched."""
    story = Story.objects.get(slug=UBS_STORY)
    story.title_en = "China: our own headline"
    story.body_fr = "<p>Notre texte.</p>"
    story.status = Status.DRAFT
    story.save()
    other_topic = Topic.objects.get(slug="internet-shutdowns")
    story.topics.set([other_topic])
    story.companies.clear()
    story.tags.clear()
    story.related_items.set([])
    stamp = Story.objects.get(pk=story.pk).updated_at
    stories = sum(entry["kind"] == "story" for entry in read_data()["items"])
    out = StringIO()

    call_command("load_demo", stdout=out)

    story = Story.objects.get(pk=story.pk)
    assert (story.title_en, story.body_fr, story.status) == (
        "China: our own headline",
        "<p>Notre texte.</p>",
        Status.DRAFT,
    )
    assert list(story.topics.all()) == [other_topic]
    assert not story.companies.exists() and not story.tags.exists()
    assert not story.related_items.exists()
    assert story.updated_at == stamp
    assert f"Story: 0 created, {stories} skipped" in out.getvalue().splitlines()


def test_rerun_leaves_a_response_the_editor_detached_and_reworded(demo):
    """The rerun that said "0 created, 1 updated": it put a response back on its story."""
    response = CompanyResponse.objects.get(slug="ubs-response-hikvision-oecd-complaint")
    response.responds_to = None
    response.outcome = Outcome.DECLINED
    response.responded_on = None
    response.save()

    summary = load_demo()

    response = CompanyResponse.objects.get(pk=response.pk)
    assert response.responds_to is None
    assert response.outcome == Outcome.DECLINED
    assert summary.total("created") == 0
    assert set(summary.counts["CompanyResponse"]) == {"skipped"}


def test_rerun_keeps_edited_companies_topics_and_vocabularies(demo):
    company = Company.objects.get(name="UBS")
    company.description = "Our own description."
    company.save()
    company.sectors.clear()
    topic = Topic.objects.get(slug="digital-freedom")
    topic.title_fr = "Liberté numérique (revu)"
    topic.save()
    Statement.objects.get().signatories.filter(position__gt=0).delete()

    load_demo()

    company = Company.objects.get(pk=company.pk)
    assert company.description == "Our own description." and not company.sectors.exists()
    assert Topic.objects.get(pk=topic.pk).title_fr == "Liberté numérique (revu)"
    assert Statement.objects.get().signatories.count() == 1


def test_rerun_makes_no_second_site_message_when_the_editor_retitled_it(demo):
    message = SiteMessage.objects.get()
    message.title_en = "Our own banner"
    message.save()

    summary = load_demo()

    assert list(SiteMessage.objects.values_list("title_en", flat=True)) == ["Our own banner"]
    assert summary.counts["SiteMessage"] == Counter(skipped=1)


def test_rerun_recreates_a_deleted_demo_item_with_its_links_and_says_so(demo):
    slug = "usa-ice-uses-social-media-to-surveil-and-arrest-immigrants"
    entry = next(entry for entry in read_data()["items"] if entry["slug"] == slug)
    Item.objects.get(slug=slug).delete()
    out = StringIO()

    call_command("load_demo", stdout=out)

    article = Article.objects.get(slug=slug)
    assert article.title_en == "USA: ICE uses social media to surveil and arrest immigrants"
    assert set(article.topics.values_list("slug", flat=True)) == set(entry["topics"])
    lines = out.getvalue().splitlines()
    articles = sum(e["kind"] == "article" for e in read_data()["items"])
    assert f"Article: 1 created, {articles - 1} skipped" in lines
    assert "Demo loaded: 1 created," in out.getvalue()


def test_the_demo_is_exactly_the_items_and_companies_of_data_json(demo):
    data = read_data()

    assert set(Item.objects.values_list("slug", flat=True)) == {
        entry["slug"] for entry in data["items"]
    }
    assert set(Company.objects.values_list("slug", flat=True)) == {
        entry["slug"] for entry in data["companies"]
    }


GENERATED_BODY = "<p>This is generated demonstration content for the Resource Centre demo site.</p>"


def test_rerun_deletes_the_filler_an_earlier_demo_generated_and_nothing_else(demo):
    """A database loaded by the demo that generated filler loses it on the next run; rows that
    only look alike (same slug pattern, or a retired company's slug) are an editor's: kept."""
    fictional = CompanyFactory(slug="globex-vision", name="Globex Vision Systems (fictional)")
    lookalike_company = CompanyFactory(slug="initech-data", name="Initech Data")
    ArticleFactory(slug="demo-surveillance-technology-01", body_en=GENERATED_BODY)
    CompanyResponseFactory(
        slug="demo-surveillance-technology-05", company=fictional, body_en=GENERATED_BODY
    )
    editors = ArticleFactory(slug="demo-internet-shutdowns-02", body_en="<p>Our own text.</p>")
    data = read_data()
    kinds = Counter(entry["kind"] for entry in data["items"])
    out = StringIO()

    call_command("load_demo", stdout=out)

    assert not Item.objects.filter(slug__startswith="demo-surveillance-technology-").exists()
    assert not Company.objects.filter(pk=fictional.pk).exists()
    assert Item.objects.filter(pk=editors.pk).exists()
    assert Company.objects.filter(pk=lookalike_company.pk).exists()
    lines = out.getvalue().splitlines()
    assert f"Article: 0 created, {kinds['article']} skipped, 1 deleted" in lines
    assert f"CompanyResponse: 0 created, {kinds['response']} skipped, 1 deleted" in lines
    companies = len(data["companies"])
    assert f"Company: 0 created, {companies} skipped, 1 deleted" in lines
    assert "3 deleted (generated by an earlier demo)." in out.getvalue()


def test_demo_data_ships_inside_the_project(settings):
    assert DATA_PATH.is_file()
    assert DATA_PATH.resolve().is_relative_to(settings.BASE_DIR.resolve())


def test_digital_freedom_page_two_holds_the_oldest_captured_items(client, digital_freedom):
    first = client.get(digital_freedom.get_absolute_url())
    second = client.get(digital_freedom.get_absolute_url(), {"page": 2})

    assert first.status_code == second.status_code == 200
    page_one = first.content.decode()
    assert "Togo: Senior clergymen and civil society actors" in page_one
    assert "CIVICUS Monitor shows twice as many people" in second.content.decode()
    assert "Coming soon: our annual review" not in page_one
    assert "Draft: spyware and journalists" not in page_one


def test_every_captured_demo_page_renders_in_arabic_with_fallbacks(client, demo):
    """Arabic has the fewest translations: most pages fall back to English or the original."""
    hub = Topic.objects.get(slug="technology-and-human-rights")
    items = Item.objects.published().for_topic(hub)
    with translation.override("ar"):
        urls = [hub.get_absolute_url()] + [item.get_absolute_url() for item in items]

    statuses = {url: client.get(url).status_code for url in urls}

    assert len(urls) > 20
    assert set(statuses.values()) == {200}, statuses


def test_unpublished_demo_items_are_not_found(client, demo):
    for slug in [
        "draft-spyware-and-journalists-briefing",
        "scheduled-annual-review-of-digital-freedom",
    ]:
        item = Item.objects.get(slug=slug)
        assert client.get(item.get_absolute_url()).status_code == 404


def test_french_only_article_page_shows_french_text_marked_as_french(client, demo):
    article = Article.objects.get(
        slug="togo-religieux-et-acteurs-politiques-espionnes-logiciel-espion"
    )

    html = client.get(article.get_absolute_url()).content.decode()

    assert re.search(r'<h1[^>]*lang="fr"[^>]*>Togo : des religieux et des acteurs politiques', html)


def test_japanese_item_page_in_japanese_shows_japanese_title(client, demo):
    article = Article.objects.get(slug="technology-and-human-rights-blog-series-japanese")
    with translation.override("ja"):
        url = article.get_absolute_url()

    html = client.get(url).content.decode()

    assert "テクノロジーと人権：機会とリスク、そして仕事の未来" in html
