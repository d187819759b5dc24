"""The page cache, on a real Redis: anonymous pages and feeds served from it, exactly
invalidated by the content version, never for editors, never leaking one visitor's state.

Every test has its own key prefix in Redis database 9 and deletes its keys afterwards, so
tests running side by side never see each other's pages.
"""

import datetime as dt
import logging
import time
import uuid
from contextlib import nullcontext
from unittest import mock

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from resource_centre import content_version, page_cache
from resource_centre.context_processors import HIDDEN_MESSAGE_COOKIE
from resource_centre.publishing import Status, publish, unpublish
from stories.models import Article, Item
from tests.factories import ArticleFactory, SiteMessageFactory, TopicFactory
from tests.resource_centre.test_health import TcpProxy

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/9"
TOPIC_PAGE = "/{lang}/topics/t/"
TOPIC_FEED = "/{lang}/feeds/topics/t.rss"


class Stored:
    """The pages this test's cache holds."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.redis = redis.Redis.from_url(REDIS_URL)

    def pages(self) -> list[bytes]:
        return list(self.redis.scan_iter(f"{self.prefix}:*:page:*"))

    def clear(self):
        for key in self.redis.scan_iter(f"{self.prefix}:*"):
            self.redis.delete(key)


def use_redis(settings, location=REDIS_URL, prefix=None):
    prefix = prefix or f"page-cache-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "resource_centre.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
        }
    }
    settings.PAGE_CACHE_SECONDS = 60
    return prefix


@pytest.fixture
def stored(settings):
    """The page cache on, in Redis, under a prefix of this test's own."""
    cache = Stored(use_redis(settings))
    yield cache
    cache.clear()
    cache.redis.close()


@pytest.fixture
def topic():
    return TopicFactory(slug="t", title="Land rights")


def hours_from_now(hours):
    return timezone.now() + dt.timedelta(hours=hours)


def get(client, url, queries=None, **headers):
    with queries or nullcontext():
        response = client.get(url, **headers)
    return response


# -- Served from the cache ----------------------------------------------------------------


@pytest.mark.parametrize("url", [TOPIC_PAGE, TOPIC_FEED, "/{lang}/"])
def test_anonymous_page_is_served_again_from_the_cache_for_one_query(
    client, stored, topic, url, django_assert_max_num_queries
):
    ArticleFactory(title="Cached headline", topics=[topic])
    url = url.format(lang="fr")
    first = client.get(url)

    with django_assert_max_num_queries(1):  # the content version
        again = client.get(url)

    assert first.status_code == again.status_code == 200
    assert again.content == first.content and b"Cached headline" in again.content
    for header in ("Content-Type", "Content-Language", "Vary", "ETag", "X-Frame-Options"):
        assert again.get(header) == first.get(header), header
    assert again["Content-Language"] == "fr"
    assert len(stored.pages()) == 1


def test_each_address_and_language_is_a_page_of_its_own(client, stored, topic):
    ArticleFactory(title="Harbour", title_fr="Port", topics=[topic])

    english = client.get("/en/topics/t/")
    french = client.get("/fr/topics/t/")
    filtered = client.get("/en/topics/t/?kind=article")

    assert b"Harbour" in english.content and b"Port" in french.content
    assert filtered.content != english.content
    assert len(stored.pages()) == 3


def test_uncached_mode_renders_every_request(client, settings, topic):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    settings.PAGE_CACHE_SECONDS = 60
    client.get("/en/topics/t/")

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/en/topics/t/").status_code == 200

    assert len(queries) > 1
    assert not any("contentversion" in query["sql"] for query in queries.captured_queries)


# -- Exact invalidation -------------------------------------------------------------------


def _publish(article):
    publish(Article.objects.filter(pk=article.pk))


def _edit(article):
    article.title = "Corrected headline"
    article.save()


def _translate(article):
    article.title_fr = "Titre traduit"
    article.save()


def _unpublish(article):
    unpublish(Article.objects.filter(pk=article.pk))


CHANGES = {
    # name: (what the article starts as, the change, the language, the text, shown after)
    "published": (
        {"status": Status.DRAFT, "title": "Fresh news"},
        _publish,
        "en",
        "Fresh news",
        True,
    ),
    "edited": ({"title": "Typo hedline"}, _edit, "en", "Corrected headline", True),
    "translated": ({"title": "Harbour"}, _translate, "fr", "Titre traduit", True),
    "unpublished": ({"title": "Withdrawn news"}, _unpublish, "en", "Withdrawn news", False),
    "scheduled time passed": (
        {"title": "Embargoed report", "published_at": hours_from_now(1)},
        None,
        "en",
        "Embargoed report",
        True,
    ),
}


