"""What the queue keeps in the database: failed jobs (for the admin) and schedule claims."""

import logging
import traceback
from datetime import timedelta

from django.db import DatabaseError, IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class FailedJobQuerySet(models.QuerySet):
    def waiting(self):
        """Failures nobody has enqueued again yet."""
        return self.filter(retried_at__isnull=True)

    def older_than(self, days: int):
        return self.filter(failed_at__lt=timezone.now() - timedelta(days=days))


class FailedJob(models.Model):
    """A job that failed on its last attempt (every retry spent), as the consumer saw it."""

    task_id = models.CharField(_("job id"), max_length=64, unique=True)
    task_name = models.CharField(_("job"), max_length=200, db_index=True)
    args = models.JSONField(_("arguments"), default=list)
    kwargs = models.JSONField(_("keyword arguments"), default=dict)
    error = models.TextField(_("error"))
    traceback = models.TextField(_("traceback"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"))
    failed_at = models.DateTimeField(_("failed at"), default=timezone.now, db_index=True)
    retried_at = models.DateTimeField(_("enqueued again at"), null=True, blank=True)

    objects = FailedJobQuerySet.as_manager()

    class Meta:
        ordering = ["-failed_at", "-id"]
        verbose_name = _("failed job")
        verbose_name_plural = _("failed jobs")

    def __str__(self):
        return f"{self.task_name} ({self.task_id})"

    @classmethod
    def record(cls, queue, task, exception: BaseException) -> "FailedJob":
        """Keep `task`'s failure: called by the consumer when its last attempt raised."""
        attempts = type(task).default_retries + 1
        return cls.objects.update_or_create(
            task_id=str(task.id),
            defaults={
                "task_name": queue.task_name(task),
                "args": list(task.args or ()),
                "kwargs": dict(task.kwargs or {}),
                "error": f"{type(exception).__name__}: {exception}",
                "traceback": "".join(traceback.format_exception(exception)),
                "attempts": attempts,
                "failed_at": timezone.now(),
            },
        )[0]

    def enqueue_again(self, queue) -> None:
        """Enqueue the job with the arguments it failed with (a new job, a new id), with all
        its retries; `HueyException` if no job of that name exists any more."""
        job = queue.task_class(self.task_name)
        queue.enqueue(job(args=tuple(self.args), kwargs=self.kwargs))
        self.retried_at = timezone.now()
        self.save(update_fields=["retried_at"])


class ScheduleClaim(models.Model):
    """One periodic job's minute, claimed by the consumer that enqueues it (jobs/queue.py)."""

    task_name = models.CharField(max_length=200)
    minute = models.DateTimeField()
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task_name", "minute"], name="one_claim_per_minute")
        ]

    def __str__(self):
        return f"{self.task_name} @ {self.minute:%Y-%m-%d %H:%M}"

    @classmethod
    def claim(cls, task_name: str, minute) -> bool:
        """True for the first consumer to claim `task_name` at `minute`, False for the rest
        (and when the database cannot be reached: a schedule is skipped, never doubled)."""
        try:
            with transaction.atomic():
                cls.objects.create(task_name=task_name, minute=minute)
        except IntegrityError:
            logger.info("%s at %s: claimed by another consumer", task_name, f"{minute:%H:%M}")
            return False
        except DatabaseError:
            logger.exception("%s at %s: not claimed, skipped", task_name, f"{minute:%H:%M}")
            return False
        logger.info("%s at %s: claimed, enqueued", task_name, f"{minute:%H:%M}")
        return True

    @classmethod
    def prune(cls) -> int:
        """Delete claims older than a day: only the current minute's are ever consulted."""
        return cls.objects.filter(minute__lt=timezone.now() - timedelta(days=1)).delete()[0]
