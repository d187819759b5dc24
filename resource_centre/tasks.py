"""The kernel's background jobs."""

from jobs.decorators import job
from resource_centre.mail import compose, message_id_for


@job(context=True)
def send_email(name: str, to: list[str], context: dict, language: str, task=None) -> int:
    """Send the message `name` (resource_centre/mail.py) to `to` in `language`. Retried with
    backoff while the mail server refuses or cannot be reached; each attempt carries the same
    Message-ID."""
    message_id = message_id_for(task.id) if task is not None else None
    return compose(name, to, context, language, message_id=message_id).send()
