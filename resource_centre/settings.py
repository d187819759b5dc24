"""Settings for Resource Centre, read from the environment.

Defaults are safe for production: DEBUG is off, a SECRET_KEY must be given, and only
the hosts in ALLOWED_HOSTS are served. `make run` sets DEBUG=true for local serving,
which also allows a throwaway key and localhost.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from jobs.config import task_queue_settings
from resource_centre.email_url import email_settings

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-only-used-with-DEBUG"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "modeltranslation",  # must come before django.contrib.admin
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "taggit",
    "django_filters",
    "django_countries",
    "django_prose_editor",
    "axes",
    "csp",  # its system checks refuse the settings django-csp < 4 read
    "reversion",  # revision history of content (the admin's History, compare, restore)
    "imagekit",  # image renditions (stories/images.py); `manage.py generateimages`
    "huey.contrib.djhuey",  # the job queue; `manage.py run_huey` is a consumer
    "jobs",  # the background-job engine (jobs/): retries, failed jobs, schedules run once
    "resource_centre",
    "desk",  # the editors' desk on the admin index (above every app in the import order)
    "companies",
    "stories",
    "responses",
    "response_requests",
    "translation_requests",  # beside responses, above stories (asks for items' translation)
    "search",
    "feeds",
    "monitoring",  # news sources polled into the editors' inbox (monitoring/)
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Above everything that answers by itself (static files, the outage page, cached pages,
    # the login lockout), so that every response carries the policies.
    "resource_centre.security_headers.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages, feeds and downloads gzipped for clients that accept it (a 65 KB topic page
    # travels as 14 KB), with Django's BREACH mitigation (random bytes in each gzip header).
    # Below WhiteNoise, which serves its own precompressed static files and answers before
    # reaching this.
    "django.middleware.gzip.GZipMiddleware",
    # Before anything that reads the database (sessions, the page cache, views): an outage
    # answers 503 with Retry-After (resource_centre/outage.py).
    "resource_centre.outage.DatabaseOutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After the URL's language is active; before the middleware that set cookies and headers
    # on the way out, so that what it stores is what they made (resource_centre/page_cache.py).
    "resource_centre.page_cache.PageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A refused method's empty 405 gets a page (resource_centre/method_not_allowed.py).
    "resource_centre.method_not_allowed.MethodNotAllowedPageMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a login refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "resource_centre.urls"
# The result-list engine behind topic and company pages (resource_centre.views.ResultListMixin):
# named here, like a backend, so that content apps never import the list app.
RESULT_LIST_BUILDER = "search.results.result_context"
# The apps whose models are public content: any write to them changes the content version
# (resource_centre/content_version.py), which keys the page cache and the feeds' validators.
CONTENT_APPS = ["resource_centre", "companies", "stories", "responses"]
WSGI_APPLICATION = "resource_centre.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "resource_centre.context_processors.site",
            ],
        },
    },
]

# Database: DATABASE_URL (PostgreSQL in production), embedded SQLite by default.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes write to one file (the site, two consumers): a write-ahead log lets
    # readers run beside the writer, and a transaction takes the write lock when it begins,
    # waiting up to `timeout` seconds for it, instead of failing at once with "database is
    # locked" when it first writes (which lost job failures and schedule claims).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: CACHE_URL=redis://127.0.0.1:6379/1 in production, local memory by default.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            # Django's Redis backend, reusing its Redis clients (resource_centre/cache.py).
            "BACKEND": "resource_centre.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "resource_centre",
        }
    }
elif CACHE_URL in ("", "locmem://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif CACHE_URL == "dummy://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
else:
    raise ImproperlyConfigured(f"Unsupported CACHE_URL scheme: {CACHE_URL!r}")
# Public pages for visitors without a session, from that cache, keyed by the content version
# (resource_centre/page_cache.py): exact however long they are kept, which only bounds the
# memory they take. 0 turns the page cache off; so does CACHE_URL=dummy://.
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))

# Login throttling (django-axes, resource_centre/login_throttle.py): failures are counted in
# the database every application server shares; after LOGIN_FAILURE_LIMIT of them that
# account, and every login from that address, is refused for LOGIN_LOCKOUT_MINUTES (the
# right password too), or until an administrator resets it (`manage.py axes_reset`).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses before any password is checked
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
# Per account and, separately, per address: guessing one account from many addresses, or
# many accounts from one address, are both stopped.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "resource_centre.login_throttle.lockout_response"
# The client's address behind the proxy: the TRUSTED_PROXY_COUNT-th address from the right
# of X-Forwarded-For (what the proxies wrote, never what the client did); 0 reads only the
# connection's address, for servers reachable without going through the proxy.
AXES_CLIENT_IP_CALLABLE = "resource_centre.login_throttle.client_ip"
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation. English is the default and the fallback language.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("pt", "Português"),
    ("ru", "Русский"),
    ("ar", "العربية"),
    ("zh-hans", "简体中文"),
    ("ja", "日本語"),
    ("ko", "한국어"),
]
LANGUAGES_BIDI = ["ar"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# Our own date formats where Django's differ from the centre's ("4 August 2020").
FORMAT_MODULE_PATH = ["resource_centre.formats"]

MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en",)}

# Static files, served by WhiteNoise with hashed names in production.
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Security: strict by default, relaxed only where DEBUG says so.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Plain http is redirected to https without DEBUG; the proxy must set X-Forwarded-Proto.
# SECURE_SSL_REDIRECT=false turns it off, e.g. where the proxy itself redirects to https.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers probe the health checks (resource_centre/health.py) over plain http: they
# are answered there, not redirected. Nothing else is exempt; Host must still be allowed.
SECURE_REDIRECT_EXEMPT = [r"^health/(ready/)?$"]
# HSTS: a year without DEBUG (none with it), for every subdomain too, and asking to be
# preloaded into browsers (hstspreload.org is a separate, deliberate submission). Where a
# subdomain still serves plain http, set SECURE_HSTS_INCLUDE_SUBDOMAINS=false (preload
# follows it, since the preload list requires subdomains).
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE_HSTS_INCLUDE_SUBDOMAINS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (resource_centre/security_headers.py): scripts,
# styles, images, fonts and requests from this origin only; no inline script, style or
# event handler; no plugins, no framing, no <base> or form posting elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Added under the admin only (README, "Security headers"). Scripts: this response's nonce,
# which the admin's form media carry, for django-prose-editor's inline import map. Styles:
# the one <style> element the editor (Tiptap) injects, by its hash; the editor needs it
# (typed spaces are kept by its white-space rule). Style attributes stay refused. A new
# django-prose-editor may change that style: tests/resource_centre/test_security_headers.py
# hashes the installed one.
PROSE_EDITOR_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"
ADMIN_CONTENT_SECURITY_POLICY_UPDATE = {
    "script-src": [NONCE],
    "style-src": [PROSE_EDITOR_STYLE_HASH],
}
# Permissions-Policy: no page of the site uses any of these browser features, so each is
# refused, to this site and to anything it might embed. Only features chromium knows (an
# unknown one is a console warning: tests/e2e/test_csp_browser.py).
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "identity-credentials-get",
        "idle-detection",
        "interest-cohort",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "otp-credentials",
        "payment",
        "picture-in-picture",
        "publickey-credentials-create",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "window-management",
        "xr-spatial-tracking",
    ]
}
# Requests with thousands of repeated parameters are refused with a 400 (Django's default
# bound). Result lists take at most 200 filter values of their own (search.filters). An admin
# page posts every language of every field, its inline rows' and the blank row "Add another"
# copies: a story with a company response posts about 200 fields, and each more response about
# 50 (tests/responses/test_admin_inline.py counts them).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# Background jobs (jobs/; README, "Background jobs"). TASK_QUEUE_URL: redis://host:port/db
# (consumers on several hosts), sqlite:///path (one host), immediate:// (tests). Unset, the
# queue is huey.sqlite3 beside db.sqlite3, with DEBUG or without: like the database's, the
# embedded default serves one machine with no other service, and a consumer there runs every
# job. Not refused in production, then, but `check --deploy` warns where the database is a
# server one and the queue was left at this default (jobs/checks.py): a second host's
# consumer would never see this one's queue.
TASK_QUEUE_URL = os.environ.get("TASK_QUEUE_URL", "")
HUEY = task_queue_settings(
    TASK_QUEUE_URL or f"sqlite:///{BASE_DIR / 'huey.sqlite3'}",
    workers=int(os.environ.get("TASK_WORKERS", "2")),
)
# Every job: JOB_RETRIES retries, the first after JOB_RETRY_DELAY seconds, each next one
# JOB_RETRY_BACKOFF times later (30 s, 60 s, 120 s); then it is kept as a failed job.
JOB_RETRIES = int(os.environ.get("JOB_RETRIES", "3"))
JOB_RETRY_DELAY = int(os.environ.get("JOB_RETRY_DELAY", "30"))
JOB_RETRY_BACKOFF = float(os.environ.get("JOB_RETRY_BACKOFF", "2"))
# The nightly housekeeping job deletes failed jobs older than this.
JOB_FAILURE_RETENTION_DAYS = int(os.environ.get("JOB_FAILURE_RETENTION_DAYS", "90"))

# E-mail (resource_centre/mail.py), sent by jobs: EMAIL_URL (resource_centre/email_url.py)
# sets EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
# EMAIL_USE_TLS, EMAIL_USE_SSL, EMAIL_TIMEOUT and EMAIL_FILE_PATH. `make run` prints messages
# on the console; without DEBUG the default is the host's own mail server on port 25.
EMAIL_URL = os.environ.get("EMAIL_URL") or ("console://" if DEBUG else "smtp://localhost:25")
globals().update(email_settings(EMAIL_URL))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Requests to companies to respond (response_requests/; README, "Company response requests").
# The site's public address, for the answer links e-mailed from jobs (no request to read):
# SITE_URL, else https:// and the first of ALLOWED_HOSTS (http://127.0.0.1:8000 with DEBUG).
SITE_URL = os.environ.get("SITE_URL") or (
    "http://127.0.0.1:8000"
    if DEBUG
    else (f"https://{ALLOWED_HOSTS[0].lstrip('.')}" if ALLOWED_HOSTS else "")
)
# A request's default deadline, in working days (Monday to Friday) from the day it is made.
RESPONSE_DEADLINE_WORKING_DAYS = int(os.environ.get("RESPONSE_DEADLINE_WORKING_DAYS", "5"))
# The reminder goes out this many working days before the deadline (once).
RESPONSE_REMINDER_WORKING_DAYS = int(os.environ.get("RESPONSE_REMINDER_WORKING_DAYS", "2"))
# The answer link keeps working this many days after the deadline (a late answer).
RESPONSE_LINK_GRACE_DAYS = int(os.environ.get("RESPONSE_LINK_GRACE_DAYS", "7"))
# The largest document a company may attach, in bytes (10 MB).
RESPONSE_ANSWER_MAX_BYTES = int(os.environ.get("RESPONSE_ANSWER_MAX_BYTES", str(10 * 1024 * 1024)))
# Where those documents are kept: outside MEDIA_ROOT, never served; editors download them.
RESPONSE_ANSWER_ROOT = Path(
    os.environ.get("RESPONSE_ANSWER_ROOT", BASE_DIR / "private" / "response_answers")
)
# The monitoring inbox (monitoring/): how news sources' feeds are read. A feed answer may take
# MONITORING_TIMEOUT_SECONDS in all, hold MONITORING_MAX_FEED_BYTES, and be redirected
# MONITORING_MAX_REDIRECTS times; a failing source waits twice as long after each failure,
# at most MONITORING_MAX_BACKOFF_HOURS.
MONITORING_TIMEOUT_SECONDS = float(os.environ.get("MONITORING_TIMEOUT_SECONDS", "15"))
MONITORING_MAX_FEED_BYTES = int(os.environ.get("MONITORING_MAX_FEED_BYTES", str(5 * 1024 * 1024)))
MONITORING_MAX_REDIRECTS = int(os.environ.get("MONITORING_MAX_REDIRECTS", "5"))
MONITORING_MAX_BACKOFF_HOURS = int(os.environ.get("MONITORING_MAX_BACKOFF_HOURS", "24"))
# Feeds are read from public addresses only, never from this network's own (loopback,
# private, link-local such as cloud metadata): true only where sources are on an intranet.
MONITORING_ALLOW_PRIVATE_ADDRESSES = env_bool("MONITORING_ALLOW_PRIVATE_ADDRESSES", False)
MONITORING_USER_AGENT = os.environ.get(
    "MONITORING_USER_AGENT", f"{os.environ.get('SITE_NAME', 'Resource Centre')} feed reader"
)  # say who reads: outlets may contact or allow-list you by it

TAGGIT_CASE_INSENSITIVE = True
COUNTRIES_FIRST = []

SITE_NAME = os.environ.get("SITE_NAME", "Resource Centre")
# The logo in the header and footer: a static path or an address (colours: static/css/brand.css).
SITE_LOGO = os.environ.get("SITE_LOGO", "img/logo.svg")
# The domain that mints feed entry ids (tag: URIs): set it to the production domain so ids
# stay the same on staging or after a move. Empty: the request's host.
FEED_TAG_AUTHORITY = os.environ.get("FEED_TAG_AUTHORITY", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # The job consumer says what it runs, once (`run_huey` adds no handler of its own then).
    "loggers": {
        "huey": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "jobs": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

PROSE_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Underline": True,
    "HardBreak": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
}
