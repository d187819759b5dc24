"""The engine's own housekeeping, on a schedule instead of cron."""

from importlib import import_module

from django.conf import settings
from huey import crontab

from jobs.decorators import scheduled_job
from jobs.models import FailedJob, ScheduleClaim


@scheduled_job(crontab(hour="3", minute="17"))
def housekeeping() -> dict:
    """Every night: delete expired sessions (what `manage.py clearsessions` does), failed
    jobs older than JOB_FAILURE_RETENTION_DAYS and spent schedule claims. Idempotent."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    failed = FailedJob.objects.older_than(settings.JOB_FAILURE_RETENTION_DAYS).delete()[0]
    return {"failed_jobs": failed, "schedule_claims": ScheduleClaim.prune()}
