"""Conditional GET for feeds: validators from the content version, checked before anything
else is read.

A feed's document is decided by the public content and the feed's address (format, language,
host, path and query string). The content version (`resource_centre.content_version`) changes
whenever public content may have changed, a scheduled item's time passing included, so the
ETag is a digest of the version's token and the feed's key, and Last-Modified is when the
content last changed. A reader whose copy is current gets its 304 for the one single-row
query that reads the version: no topic, no filter, no item is read.

The ETag changes with any public change, not only the feed's own items: a reader then fetches
an unchanged document once more, the price of knowing without reading the items.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.http import HttpResponseNotModified
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, parse_etags, parse_http_date_safe

from resource_centre import content_version
from resource_centre.i18n import normalise_language

# Bump when the feed's XML changes shape, so readers holding old ETags refetch.
FEED_FORMAT_VERSION = "2"
MAX_AGE = 300


@dataclass(frozen=True)
class Validators:
    digest: str
    #: None while the version is dated ahead of the clock (content_version.Version): then
    #: only the ETag is sent.
    last_modified: dt.datetime | None
    #: False when the version must not validate anything (content_version.Version.settled).
    usable: bool = True

    @property
    def etag(self) -> str:
        return f'W/"{self.digest}"'

    @property
    def timestamp(self) -> int | None:
        return int(self.last_modified.timestamp()) if self.last_modified else None


def feed_key(request, fmt: str) -> tuple:
    """What, besides the content, decides a feed's document: its format and language, its
    address (host, path, query string) and the site-wide settings it prints."""
    language = normalise_language(translation.get_language())
    return (
        fmt,
        language,
        request.build_absolute_uri(),
        settings.SITE_NAME,
        getattr(settings, "FEED_TAG_AUTHORITY", ""),
    )


def feed_validators(key, version: content_version.Version, now=None) -> Validators:
    """Validators of the feed `key` as of the content `version`."""
    digest = hashlib.sha256(FEED_FORMAT_VERSION.encode())
    digest.update(repr(key).encode())
    digest.update(f"|{version.token}".encode())
    return Validators(
        digest=digest.hexdigest()[:40],
        last_modified=version.last_modified(now),
        usable=version.settled,
    )


def _bare(etag: str) -> str:
    return etag.removeprefix("W/")


def is_not_modified(request, validators: Validators, exists: bool = True) -> bool:
    """True when the reader's copy is current (RFC 9110 13.2.2, weak comparison).

    If-None-Match wins over If-Modified-Since; its `*` matches only a feed known to `exist`.
    If-Modified-Since alone is honoured only when it is exactly the Last-Modified we would
    send: any other date was sent for other content (a withdrawn item, an earlier version),
    and that reader must not be told nothing changed.
    """
    if not validators.usable:
        return False
    if_none_match = parse_etags(request.META.get("HTTP_IF_NONE_MATCH", ""))
    if if_none_match:
        return (exists and "*" in if_none_match) or _bare(validators.etag) in map(
            _bare, if_none_match
        )
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    return since is not None and since == validators.timestamp


def set_validators(response, validators: Validators):
    """ETag, Last-Modified (when there is one) and Cache-Control, on a 200 and a 304 alike."""
    response.headers["ETag"] = validators.etag
    if validators.last_modified is not None:
        response.headers["Last-Modified"] = http_date(validators.timestamp)
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


def conditional_feed(view):
    """A feed view answering 304 from the content version alone, before the view reads
    anything; its 200s carry the same validators."""

    @wraps(view)
    def answer(request, *args, fmt, **kwargs):
        validators = feed_validators(feed_key(request, fmt), content_version.for_request(request))
        if is_not_modified(request, validators, exists=False):
            return set_validators(HttpResponseNotModified(), validators)
        response = view(request, *args, fmt=fmt, **kwargs)
        if response.status_code != 200:
            return response
        if is_not_modified(request, validators):  # `If-None-Match: *`, now known to exist
            response = HttpResponseNotModified()
        return set_validators(response, validators)

    return answer
