"""EMAIL_URL → Django's EMAIL_* settings (resource_centre/email_url.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from resource_centre.email_url import email_settings


def test_smtp_with_credentials_decodes_them_and_uses_port_25():
    config = email_settings("smtp://mailer:p%40ss%2Fword@mail.example.org")
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (config["EMAIL_HOST"], config["EMAIL_PORT"]) == ("mail.example.org", 25)
    assert (config["EMAIL_HOST_USER"], config["EMAIL_HOST_PASSWORD"]) == ("mailer", "p@ss/word")
    assert (config["EMAIL_USE_TLS"], config["EMAIL_USE_SSL"]) == (False, False)
    assert config["EMAIL_TIMEOUT"] == 30


@pytest.mark.parametrize(
    ("url", "port", "starttls", "implicit_tls"),
    [
        ("smtp+tls://u:p@mail.example.org", 587, True, False),
        ("smtps://u:p@mail.example.org", 465, False, True),
        ("smtps://u:p@mail.example.org:2465", 2465, False, True),
        ("smtp://mail.example.org:2525", 2525, False, False),
    ],
)
def test_tls_schemes_choose_starttls_or_implicit_tls_and_their_ports(
    url, port, starttls, implicit_tls
):
    config = email_settings(url)
    assert config["EMAIL_PORT"] == port
    assert (config["EMAIL_USE_TLS"], config["EMAIL_USE_SSL"]) == (starttls, implicit_tls)


def test_the_timeout_comes_from_the_query():
    assert email_settings("smtp://mail.example.org?timeout=5")["EMAIL_TIMEOUT"] == 5


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("console://", "django.core.mail.backends.console.EmailBackend"),
        ("locmem://", "django.core.mail.backends.locmem.EmailBackend"),
        ("file:///var/spool/site-mail", "django.core.mail.backends.filebased.EmailBackend"),
    ],
)
def test_local_backends(url, backend):
    assert email_settings(url)["EMAIL_BACKEND"] == backend


def test_file_backend_writes_into_the_path():
    assert (
        email_settings("file:///var/spool/site-mail")["EMAIL_FILE_PATH"] == "/var/spool/site-mail"
    )


@pytest.mark.parametrize(
    "url",
    [
        "",
        "smtp.example.org",
        "http://mail.example.org",
        "smtp://",
        "smtp://mail.example.org:notaport",
        "smtp://mail.example.org?timeout=soon",
        "file://",
        "file://relative/dir",
    ],
)
def test_anything_else_refuses_to_start(url):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        email_settings(url)
