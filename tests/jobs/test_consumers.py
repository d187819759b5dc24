"""Real consumers (`manage.py run_huey`) on the local Redis, database 5: two of them, as two
hosts would run, sharing one queue and one database.

They run the production settings (tests/jobs/consumer_settings.py adds the test jobs) with
one retry and no delay, a throwaway SQLite database and an SMTP server on loopback, so they
run once, in CI's SQLite pass. Without Redis they skip, except on CI (REQUIRE_BROWSER=1 or
CI=true), where they fail.
"""

import fcntl
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis
from django.db import connection

from tests.smtp import parts, smtp_server

pytestmark = pytest.mark.xdist_group("redis-5")

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/5"
ON_CI = os.environ.get("REQUIRE_BROWSER") == "1" or os.environ.get("CI") == "true"
PERIODIC = "tests.jobs.probe.tasks.every_minute"
TIMEOUT = 60
LOCK_FILE = Path(tempfile.gettempdir()) / "resource-centre-consumer-tests.lock"


def redis_or_skip() -> redis.Redis:
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        connection.ping()
    except redis.ConnectionError as error:
        if ON_CI:
            pytest.fail(f"Redis must answer at {REDIS_URL} on CI: {error}", pytrace=False)
        pytest.skip(f"no Redis at {REDIS_URL} (CI requires it)")
    return connection


def wait_until(condition, what: str, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"Timed out waiting for {what}")


class Site:
    """The environment every process of the test shares, and its consumers."""

    def __init__(self, directory: Path, smtp_port: int):
        self.directory = directory
        self.database = directory / "db.sqlite3"
        self.runs = directory / "periodic-runs"
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "CACHE_URL"}},
            "DJANGO_SETTINGS_MODULE": "tests.jobs.consumer_settings",
            "SECRET_KEY": "consumer-test-secret-key-" + "x" * 30,
            "DATABASE_URL": f"sqlite:///{self.database}",
            "TASK_QUEUE_URL": REDIS_URL,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}?timeout=5",
            "DEFAULT_FROM_EMAIL": "Resource Centre <newsroom@example.org>",
            "JOB_RETRIES": "1",
            "JOB_RETRY_DELAY": "0",
            "PROBE_RUNS": str(self.runs),
        }
        self.consumers: list[tuple[subprocess.Popen, Path]] = []

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "-m", "django", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        assert result.returncode == 0, result.stderr
        return result

    def start_consumer(self):
        log = self.directory / f"consumer-{len(self.consumers)}.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "django", "run_huey", "--workers", "2"],
            cwd=ROOT,
            env=self.env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        self.consumers.append((process, log))

    def logs(self) -> list[str]:
        return [log.read_text() for _process, log in self.consumers]

    def stop(self):
        for process, _log in self.consumers:
            process.send_signal(signal.SIGINT)
        for process, _log in self.consumers:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def failed_jobs(self) -> list[tuple]:
        with sqlite3.connect(self.database) as connection:
            return connection.execute(
                "SELECT task_name, args, error, traceback, attempts FROM jobs_failedjob"
            ).fetchall()


@contextmanager
def only_site_on_the_queue():
    """Held while a site runs: the module's tests may be handed to both test workers
    (`make test` runs --dist load), and two sites' consumers on one Redis queue would run
    each other's jobs. The second worker's site waits for the first to stop."""
    with open(LOCK_FILE, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if connection.vendor != "sqlite":
        pytest.skip("real consumers run in the SQLite pass (their database is a throwaway file)")
    queue = redis_or_skip()
    with only_site_on_the_queue(), smtp_server() as (inbox, port):
        queue.flushdb()
        site = Site(tmp_path_factory.mktemp("consumers"), port)
        site.inbox = inbox
        # Every table: the project's own periodic jobs run here too (the facet counts' fold
        # every minute), and find theirs.
        site.manage("migrate", "--noinput")
        # Both consumers' first look at the schedule, made as they start, in one minute.
        if datetime.now(UTC).second > 30:
            time.sleep(61 - datetime.now(UTC).second)
        site.start_consumer()
        site.start_consumer()
        try:
            wait_until(
                lambda: all("Huey consumer started" in log for log in site.logs()),
                "both consumers to start",
            )
            yield site
        finally:
            site.stop()
            queue.flushdb()


def schedule_looks(logs: list[str]) -> dict[str, list[str]]:
    """{"07:41": ["claimed, enqueued", "claimed by another consumer"], ...}: each consumer's
    look at the periodic test job, by minute."""
    looks = {}
    for log in logs:
        for line in log.splitlines():
            if f"{PERIODIC} at " in line:
                minute, outcome = line.split(f"{PERIODIC} at ")[1].split(": ", 1)
                looks.setdefault(minute, []).append(outcome)
    return looks


def test_two_consumers_run_a_due_schedule_once_a_minute(site):
    # Each consumer looks once a minute: within two minutes both have looked in one minute.
    wait_until(
        lambda: any(len(outcomes) == 2 for outcomes in schedule_looks(site.logs()).values()),
        "both consumers to look at the schedule in the same minute",
        timeout=150,
    )

    def claims():
        looks = schedule_looks(site.logs()).values()
        return sum(outcomes.count("claimed, enqueued") for outcomes in looks)

    def runs():
        return len(site.runs.read_text().splitlines()) if site.runs.exists() else 0

    wait_until(lambda: runs() == claims(), "each claimed minute's run")
    time.sleep(2)  # time enough for a second run of a minute, were there one
    wait_until(lambda: runs() == claims(), "no more runs than claimed minutes", timeout=10)
    for minute, outcomes in schedule_looks(site.logs()).items():
        assert outcomes.count("claimed, enqueued") == 1, (minute, outcomes)
        assert set(outcomes) <= {"claimed, enqueued", "claimed by another consumer"}


def test_a_consumer_sends_the_mail_a_command_enqueued(site):
    result = site.manage("send_test_email", "reader@example.org", "--language", "fr")
    assert "enqueued" in result.stdout
    (message,) = site.inbox.wait_for(1, timeout=TIMEOUT)
    assert message["From"] == "Resource Centre <newsroom@example.org>"
    assert message["To"] == "reader@example.org"
    assert message["Content-Language"] == "fr"
    assert '<html lang="fr"' in parts(message)["text/html"]
    assert any("resource_centre.tasks.send_email" in log for log in site.logs())


def test_a_failing_job_is_retried_then_kept_with_its_error(site):
    site.manage(
        "shell",
        "-c",
        "from tests.jobs.probe.tasks import always_fails; always_fails('no route to the feed')",
    )
    (failed,) = wait_until(site.failed_jobs, "the failure to be recorded")
    task_name, args, error, traceback, attempts = failed
    assert task_name == "tests.jobs.probe.tasks.always_fails"
    assert args == '["no route to the feed"]'
    assert error == "RuntimeError: no route to the feed"
    assert "Traceback (most recent call last)" in traceback
    assert attempts == 2  # JOB_RETRIES=1: the first attempt and one retry
    assert sum(log.count("always_fails") for log in site.logs()) >= 2
