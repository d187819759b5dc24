"""TASK_QUEUE_URL → the queue (jobs/config.py), and the defaults the settings choose."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from jobs.checks import queue_warnings
from jobs.config import task_queue_settings
from tests.resource_centre.settings_probe import run_settings

PROBE = """
import json
import django
django.setup()
from django.conf import settings
from huey.contrib.djhuey import HUEY
print(json.dumps({
    "storage": type(HUEY.storage).__name__,
    "filename": getattr(HUEY.storage, "filename", None),
    "immediate": HUEY.immediate,
    "email": settings.EMAIL_BACKEND,
    "email_host": settings.EMAIL_HOST,
    "from": settings.DEFAULT_FROM_EMAIL,
}))
"""


def probe(env: dict) -> dict:
    # Empty is unset: the caller's own TASK_QUEUE_URL or EMAIL_URL never leaks in.
    result = run_settings({"TASK_QUEUE_URL": "", "EMAIL_URL": "", **env}, PROBE)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_sqlite_paths_are_read_as_database_urls_read_them():
    assert task_queue_settings("sqlite:////srv/site/huey.sqlite3")["filename"] == (
        "/srv/site/huey.sqlite3"
    )
    assert task_queue_settings("sqlite:///huey.sqlite3")["filename"] == "huey.sqlite3"


def test_redis_keeps_the_whole_url_and_expires_results():
    config = task_queue_settings("redis://10.0.0.5:6379/3?socket_timeout=5")
    assert config["url"] == "redis://10.0.0.5:6379/3?socket_timeout=5"
    assert config["storage"] == "huey.storage.RedisExpireStorage"
    assert config["immediate"] is False


def test_immediate_runs_jobs_in_the_caller():
    assert task_queue_settings("immediate://")["immediate"] is True


@pytest.mark.parametrize(
    "url", ["", "huey.sqlite3", "postgres://db/site", "sqlite://", "sqlite:///x?journal=off"]
)
def test_anything_else_refuses_to_start(url):
    with pytest.raises(ImproperlyConfigured, match="TASK_QUEUE_URL"):
        task_queue_settings(url)


def test_by_default_the_queue_is_a_sqlite_file_beside_the_database():
    values = probe({"DEBUG": "true"})
    assert values["storage"] == "SqliteStorage"
    assert values["filename"].endswith("/huey.sqlite3")
    assert values["immediate"] is False  # DEBUG does not make jobs run inside requests


def test_make_run_prints_mail_on_the_console_and_production_sends_it_by_smtp():
    assert probe({"DEBUG": "true"})["email"] == "django.core.mail.backends.console.EmailBackend"
    production = probe({"SECRET_KEY": "x" * 50})
    assert production["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert production["email_host"] == "localhost"


def test_the_environment_chooses_redis_smtp_and_the_sender():
    values = probe(
        {
            "SECRET_KEY": "x" * 50,
            "TASK_QUEUE_URL": "redis://127.0.0.1:6379/5",
            "EMAIL_URL": "smtp+tls://u:p@mail.example.org",
            "DEFAULT_FROM_EMAIL": "Resource Centre <news@example.org>",
        }
    )
    assert values["storage"] == "RedisExpireStorage"
    assert values["email_host"] == "mail.example.org"
    assert values["from"] == "Resource Centre <news@example.org>"


def test_a_bad_queue_url_stops_start_up():
    result = run_settings({"DEBUG": "true", "TASK_QUEUE_URL": "amqp://broker"}, PROBE)
    assert result.returncode != 0
    assert "Unsupported TASK_QUEUE_URL scheme 'amqp'" in result.stderr


def test_the_deploy_check_warns_of_a_default_queue_beside_a_shared_database():
    (warning,) = queue_warnings("", "django.db.backends.postgresql")
    assert warning.id == "jobs.W001"


@pytest.mark.parametrize(
    ("queue", "engine"),
    [
        ("", "django.db.backends.sqlite3"),  # one machine: the embedded defaults together
        ("redis://10.0.0.5:6379/3", "django.db.backends.postgresql"),
        ("sqlite:////srv/site/huey.sqlite3", "django.db.backends.postgresql"),  # on purpose
    ],
)
def test_the_deploy_check_is_quiet_where_the_queue_was_chosen(queue, engine):
    assert queue_warnings(queue, engine) == []
