"""RSS and Atom feeds of the latest items, a topic, a company, and any result list.

Each feed starts from the same published() queryset as its page and goes through the same
`filter_items()`, so "Get RSS feed of these results" holds exactly the items of the list,
newest first (a search's matches too, whatever order its page shows: a new match is what a
feed reader is for). The language is the URL's (`/fr/feeds/...` is in French).
"""

import re

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from companies.models import Company
from feeds.conditional import conditional_feed
from feeds.syndication import CONTENT_TYPES, EPOCH, FeedInfo, build_feed
from resource_centre.i18n import localized, normalise_language
from search.filters import filter_items, filter_params
from search.results import scoped_items
from stories.models import Item, Topic

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
LIMIT_PATTERN = re.compile(r"[0-9]{1,3}")
DESCRIPTION_WORDS = 40


class BadFeedRequest(Exception):
    pass


def feed_limit(request) -> int:
    """`?limit=` (1 to 200), 50 when absent; anything else is a bad request."""
    values = request.GET.getlist("limit")
    if not values:
        return DEFAULT_LIMIT
    value = values[-1]
    if len(values) > 1 or not LIMIT_PATTERN.fullmatch(value) or not 1 <= int(value) <= MAX_LIMIT:
        raise BadFeedRequest(
            gettext("limit must be a whole number from 1 to %(max)s.") % {"max": MAX_LIMIT}
        )
    return int(value)


def filter_errors(filterset) -> str:
    messages = [
        str(errors[0]) if field == NON_FIELD_ERRORS else f"{field}: {errors[0]}"
        for field, errors in filterset.errors.items()
    ]
    return gettext("Invalid filter.") + " " + " ".join(messages)


def bad_request(message: str):
    return HttpResponseBadRequest(message + "\n", content_type="text/plain; charset=utf-8")


def feed_items(queryset, limit):
    """The list's first `limit` items with what an entry shows: each kind's fields, public
    topics and tags (`for_listing()`), in a constant number of queries.

    The ids come first, from the list's own query walking the newest-first index, then the
    rows by primary key: the list's filters and every kind's table in one query took
    PostgreSQL longer to plan than to run (18 ms against 1 ms for a topic's feed)."""
    ids = list(queryset.values_list("pk", flat=True)[:limit])
    rows = Item.objects.published().filter(pk__in=ids).for_listing()
    by_pk = {item.pk: item for item in rows}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def serve_feed(
    request,
    fmt,
    scope=None,
    *,
    title,
    description,
    page_path,
    mark_filtered=True,
):
    """The feed of `scope`'s list (a topic's, a company's, every item) filtered by the query
    string, or a 400. Its validators are set by `conditional_feed`, which answered any 304
    before the view read anything."""
    try:
        limit = feed_limit(request)
    except BadFeedRequest as exc:
        return bad_request(str(exc))
    data = filter_params(request.GET)
    filterset = filter_items(data, scoped_items(scope), newest=True)
    if not filterset.is_valid():
        return bad_request(filter_errors(filterset))

    language = normalise_language(translation.get_language())
    empty_date = scope.updated_at if scope is not None else EPOCH
    items = feed_items(filterset.qs, limit)
    if data and mark_filtered:
        title = gettext("%(title)s (filtered)") % {"title": title}
    query = data.urlencode()
    info = FeedInfo(
        title=f"{settings.SITE_NAME}: {title}",
        description=description,
        page_url=request.build_absolute_uri(f"{page_path}?{query}" if query else page_path),
        self_url=request.build_absolute_uri(),
        language=language,
        empty_date=empty_date,
    )
    response = HttpResponse(build_feed(fmt, info, items, request), content_type=CONTENT_TYPES[fmt])
    response.headers["Content-Language"] = language
    return response


def plain_description(text: str) -> str:
    return Truncator(strip_tags(text or "")).words(DESCRIPTION_WORDS)


@require_safe
@conditional_feed
def latest_feed(request, fmt):
    return serve_feed(
        request,
        fmt,
        title=gettext("Latest news"),
        description=gettext("The latest items published by %(site)s.")
        % {"site": settings.SITE_NAME},
        page_path=reverse("home"),
    )


@require_safe
@conditional_feed
def topic_feed(request, slug, fmt):
    topic = get_object_or_404(Topic.objects.published(), slug=slug)
    name = localized(topic, "title").text
    summary = localized(topic, "summary").text or localized(topic, "intro").text
    return serve_feed(
        request,
        fmt,
        topic,
        title=name,
        description=plain_description(summary)
        or gettext("Items on %(topic)s, newest first.") % {"topic": name},
        page_path=topic.get_absolute_url(),
    )


@require_safe
@conditional_feed
def company_feed(request, slug, fmt):
    company = get_object_or_404(Company.objects.published(), slug=slug)
    return serve_feed(
        request,
        fmt,
        company,
        title=company.name,
        description=gettext("Items about %(company)s and its responses, newest first.")
        % {"company": company.name},
        page_path=company.get_absolute_url(),
    )


@require_safe
@conditional_feed
def search_feed(request, fmt):
    query = request.GET.get("q", "").strip()
    title = gettext("Search results")
    if query:
        title = gettext("Search results for “%(query)s”") % {"query": query}
    return serve_feed(
        request,
        fmt,
        title=title,
        description=gettext("Items matching a search on %(site)s, newest first.")
        % {"site": settings.SITE_NAME},
        page_path=reverse("search:results"),
        mark_filtered=False,
    )
