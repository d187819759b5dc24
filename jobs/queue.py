"""The queue: huey, with two rules of ours.

**A schedule fires once, however many consumers run.** Every huey consumer runs its own
scheduler, which once a minute enqueues each periodic job that is due: with two consumers
sharing one Redis, a job due at 03:17 would be enqueued, and run, twice. Here a consumer
enqueues a periodic job only after claiming that job's minute in the database every host
shares (`ScheduleClaim`, one row per job and minute, unique): the first claim wins, the
others are refused by the constraint and skip it. Hosts' clocks must be synchronised (they
already must be for scheduled publication).

**A job's arguments are JSON values** (ids and strings, not model instances), checked when
it is enqueued: a job then reads the current rows when it runs, and a failed job can be
enqueued again from the admin with the arguments it was recorded with (`FailedJob`).
"""

import json
import logging
from datetime import UTC

from django.db import close_old_connections
from django.utils.module_loading import import_string
from huey import Huey

logger = logging.getLogger(__name__)


class TaskQueue(Huey):
    def __init__(self, name, *, storage: str, **kwargs):
        super().__init__(name, storage_class=import_string(storage), **kwargs)

    def task_name(self, task) -> str:
        """The name huey knows a job by (its module and function): `jobs.tasks.housekeeping`."""
        return self._registry.task_to_string(type(task))

    def task_class(self, name: str):
        """The job registered under `name` (`HueyException` if none is)."""
        return self._registry.string_to_task(name)

    def enqueue(self, task):
        try:
            json.dumps([task.args, task.kwargs])
        except TypeError as error:
            raise TypeError(
                f"{self.task_name(task)}: a job's arguments must be JSON values "
                f"(pass ids, not objects): {error}"
            ) from None
        return super().enqueue(task)

    def read_periodic(self, timestamp):
        """The periodic jobs due at `timestamp` whose minute this consumer claimed first."""
        from jobs.models import ScheduleClaim

        if timestamp is None:
            timestamp = self._get_timestamp()  # naive UTC, as huey's scheduler passes it
        due = super().read_periodic(timestamp)
        if not due:
            return []
        minute = timestamp.replace(second=0, microsecond=0, tzinfo=UTC)
        self.refresh_connections()
        return [task for task in due if ScheduleClaim.claim(self.task_name(task), minute)]

    def refresh_connections(self) -> None:
        """Drop database connections a consumer's thread kept past their age or breakage, as
        huey's `db_task` does around each job (never in immediate mode: there the caller's
        connection, and transaction, are the job's)."""
        if not self.immediate:
            close_old_connections()
