"""The request's jobs (jobs/): sending it, and the two schedules that remind contacts before
a deadline and expire requests after it. The work is in services.py, tested directly; each
job is retried with the project's backoff and is idempotent."""

from huey import crontab

from jobs.decorators import job, scheduled_job
from resource_centre.mail import message_id_for
from response_requests import services


@job(context=True)
def send_request(request_id: int, task=None) -> bool:
    """E-mail a new request to its contacts (enqueued when an editor saves it)."""
    return services.send_request(request_id, message_id=_message_id(task))


@job(context=True)
def send_reminder(request_id: int, task=None) -> bool:
    return services.send_reminder(request_id, message_id=_message_id(task))


@scheduled_job(crontab(minute="5"))
def send_due_reminders() -> int:
    """Every hour: a job per request whose reminder is due (RESPONSE_REMINDER_WORKING_DAYS
    before its deadline), so that one unreachable mailbox does not hold back the others."""
    due = services.due_reminders()
    for request_id in due:
        send_reminder(request_id)
    return len(due)


@scheduled_job(crontab(minute="10"))
def expire_overdue_requests() -> int:
    """Every hour: close the open requests whose deadline passed, each with a draft "did
    not respond" company response for an editor to check."""
    return len(services.expire_overdue())


def _message_id(task) -> str | None:
    return message_id_for(task.id) if task is not None else None
