"""A database outage answers 503 "briefly unavailable", not the 500 page.

When PostgreSQL cannot be reached (a restart, a failover, a network cut), every request
that needs it raises `OperationalError` or `InterfaceError` somewhere: in a view, a context
processor, the session or the page cache's content-version read. This middleware, near the
top of the stack, turns those into a 503 with `Retry-After`, rendered with no database and
no context processor (`templates/503.html`), never cached. Django's connection handling
already reconnects on the next request once the database is back; the health check
(`/health/ready/`) reports the same outage to the load balancer.

The middleware sees a view's exception (`process_exception`), but not one raised by a
middleware inside it: Django turns that into a response at each middleware's boundary
(`convert_exception_to_response`), through the project's `handler500`. With the page cache
on, the content version it reads is the first query of every public page, so an outage
surfaced there; `server_error` below, the project's `handler500`, answers it with the same
503 (found by the soak test, `bench/soak.py`: every page was a 500 while the database was
cut, since the test settings keep the page cache off).
"""

import logging
import sys

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views import defaults

logger = logging.getLogger(__name__)

#: Seconds a client is asked to wait before trying again.
RETRY_AFTER = 30
OUTAGE_ERRORS = (OperationalError, InterfaceError)


def outage_response() -> HttpResponse:
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    add_never_cache_headers(response)
    return response


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except OUTAGE_ERRORS:
            return self._unavailable(request)

    def process_exception(self, request, exception):
        """A view's own database error (Django turns it into a response before __call__
        sees it)."""
        if isinstance(exception, OUTAGE_ERRORS):
            return self._unavailable(request)
        return None

    @staticmethod
    def _unavailable(request):
        logger.error("Database unavailable: %s answered 503", request.path, exc_info=True)
        return unavailable()


def unavailable() -> HttpResponse:
    # Drop the broken connection now, so the next request opens a new one whatever
    # else runs between requests (Django also does at each request's start and end).
    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()
    return outage_response()


def server_error(request):
    """The project's handler500: a database outage raised anywhere outside a view (the page
    cache's content version, the session, the login throttle) is the 503 page, anything
    else Django's 500 page. Django has logged the exception already ("Service Unavailable")."""
    if isinstance(sys.exc_info()[1], OUTAGE_ERRORS):
        return unavailable()
    return defaults.server_error(request)
