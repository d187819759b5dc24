import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from resource_centre.publishing import Status
from responses.models import Outcome
from stories.models import Topic
from tests.factories import (
    ArticleFactory,
    CompanyResponseFactory,
    OpinionFactory,
    StatementFactory,
    StoryFactory,
    TopicFactory,
    days_ago,
)
from tests.html import entries, entry_titles, parse, text
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


def topic_url(topic, language="en", **params):
    with translation.override(language):
        url = reverse("stories:topic_detail", kwargs={"slug": topic.slug})
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def test_topic_page_lists_every_kind_on_the_topic_and_its_subtopics_newest_first(client):
    topic = TopicFactory(title="Digital freedom")
    sub = TopicFactory(title="Surveillance", parent=topic)
    ArticleFactory(topics=[topic], title="Oldest article", published_at=days_ago(9))
    StoryFactory(topics=[sub], title="Story on a sub-topic", published_at=days_ago(7))
    CompanyResponseFactory(topics=[topic], title="UBS responded", published_at=days_ago(5))
    OpinionFactory(topics=[topic], title="A blog post", published_at=days_ago(4))
    StatementFactory(topics=[sub], title="Joint statement", published_at=days_ago(3))
    ArticleFactory(topics=[TopicFactory()], title="On another topic")

    response = client.get(topic_url(topic))

    assert response.status_code == 200
    assert entry_titles(response) == [
        "Joint statement",
        "A blog post",
        "UBS responded",
        "Story on a sub-topic",
        "Oldest article",
    ]
    kinds = [text(e.xpath(".//*[@class='entry-kind']")[0]) for e in entries(response)]
    assert kinds == ["Statement", "Opinion", "Company response", "Story", "Article"]


def test_drafts_and_scheduled_items_are_not_on_the_topic_page(client):
    topic = TopicFactory()
    ArticleFactory(topics=[topic], title="Public article")
    ArticleFactory(topics=[topic], title="Draft article", status=Status.DRAFT)
    ArticleFactory(
        topics=[topic],
        title="Scheduled article",
        published_at=timezone.now() + dt.timedelta(days=1),
    )

    response = client.get(topic_url(topic))

    assert entry_titles(response) == ["Public article"]
    assert b"Draft article" not in response.content
    assert b"Scheduled article" not in response.content


def test_article_entry_shows_date_headline_author_quoted_headline_excerpt_and_read_more(client):
    topic = TopicFactory()
    article = ArticleFactory(
        topics=[topic],
        title="Togo: clergymen targeted by spyware",
        author="Stephanie Kirchgaessner & Jennifer Rankin",
        publication="The Guardian",
        original_headline="WhatsApp spyware attack: senior clergymen among activists targeted",
        original_published_on=dt.date(2020, 8, 3),
        published_at=timezone.make_aware(dt.datetime(2020, 8, 4, 10, 0)),
        summary="Activists were targeted.",
    )

    (entry,) = entries(client.get(topic_url(topic)))

    first_time = entry.xpath(".//time")[0]
    assert first_time.get("datetime").startswith("2020-08-04")
    assert text(first_time) == "4 August 2020"
    heading = entry.xpath(".//h3")[0]
    assert text(heading) == "Togo: clergymen targeted by spyware"
    assert heading.xpath(".//a/@href") == [article.get_absolute_url()]
    assert "Author: Stephanie Kirchgaessner & Jennifer Rankin, The Guardian" in text(entry)
    quote = entry.xpath(".//*[@class='entry-quote']")[0]
    assert text(quote) == (
        "WhatsApp spyware attack: senior clergymen among activists targeted, 3 August 2020"
    )
    assert quote.xpath(".//q")
    assert "Activists were targeted." in text(entry)
    action = entry.xpath(".//*[@class='entry-action']/a")[0]
    assert text(action).startswith("Read more")
    assert action.get("href") == article.get_absolute_url()


def test_story_and_company_response_entries_have_their_own_call_to_action(client):
    topic = TopicFactory()
    StoryFactory(topics=[topic], title="A story", published_at=days_ago(3))
    CompanyResponseFactory(
        topics=[topic], title="UBS responded", company__name="UBS", published_at=days_ago(2)
    )

    response_entry, story_entry = entries(client.get(topic_url(topic)))

    assert text(story_entry.xpath(".//*[@class='entry-action']")[0]).startswith("See full story")
    assert text(response_entry.xpath(".//*[@class='entry-action']")[0]).startswith(
        "Read full response"
    )
    assert "Company: UBS" in text(response_entry)


