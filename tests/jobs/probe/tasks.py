"""Jobs for the tests only: installed as an app in the real consumers' settings
(tests/jobs/consumer_settings.py), imported by the in-process tests."""

import os
from datetime import UTC, datetime

from django.core.cache import cache
from huey import crontab

from jobs.decorators import job, scheduled_job


@job()
def always_fails(reason: str):
    raise RuntimeError(reason)


@job()
def fails_while_flagged(key: str) -> str:
    """Fails while the cache holds `key`; then records that it ran."""
    if cache.get(key):
        raise RuntimeError(f"{key} is flagged")
    cache.set(f"{key}:done", True)
    return "done"


@scheduled_job(crontab())
def every_minute():
    """Appends "PID HH:MM" to the file PROBE_RUNS names (the consumers' test)."""
    path = os.environ.get("PROBE_RUNS")
    if path:
        with open(path, "a") as runs:
            runs.write(f"{os.getpid()} {datetime.now(UTC):%H:%M}\n")
