"""The polling jobs, run by the queue in immediate mode (the test settings)."""

import datetime as dt

import pytest
from django.utils import timezone

from monitoring.models import Entry, Source
from monitoring.tasks import poll_due_sources, poll_source_job
from tests.monitoring.conftest import make_source
from tests.monitoring.feedserver import RSS_TYPE, rss

pytestmark = pytest.mark.django_db

STORY = [{"title": "Miners strike", "link": "https://a.example/strike", "guid": "s1"}]


def test_the_scheduled_job_polls_each_due_source_through_its_own_job(feed_server):
    due = make_source(feed_server.serve("/due.xml", rss(STORY), headers=RSS_TYPE))
    make_source(
        feed_server.serve("/later.xml", rss(STORY), headers=RSS_TYPE),
        next_fetch_at=timezone.now() + dt.timedelta(hours=1),
    )

    poll_due_sources()  # immediate mode: runs here, and so do the jobs it enqueues

    assert [request.path for request in feed_server.requests] == ["/due.xml"]
    assert Entry.objects.get().headline == "Miners strike"
    assert Source.objects.get(pk=due.pk).last_status == 200


def test_a_failing_feed_does_not_fail_its_job(feed_server):
    source = make_source(feed_server.serve("/gone.xml", "gone", status=410))

    poll_source_job(source.pk)

    source.refresh_from_db()
    assert source.failures == 1 and "410" in source.last_error


def test_a_job_for_a_source_deleted_or_switched_off_since_does_nothing(feed_server):
    source = make_source(feed_server.serve("/a.xml", rss(STORY), headers=RSS_TYPE), active=False)

    poll_source_job(source.pk)
    poll_source_job(source.pk + 1000)

    assert feed_server.requests == []
