"""`@job()` and `@scheduled_job(crontab(...))`: huey's database-aware task decorators with the
project's retry policy, so that every job is retried with backoff unless it says otherwise.

A job's first retry waits JOB_RETRY_DELAY seconds, each next one JOB_RETRY_BACKOFF times
longer (30 s, 60 s, 120 s by default); after JOB_RETRIES retries its failure is kept as a
`FailedJob` (the admin's "Failed jobs"). A job that must not be retried passes `retries=0`.
"""

from django.conf import settings
from django.db import transaction
from huey.contrib import djhuey


def retry_policy(**options) -> dict:
    return {
        "retries": settings.JOB_RETRIES,
        "retry_delay": settings.JOB_RETRY_DELAY,
        "retry_backoff": settings.JOB_RETRY_BACKOFF,
        **options,
    }


def job(**options):
    """A background job: call `f(...)` to enqueue it, `f.call_local(...)` to run it here."""
    return djhuey.db_task(**retry_policy(**options))


def scheduled_job(validate_datetime, **options):
    """A job the queue runs on a schedule (`huey.crontab`), once per due minute however many
    consumers run (jobs/queue.py)."""
    return djhuey.db_periodic_task(validate_datetime, **retry_policy(**options))


def enqueue_on_commit(job, *args, **kwargs) -> None:
    """Enqueue `job(*args, **kwargs)` once the current transaction commits (at once outside
    one): a job about a row written in that transaction then finds it, and a transaction
    rolled back enqueues nothing."""
    transaction.on_commit(lambda: job(*args, **kwargs))
