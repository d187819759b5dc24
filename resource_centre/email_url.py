"""EMAIL_URL → Django's EMAIL_* settings.

    smtp://user:password@host:25       plain SMTP (port 25 by default)
    smtp+tls://user:password@host:587  SMTP upgraded with STARTTLS (587 by default)
    smtps://user:password@host:465     SMTP over TLS from the first byte (465 by default)
    console://                         messages printed on standard output (`make run`)
    file:///path/to/directory          one file per message in that directory
    locmem://                          kept in django.core.mail.outbox (tests)

User and password are percent-decoded (`p%40ss` is `p@ss`). `?timeout=SECONDS` bounds each
SMTP connection (default 30: Django's own default waits forever on a server that never
answers, holding a job worker with it).

A dozen lines of our own rather than dj-email-url, whose last release (1.0.6) was in 2022,
or django-environ, which would bring a second way of reading every other setting.
"""

from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
#: scheme → (default port, STARTTLS, implicit TLS)
SMTP_SCHEMES = {
    "smtp": (25, False, False),
    "smtp+tls": (587, True, False),
    "smtps": (465, False, True),
}
OTHER_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
DEFAULT_TIMEOUT = 30


def email_settings(url: str) -> dict:
    """Django's EMAIL_* settings for `url`; ImproperlyConfigured for anything else."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    query = parse_qs(parts.query)
    config = {
        "EMAIL_HOST": "localhost",
        "EMAIL_PORT": 25,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": DEFAULT_TIMEOUT,
    }
    if scheme in SMTP_SCHEMES:
        default_port, starttls, implicit_tls = SMTP_SCHEMES[scheme]
        try:
            port = parts.port or default_port
            timeout = int(query.get("timeout", [DEFAULT_TIMEOUT])[-1])
        except ValueError as error:
            raise ImproperlyConfigured(f"EMAIL_URL: {error}") from None
        if not parts.hostname:
            raise ImproperlyConfigured("EMAIL_URL: an SMTP address needs a host")
        config.update(
            EMAIL_BACKEND=SMTP_BACKEND,
            EMAIL_HOST=parts.hostname,
            EMAIL_PORT=port,
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_TLS=starttls,
            EMAIL_USE_SSL=implicit_tls,
            EMAIL_TIMEOUT=timeout,
        )
    elif scheme in OTHER_BACKENDS:
        config["EMAIL_BACKEND"] = OTHER_BACKENDS[scheme]
        if scheme == "file":
            if not parts.path or parts.netloc:
                raise ImproperlyConfigured("EMAIL_URL: use file:///path/to/directory")
            config["EMAIL_FILE_PATH"] = unquote(parts.path)
    else:
        raise ImproperlyConfigured(
            f"Unsupported EMAIL_URL scheme {parts.scheme!r}: use smtp://, smtp+tls://, "
            "smtps://, console://, file:/// or locmem://"
        )
    return config
