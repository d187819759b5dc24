"""Conditional GET for feeds: validators computed from the published set at request time.

Nothing is stored: a scheduled item becoming public changes the set without any write, so
the ETag and Last-Modified are derived on each request from the rows the feed would hold
(pk, published_at, updated_at, in feed order), fetched by one narrow query before anything
else: a reader whose copy is current gets a 304 for that query alone.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.utils.cache import patch_cache_control
from django.utils.http import http_date, parse_etags, parse_http_date_safe

# Bump when the feed's XML changes shape, so readers holding old ETags refetch.
FEED_FORMAT_VERSION = "1"
MAX_AGE = 300


@dataclass(frozen=True)
class Validators:
    digest: str
    last_modified: dt.datetime

    @property
    def etag(self) -> str:
        return f'W/"{self.digest}"'

    @property
    def timestamp(self) -> int:
        return int(self.last_modified.timestamp())


def feed_validators(key, rows, empty_date: dt.datetime) -> Validators:
    """Validators of a feed identified by `key` (format, language, URL, ...) holding `rows`.

    `rows` are (pk, published_at, updated_at) in feed order. The ETag changes whenever an
    item enters, leaves, moves or is edited; Last-Modified is the newest item's date.
    """
    digest = hashlib.sha256(FEED_FORMAT_VERSION.encode())
    digest.update(repr(key).encode())
    newest = None
    for pk, published_at, updated_at in rows:
        changed = max(published_at, updated_at)
        newest = changed if newest is None else max(newest, changed)
        digest.update(f"|{pk}:{published_at.isoformat()}:{updated_at.isoformat()}".encode())
    last_modified = (newest or empty_date).astimezone(dt.UTC).replace(microsecond=0)
    return Validators(digest=digest.hexdigest()[:40], last_modified=last_modified)


def _bare(etag: str) -> str:
    return etag.removeprefix("W/")


def is_not_modified(request, validators: Validators) -> bool:
    """True when the reader's copy is current (RFC 9110 13.2.2, weak comparison).

    If-None-Match wins over If-Modified-Since. If-Modified-Since alone is honoured only
    when it is exactly the Last-Modified we would send: a date that moved backwards means
    the newest item was withdrawn, and that reader must not be told nothing changed.
    """
    if_none_match = parse_etags(request.META.get("HTTP_IF_NONE_MATCH", ""))
    if if_none_match:
        return "*" in if_none_match or _bare(validators.etag) in map(_bare, if_none_match)
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    return since is not None and since == validators.timestamp


def set_validators(response, validators: Validators):
    """ETag, Last-Modified and Cache-Control, on a 200 and on a 304 alike."""
    response.headers["ETag"] = validators.etag
    response.headers["Last-Modified"] = http_date(validators.timestamp)
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response
