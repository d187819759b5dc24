"""Login throttling with django-axes: what the settings name (README, "Logins").

Failed logins are counted in the database (axes' database handler), which every application
server shares, per account and per address; after `AXES_FAILURE_LIMIT` failures within
`AXES_COOLOFF_TIME`, that account, and everything from that address, is refused until the
cool-off has passed or an administrator resets it (the "Access attempts" admin, or
`manage.py axes_reset`). The right password is refused too while locked out.

This module answers the two questions axes leaves to the site: which address a request
comes from behind the proxy (`client_ip`), and what a locked-out visitor sees
(`lockout_response`).
"""

import ipaddress
import math

from django.conf import settings
from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

#: The page a locked-out login gets (status 429, Too Many Requests).
LOCKOUT_TEMPLATE = "admin/locked_out.html"


def _address(value: str) -> str | None:
    """`value` as a normalised IP address, or None if it is not one."""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The address a request comes from.

    With `TRUSTED_PROXY_COUNT` = N proxies in front, each appending the address it received
    the request from to `X-Forwarded-For`, the client is the N-th address from the right:
    the one the outermost proxy wrote. Whatever a client put in the header itself stands to
    its left and is never read, so it cannot choose the address it is counted under. Without
    the header, with fewer addresses than proxies (a request that did not pass them all), or
    with a value that is not an address, the connection's own address (`REMOTE_ADDR`).
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count <= 0 or not forwarded:
        return remote
    chain = [part for part in forwarded.split(",") if part.strip()]
    if len(chain) < count:
        return remote
    return _address(chain[-count]) or remote


def cool_off_minutes() -> int:
    """The lockout's length in whole minutes (rounded up), as the page says it."""
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_response(request, original_response=None, credentials=None):
    """The admin's "locked out" page, 429, with `Retry-After`: the lockout is per account
    and per address, so it says both, and how long it lasts."""
    context = {
        **admin.site.each_context(request),
        "title": _("Too many failed logins"),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": cool_off_minutes(),
    }
    response = TemplateResponse(request, LOCKOUT_TEMPLATE, context, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    add_never_cache_headers(response)
    response.render()
    return response
