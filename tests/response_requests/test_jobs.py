"""The request's jobs through the real queue (huey, immediate mode as in every test; the
scheduled jobs found on the queue's own schedule), and one delivery through a real SMTP
server on loopback, after a retry while the server was down."""

import datetime as dt
from datetime import datetime

import pytest
from django.core import mail
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from response_requests import tasks
from response_requests.models import ResponseRequest, State
from responses.models import Outcome
from tests.response_requests.conftest import make_request
from tests.smtp import free_port, parts, smtp_server

pytestmark = pytest.mark.django_db


def scheduled_at(hour_minute: str) -> set[str]:
    hour, minute = map(int, hour_minute.split(":"))
    due = HUEY.read_periodic(datetime(2026, 12, 2, hour, minute))
    return {HUEY.task_name(task) for task in due}


def test_reminders_and_expiry_are_on_the_queue_schedule_every_hour():
    assert "response_requests.tasks.send_due_reminders" in scheduled_at("09:05")
    assert "response_requests.tasks.send_due_reminders" in scheduled_at("14:05")
    assert "response_requests.tasks.expire_overdue_requests" in scheduled_at("09:10")
    assert "response_requests.tasks.expire_overdue_requests" not in scheduled_at("09:11")


def test_the_reminder_schedule_reminds_each_due_request_once(company, settings):
    settings.RESPONSE_REMINDER_WORKING_DAYS = 30
    due = make_request(company, sent_at=timezone.now())
    make_request(company)  # not sent yet: nothing to remind
    tasks.send_due_reminders()
    tasks.send_due_reminders()
    (reminder,) = mail.outbox
    assert reminder.subject.startswith("Reminder")
    due.refresh_from_db()
    assert due.reminded_at is not None


def test_the_expiry_schedule_makes_did_not_respond_drafts(company):
    past = make_request(company, sent_at=timezone.now(), deadline=dt.date(2026, 1, 5))
    tasks.expire_overdue_requests()
    past.refresh_from_db()
    assert past.state == State.EXPIRED
    assert past.response.outcome == Outcome.NO_RESPONSE


def use_smtp(settings, port: int):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False


def test_a_request_reaches_a_real_smtp_server_after_a_retry(company, article, settings):
    use_smtp(settings, free_port())  # nothing listens there yet: the job fails
    response_request = make_request(company, article, language="fr")

    tasks.send_request(response_request.pk)
    response_request.refresh_from_db()
    assert response_request.sent_at is None
    (retry,) = HUEY.read_schedule(datetime.max)

    with smtp_server() as (inbox, port):
        use_smtp(settings, port)
        HUEY.execute(retry, timestamp=retry.eta)
        (message,) = inbox.wait_for(1)
    assert sorted(inbox.recipients[0]) == ["press@meridian.example", "rights@meridian.example"]
    assert message["Content-Language"] == "fr"
    assert message["Message-ID"].startswith(f"<{retry.id}@")  # the same on every attempt
    text, html = parts(message)["text/plain"], parts(message)["text/html"]
    assert "https://rc.example.org/fr/respond/" in text
    assert "https://rc.example.org/fr/respond/" in html
    assert ResponseRequest.objects.get().sent_at is not None
