"""Whole public pages from the shared cache, for visitors without a session.

A page is stored under a key made of the content version's token
(`resource_centre.content_version`), the code release, the page's full address (scheme,
host, path, query string, hence its language) and whether the visitor hid the current site
message. Any write to public content, or a scheduled publication time passing, gives a new
token, so the next request of every page misses and renders afresh: there is no list of
pages to invalidate, and old entries simply expire (`PAGE_CACHE_SECONDS`).

What is never served from the cache nor stored in it:

- anything but GET and HEAD (HEAD is answered from the GET page, never stored), addresses
  without a language prefix (the admin, health checks, sitemaps, robots.txt);
- requests with a session cookie (editors: they may see previews and their own messages),
  with a messages cookie, or with an Authorization header;
- responses other than 200, streamed ones (downloads), ones that set a cookie (a CSRF
  token, a session, messages) or say `private`, `no-store` or `no-cache`, or `Vary: *`;
- anything while the content version is not settled (a scheduled time has passed and a
  writer still holds the version's row).

Conditional requests (If-None-Match, If-Modified-Since) go to the view, which answers 304s
itself (feeds do, from the version alone); their 200s are stored like any other.

The middleware sits after LocaleMiddleware (the URL's language is active, and its
Content-Language and Vary are added to every answer, cached or not) and before the
middleware that set cookies and headers on the way out (CSRF, messages, X-Frame-Options):
what it stores is what they produced, and a cookie they set keeps the page out of the cache.
If the cache fails, pages are served uncached and the failure is logged; the cache is then
left alone for `RETRY_SECONDS`, so an outage does not slow every request by its timeout.
"""

import functools
import hashlib
import logging
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.http import HttpResponse
from django.utils.cache import cc_delim_re
from django.utils.translation import get_language_from_path

from resource_centre import content_version
from resource_centre.context_processors import HIDDEN_MESSAGE_COOKIE
from resource_centre.models import SiteMessage

logger = logging.getLogger(__name__)

#: After a cache error, requests skip the cache this long.
RETRY_SECONDS = 5.0
#: The files whose content is part of the release (what renders a page).
RELEASE_SUFFIXES = {".py", ".html", ".txt", ".xml", ".mo"}
UNCACHEABLE_CONTROLS = {"private", "no-store", "no-cache"}


@functools.cache
def release() -> str:
    """A digest of the project's code, templates and translations, the static manifest and
    the site's name: a new release never serves a page the previous one rendered (with the
    previous hashed static file names), even on hosts sharing the cache."""
    digest = hashlib.sha256(settings.SITE_NAME.encode())
    base = Path(settings.BASE_DIR)
    roots = [Path(app.path) for app in apps.get_app_configs() if Path(app.path).parent == base]
    roots += [Path(d) for template in settings.TEMPLATES for d in template.get("DIRS", ())]
    roots += [Path(path) for path in settings.LOCALE_PATHS]
    files = {f for root in roots for f in root.rglob("*") if f.suffix in RELEASE_SUFFIXES}
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    for path in sorted(files | {manifest}):
        if path.is_file():
            digest.update(
                str(path.relative_to(base) if path.is_relative_to(base) else path).encode()
            )
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


_current_message: dict[str, str] = {}


def message_hidden(request, version: content_version.Version) -> bool:
    """Whether this visitor hid the current site message (the page then has no banner):
    the message is looked up once per content version and process."""
    hidden = request.COOKIES.get(HIDDEN_MESSAGE_COOKIE)
    if not hidden:
        return False
    if version.token not in _current_message:
        message = SiteMessage.objects.current()
        _current_message.clear()
        _current_message[version.token] = message.version if message else ""
    return hidden == _current_message[version.token]


def page_key(request, version: content_version.Version) -> str:
    address = request.build_absolute_uri()
    hidden = "hidden" if message_hidden(request, version) else "shown"
    digest = hashlib.sha256(f"{release()}|{address}|{hidden}".encode()).hexdigest()[:40]
    return f"page:{version.token}:{digest}"


def cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and get_language_from_path(request.path_info) is not None
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def is_conditional(request) -> bool:
    return "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META


def storable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    controls = {
        part.split("=", 1)[0].strip().lower()
        for part in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    if controls & UNCACHEABLE_CONTROLS:
        return False
    if "*" in response.get("Vary", ""):
        return False
    session = getattr(request, "session", None)
    return session is None or not session.modified


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.seconds = settings.PAGE_CACHE_SECONDS
        self.retry_at = 0.0

    def cache(self):
        if self.seconds <= 0 or time.monotonic() < self.retry_at:
            return None
        cache = caches[settings.PAGE_CACHE_ALIAS]
        return None if isinstance(cache, DummyCache) else cache

    def failed(self, action: str):
        logger.warning(
            "Page cache unavailable (%s): serving uncached for %s s",
            action,
            RETRY_SECONDS,
            exc_info=True,
        )
        self.retry_at = time.monotonic() + RETRY_SECONDS

    def __call__(self, request):
        cache = self.cache() if cacheable_request(request) else None
        if cache is None:
            return self.get_response(request)
        version = content_version.for_request(request)
        if not version.settled:
            return self.get_response(request)
        key = page_key(request, version)
        if not is_conditional(request):
            try:
                stored = cache.get(key)
            except Exception:
                self.failed("read")
                return self.get_response(request)
            if stored is not None:
                return self.replay(stored)
        response = self.get_response(request)
        if request.method == "GET" and storable(request, response):
            stored = (response.status_code, list(response.items()), response.content)
            try:
                cache.set(key, stored, self.seconds)
            except Exception:
                self.failed("write")
        return response

    @staticmethod
    def replay(stored) -> HttpResponse:
        status, headers, content = stored
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response.headers[name] = value
        return response
