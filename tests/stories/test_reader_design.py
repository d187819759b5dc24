"""The reader's design as the HTML says it: breadcrumbs marked up for search engines, hubs
(sub-topic cards with their latest items, featured items), the notice on pages that fall back
in part, bidi-isolated bylines, the opinion's series, the footer pages, the message's
signature, the filters' disclosure, "Show all (n)" and the active-filter chips."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation

from resource_centre.models import Page
from tests.factories import (
    ArticleFactory,
    OpinionFactory,
    SiteMessageFactory,
    StoryFactory,
    TopicFactory,
    days_ago,
)
from tests.html import parse, text

pytestmark = pytest.mark.django_db

SCHEMA = "https://schema.org/"


def url(obj, language="en"):
    with translation.override(language):
        return obj.get_absolute_url() if obj is not None else reverse("home")


def a_hub():
    hub = TopicFactory(title="Technology and Human Rights", slug="tech", title_ar="التكنولوجيا")
    digital = TopicFactory(title="Digital Freedom", slug="digital", parent=hub, position=1)
    surveillance = TopicFactory(title="Surveillance", slug="surveillance", parent=hub, position=2)
    spyware = TopicFactory(title="Spyware", slug="spyware", parent=surveillance)
    return hub, digital, surveillance, spyware


def test_topic_breadcrumbs_are_a_schema_org_breadcrumb_list_from_home_to_the_page(client):
    hub, digital, *_ = a_hub()

    page = parse(client.get(url(digital)))

    (trail,) = page.xpath("//nav[@class='breadcrumbs']/ol")
    assert trail.get("itemtype") == SCHEMA + "BreadcrumbList"
    crumbs = trail.xpath("./li[@itemprop='itemListElement']")
    assert [li.get("itemtype") for li in crumbs] == [SCHEMA + "ListItem"] * 4
    names = [text(li.xpath(".//*[@itemprop='name']")[0]) for li in crumbs]
    assert names == ["Home", "Topics", "Technology and Human Rights", "Digital Freedom"]
    positions = [li.xpath("./meta[@itemprop='position']/@content")[0] for li in crumbs]
    assert positions == ["1", "2", "3", "4"]
    links = [li.xpath("./a[@itemprop='item']/@href") for li in crumbs]
    assert links == [["/en/"], ["/en/topics/"], ["/en/topics/tech/"], []]
    assert crumbs[-1].xpath(".//*[@aria-current='page']")
    # The title says where the topic sits, as the captured page's title did.
    assert text(page.xpath("//title")[0]).startswith("Digital Freedom · Technology and Human")


def test_a_draft_parent_topic_is_not_in_the_breadcrumbs(client):
    parent = TopicFactory(title="Hidden parent", status="draft")
    topic = TopicFactory(title="Visible", parent=parent)

    names = parse(client.get(url(topic))).xpath("//nav[@class='breadcrumbs']//*[@itemprop='name']")
    assert [text(n) for n in names] == ["Home", "Topics", "Visible"]


def test_an_item_page_shows_the_topics_above_it(client):
    _hub, digital, *_ = a_hub()
    article = ArticleFactory(topics=[digital])

    crumbs = parse(client.get(url(article))).xpath("//nav[@class='breadcrumbs']//li")
    assert [text(li) for li in crumbs] == [
        "Home",
        "Topics",
        "Technology and Human Rights",
        "Digital Freedom",
    ]


def test_a_hub_shows_its_sub_topics_as_cards_with_their_latest_items_and_featured_items(client):
    hub, digital, surveillance, spyware = a_hub()
    old, new, newest = (
        ArticleFactory(topics=[digital], published_at=days_ago(d)) for d in (9, 5, 2)
    )
    ArticleFactory(topics=[digital], published_at=days_ago(20))
    below = ArticleFactory(topics=[spyware], title="On spyware, two levels down")
    ArticleFactory(topics=[digital], status="draft", title="A draft")
    featured = StoryFactory(topics=[digital], title="The editors' pick")
    hub.featured_items.set([featured])

    page = parse(client.get(url(hub)))

    cards = page.xpath("//ul[contains(@class, 'subtopic-cards')]/li")
    assert [text(card.xpath(".//h3")[0]) for card in cards] == ["Digital Freedom", "Surveillance"]
    latest = [[text(a) for a in card.xpath(".//ul[@class='card-latest']//a")] for card in cards]
    assert latest[0] == [featured.title, newest.title, new.title]
    assert old.title not in latest[0] and "A draft" not in latest[0]
    assert latest[1] == [below.title]
    picks = page.xpath("//section[@class='featured-items']//*[contains(@class, 'entry-title')]")
    assert [text(title) for title in picks] == ["The editors' pick"]


def test_a_sub_topic_is_no_hub_and_lists_its_sub_topics_as_links(client):
    _hub, _digital, surveillance, _spyware = a_hub()

    page = parse(client.get(url(surveillance)))

    assert not page.xpath("//ul[contains(@class, 'subtopic-cards')]")
    assert [text(a) for a in page.xpath("//section[@class='subtopics']//a")] == ["Spyware"]


def test_a_long_intro_folds_after_its_first_paragraph(client):
    topic = TopicFactory(intro="<p>First paragraph.</p><p>Second.</p><ul><li>Third</li></ul>")
    short = TopicFactory(intro="<p>Only one paragraph.</p>")

    (intro,) = parse(client.get(url(topic))).xpath("//div[contains(@class, 'intro')]")
    assert text(intro.xpath("./p")[0]) == "First paragraph."
    (fold,) = intro.xpath("./details[@class='intro-more']")
    assert "Second." in text(fold) and "Third" in text(fold)
    assert not parse(client.get(url(short))).xpath("//details[@class='intro-more']")


def partial_notice(response):
    return parse(response).xpath("//p[contains(@class, 'language-note-partial')]")


def test_a_topic_whose_intro_falls_back_says_so_and_links_the_languages_it_is_complete_in(client):
    topic = TopicFactory(
        title="Digital Freedom",
        title_ar="الحرية الرقمية",
        title_ja="デジタルの自由",
        title_fr="Liberté numérique",
        intro="<p>English intro.</p>",
        intro_fr="<p>Intro française.</p>",
    )

    for language in ("ar", "ja"):
        (note,) = partial_notice(client.get(url(topic, language)))
        assert "English" in text(note)
        complete = {a.get("hreflang"): a.get("href") for a in note.xpath(".//a")}
        assert complete == {
            "en": "/en/topics/" + topic.slug + "/",
            "fr": f"/fr/topics/{topic.slug}/",
        }
    assert partial_notice(client.get(url(topic, "fr"))) == []
    assert partial_notice(client.get(url(topic, "en"))) == []


def test_an_item_with_a_translated_title_and_an_english_body_says_so(client):
    article = ArticleFactory(
        title="UN experts warn of closing digital space",
        title_ar="خبراء أمميون يحذرون",
        summary="Summary.",
        summary_ar="ملخص.",
        body="<p>The English body.</p>",
    )
    translated = ArticleFactory(title_ar="عنوان", summary="", body="<p>x</p>", body_ar="<p>س</p>")

    (note,) = partial_notice(client.get(url(article, "ar")))
    assert "English" in text(note)
    assert note.xpath(".//a/@hreflang") == ["en"]
    assert partial_notice(client.get(url(translated, "ar"))) == []


def test_a_page_whose_title_falls_back_keeps_the_whole_page_notice(client):
    article = ArticleFactory(title="Only English", body="<p>Only English.</p>")

    page = parse(client.get(url(article, "ar")))

    assert partial_notice(client.get(url(article, "ar"))) == []
    notes = [text(p) for p in page.xpath("//p[@class='language-note']")]
    assert any("English" in note for note in notes)


def test_bylines_isolate_each_run_of_one_direction_with_its_commas_inside(client):
    opinion = OpinionFactory(
        author_name="Sarina Phu",
        author_role="Research & Program Associate",
        author_organisation="Global Network Initiative",
        title_ar="عنوان",
    )

    page = parse(client.get(url(opinion, "ar")))

    (byline,) = page.xpath("//p[contains(@class, 'author')]")
    (run,) = byline.xpath("./bdi")
    assert run.get("dir") == "ltr"
    assert text(run) == "Sarina Phu, Research & Program Associate, Global Network Initiative"
    assert run.xpath("./span[@lang='en']")


def test_an_opinions_series_links_to_its_other_posts(client):
    first = OpinionFactory(series="B-Tech blog series", published_at=days_ago(9), title="First")
    second = OpinionFactory(series="B-Tech blog series", published_at=days_ago(2), title="Second")
    alone = OpinionFactory(series="A series of one")

    page = parse(client.get(url(second)))

    (link,) = page.xpath("//p[@class='series']/a")
    assert link.get("href") == "#series-heading"
    (section,) = page.xpath("//section[@class='series-items']")
    assert section.xpath(".//h2/@id") == ["series-heading"]
    assert [text(t) for t in section.xpath(".//*[contains(@class, 'entry-title')]")] == [
        first.title
    ]
    lone = parse(client.get(url(alone)))
    assert lone.xpath("//p[@class='series']/span") and not lone.xpath("//p[@class='series']/a")


def test_the_footer_links_about_contact_privacy_and_the_feeds(client):
    page = parse(client.get(url(None)))

    links = {text(a): a.get("href") for a in page.xpath("//footer[@class='site-footer']//a")}
    assert links["About"] == "/en/pages/about/"
    assert links["Contact"] == "/en/pages/contact/"
    assert links["Privacy"] == "/en/pages/privacy/"
    assert links["Latest news (RSS feed)"].endswith("latest.rss")
    assert links["Latest news (Atom feed)"].endswith("latest.atom")


@pytest.mark.parametrize("slug", Page.FOOTER_SLUGS)
def test_the_footer_pages_exist_from_the_first_migrate_and_are_translated(client, slug):
    response = client.get(f"/ar/pages/{slug}/")

    assert response.status_code == 200
    page = parse(response)
    assert page.xpath("//h1")[0].get("lang") is None  # its title is in Arabic
    assert page.xpath("//div[contains(@class, 'body')]")[0].get("lang") == "en"


def test_a_footer_page_is_cleaned_and_unknown_or_draft_pages_are_not_found(client):
    Page.objects.filter(slug="about").update(body="<p>Hi</p><script>alert(1)</script>")
    Page.objects.filter(slug="privacy").update(status="draft")

    assert b"<script>alert" not in client.get("/en/pages/about/").content
    assert client.get("/en/pages/privacy/").status_code == 404
    assert client.get("/en/pages/nothing/").status_code == 404


def test_the_site_message_carries_its_signature_in_the_visitors_language(client):
    SiteMessageFactory(signature="Alex Guy, Digital Officer", signature_fr="Alex Guy, chargé")

    page = parse(client.get(url(None, "fr")))
    (signature,) = page.xpath("//*[@class='site-message-signature']")
    assert text(signature) == "Alex Guy, chargé"
    english = parse(client.get(url(None, "ar"))).xpath("//*[@class='site-message-signature']")
    assert english[0].get("lang") == "en"


def test_filters_sit_in_one_disclosure_counting_the_active_filters(client):
    topic = TopicFactory()
    ArticleFactory(topics=[topic])
    StoryFactory(topics=[topic])

    plain = parse(client.get(url(topic)))
    (summary,) = plain.xpath("//details[@class='filter-panel']/summary")
    assert text(summary) == "Filters"
    assert plain.xpath("//details[@class='filter-panel']/form[@method='get']")

    filtered = parse(client.get(url(topic) + "?kind=article&kind=story&q=a"))
    assert text(filtered.xpath("//details[@class='filter-panel']/summary")[0]) == "Filters (3)"
    refused = parse(client.get(url(topic) + "?date_from=not-a-date"))
    assert refused.xpath("//details[@class='filter-panel']")[0].get("open") is not None


def test_active_filter_chips_each_remove_one_filter_from_the_first_page(client):
    topic = TopicFactory()
    ArticleFactory(topics=[topic])
    StoryFactory(topics=[topic])

    page = parse(client.get(url(topic) + "?kind=article&kind=story&date_from=2000-01-01&page=1"))

    chips = {text(a): a.get("href") for a in page.xpath("//ul[@class='active-filters']//a")}
    base = url(topic)
    assert chips == {
        "Remove filter: Kind: Article ×": f"{base}?kind=story&date_from=2000-01-01",
        "Remove filter: Kind: Story ×": f"{base}?kind=article&date_from=2000-01-01",
        "Remove filter: From: 2000-01-01 ×": f"{base}?kind=article&kind=story",
        "Clear filters": base,
    }
    assert not parse(client.get(base)).xpath("//ul[@class='active-filters']")


def test_a_long_facet_shows_its_top_choices_and_the_rest_behind_show_all(client):
    topic = TopicFactory()
    for n in range(8):
        ArticleFactory(topics=[topic]).tags.add(f"tag {n}")

    page = parse(client.get(url(topic)))
    (facet,) = page.xpath("//fieldset[contains(@class, 'facet-tag')]")
    assert len(facet.xpath("./ul[@class='facet-choices']/li")) == 5
    (more,) = facet.xpath("./details[@class='facet-more']")
    assert "Show all (8)" in text(more.xpath("./summary")[0])
    assert len(more.xpath("./ul/li")) == 3
    assert more.get("open") is None
    # A choice made among the rest opens the disclosure.
    chosen = more.xpath(".//input/@value")[0]
    page = parse(client.get(url(topic) + f"?tag={chosen}"))
    assert (
        page.xpath("//fieldset[contains(@class, 'facet-tag')]/details")[0].get("open") is not None
    )


def test_the_header_shows_the_logo_of_the_settings_and_pages_link_their_icons(client, settings):
    page = parse(client.get(url(None)))
    (logo,) = page.xpath("//header//a[@class='site-name']/img")
    assert logo.get("src") == "/static/img/logo.svg" and logo.get("alt") == ""
    icons = page.xpath("//link[@rel='icon']/@href")
    assert icons == ["/static/img/favicon.ico", "/static/img/favicon.svg"]
    for address in [*icons, "/static/img/logo.svg", "/static/css/brand.css"]:
        assert finders.find(address.removeprefix("/static/")), address

    settings.SITE_LOGO = "https://example.org/our-logo.png"
    settings.SITE_NAME = "Rights Watch"
    page = parse(client.get(url(None)))
    (logo,) = page.xpath("//header//a[@class='site-name']/img")
    assert logo.get("src") == "https://example.org/our-logo.png"
    assert text(page.xpath("//header//a[@class='site-name']")[0]) == "Rights Watch"