def test_translations_of_an_entry_open_in_a_details_disclosure(client):
    topic = TopicFactory()
    ArticleFactory(
        topics=[topic],
        title="Togolese activists spied on",
        title_fr="Des acteurs togolais espionnés",
        summary_fr="Révélations du Guardian.",
    )

    (entry,) = entries(client.get(topic_url(topic)))

    (details,) = entry.xpath(".//details")
    summary = details.xpath("./summary")[0]
    assert text(summary.xpath(".//*[@class='when-closed']")[0]) == "+ Français"
    assert text(summary.xpath(".//*[@class='when-open']")[0]).startswith("Hide")
    body = details.xpath("./div")[0]
    assert body.get("lang") == "fr"
    assert "Des acteurs togolais espionnés" in text(body)
    assert "Révélations du Guardian." in text(body)


def test_item_only_in_japanese_still_has_a_title_on_the_english_page_marked_japanese(client):
    topic = TopicFactory()
    ArticleFactory(
        topics=[topic],
        title_en="",
        title_ja="テクノロジーと人権",
        original_language="ja",
        summary="",
        summary_ja="日本語の要約",
    )

    (entry,) = entries(client.get(topic_url(topic)))

    link = entry.xpath(".//h3/a")[0]
    assert text(link) == "テクノロジーと人権"
    assert link.get("lang") == "ja"


def test_topic_page_shows_its_subtopics(client):
    topic = TopicFactory(title="Technology")
    TopicFactory(title="Digital freedom", parent=topic)
    TopicFactory(title="Draft sub-topic", parent=topic, status=Status.DRAFT)

    page = parse(client.get(topic_url(topic)))

    subtopics = [text(a) for a in page.xpath("//section[@class='subtopics']//a")]
    assert subtopics == ["Digital freedom"]


def test_hub_topic_shows_lead_image_with_credit_and_pull_quote_with_attribution(client):
    topic = TopicFactory(
        lead_image="topics/hub.jpg",
        image_alt="A delegate speaks at the General Assembly",
        image_credit="UN Photo/Evan Schneider",
        quote="We must curtail harmful use of digital technology.",
        quote_attribution="António Guterres, Secretary-General of the United Nations",
    )

    page = parse(client.get(topic_url(topic)))

    image = page.xpath("//main//figure[@class='lead-image']/img")[0]
    assert image.get("alt") == "A delegate speaks at the General Assembly"
    assert image.get("src").endswith("topics/hub.jpg")
    assert "UN Photo/Evan Schneider" in text(page.xpath("//figure[@class='lead-image']")[0])
    quote = page.xpath("//figure[@class='pull-quote']")[0]
    assert text(quote.xpath(".//blockquote")[0]) == (
        "We must curtail harmful use of digital technology."
    )
    assert "António Guterres" in text(quote.xpath(".//figcaption")[0])
    og_image = page.xpath("//meta[@property='og:image']/@content")[0]
    assert og_image.startswith("http://testserver/") and og_image.endswith("topics/hub.jpg")


def test_topic_page_shows_twenty_items_per_page_with_prev_and_next_links(client):
    topic = TopicFactory()
    for n in range(45):
        ArticleFactory(topics=[topic], title=f"Article {n:02d}", published_at=days_ago(n + 1))

    first = client.get(topic_url(topic))
    second = client.get(topic_url(topic, page=2))
    third = client.get(topic_url(topic, page=3))

    assert entry_titles(first)[:2] == ["Article 00", "Article 01"]
    assert len(entry_titles(first)) == 20
    assert entry_titles(second)[0] == "Article 20"
    assert len(entry_titles(third)) == 5
    assert parse(first).xpath("//a[@rel='prev']") == []
    assert parse(first).xpath("//a[@rel='next']/@href") == ["?page=2"]
    assert parse(second).xpath("//a[@rel='prev']/@href") == ["?page=1"]
    assert parse(second).xpath("//a[@rel='next']/@href") == ["?page=3"]
    assert parse(third).xpath("//a[@rel='next']") == []


def test_pagination_links_keep_the_filters(client):
    topic = TopicFactory()
    for n in range(25):
        ArticleFactory(topics=[topic], published_at=days_ago(n + 1))

    page = parse(client.get(topic_url(topic, kind="article")))

    assert page.xpath("//a[@rel='next']/@href") == ["?kind=article&page=2"]


