"""The content version changes on every path that changes public content, a scheduled time
passing included, and on nothing else; reading it is one single-row query."""

import datetime as dt
import json
import threading
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import connections, transaction
from django.db.models import Min
from django.utils import timezone

from demo.archive import build_archive
from resource_centre import content_version
from resource_centre.models import ContentVersion
from resource_centre.publishing import Status, publish, unpublish
from stories.models import Article, Item
from tests.factories import (
    ArticleFactory,
    CompanyFactory,
    CompanyResponseFactory,
    IssueFactory,
    SectorFactory,
    SignatoryFactory,
    SiteMessageFactory,
    StatementFactory,
    TagFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def token() -> str:
    return content_version.current().token


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


@pytest.fixture
def content():
    """One of each: what the writes below change."""
    topic = TopicFactory()
    company = CompanyFactory()
    article = ArticleFactory(topics=[topic], companies=[company])
    return {
        "topic": topic,
        "other_topic": TopicFactory(),
        "company": company,
        "article": article,
        "sector": SectorFactory(),
        "tag": TagFactory(name="labour"),
        # Everything publishable has a topic: publish() leaves items without one alone.
        "statement": StatementFactory(topics=[topic]),
        "response": CompanyResponseFactory(company=company, topics=[topic]),
        "message": SiteMessageFactory(),
    }


def rename(name, field="title"):
    def change(content):
        obj = content[name]
        setattr(obj, field, "Renamed")
        obj.save()

    return change


WRITES = {
    "an article created": lambda c: ArticleFactory(),
    "an article edited": rename("article"),
    "an article translated": lambda c: translate(c["article"]),
    "an article deleted": lambda c: c["article"].delete(),
    "a company response edited": rename("response"),
    "a topic edited": rename("topic"),
    "a company edited": rename("company", "name"),
    "a sector edited": rename("sector", "name"),
    "a tag renamed": rename("tag", "name"),
    "a signatory added": lambda c: SignatoryFactory(statement=c["statement"]),
    "an issue created": lambda c: IssueFactory(),
    "a site message edited": rename("message"),
    "a topic added to an item": lambda c: c["article"].topics.add(c["other_topic"]),
    "a company removed from an item": lambda c: c["article"].companies.remove(c["company"]),
    "a tag added to an item": lambda c: c["article"].tags.add("forced labour"),
    "an item's tags cleared": lambda c: c["article"].tags.clear(),
    "a sector given to a company": lambda c: c["company"].sectors.add(c["sector"]),
    "items unpublished in bulk": lambda c: unpublish(Item.objects.all()),
}


def translate(article):
    article = Article.objects.get(pk=article.pk)
    article.title_fr = "Traduit"
    article.save()


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_write_to_public_content_changes_the_version(content, write):
    before = token()

    write(content)

    assert token() != before


def test_bulk_publish_changes_the_version_after_its_update(content):
    unpublish(Item.objects.all())
    drafts = token()

    published, scheduled = publish(Item.objects.all())

    assert published == Item.objects.count() and scheduled == 0
    assert token() != drafts


@pytest.mark.parametrize("dumped", [["stories.topic"], ["stories.topic", "resource_centre"]])
def test_loaddata_changes_the_version(tmp_path, dumped):
    TopicFactory(title="Dumped")
    dump = tmp_path / "dump.json"
    call_command("dumpdata", *dumped, output=str(dump), verbosity=0)
    rows = json.loads(dump.read_text())
    for row in rows:
        if row["model"] == "stories.topic":
            row["fields"]["title_en"] = "Loaded"
    dump.write_text(json.dumps(rows))
    before = token()

    call_command("loaddata", str(dump), verbosity=0)

    # A dump holding the version's row never brings back the token it had.
    assert token() != before


def test_writes_outside_the_content_apps_leave_it_alone(content):
    before = token()

    get_user_model().objects.create_user("reader", password="a-long-password-4711")
    SessionStore().save()

    assert token() == before


def test_reading_the_version_is_one_query(content, django_assert_max_num_queries):
    content_version.current()

    with django_assert_max_num_queries(1):
        content_version.current()


def test_a_scheduled_time_passing_changes_the_version_once_without_a_write(content):
    now = timezone.now()
    ArticleFactory(published_at=now + dt.timedelta(hours=1))
    ArticleFactory(published_at=now + dt.timedelta(hours=3))
    before = token()

    with at(now + dt.timedelta(minutes=30)):
        not_yet = token()
    with at(now + dt.timedelta(hours=2)):
        first = token()
        again = token()
    with at(now + dt.timedelta(hours=4)):
        after_the_second = token()

    assert not_yet == before
    assert first != before and again == first
    assert after_the_second != first
    row = ContentVersion.objects.get()
    assert row.next_change_at is None  # nothing scheduled is left to wait for


def test_publishing_a_draft_dated_in_the_future_schedules_a_change(content):
    when = timezone.now() + dt.timedelta(days=2)
    draft = ArticleFactory(status=Status.DRAFT, published_at=when, topics=[content["topic"]])
    ContentVersion.objects.update(next_change_at=None)  # as if nothing were scheduled

    publish(Article.objects.filter(pk=draft.pk))

    assert ContentVersion.objects.get().next_change_at == when


def test_a_write_rolled_back_leaves_the_version_as_it_was(content):
    before = token()

    with pytest.raises(RuntimeError), transaction.atomic():
        ArticleFactory()
        raise RuntimeError

    assert token() == before


def test_a_missing_row_is_made_again(content):
    ContentVersion.objects.all().delete()

    first = token()
    content_version.changed()

    assert token() != first
    assert ContentVersion.objects.count() == 1


def test_every_change_dates_the_version_a_whole_second_later_at_least(content):
    first = content_version.current().changed_at

    content_version.changed()
    content_version.changed()
    third = content_version.current().changed_at

    assert first.microsecond == third.microsecond == 0
    assert third - first >= dt.timedelta(seconds=2)


def test_a_version_dated_ahead_of_the_clock_has_no_last_modified_until_the_clock_gets_there():
    changed_at = dt.datetime(2026, 5, 4, 12, 0, 5, tzinfo=dt.UTC)
    version = content_version.Version("t", changed_at)

    assert version.last_modified(changed_at - dt.timedelta(seconds=1)) is None
    assert version.last_modified(changed_at) == changed_at
    unsettled = content_version.Version("t", changed_at, settled=False)
    assert unsettled.last_modified(changed_at + dt.timedelta(days=1)) is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_due_time_while_a_writer_holds_the_row_is_unsettled_not_waited_for():
    """A reader never queues behind a writer's transaction: it reports the version unsettled
    (nothing is cached against it) and the writer's commit gives the new token."""
    ArticleFactory(published_at=timezone.now() + dt.timedelta(hours=1))
    holding, release = threading.Event(), threading.Event()

    def writer():
        try:
            with transaction.atomic():
                content_version.changed()  # holds the row's lock until the commit
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert holding.wait(10)
        before = ContentVersion.objects.get().token
        with at(timezone.now() + dt.timedelta(hours=2)):
            during = content_version.current()
    finally:
        release.set()
        thread.join(10)
    with at(timezone.now() + dt.timedelta(hours=2)):
        after = content_version.current()

    assert not during.settled and during.token == before
    assert after.settled and after.token != before


def test_an_archive_built_in_bulk_changes_the_version_and_watches_its_schedule():
    before = token()

    build_archive(200, seed=7)

    assert token() != before
    soonest = Item.objects.scheduled().aggregate(soonest=Min("published_at"))["soonest"]
    assert soonest is not None  # the archive mixes scheduled items in
    assert ContentVersion.objects.get().next_change_at == soonest


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_reading_the_version_on_a_kept_connection_replaces_one_the_server_dropped():
    """The version's query is the health check of a connection kept from an earlier request
    (CONN_HEALTH_CHECKS): a connection the server closed meanwhile is replaced, and the page
    does not fail."""
    connection = connections["default"]
    before = content_version.current()
    dropped = connection.connection.info.backend_pid
    killer = connections.create_connection("default")
    try:
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [dropped])
    finally:
        killer.close()
    connection.health_check_done = False  # what Django sets when the next request starts

    after = content_version.current()

    assert after.token == before.token
    assert connection.connection.info.backend_pid != dropped