@pytest.mark.parametrize("url", [TOPIC_PAGE, TOPIC_FEED], ids=["topic page", "topic feed"])
@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_change_shows_at_the_next_request(client, stored, topic, url, change):
    fields, write, language, text, shown_after = change
    ArticleFactory(title="Older item", topics=[topic], published_at=hours_from_now(-48))
    article = ArticleFactory(topics=[topic], **fields)
    url = url.format(lang=language)
    before = client.get(url)
    assert client.get(url).content == before.content  # now served from the cache
    assert (text.encode() in before.content) is not shown_after

    later = nullcontext()
    if write is None:  # nothing is written: the clock moves past the publication time
        later = mock.patch("django.utils.timezone.now", return_value=hours_from_now(2))
    else:
        write(Item.objects.get(pk=article.pk).specific)
    with later:
        after = client.get(url)

    assert after.status_code == 200
    assert (text.encode() in after.content) is shown_after
    assert b"Older item" in after.content


def test_a_feed_reader_revalidating_is_answered_by_the_view_not_the_cache(client, stored, topic):
    ArticleFactory(title="First", topics=[topic])
    first = client.get("/en/feeds/topics/t.rss")
    client.get("/en/feeds/topics/t.rss")

    unchanged = client.get("/en/feeds/topics/t.rss", HTTP_IF_NONE_MATCH=first["ETag"])
    ArticleFactory(title="Second", topics=[topic])
    changed = client.get("/en/feeds/topics/t.rss", HTTP_IF_NONE_MATCH=first["ETag"])

    assert unchanged.status_code == 304
    assert changed.status_code == 200 and b"Second" in changed.content
    assert changed["ETag"] != first["ETag"]


def test_a_writer_without_signals_is_cached_until_the_version_is_refreshed(client, stored, topic):
    article = ArticleFactory(title="Before the bulk update", topics=[topic])
    client.get("/en/topics/t/")

    Item.objects.filter(pk=article.pk).update(title_en="After the bulk update")
    stale = client.get("/en/topics/t/")
    content_version.refresh()
    fresh = client.get("/en/topics/t/")

    assert b"Before the bulk update" in stale.content  # the documented limit of update()
    assert b"After the bulk update" in fresh.content


# -- Never for editors, never another visitor's state -------------------------------------


def test_an_editor_with_a_session_neither_gets_nor_stores_a_cached_page(
    client, stored, topic, admin_user
):
    article = ArticleFactory(title="Before the bulk update", topics=[topic])
    client.get("/en/topics/t/")
    # A write that sends no signal: anonymous visitors keep getting the stored page.
    Item.objects.filter(pk=article.pk).update(title_en="After the bulk update")
    editor = Client()
    editor.force_login(admin_user)

    seen_by_editor = editor.get("/en/topics/t/")
    seen_by_visitor = client.get("/en/topics/t/")
    content_version.refresh()
    editor.get("/en/topics/t/")
    pages_after_editor = len(stored.pages())
    client.get("/en/topics/t/")

    assert b"After the bulk update" in seen_by_editor.content
    assert b"Before the bulk update" in seen_by_visitor.content
    assert pages_after_editor == 1  # the editor stored nothing under the new version
    assert len(stored.pages()) == 2


@pytest.mark.parametrize("order", ["hider first", "others first"])
def test_a_visitor_who_hid_the_message_never_decides_what_others_see(stored, topic, order):
    message = SiteMessageFactory(title="Maintenance tonight")
    hider, other, stale = Client(), Client(), Client()
    hider.cookies[HIDDEN_MESSAGE_COOKIE] = message.version
    stale.cookies[HIDDEN_MESSAGE_COOKIE] = "0123456789ab"  # an older message's version
    visitors = [hider, other, stale] if order == "hider first" else [other, stale, hider]

    pages = {id(visitor): visitor.get("/en/topics/t/").content for visitor in visitors}
    again = {id(visitor): visitor.get("/en/topics/t/").content for visitor in visitors}

    assert pages == again
    assert b"Maintenance tonight" not in pages[id(hider)]
    assert b"Maintenance tonight" in pages[id(other)]
    assert pages[id(stale)] == pages[id(other)]
    assert len(stored.pages()) == 2  # hidden or shown: an unknown cookie is "shown"


def test_editing_the_message_shows_it_again_to_those_who_hid_it(client, stored, topic):
    message = SiteMessageFactory(title="Maintenance tonight")
    client.cookies[HIDDEN_MESSAGE_COOKIE] = message.version
    assert b"Maintenance tonight" not in client.get("/en/topics/t/").content

    message.title = "Maintenance moved to Friday"
    message.save()

    assert b"Maintenance moved to Friday" in client.get("/en/topics/t/").content


