"""The queue in immediate mode: retries with backoff, failures kept, schedules claimed once.

Importing tests.jobs.probe.tasks registers the test jobs, the schedule every_minute too.
"""

from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from huey.contrib.djhuey import HUEY

from jobs.decorators import enqueue_on_commit
from jobs.models import FailedJob, ScheduleClaim
from tests.jobs.probe.tasks import always_fails, fails_while_flagged


@pytest.fixture(autouse=True)
def empty_queue():
    HUEY.flush()
    cache.clear()
    yield
    HUEY.flush()


def scheduled_retry():
    """The one retry waiting in the queue's schedule, taken out of it."""
    (task,) = HUEY.read_schedule(datetime.max)
    return task


def test_a_failing_job_is_retried_with_backoff_then_kept_with_its_error(db, settings):
    always_fails("the feed answered 503")
    waits = []
    for _retry in range(settings.JOB_RETRIES):
        assert not FailedJob.objects.exists()  # a retry is still coming
        before = HUEY._get_timestamp()
        task = scheduled_retry()
        waits.append(round((task.eta - before).total_seconds()))
        HUEY.execute(task, timestamp=task.eta)

    assert waits == [30, 60, 120]  # JOB_RETRY_DELAY, then JOB_RETRY_BACKOFF times longer
    assert HUEY.read_schedule(datetime.max) == []  # no fifth attempt
    failed = FailedJob.objects.get()
    assert failed.task_name == "tests.jobs.probe.tasks.always_fails"
    assert failed.args == ["the feed answered 503"]
    assert failed.error == "RuntimeError: the feed answered 503"
    assert "raise RuntimeError(reason)" in failed.traceback
    assert failed.attempts == 4
    assert failed.task_id == str(task.id)


def test_a_job_that_succeeds_on_a_retry_leaves_no_failure(db):
    cache.set("flaky", True)
    fails_while_flagged("flaky")
    cache.delete("flaky")
    task = scheduled_retry()
    HUEY.execute(task, timestamp=task.eta)
    assert cache.get("flaky:done")
    assert not FailedJob.objects.exists()


def test_a_job_refuses_arguments_that_are_not_json(db):
    user = User.objects.create_user("someone")
    with pytest.raises(TypeError, match="pass ids, not objects"):
        fails_while_flagged(user)
    assert cache.get(f"{user}:done") is None  # it did not run


def test_a_due_schedule_is_enqueued_by_the_first_consumer_only(db):
    """Every consumer's scheduler reads the schedule each minute: the second to read a
    minute gets nothing for the jobs the first enqueued; the next minute is claimed anew."""
    at = datetime(2026, 12, 2, 3, 17, 5)
    name = "tests.jobs.probe.tasks.every_minute"
    assert name in [HUEY.task_name(task) for task in HUEY.read_periodic(at)]
    assert name not in [HUEY.task_name(task) for task in HUEY.read_periodic(at)]
    later_in_that_minute = at.replace(second=59)
    assert name not in [HUEY.task_name(task) for task in HUEY.read_periodic(later_in_that_minute)]
    next_minute = at + timedelta(minutes=1)
    assert name in [HUEY.task_name(task) for task in HUEY.read_periodic(next_minute)]
    assert ScheduleClaim.objects.filter(task_name=name).count() == 2


def test_a_job_enqueued_on_commit_waits_for_the_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(fails_while_flagged, "after-commit")
        assert cache.get("after-commit:done") is None  # not before the commit
    assert cache.get("after-commit:done")
