"""The request's jobs through the real queue (huey, immediate mode as in every test; the
scheduled jobs found on the queue's own schedule), and one delivery through a real SMTP
server on loopback, after a retry while the server was down."""

import datetime as dt
import socket
from contextlib import contextmanager
from datetime import datetime
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from response_requests import tasks
from response_requests.models import ResponseRequest, State
from responses.models import Outcome
from tests.response_requests.conftest import make_request

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


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (message_from_bytes(envelope.original_content, policy=policy.default), envelope)
        )
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(port):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def test_a_request_reaches_a_real_smtp_server_after_a_retry(company, article, settings):
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    response_request = make_request(company, article, language="fr")

    tasks.send_request(response_request.pk)  # nothing listens yet: the job fails
    response_request.refresh_from_db()
    assert response_request.sent_at is None
    (retry,) = HUEY.read_schedule(datetime.max)

    with smtp_server(port) as inbox:
        HUEY.execute(retry, timestamp=retry.eta)
    (message, envelope) = inbox.messages[0]
    assert len(inbox.messages) == 1
    assert sorted(envelope.rcpt_tos) == ["press@meridian.example", "rights@meridian.example"]
    assert message["Content-Language"] == "fr"
    assert message["Message-ID"].startswith(f"<{retry.id}@")  # the same on every attempt
    parts = {part.get_content_type(): part.get_content() for part in message.iter_parts()}
    assert "https://rc.example.org/fr/respond/" in parts["text/plain"]
    assert "https://rc.example.org/fr/respond/" in parts["text/html"]
    assert ResponseRequest.objects.get().sent_at is not None
