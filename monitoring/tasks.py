"""Polling as background jobs (the jobs app, huey): every few minutes the due sources are
each polled by a job of their own, so a slow outlet holds up none of the others.

Feed failures are not job failures: `polling.poll_source` records them on the source and
waits longer next time (its own backoff), so the job engine's retries are left for what
polling cannot handle (the database unreachable, say)."""

from huey import crontab

from jobs.decorators import job, scheduled_job
from monitoring.models import Source
from monitoring.polling import poll_source

#: How often the queue looks for due sources (each has its own interval, `poll_minutes`).
DUE_CHECK = crontab(minute="*/5")


@job()
def poll_source_job(source_id: int) -> dict:
    """Poll one source (if it still exists and is active); what it found."""
    source = Source.objects.active().filter(pk=source_id).first()
    if source is None:
        return {"source": source_id, "skipped": True}
    result = poll_source(source)
    return {
        "source": source_id,
        "new": result.new,
        "updated": result.updated,
        "error": result.error,
    }


@scheduled_job(DUE_CHECK)
def poll_due_sources() -> list[int]:
    """Enqueue a poll of every source whose time has come; the ids enqueued."""
    due = list(Source.objects.due().values_list("pk", flat=True))
    for source_id in due:
        poll_source_job(source_id)
    return due