def test_a_list_longer_than_the_count_limit_says_so_and_pages_only_that_far(client, monkeypatch):
    """Pages stop at COUNT_LIMIT (10,000 in production; 25 here). The topic's own list is
    counted exactly (its length is kept on write) and says how far its pages go; a filtered
    list is counted only to the limit: "25+", and why. Pages past the limit are a 404."""
    import search.results

    monkeypatch.setattr(search.results, "COUNT_LIMIT", 25)
    topic = TopicFactory()
    for n in range(45):
        ArticleFactory(topics=[topic], title=f"Article {n:02d}", published_at=days_ago(n + 1))

    first = client.get(topic_url(topic))
    second = client.get(topic_url(topic, page=2))
    filtered = client.get(topic_url(topic), {"kind": "article"})

    count = " ".join(text(parse(first).xpath("//p[@class='result-count']")[0]).split())
    assert count.startswith("45 items")
    assert "Pages are numbered through the newest 25" in count
    filtered_count = " ".join(text(parse(filtered).xpath("//p[@class='result-count']")[0]).split())
    assert filtered_count.startswith("25+ items")
    assert "counted up to 25" in filtered_count
    assert entry_titles(second)[0] == "Article 20"
    assert "Page 2 of 2+" in text(parse(second).xpath("//nav[@class='pagination']")[0])
    assert client.get(topic_url(topic, page=3)).status_code == 404
    for page in (first, filtered):
        facets = parse(page).xpath("//input[@name='kind'][@value='article']/..")
        assert "45" in text(facets[0]), "facet counts stay exact"


def test_a_list_under_the_count_limit_is_counted_exactly(client):
    topic = TopicFactory()
    for n in range(21):
        ArticleFactory(topics=[topic], published_at=days_ago(n + 1))

    page = parse(client.get(topic_url(topic)))

    assert " ".join(text(page.xpath("//p[@class='result-count']")[0]).split()) == "21 items"
    assert "Page 1 of 2" in text(page.xpath("//nav[@class='pagination']")[0])
    assert "+" not in text(page.xpath("//nav[@class='pagination']")[0])


@pytest.mark.parametrize("page", ["2", "0", "-1", "abc", "1.5", "9999999999999"])
def test_page_past_the_end_or_not_a_number_is_not_found(client, page):
    topic = TopicFactory()
    ArticleFactory(topics=[topic])

    response = client.get(topic_url(topic, page=page))

    assert response.status_code == 404


def test_invalid_filter_shows_the_page_with_status_400(client):
    topic = TopicFactory(title="Digital freedom")
    ArticleFactory(topics=[topic])

    response = client.get(topic_url(topic, date_from="not-a-date"))

    assert response.status_code == 400
    assert "Digital freedom" in text(parse(response).xpath("//h1")[0])


def test_unknown_or_draft_topic_is_not_found(client):
    draft = TopicFactory(status=Status.DRAFT)
    scheduled = TopicFactory(published_at=timezone.now() + dt.timedelta(days=1))

    assert client.get(topic_url(draft)).status_code == 404
    assert client.get(topic_url(scheduled)).status_code == 404
    assert client.get("/en/topics/no-such-topic/").status_code == 404


def test_staff_preview_a_draft_topic_marked_not_public_and_kept_out_of_caches(admin_client):
    draft = TopicFactory(title="Coming soon", status=Status.DRAFT)

    response = admin_client.get(topic_url(draft))

    assert response.status_code == 200
    assert "Preview — not public" in text(parse(response).xpath("//main")[0])
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_topic_page_announces_its_rss_and_atom_feeds(client):
    topic = TopicFactory(title="Digital freedom", slug="digital-freedom")

    page = parse(client.get(topic_url(topic)))

    feeds = page.xpath("//head/link[@rel='alternate'][@type]")
    assert [(f.get("type"), f.get("href")) for f in feeds] == [
        ("application/rss+xml", "http://testserver/en/feeds/topics/digital-freedom.rss"),
        ("application/atom+xml", "http://testserver/en/feeds/topics/digital-freedom.atom"),
    ]


def test_each_entry_is_an_article_in_main_with_a_heading(client):
    topic = TopicFactory()
    ArticleFactory(topics=[topic])
    StoryFactory(topics=[topic])

    page = parse(client.get(topic_url(topic)))

    assert len(page.xpath("//h1")) == 1
    listed = page.xpath("//main//article[contains(@class, 'entry')]")
    assert len(listed) == 2
    for entry in listed:
        assert entry.xpath("./h2|./h3")
        assert entry.xpath(".//time")[0].get("datetime")


