"""E-mail: templated text and HTML in the reader's language, sent by a job, delivered by SMTP."""

from datetime import datetime

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format
from huey.contrib.djhuey import HUEY

from jobs.models import FailedJob
from resource_centre.mail import compose
from resource_centre.tasks import send_email
from tests.smtp import free_port, parts, smtp_server


@pytest.fixture(autouse=True)
def empty_queue():
    HUEY.flush()
    yield
    HUEY.flush()


def today_in(language: str) -> str:
    with translation.override(language):
        return date_format(timezone.localdate(), "DATE_FORMAT")


def use_smtp(settings, port: int):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5


def test_a_message_is_rendered_whole_in_the_language_asked_for():
    message = compose("test_message", ["reader@example.org"], {}, "fr")
    assert message.extra_headers["Content-Language"] == "fr"
    assert today_in("fr") in message.body  # "2 décembre 2026": Django's French month names
    html, content_type = message.alternatives[0]
    assert content_type == "text/html"
    assert '<html lang="fr" dir="ltr">' in html
    assert today_in("fr") in html
    assert translation.get_language() == "en"  # the caller's language is left as it was


def test_a_right_to_left_language_gets_an_rtl_html_part():
    html, _type = compose("test_message", ["reader@example.org"], {}, "ar").alternatives[0]
    assert '<html lang="ar" dir="rtl">' in html


def test_plain_text_is_not_html_escaped(settings):
    settings.SITE_NAME = "Rights & Business <Centre>"
    message = compose("test_message", ["reader@example.org"], {}, "en")
    assert message.subject == "Test message from Rights & Business <Centre>"
    assert "sent by Rights & Business <Centre> on" in message.body
    assert "Rights &amp; Business &lt;Centre&gt;" in message.alternatives[0][0]


def test_only_site_languages_are_accepted():
    with pytest.raises(ValueError, match="Not a site language"):
        compose("test_message", ["reader@example.org"], {}, "xx")


def test_the_send_email_job_sends_it_with_a_message_id_kept_across_retries(db):
    result = send_email("test_message", ["reader@example.org"], {}, "de")
    (message,) = mail.outbox
    assert message.to == ["reader@example.org"]
    assert message.extra_headers["Message-ID"].startswith(f"<{result.id}@")


def test_a_job_delivers_through_a_real_smtp_server(db, settings):
    settings.DEFAULT_FROM_EMAIL = "Resource Centre <newsroom@example.org>"
    with smtp_server() as (inbox, port):
        use_smtp(settings, port)
        send_email("test_message", ["Reader <reader@example.org>"], {}, "fr")
        (message,) = inbox.wait_for(1)

    assert inbox.recipients == [["reader@example.org"]]
    assert message["From"] == "Resource Centre <newsroom@example.org>"
    assert message["To"] == "Reader <reader@example.org>"
    assert message["Subject"] == "Message de test de Resource Centre"  # in French
    assert message["Content-Language"] == "fr"
    assert message.get_content_type() == "multipart/alternative"
    body = parts(message)
    assert set(body) == {"text/plain", "text/html"}
    assert f"le {today_in('fr')} pour vérifier" in body["text/plain"]
    assert '<html lang="fr" dir="ltr">' in body["text/html"]
    assert f"le {today_in('fr')} pour vérifier" in body["text/html"]


def test_a_mail_server_that_does_not_answer_is_retried_not_lost(db, settings):
    use_smtp(settings, free_port())  # nothing listens there
    send_email("test_message", ["reader@example.org"], {}, "en")
    (retry,) = HUEY.read_schedule(datetime.max)
    assert HUEY.task_name(retry) == "resource_centre.tasks.send_email"
    assert retry.args == ("test_message", ["reader@example.org"], {}, "en")
    assert not FailedJob.objects.exists()  # not yet: retries remain
