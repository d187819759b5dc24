"""`manage.py check --deploy`: a server database with the queue left at its SQLite default."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility, deploy=True)
def queue_shared_like_the_database(app_configs, **kwargs):
    return queue_warnings(settings.TASK_QUEUE_URL, settings.DATABASES["default"]["ENGINE"])


def queue_warnings(queue_url: str, database_engine: str) -> list[checks.Warning]:
    """A PostgreSQL database suggests several hosts; the default queue is a file on this one,
    which consumers elsewhere never see. Setting TASK_QUEUE_URL (Redis, or SQLite on
    purpose, for one host) answers it."""
    if queue_url or database_engine == "django.db.backends.sqlite3":
        return []
    return [
        checks.Warning(
            "TASK_QUEUE_URL is not set: the job queue is a SQLite file on this host, while "
            "the database is shared.",
            hint="Set TASK_QUEUE_URL=redis://host:6379/N for consumers on several hosts, or "
            "TASK_QUEUE_URL=sqlite:////path/huey.sqlite3 to keep one host's queue on purpose.",
            id="jobs.W001",
        )
    ]
