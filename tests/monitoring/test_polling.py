"""Polling real feeds over HTTP on loopback: what lands in the inbox, what a source's state
says, and what is refused."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from monitoring.fetching import is_public
from monitoring.links import link_key
from monitoring.models import Entry, EntryState, Source
from monitoring.polling import poll_due, poll_source
from tests.monitoring.conftest import make_source
from tests.monitoring.feedserver import ATOM_TYPE, RSS_TYPE, atom, rss

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 11, 30, 9, 30, tzinfo=dt.UTC)
TUESDAY = dt.datetime(2026, 12, 1, 14, 0, tzinfo=dt.UTC)

TWO_STORIES = [
    {
        "title": "Operator cuts mobile data in the north",
        "link": "https://courier.example/news/shutdown?utm_source=rss",
        "guid": "https://courier.example/news/shutdown",
        "description": "<p>Mobile data was <b>cut</b> for nine days.</p>"
        "<script>alert('x')</script>",
        "author": "Lina Haddad",
        "date": MONDAY,
    },
    {
        "title": "Regulator opens inquiry",
        "link": "https://courier.example/news/inquiry",
        "guid": "https://courier.example/news/inquiry",
        "description": "The inquiry starts in January.",
        "date": TUESDAY,
    },
]


def test_new_rss_entries_land_in_the_inbox_with_clean_text_and_the_source_state(feed_server):
    url = feed_server.serve("/rss.xml", rss(TWO_STORIES), headers=RSS_TYPE)
    source = make_source(url, language="en", poll_minutes=30)
    now = timezone.now()

    (result,) = poll_due(now)

    assert (result.new, result.updated, result.error) == (2, 0, "")
    shutdown = Entry.objects.get(guid="https://courier.example/news/shutdown")
    assert shutdown.headline == "Operator cuts mobile data in the north"
    # Markup is gone, the script with its content too; the text stays.
    assert shutdown.excerpt == "Mobile data was cut for nine days."
    assert shutdown.author == "Lina Haddad"
    assert shutdown.published_at == MONDAY
    assert shutdown.language == "en"
    assert shutdown.state == EntryState.NEW
    assert shutdown.link_key == "courier.example/news/shutdown"
    assert list(shutdown.sources.all()) == [source]
    source.refresh_from_db()
    assert source.last_fetched_at == now
    assert source.last_new_entry_at == now
    assert source.last_status == 200
    assert (source.failures, source.last_error) == (0, "")
    assert source.next_fetch_at == now + dt.timedelta(minutes=30)
    (request,) = feed_server.seen("/rss.xml")
    assert "feed reader" in request.headers["User-Agent"]


def test_atom_entries_resolve_relative_links_and_read_authors(feed_server):
    entries = [
        {
            "title": "Une coupure d'internet de neuf jours",
            "link": "/articles/coupure",
            "id": "tag:quotidien.example,2026:1",
            "summary": "<p>Les données mobiles ont été coupées.</p>",
            "author": "Claire Martin",
            "date": TUESDAY,
        }
    ]
    url = feed_server.serve("/atom.xml", atom(entries), headers=ATOM_TYPE)
    make_source(url, publication="Le Quotidien", language="fr")

    poll_due()

    entry = Entry.objects.get()
    assert entry.headline == "Une coupure d'internet de neuf jours"
    assert entry.link == feed_server.url("/articles/coupure")
    assert entry.author == "Claire Martin"
    assert entry.excerpt == "Les données mobiles ont été coupées."
    assert entry.published_at == TUESDAY
    assert entry.language == "fr"


def test_an_unchanged_feed_is_asked_conditionally_and_its_304_changes_nothing(feed_server):
    url = feed_server.serve(
        "/rss.xml",
        rss(TWO_STORIES),
        headers={**RSS_TYPE, "Last-Modified": "Tue, 01 Dec 2026 14:00:00 GMT"},
        etag='"v1"',
    )
    source = make_source(url)
    first = timezone.now()
    poll_source(source, first)

    later = first + dt.timedelta(hours=1)
    result = poll_source(Source.objects.get(), later)

    assert result.not_modified and result.new == 0
    second = feed_server.seen("/rss.xml")[1]
    assert second.headers["If-None-Match"] == '"v1"'
    assert second.headers["If-Modified-Since"] == "Tue, 01 Dec 2026 14:00:00 GMT"
    assert Entry.objects.count() == 2
    source.refresh_from_db()
    assert source.last_status == 304
    assert source.last_fetched_at == later
    assert source.last_new_entry_at == first
    assert source.etag == '"v1"'


def test_a_renamed_entry_is_the_same_entry_with_its_new_headline(feed_server):
    url = feed_server.serve("/rss.xml", rss(TWO_STORIES[:1]), headers=RSS_TYPE)
    source = make_source(url)
    poll_source(source)

    renamed = {
        **TWO_STORIES[0],
        "title": "Operator cuts mobile data in the north for nine days",
        "link": "https://courier.example/news/shutdown-nine-days",
    }
    feed_server.serve("/rss.xml", rss([renamed]), headers=RSS_TYPE)
    result = poll_source(Source.objects.get())

    assert (result.new, result.updated) == (0, 1)
    entry = Entry.objects.get()
    assert entry.headline == "Operator cuts mobile data in the north for nine days"
    assert entry.link_key == "courier.example/news/shutdown-nine-days"


def test_a_triaged_entry_keeps_what_the_editor_saw_when_renamed(feed_server):
    url = feed_server.serve("/rss.xml", rss(TWO_STORIES[:1]), headers=RSS_TYPE)
    source = make_source(url)
    poll_source(source)
    Entry.objects.all().dismiss()

    feed_server.serve(
        "/rss.xml", rss([{**TWO_STORIES[0], "title": "A new headline"}]), headers=RSS_TYPE
    )
    poll_source(Source.objects.get())

    entry = Entry.objects.get()
    assert entry.state == EntryState.DISMISSED
    assert entry.headline == "Operator cuts mobile data in the north"


def test_one_story_in_two_sources_is_one_entry_found_in_both(feed_server):
    first = feed_server.serve("/a.xml", rss(TWO_STORIES[:1]), headers=RSS_TYPE)
    # The same story through an aggregator: http, www., other tracking, its own guid.
    copy = {
        "title": "Operator cuts mobile data in the north",
        "link": "http://www.courier.example/news/shutdown/?utm_medium=feed&fbclid=abc#top",
        "guid": "aggregator-991",
        "date": MONDAY,
    }
    second = feed_server.serve("/b.xml", rss([copy], title="Aggregator"), headers=RSS_TYPE)
    courier = make_source(first)
    aggregator = make_source(second, publication="Aggregator")

    poll_due()

    entry = Entry.objects.get()
    assert entry.source == aggregator  # polled first (sources are polled by name)
    assert set(entry.sources.all()) == {courier, aggregator}


def test_bare_guids_identify_an_entry_only_within_its_own_source(feed_server):
    one = feed_server.serve(
        "/a.xml",
        rss([{"title": "Story one", "link": "https://a.example/1", "guid": "1"}]),
        headers=RSS_TYPE,
    )
    two = feed_server.serve(
        "/b.xml",
        rss([{"title": "Another story", "link": "https://b.example/1", "guid": "1"}]),
        headers=RSS_TYPE,
    )
    make_source(one)
    make_source(two, publication="Other")

    poll_due()

    assert sorted(Entry.objects.values_list("headline", flat=True)) == [
        "Another story",
        "Story one",
    ]


def test_a_broken_feed_is_recorded_and_polled_less_often_until_it_answers(feed_server):
    url = feed_server.serve(
        "/rss.xml", "<html><body>Maintenance</body></html>", headers={"Content-Type": "text/html"}
    )
    source = make_source(url, poll_minutes=30)
    now = timezone.now()

    result = poll_source(source, now)

    assert "Not an RSS or Atom feed" in result.error
    source.refresh_from_db()
    assert source.failures == 1
    assert "Not an RSS or Atom feed" in source.last_error
    assert source.last_error_at == now
    assert source.next_fetch_at == now + dt.timedelta(minutes=60)
    assert not Entry.objects.exists()
    # Not due before then; a second failure waits twice as long again.
    assert list(Source.objects.due(now + dt.timedelta(minutes=59))) == []
    later = now + dt.timedelta(minutes=61)
    poll_due(later)
    source.refresh_from_db()
    assert source.failures == 2
    assert source.next_fetch_at == later + dt.timedelta(minutes=120)
    # Answering again resets it.
    feed_server.serve("/rss.xml", rss(TWO_STORIES), headers=RSS_TYPE)
    poll_source(source, later)
    source.refresh_from_db()
    assert (source.failures, source.last_error) == (0, "")
    assert source.next_fetch_at == later + dt.timedelta(minutes=30)
    assert Entry.objects.count() == 2


def test_an_error_answer_is_recorded_and_its_retry_after_respected(feed_server):
    url = feed_server.serve("/rss.xml", "busy", status=503, headers={"Retry-After": str(6 * 3600)})
    source = make_source(url, poll_minutes=30)
    now = timezone.now()

    poll_source(source, now)

    source.refresh_from_db()
    assert source.last_status == 503
    assert "503" in source.last_error
    assert source.next_fetch_at >= now + dt.timedelta(hours=6) - dt.timedelta(seconds=5)


def test_the_backoff_stops_at_its_ceiling(settings):
    settings.MONITORING_MAX_BACKOFF_HOURS = 24
    source = Source(poll_minutes=60)
    assert source.backoff(0) == dt.timedelta(hours=1)
    assert source.backoff(3) == dt.timedelta(hours=8)
    assert source.backoff(10) == dt.timedelta(hours=24)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>Bomb</title><link>https://bomb.example/</link>
<description>x</description>
<item><title>&lol9;</title><link>https://bomb.example/1</link><guid>https://bomb.example/1</guid></item>
</channel></rss>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>Leak</title><link>https://leak.example/</link>
<description>x</description>
<item><title>Leak &secret;</title><link>https://leak.example/1</link>
<guid>https://leak.example/1</guid></item>
</channel></rss>"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["bomb", "external"])
def test_a_feed_declaring_entities_is_refused_unread(feed_server, document):
    url = feed_server.serve("/evil.xml", document, headers=RSS_TYPE)
    source = make_source(url)

    result = poll_source(source)

    assert "declares entities" in result.error
    assert not Entry.objects.exists()
    source.refresh_from_db()
    assert source.failures == 1 and "declares entities" in source.last_error


def test_entities_declared_in_a_feed_that_is_not_well_formed_are_refused_too(feed_server):
    broken = BILLION_LAUGHS.replace("</channel></rss>", "<item><title>unclosed")
    source = make_source(feed_server.serve("/evil.xml", broken, headers=RSS_TYPE))

    assert "declares entities" in poll_source(source).error
    assert not Entry.objects.exists()


@pytest.mark.parametrize("stream", [False, True], ids=["announced", "streamed"])
def test_a_feed_over_the_size_limit_is_not_read(feed_server, settings, stream):
    settings.MONITORING_MAX_FEED_BYTES = 50_000
    body = rss(TWO_STORIES)
    if stream:  # no Content-Length: the limit is found while reading
        url = feed_server.serve("/huge.xml", body, headers=RSS_TYPE, stream=2_000_000)
    else:
        url = feed_server.serve("/huge.xml", body + "<!-- -->" * 10_000, headers=RSS_TYPE)
    source = make_source(url)

    result = poll_source(source)

    assert "larger than 50000 bytes" in result.error
    assert not Entry.objects.exists()


def test_a_feed_in_another_charset_than_its_server_says_is_read_right(feed_server):
    # Served as UTF-8, written in ISO-8859-1 (as its own prolog says).
    body = rss(
        [{"title": "Café workers strike", "link": "https://a.example/cafe", "guid": "c1"}],
        encoding="iso-8859-1",
    ).encode("iso-8859-1")
    source = make_source(feed_server.serve("/latin.xml", body, headers=RSS_TYPE))

    result = poll_source(source)

    assert result.error == ""
    assert Entry.objects.get().headline == "Café workers strike"


def test_redirects_are_followed_a_few_times(feed_server):
    feed_server.serve("/final.xml", rss(TWO_STORIES), headers=RSS_TYPE)
    feed_server.redirect("/moved.xml", "/final.xml", status=301)
    url = feed_server.redirect("/old.xml", feed_server.url("/moved.xml"), status=302)

    result = poll_source(make_source(url))

    assert (result.new, result.error) == (2, "")


def test_a_redirect_loop_is_refused(feed_server):
    url = feed_server.redirect("/a.xml", "/b.xml")
    feed_server.redirect("/b.xml", "/a.xml")
    source = make_source(url)

    result = poll_source(source)

    assert "Too many redirects" in result.error
    assert len(feed_server.requests) == 2
    source.refresh_from_db()
    assert source.failures == 1


def test_more_redirects_than_allowed_are_refused(feed_server, settings):
    settings.MONITORING_MAX_REDIRECTS = 2
    for hop in range(4):
        feed_server.redirect(f"/hop{hop}", f"/hop{hop + 1}")
    feed_server.serve("/hop4", rss(TWO_STORIES), headers=RSS_TYPE)

    result = poll_source(make_source(feed_server.url("/hop0")))

    assert "Too many redirects" in result.error
    assert len(feed_server.requests) == 3


def test_a_redirect_to_another_scheme_is_refused(feed_server):
    url = feed_server.redirect("/a.xml", "file:///etc/passwd")

    assert "Not an http or https address" in poll_source(make_source(url)).error


def test_a_source_on_a_local_address_is_refused_before_anything_is_asked(feed_server, settings):
    settings.MONITORING_ALLOW_PRIVATE_ADDRESSES = False  # as in production
    url = feed_server.serve("/rss.xml", rss(TWO_STORIES), headers=RSS_TYPE)
    source = make_source(url)

    result = poll_source(source)

    assert "127.0.0.1 is a local or private address" in result.error
    source.refresh_from_db()
    assert "local or private address" in source.last_error and source.failures == 1
    assert feed_server.requests == [] and not Entry.objects.exists()


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
        ("127.0.0.1", False),
        ("::1", False),
        ("10.1.2.3", False),
        ("172.16.0.9", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("fd00::1", False),
        ("fe80::1%eth0", False),
        ("::ffff:127.0.0.1", False),  # loopback written as IPv6
        ("::ffff:93.184.215.14", True),
    ],
)
def test_only_public_addresses_are_read(address, public):
    assert is_public(address) is public


def test_a_slow_feed_times_out(feed_server, settings):
    settings.MONITORING_TIMEOUT_SECONDS = 0.5
    url = feed_server.serve("/slow.xml", rss(TWO_STORIES), headers=RSS_TYPE, delay=2)

    result = poll_source(make_source(url))

    assert "could not be read" in result.error
    assert not Entry.objects.exists()


def test_only_active_sources_whose_time_has_come_are_polled(feed_server):
    url = feed_server.serve("/rss.xml", rss(TWO_STORIES), headers=RSS_TYPE)
    now = timezone.now()
    make_source(url, active=False)
    make_source(url + "?later", next_fetch_at=now + dt.timedelta(minutes=5))
    due = make_source(url + "?due", next_fetch_at=now - dt.timedelta(minutes=1))

    assert [result.source_id for result in poll_due(now)] == [due.pk]


@pytest.mark.parametrize(
    "address", ["javascript:alert(1)", "ftp://example.org/feed", "file:///etc/passwd", "feed"]
)
def test_a_source_needs_an_http_or_https_feed_address(address):
    source = Source(publication="X", feed_url=address, language="en")
    with pytest.raises(ValidationError) as error:
        source.full_clean()
    assert "feed_url" in error.value.message_dict


def test_link_keys_ignore_scheme_www_tracking_fragment_and_parameter_order():
    assert link_key("HTTPS://www.Example.org:443/news/a/?utm_source=rss&b=2&a=1#top") == (
        "example.org/news/a?a=1&b=2"
    )
    assert link_key("http://example.org/news/a") == link_key("https://example.org/news/a/")
    assert link_key("https://example.org:8443/a") == "example.org:8443/a"
    assert link_key("javascript:alert(1)") == ""
