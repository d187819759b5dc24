"""Reading a feed over HTTP, politely: a conditional GET (the ETag and Last-Modified the
outlet gave last time), a timeout on every read and on the whole answer, a size limit
checked while the body streams in, and redirects followed by us, a few at most, to http or
https addresses only. The standard library's urllib, with its own redirects turned off.

An editor types a source's address, and an outlet chooses where it redirects: neither may
make the server read its own network. Each connection is checked once made, against the
address it really reached (so a name that resolves differently the second time changes
nothing): only public addresses are read, never loopback, private, link-local (cloud
metadata) or reserved ones, unless MONITORING_ALLOW_PRIVATE_ADDRESSES says otherwise (the
tests' feed servers listen on loopback).
"""

import datetime as dt
import http.client
import ipaddress
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

from django.conf import settings
from django.utils import timezone

from monitoring.links import is_web_address

REDIRECTS = {301, 302, 303, 307, 308}
CHUNK = 64 * 1024


class FetchError(Exception):
    """The feed could not be read; the message is what the sources' admin shows."""

    def __init__(self, message: str, status: int | None = None, retry_after=None):
        super().__init__(message)
        self.status = status
        #: When the outlet asked us to come back (Retry-After), if it did.
        self.retry_after = retry_after


@dataclass
class FetchedFeed:
    url: str  # the address that answered, after any redirects
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects come back to `fetch()` as answers, to be counted and checked there."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class AddressRefused(OSError):
    """The connection reached an address feeds are not read from."""


def is_public(address: str) -> bool:
    """Whether an IP address (as a socket gives it) is on the public internet: an IPv4
    address written as IPv6 is judged as itself."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # without an IPv6 zone
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_global


def check_peer(sock) -> None:
    """Refuse (and close) a connection to anything but a public address."""
    if settings.MONITORING_ALLOW_PRIVATE_ADDRESSES:
        return
    address = sock.getpeername()[0]
    if not is_public(address):
        sock.close()
        raise AddressRefused(
            f"{address} is a local or private address; feeds are read from public ones only"
        )


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def connect(self):
        super().connect()
        check_peer(self.sock)


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    def connect(self):
        super().connect()
        check_peer(self.sock)


class _CheckedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_CheckedHTTPConnection, req)


class _CheckedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_CheckedHTTPSConnection, req, context=self._context)


_opener = urllib.request.build_opener(_NoRedirects, _CheckedHTTPHandler, _CheckedHTTPSHandler)


def retry_after(value: str | None):
    """The time a Retry-After header names (seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return timezone.now() + dt.timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when if timezone.is_aware(when) else None


def _read_body(response, url: str, deadline: float) -> bytes:
    limit = settings.MONITORING_MAX_FEED_BYTES
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(f"The feed is larger than {limit} bytes ({declared} announced).")
    chunks, size = [], 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError(f"{url} took longer than {settings.MONITORING_TIMEOUT_SECONDS} s.")
        chunk = response.read(CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise FetchError(f"The feed is larger than {limit} bytes: not read further.")
        chunks.append(chunk)


def fetch(url: str, etag: str = "", last_modified: str = "") -> FetchedFeed:
    """GET `url` as a feed reader; `FetchError` for anything but a feed's body or a 304."""
    timeout = settings.MONITORING_TIMEOUT_SECONDS
    deadline = time.monotonic() + timeout
    headers = {
        "User-Agent": settings.MONITORING_USER_AGENT,
        "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
        "text/xml;q=0.9, */*;q=0.1",
        "Accept-Encoding": "identity",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    seen = [url]
    while True:
        if not is_web_address(url):
            raise FetchError(f"Not an http or https address: {url}")
        request = urllib.request.Request(url, headers=headers)
        try:
            with _opener.open(request, timeout=timeout) as response:
                body = _read_body(response, url, deadline)
                return FetchedFeed(url, response.status, body, _lower(response.headers))
        except urllib.error.HTTPError as answer:
            with answer:
                status = answer.code
                if status == 304:
                    return FetchedFeed(url, 304, b"", _lower(answer.headers))
                location = answer.headers.get("Location")
                if status not in REDIRECTS or not location:
                    raise FetchError(
                        f"{url} answered {status} {answer.reason}.",
                        status=status,
                        retry_after=retry_after(answer.headers.get("Retry-After")),
                    ) from None
            url = urljoin(url, location)
            if len(seen) > settings.MONITORING_MAX_REDIRECTS or url in seen:
                raise FetchError(
                    f"Too many redirects (or a loop): {' → '.join([*seen, url])}", status=status
                ) from None
            seen.append(url)
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            raise FetchError(f"{url} could not be read: {reason}") from None


def _lower(headers) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}