def test_topic_page_in_french_localises_dates_and_marks_english_fallback(client):
    topic = TopicFactory(title="Digital freedom", title_fr="Liberté numérique")
    ArticleFactory(
        topics=[topic],
        title="Untranslated headline",
        published_at=timezone.make_aware(dt.datetime(2021, 5, 12, 12, 0)),
    )

    page = parse(client.get(topic_url(topic, "fr")))

    assert page.get("lang") == "fr"
    assert text(page.xpath("//h1")[0]) == "Liberté numérique"
    (entry,) = page.xpath("//main//article[contains(@class, 'entry')]")
    assert text(entry.xpath(".//time")[0]) == "12 mai 2021"
    assert entry.xpath(".//h3/a/@lang") == ["en"]


def test_topic_page_in_japanese_shows_japanese_dates(client):
    topic = TopicFactory()
    ArticleFactory(
        topics=[topic], published_at=timezone.make_aware(dt.datetime(2021, 5, 12, 12, 0))
    )

    (entry,) = entries(client.get(topic_url(topic, "ja")))

    assert text(entry.xpath(".//time")[0]) == "2021年5月12日"


def test_topic_not_translated_says_so_and_lists_its_languages(client):
    topic = TopicFactory(title="Digital freedom", title_ja="デジタルの自由")

    page = parse(client.get(topic_url(topic, "fr")))

    fallback_note = text(page.xpath("//p[@class='language-note']")[0])
    assert "Français" in fallback_note and "English" in fallback_note
    assert page.xpath("//h1/@lang") == ["en"]
    also = page.xpath("//p[@class='language-note']//a")
    assert [(a.get("hreflang"), a.get("href")) for a in also] == [
        ("en", topic_url(topic, "en")),
        ("ja", topic_url(topic, "ja")),
    ]


def test_topic_page_runs_as_many_queries_for_60_entries_as_for_5(
    client, django_assert_max_num_queries
):
    topic = TopicFactory()
    sub = TopicFactory(parent=topic)
    kinds = [ArticleFactory, StoryFactory, CompanyResponseFactory, OpinionFactory]

    def add_entries(count):
        for n in range(count):
            item = kinds[n % 4](topics=[topic if n % 2 else sub], title_fr=f"Titre {n}")
            item.tags.add(f"tag {n % 3}")

    # Ten at most (the archive-scale target): the facets and the length come from the
    # counts kept on write, not from counting the list.
    response = assert_constant_queries(
        client, topic_url(topic), add_entries, django_assert_max_num_queries, cap=10
    )

    assert len(entries(response)) == 20


def test_topic_page_html_and_css_stay_under_100_kb(client):
    topic = TopicFactory(intro="<p>" + "An introduction to the topic. " * 60 + "</p>")
    for n in range(20):
        ArticleFactory(
            topics=[topic],
            title=f"A reasonably long headline about a company and human rights, number {n}",
            summary="A summary of a realistic length for an excerpt shown in the list. " * 4,
            title_fr=f"Un titre traduit {n}",
            summary_fr="Un résumé traduit.",
        )

    response = client.get(topic_url(topic))
    css = client.get("/static/css/site.css")
    css_bytes = b"".join(css.streaming_content) if css.streaming else css.content

    assert len(response.content) + len(css_bytes) < 100_000
    assert len(css_bytes) > 1000


def test_outcome_of_response_is_not_needed_for_it_to_be_listed(client):
    topic = TopicFactory()
    CompanyResponseFactory(
        topics=[topic], title="Acme did not respond", outcome=Outcome.NO_RESPONSE, responded_on=None
    )

    assert entry_titles(client.get(topic_url(topic))) == ["Acme did not respond"]


def test_topic_ordering_is_by_position(db):
    second = TopicFactory(position=2)
    first = TopicFactory(position=1)
    assert list(Topic.objects.published()) == [first, second]


def test_an_entrys_time_gives_the_full_publication_time_with_its_offset(client):
    topic = TopicFactory()
    ArticleFactory(
        topics=[topic], published_at=timezone.make_aware(dt.datetime(2020, 8, 4, 10, 5, 9))
    )

    (entry,) = entries(client.get(topic_url(topic)))

    assert entry.xpath(".//time")[0].get("datetime") == "2020-08-04T10:05:09+0000"
