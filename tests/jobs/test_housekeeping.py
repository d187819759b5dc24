"""The nightly housekeeping job: what it deletes and what it keeps."""

from datetime import datetime, timedelta

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from jobs.models import FailedJob, ScheduleClaim
from jobs.tasks import housekeeping


def failed_job(days_ago: int, task_id: str) -> FailedJob:
    return FailedJob.objects.create(
        task_id=task_id,
        task_name="tests.jobs.probe.tasks.always_fails",
        error="RuntimeError: x",
        attempts=4,
        failed_at=timezone.now() - timedelta(days=days_ago),
    )


def session(expires_in: timedelta) -> str:
    store = SessionStore()
    store["seen"] = True
    store.set_expiry(timezone.now() + expires_in)
    store.save()
    return store.session_key


def test_housekeeping_runs_nightly_at_17_past_3_utc():
    task = housekeeping.task_class()
    assert task.validate_datetime(datetime(2026, 12, 2, 3, 17))
    assert not task.validate_datetime(datetime(2026, 12, 2, 3, 18))
    assert not task.validate_datetime(datetime(2026, 12, 2, 15, 17))
    assert "jobs.tasks.housekeeping" in [HUEY.task_name(t) for t in HUEY._registry.periodic_tasks]


def test_housekeeping_deletes_expired_sessions_old_failures_and_spent_claims(db, settings):
    settings.JOB_FAILURE_RETENTION_DAYS = 90
    old, recent = failed_job(91, "old"), failed_job(89, "recent")
    expired, live = session(-timedelta(minutes=1)), session(timedelta(days=1))
    now = timezone.now().replace(second=0, microsecond=0)
    ScheduleClaim.objects.create(task_name="x", minute=now - timedelta(days=2))
    ScheduleClaim.objects.create(task_name="x", minute=now)

    assert housekeeping.call_local() == {"failed_jobs": 1, "schedule_claims": 1}

    assert list(FailedJob.objects.values_list("task_id", flat=True)) == [recent.task_id]
    assert not FailedJob.objects.filter(pk=old.pk).exists()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
    assert expired != live
    assert list(ScheduleClaim.objects.values_list("minute", flat=True)) == [now]
    # Idempotent: a second run (another consumer, a retry) finds nothing more to delete.
    assert housekeeping.call_local() == {"failed_jobs": 0, "schedule_claims": 0}
