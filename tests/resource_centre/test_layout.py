"""What every page shares: languages, alternates, search form, site message, error pages."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from resource_centre.context_processors import HIDDEN_MESSAGE_COOKIE
from resource_centre.publishing import Status
from tests.factories import (
    ArticleFactory,
    CompanyFactory,
    SiteMessageFactory,
    StoryFactory,
    TopicFactory,
    days_ago,
)
from tests.html import entry_titles, parse, text
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

CSS = Path(settings.BASE_DIR, "static", "css", "site.css")


def home(language="en"):
    with translation.override(language):
        return reverse("home")


def some_pages():
    topic = TopicFactory()
    article = ArticleFactory(topics=[topic])
    company = CompanyFactory()
    return [
        home(),
        reverse("stories:topic_list"),
        topic.get_absolute_url(),
        article.get_absolute_url(),
        reverse("companies:company_list"),
        company.get_absolute_url(),
    ]


def test_every_page_has_one_h1_a_labelled_search_form_and_a_language_switcher(client):
    for url in some_pages():
        page = parse(client.get(url))
        assert len(page.xpath("//h1")) == 1, url
        (form,) = page.xpath("//header//form[@role='search']")
        assert form.get("method") == "get"
        assert form.get("action") == reverse("search:results")
        field = form.xpath(".//input[@name='q']")[0]
        assert form.xpath(f".//label[@for='{field.get('id')}']"), url
        languages = page.xpath("//nav[@class='languages']//a")
        assert [a.get("hreflang") for a in languages] == [c for c, _ in settings.LANGUAGES]
        assert page.xpath("//main[@id='main']"), url


def test_language_switcher_names_each_language_in_itself_and_keeps_the_page(client):
    topic = TopicFactory(slug="digital-freedom")

    page = parse(client.get(topic.get_absolute_url() + "?kind=article"))

    links = {a.get("hreflang"): a for a in page.xpath("//nav[@class='languages']//a")}
    assert text(links["fr"]) == "Français"
    assert text(links["ar"]) == "العربية"
    assert text(links["ja"]) == "日本語"
    assert links["fr"].get("lang") == "fr"
    assert links["ar"].get("dir") == "rtl"
    assert links["fr"].get("href") == "/fr/topics/digital-freedom/?kind=article"
    assert links["en"].get("aria-current") == "page"


@pytest.mark.parametrize(
    ("language", "direction"), [("en", "ltr"), ("fr", "ltr"), ("ar", "rtl"), ("ja", "ltr")]
)
def test_html_element_carries_the_language_and_direction(client, language, direction):
    page = parse(client.get(home(language)))

    assert (page.get("lang"), page.get("dir")) == (language, direction)


def test_every_page_lists_absolute_alternates_for_all_languages_and_x_default(client):
    topic = TopicFactory(slug="digital-freedom")

    page = parse(client.get(topic.get_absolute_url() + "?page=1"))

    alternates = {
        link.get("hreflang"): link.get("href")
        for link in page.xpath("//head/link[@rel='alternate'][@hreflang]")
    }
    assert set(alternates) == {code for code, _ in settings.LANGUAGES} | {"x-default"}
    assert alternates["ar"] == "http://testserver/ar/topics/digital-freedom/"
    assert alternates["x-default"] == "http://testserver/topics/digital-freedom/"
    negotiated = client.get("/topics/digital-freedom/", HTTP_ACCEPT_LANGUAGE="ar")
    assert negotiated["Location"] == "/ar/topics/digital-freedom/"
    assert page.xpath("//link[@rel='canonical']/@href") == [
        "http://testserver/en/topics/digital-freedom/"
    ]


def test_canonical_address_keeps_the_page_number_only(client):
    topic = TopicFactory(slug="t")
    for n in range(25):
        ArticleFactory(topics=[topic], published_at=days_ago(n + 1))

    page = parse(client.get(topic.get_absolute_url() + "?page=2&utm_source=x"))

    assert page.xpath("//link[@rel='canonical']/@href") == ["http://testserver/en/topics/t/?page=2"]


def test_pages_have_description_and_open_graph_meta(client):
    article = ArticleFactory(title="Spyware found", summary="Activists were targeted.")

    page = parse(client.get(article.get_absolute_url()))

    assert page.xpath("//meta[@name='description']/@content") == ["Activists were targeted."]
    og = {m.get("property"): m.get("content") for m in page.xpath("//meta[@property]")}
    assert og["og:title"] == "Spyware found"
    assert og["og:description"] == "Activists were targeted."
    assert og["og:url"] == "http://testserver" + article.get_absolute_url()
    assert og["og:site_name"] == settings.SITE_NAME


def test_home_page_shows_latest_public_items_and_featured_topics(client):
    TopicFactory(title="Digital freedom", featured=True)
    TopicFactory(title="Not featured")
    ArticleFactory(title="Older", published_at=days_ago(3))
    StoryFactory(title="Newer", published_at=days_ago(1))
    ArticleFactory(title="Draft", status=Status.DRAFT)

    response = client.get(home())

    assert entry_titles(response) == ["Newer", "Older"]
    main = text(parse(response).xpath("//main")[0])
    assert "Digital freedom" in main
    assert "Not featured" not in main
    feeds = parse(response).xpath("//head/link[@type='application/rss+xml']/@href")
    assert feeds == ["http://testserver/en/feeds/latest.rss"]


def test_home_page_runs_as_many_queries_for_60_items_as_for_5(
    client, django_assert_max_num_queries
):
    SiteMessageFactory()

    def add_entries(count):
        for n in range(count):
            ArticleFactory(title_fr=f"Titre {n}").tags.add("tag")
            TopicFactory(featured=True)

    assert_constant_queries(client, home(), add_entries, django_assert_max_num_queries)


def test_root_address_redirects_to_a_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 302
    assert response["Location"] == "/fr/"


# --- Site message ----------------------------------------------------------------------


def banner(response):
    found = parse(response).xpath("//*[@data-site-message]")
    return found[0] if found else None


def test_site_message_is_shown_with_hide_button_and_find_out_more_link(client):
    SiteMessageFactory(
        title="Updating the Resource Centre",
        body="<p>Take a look at our new design.</p>",
        link_url="https://example.org/new-look",
    )

    shown = banner(client.get(home()))

    assert "Updating the Resource Centre" in text(shown)
    assert "Take a look at our new design." in text(shown)
    assert shown.xpath(".//a/@href") == ["https://example.org/new-look"]
    assert text(shown.xpath(".//a")[0]) == "Find out more"
    form = shown.xpath(".//form")[0]
    assert form.get("method") == "post"
    assert text(form.xpath(".//button")[0]) == "Hide message"


def test_no_banner_without_a_current_message(client):
    SiteMessageFactory(status=Status.DRAFT)

    assert banner(client.get(home())) is None


def test_hiding_the_message_sets_a_cookie_and_returns_to_the_page(client):
    message = SiteMessageFactory()
    topic = TopicFactory()
    page = topic.get_absolute_url() + "?kind=article"

    response = client.post(reverse("hide_site_message"), {"version": message.version, "next": page})

    assert response.status_code == 302
    assert response["Location"] == page
    assert response.cookies[HIDDEN_MESSAGE_COOKIE].value == message.version
    assert response.cookies[HIDDEN_MESSAGE_COOKIE]["max-age"] >= 365 * 24 * 3600
    assert banner(client.get(page)) is None


def test_hidden_message_shows_again_once_it_changes(client):
    message = SiteMessageFactory(title="First news")
    client.post(reverse("hide_site_message"), {"version": message.version, "next": home()})

    message.title = "Second news"
    message.save()

    assert "Second news" in text(banner(client.get(home())))


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""]
)
def test_hide_message_never_redirects_off_site(client, target):
    message = SiteMessageFactory()

    response = client.post(
        reverse("hide_site_message"), {"version": message.version, "next": target}
    )

    assert response.status_code == 302
    assert response["Location"] == home()


def test_hide_message_only_accepts_post(client):
    assert client.get(reverse("hide_site_message")).status_code == 405


def test_site_message_is_shown_in_the_visitors_language_or_marked_english(client):
    SiteMessageFactory(title="New look", title_fr="Nouveau look", body="<p>English only.</p>")

    shown = banner(client.get(home("fr")))

    title = shown.xpath(".//*[@id='site-message-title']")[0]
    assert text(title) == "Nouveau look"
    assert title.get("lang") is None
    assert shown.xpath(".//*[contains(@class, 'site-message-body')]/@lang") == ["en"]


def test_progressive_script_sets_the_same_cookie():
    script = Path(settings.BASE_DIR, "static", "js", "site.js").read_text()

    assert HIDDEN_MESSAGE_COOKIE in script


# --- Error pages -------------------------------------------------------------------------


def test_not_found_page_is_in_the_site_style(client):
    response = client.get("/en/no-such-page/")

    assert response.status_code == 404
    page = parse(response)
    assert text(page.xpath("//h1")[0]) == "Page not found"
    assert page.xpath("//link[@rel='stylesheet']")
    assert page.xpath("//header//form[@role='search']")
    assert page.xpath("//meta[@name='robots']/@content") == ["noindex"]


def test_server_error_page_needs_no_database_or_context(django_assert_num_queries):
    request = RequestFactory().get("/en/")

    with django_assert_num_queries(0):
        response = server_error(request)

    assert response.status_code == 500
    page = parse(response)
    assert text(page.xpath("//h1")[0]) == "Sorry, something went wrong"


# --- Style sheet -------------------------------------------------------------------------


def test_style_sheet_has_visible_focus_and_uses_logical_properties_for_rtl():
    css = CSS.read_text()

    assert ":focus-visible" in css
    physical = re.findall(
        r"(?:margin|padding|border)-(?:left|right)\b|text-align:\s*(?:left|right)", css
    )
    assert physical == []
    assert "margin-inline" in css


def test_pages_tell_caches_they_vary_with_the_cookie_that_hides_the_message(client):
    for url in some_pages():
        response = client.get(url)
        assert "Cookie" in response["Vary"], url


def test_language_links_and_alternates_work_for_unicode_addresses(client):
    topic = TopicFactory(slug="droits-numériques", title="Droits numériques")

    response = client.get(topic.get_absolute_url())

    assert response.status_code == 200
    page = parse(response)
    link = page.xpath("//nav[@class='languages']//a[@hreflang='ja']/@href")[0]
    assert client.get(link).status_code == 200
    assert link.startswith("/ja/topics/droits-num")
    alternate = page.xpath("//head/link[@hreflang='ar']/@href")[0]
    assert alternate.startswith("http://testserver/ar/topics/droits-num")
