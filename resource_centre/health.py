"""Health checks for load balancers, answered through the whole middleware stack.

`/health/` says the process answers requests (liveness): it reads neither the database nor
the cache, so a database outage never makes a load balancer restart healthy web processes.
`/health/ready/` says this process can serve pages (readiness): the default database answers
`SELECT 1` and the default cache completes a set/get/delete round-trip. Each dependency is
reported as "ok" or "unavailable" (503); what went wrong is logged, never answered.

Both are language-neutral (`resource_centre/site_urls.py`), exempt from the https redirect
(`SECURE_REDIRECT_EXEMPT` in settings) because load balancers probe over plain http, and
still need a Host header from ALLOWED_HOSTS. How long a dead dependency can take is bounded
by its connection settings: `?connect_timeout=` on DATABASE_URL, `?socket_connect_timeout=`
and `?socket_timeout=` on CACHE_URL (README, "Health checks").
"""

import logging
import uuid

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.dummy import DummyCache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

OK = "ok"
UNAVAILABLE = "unavailable"
#: DummyCache (CACHE_URL=dummy://) is caching turned off on purpose, not a failure.
DISABLED = "disabled"
#: How long PostgreSQL may spend on the probe's query before giving up.
STATEMENT_TIMEOUT = "1s"
#: The probe's cache key outlives a failed delete by this many seconds, no more.
CACHE_KEY_TIMEOUT = 10


def database_status(alias: str = DEFAULT_DB_ALIAS) -> str:
    """ "ok" if the database answers `SELECT 1`, "unavailable" otherwise."""
    try:
        connection = connections[alias]
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # LOCAL: ends with this transaction, never left on a persistent connection.
                cursor.execute(f"SET LOCAL statement_timeout = '{STATEMENT_TIMEOUT}'")
            cursor.execute("SELECT 1")
            answered = cursor.fetchone()
    except Exception:
        logger.warning("Health check: database %r unavailable", alias, exc_info=True)
        return UNAVAILABLE
    return OK if answered == (1,) else UNAVAILABLE


def cache_status(alias: str = DEFAULT_CACHE_ALIAS) -> str:
    """ "ok" if the cache gives back a value just stored under a fresh key, "unavailable"
    otherwise; "disabled" for DummyCache."""
    try:
        cache = caches[alias]
        if isinstance(cache, DummyCache):
            return DISABLED
        key = f"health:{uuid.uuid4().hex}"
        value = uuid.uuid4().hex
        cache.set(key, value, timeout=CACHE_KEY_TIMEOUT)
        answered = cache.get(key)
        cache.delete(key)
    except Exception:
        logger.warning("Health check: cache %r unavailable", alias, exc_info=True)
        return UNAVAILABLE
    return OK if answered == value else UNAVAILABLE


# GET and HEAD only; csrf_exempt so that any other method is answered 405 by require_safe
# rather than 403 by the CSRF middleware (nothing here reads or writes state).
@csrf_exempt
@require_safe
@never_cache
def alive(request):
    """The process answers: 200 "ok", without touching the database or the cache."""
    return HttpResponse(OK, content_type="text/plain; charset=utf-8")


@csrf_exempt
@require_safe
@never_cache
def ready(request):
    """The database and the cache answer: 200, or 503 naming which one did not."""
    checks = {"database": database_status(), "cache": cache_status()}
    healthy = all(status != UNAVAILABLE for status in checks.values())
    return JsonResponse(checks, status=200 if healthy else 503)