def test_a_page_that_hands_out_a_csrf_token_is_never_stored(stored):
    """In the site's order, CsrfViewMiddleware is inside the page cache: a view that uses a
    token (a form posting back) sets the CSRF cookie, and the page stays out."""
    rendered = []

    def page(request):
        rendered.append(request.path)
        if request.path.startswith("/en/form/"):
            return HttpResponse(f"<input name=csrfmiddlewaretoken value={get_token(request)}>")
        return HttpResponse("<p>No form here</p>")

    stack = page_cache.PageCacheMiddleware(CsrfViewMiddleware(page))
    forms = [stack(RequestFactory().get("/en/form/")) for _ in range(2)]
    plain = [stack(RequestFactory().get("/en/plain/")) for _ in range(2)]

    assert rendered == ["/en/form/", "/en/form/", "/en/plain/"]
    assert all(form.cookies for form in forms)
    assert forms[0].content != forms[1].content  # each visitor's own token
    assert plain[0].content == plain[1].content
    assert len(stored.pages()) == 1


def test_the_page_cache_sits_between_the_locale_and_the_cookie_setting_middleware():
    order = django_settings.MIDDLEWARE
    here = order.index("resource_centre.page_cache.PageCacheMiddleware")
    assert order.index("django.middleware.locale.LocaleMiddleware") < here
    for inside in (
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ):
        assert here < order.index(inside), inside


# -- Only complete, public 200s -----------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/en/topics/t/?kind=bogus",  # 400 with the form
        "/en/topics/t/?page=99",  # 404 past the end
        "/en/topics/no-such-topic/",
        "/en/feeds/latest.rss?limit=0",  # 400
        "/en/search/export.csv?in_topic=t",  # streamed
        "/topics/t/",  # no language: a redirect
        "/health/",
    ],
)
def test_errors_redirects_and_downloads_are_never_stored(client, stored, topic, url):
    ArticleFactory(topics=[topic])

    first = client.get(url)
    second = client.get(url)

    assert first.status_code == second.status_code
    assert stored.pages() == []


def test_head_is_answered_from_the_stored_get_and_stores_nothing_itself(
    client, stored, topic, django_assert_max_num_queries
):
    ArticleFactory(topics=[topic])

    client.head("/en/topics/t/")
    assert stored.pages() == []
    page = client.get("/en/topics/t/")
    with django_assert_max_num_queries(1):
        head = client.head("/en/topics/t/")

    assert head.status_code == 200
    assert head["Content-Type"] == page["Content-Type"]
    assert head["Content-Language"] == "en"


def test_a_new_release_never_serves_the_previous_ones_pages(client, stored, topic):
    client.get("/en/topics/t/")

    with mock.patch.object(page_cache, "release", return_value="next-release"):
        client.get("/en/topics/t/")

    assert len(stored.pages()) == 2


# -- A cache outage -----------------------------------------------------------------------


def test_pages_are_served_uncached_while_redis_hangs_and_cached_again_after(
    client, settings, topic, caplog
):
    """A Redis that accepts connections and never answers: the first page waits for the
    socket timeout, the next ones skip the cache without trying, and once it answers again
    pages are stored again."""
    proxy = TcpProxy(6379).start()
    proxy.black_hole = True
    timeouts = "socket_connect_timeout=0.5&socket_timeout=0.5"
    cache = Stored(use_redis(settings, f"redis://127.0.0.1:{proxy.port}/9?{timeouts}"))
    ArticleFactory(title="Still served", topics=[topic])
    try:
        with (
            mock.patch.object(page_cache, "RETRY_SECONDS", 1.0),
            caplog.at_level(logging.WARNING, logger="resource_centre.page_cache"),
        ):
            down = client.get("/en/topics/t/")
            tried = proxy.accepted
            skipped = client.get("/en/topics/t/")
            untried = proxy.accepted == tried
            warnings_while_down = caplog.text.count("Page cache unavailable")
            proxy.black_hole = False
            time.sleep(1.1)
            client.get("/en/topics/t/")
    finally:
        proxy.stop()

    assert down.status_code == skipped.status_code == 200
    assert b"Still served" in down.content and skipped.content == down.content
    # The second page neither connected nor waited out a timeout on the held connection
    # (either would have logged a second failure).
    assert untried and warnings_while_down == 1
    assert len(cache.pages()) == 1
    cache.clear()


def test_the_redis_cache_stores_and_reads_with_one_client_per_pool(stored):
    from django.core.cache import cache

    cache.set("reused", {"a": 1}, 10)

    assert cache.get("reused") == {"a": 1}
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
