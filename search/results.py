"""A filtered, paginated result list: the shared core of topic, company and search pages.

Pages call `result_context()` (topic and company pages through the kernel's
`ResultListMixin`, which passes the page's object as the list's scope); feeds and exports call
`filter_items()` over `scoped_items()` with the same query string, so a page, its feed and
its download hold the same items in the same order. Facet counts are explained in
`search.facets`.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.db.models import F
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from companies.models import Company
from resource_centre.pagination import (
    LAST,
    CappedPaginator,
    keyset_page,
    paginate,
    token_of,
    wants_keyset,
)
from search.facets import facets, selected_values, stored_counts, submitted_facets
from search.filters import filter_items, list_query_string, too_many_filters_message
from search.fulltext import query as fulltext_query
from search.fulltext.highlight import highlight_items
from search.id_lists import IdIn
from stories.models import Item, Kind, Topic

PER_PAGE = 20
#: Numbered pages stop here (OFFSET stays cheap); "Older" and "Oldest" links go further.
NUMBERED_PAGES = 50
#: Result lists are counted this far: past it they read "10,000+" and page up to here.
COUNT_LIMIT = 10_000
EXPORT_LABELS = {
    "search:export": {"csv": gettext_lazy("Download CSV"), "json": gettext_lazy("Download JSON")},
    "search:responses_export": {
        "csv": gettext_lazy("Download company responses (CSV)"),
        "json": gettext_lazy("Download company responses (JSON)"),
    },
}
#: Filters the form carries as hidden fields (they have no control of their own).
HIDDEN_FILTERS = ["in_topic", "in_company"]
#: The filter that keeps a download to the page's scope: a topic's or a company's items.
SCOPE_FILTERS = {Topic: "in_topic", Company: "in_company"}


@dataclass(frozen=True)
class ExportLink:
    format: str
    label: str
    href: str


def filter_request(request, base_queryset, topic_tree=None):
    """`filter_items()` over the request's query string.

    Django refuses to parse a query string of more than DATA_UPLOAD_MAX_NUMBER_FIELDS
    parameters; the list then answers with an empty form and the "too many filters" error
    (and the rest of the page reads an empty query string) instead of a bare 400 page.
    """
    try:
        data = request.GET
    except TooManyFieldsSent:
        request.GET = data = QueryDict()
        filterset = filter_items(data, base_queryset, topic_tree)
        filterset.form.is_valid()
        filterset.form.add_error(None, too_many_filters_message())
        return filterset
    return filter_items(data, base_queryset, topic_tree)


def scoped_items(scope=None, topic_tree=None):
    """The published items a list of `scope` holds: a topic's (with its sub-topics), a
    company's (naming it or by it), or every item (no scope)."""
    items = Item.objects.published()
    if isinstance(scope, Topic):
        return items.on_topics([scope.pk], topic_tree)
    if isinstance(scope, Company):
        return items.for_company(scope)
    return items


def scope_filters(scope=None) -> dict[str, str]:
    """`{"in_topic": slug}` for a topic, `{"in_company": slug}` for a company, else `{}`."""
    name = SCOPE_FILTERS.get(type(scope))
    return {name: scope.slug} if name else {}


def export_links(query_string: str, scope: dict | None = None, route: str = "search:export"):
    """CSV and JSON download links for the list `query_string` (plus its page's scope)."""
    params = QueryDict(query_string, mutable=True)
    for name, value in (scope or {}).items():
        if value not in params.getlist(name):
            params.appendlist(name, value)
    encoded = params.urlencode()
    links = []
    for fmt, label in EXPORT_LABELS[route].items():
        href = reverse(route, kwargs={"fmt": fmt})
        links.append(ExportLink(fmt, str(label), f"{href}?{encoded}" if encoded else href))
    return links


def result_context(request, scope=None, per_page: int | None = None):
    """(context, status) for the filterable list of `scope`'s items (see `scoped_items`).

    The context holds `filter`, `page_obj`, `items` (each with `.highlight` when there is a
    text query), `paginator`, `is_paginated`, `query_string` (the filters and the order,
    as page links and downloads carry them), `search_query`, `newest_first` (a search's
    matches in date order: `sort=newest`), `facets`, `export_links` and
    `response_export_links`. Invalid filters give status 400 and no items; a page that is
    not a number or past the end raises Http404.
    """
    per_page = per_page or PER_PAGE
    # A topic's list needs the topic tree at once; others read it only if a topic filter or
    # live facet counts ask (ItemFilter.topic_tree).
    topic_tree = Topic.objects.tree() if isinstance(scope, Topic) else None
    filterset = filter_request(request, scoped_items(scope, topic_tree), topic_tree)
    query_string = list_query_string(request.GET)
    list_scope, scope = scope, scope_filters(scope)
    context = {
        "filter": filterset,
        "query_string": query_string,
        "search_query": "",
        "newest_first": False,
        "facets": [],
        "hidden_filters": [
            (name, value) for name in HIDDEN_FILTERS for value in request.GET.getlist(name)
        ],
        "export_links": export_links(query_string, scope),
        "response_export_links": export_links(query_string, scope, "search:responses_export"),
        "response_count": 0,
    }
    if not filterset.is_valid():
        context.update(page_obj=None, items=[], paginator=None, is_paginated=False)
        context["export_links"] = context["response_export_links"] = []
        context["facets"] = submitted_facets(filterset)
        return context, 400
    stored = stored_counts(filterset, list_scope)
    ids = filterset.qs.values_list("pk", flat=True)
    total = stored.total if stored else None
    window, counted = None, None
    if stored is None and not filterset.text_query:
        window, counted = _window(filterset.qs)
        if window is not None:
            ids = window
    if wants_keyset(request):
        # A search's matches are a bounded set (even newest first), numbered pages only:
        # a position to page from would move its window of newest matches.
        if filterset.text_query:
            raise Http404(_("There is no such page."))
        paginator = CappedPaginator(
            ids, per_page, COUNT_LIMIT, total, max_pages=NUMBERED_PAGES, counted=counted
        )
        page_obj = keyset_page(request, filterset.qs.only("pk", "published_at"), per_page)
        page_obj.paginator = paginator
    else:
        page_obj = paginate(
            request,
            ids,
            per_page,
            COUNT_LIMIT,
            known_count=total,
            max_pages=NUMBERED_PAGES,
            counted=counted,
        )
    items = page_obj.object_list = page_items(page_obj)
    text = filterset.text_query
    if text:
        highlight_items(items, text, get_language() or settings.LANGUAGE_CODE)
    context.update(
        page_obj=page_obj,
        items=items,
        paginator=page_obj.paginator,
        is_paginated=page_obj.has_other_pages(),
        page_links=page_links(page_obj, query_string, ranked=bool(text)),
        # A text query ranks the newest RANKED_MATCHES matches: the page says so when full.
        ranked_bound=_ranked_bound(text, page_obj.paginator),
        search_query=text,
        newest_first=bool(text) and filterset.is_newest_first,
        facets=facets(
            filterset,
            stored,
            list_scope,
            capped=page_obj.paginator.is_capped,
            window=window,
        ),
    )
    context["uncounted_facets"] = any(
        facet.labelled and not facet.counted for facet in context["facets"]
    )
    context["response_count"] = _response_count(filterset, context["facets"])
    return context, 200


@dataclass(frozen=True)
class PageLink:
    #: "newer" (before the current page's label) or "older" (after it).
    side: str
    label: str
    href: str
    #: "prev" or "next" for the adjacent pages, else "".
    rel: str = ""


def page_links(page_obj, query_string: str, ranked: bool = False) -> list[PageLink]:
    """The links between the pages of a result list, for `search/pagination.html`.

    Numbered pages link to the previous and next page; past the last numbered page, and on
    every page reached by position (`?before=`, `?after=`, `?page=last`), "Newer", "Older",
    "Newest" and "Oldest" go on to any depth. A ranked list (a text query) has numbered
    pages only."""

    def href(**params) -> str:
        extra = "&".join(f"{name}={value}" for name, value in params.items())
        joined = "&".join(part for part in (query_string, extra) if part)
        return f"?{joined}" if joined else "?"

    links = []
    if getattr(page_obj, "is_keyset", False):
        links.append(PageLink("newer", _("Newest"), href()))
        if page_obj.newer:
            links.append(PageLink("newer", _("Newer"), href(after=page_obj.newer), "prev"))
        if page_obj.older:
            links.append(PageLink("older", _("Older"), href(before=page_obj.older), "next"))
            links.append(PageLink("older", _("Oldest"), href(page=LAST)))
        return links
    if page_obj.has_previous():
        previous = href(page=page_obj.previous_page_number())
        links.append(PageLink("newer", _("Previous"), previous, "prev"))
    truncated = page_obj.paginator.pages_truncated and not ranked
    if page_obj.has_next():
        links.append(PageLink("older", _("Next"), href(page=page_obj.next_page_number()), "next"))
    elif truncated and page_obj.object_list:
        older = href(before=token_of(page_obj.object_list[-1]))
        links.append(PageLink("older", _("Older"), older, "next"))
    if truncated:
        links.append(PageLink("older", _("Oldest"), href(page=LAST)))
    return links


def _window(queryset) -> tuple[list[int] | None, int]:
    """(ids, counted) of a filtered, newest-first list: its ids in order when it holds at
    most COUNT_LIMIT (else None), and how many were read, COUNT_LIMIT + 1 at most.

    One query reads the ids unordered, so that it stops as soon as it has COUNT_LIMIT + 1 (as
    a capped count does); a second orders a short list's ids, from those ids alone. They
    hold its pages, its length and the results its facets count (search.facets'
    "window")."""
    ids = list(queryset.order_by().values_list("pk", flat=True)[: COUNT_LIMIT + 1])
    if len(ids) > COUNT_LIMIT:
        return None, len(ids)
    if len(ids) > 1:
        ordered = Item.objects.filter(IdIn(F("pk"), ids)).newest_first()
        ids = list(ordered.values_list("pk", flat=True))
    return ids, len(ids)


def _ranked_bound(text: str, paginator) -> int:
    """RANKED_MATCHES when a text query's list is full to its bound (there may be more
    matches, older ones), else 0."""
    bound = fulltext_query.RANKED_MATCHES
    return bound if text and paginator.count >= bound else 0


def page_items(page_obj) -> list:
    """The items of one page, in the list's order, with everything an entry shows.

    The page's ids come first, from the list's own narrow, index-ordered query (so that an
    OFFSET or a keyset bound skips ids, not rows joined to every kind's table: a "deferred
    join"); then one query reads those ids' rows with their kinds' tables. Two short
    queries cost PostgreSQL less than one: planning the joins together with the list's
    filters, order and limit took four times as long as running either."""
    ids = [getattr(row, "pk", row) for row in page_obj.object_list]
    by_pk = {item.pk: item for item in Item.objects.filter(pk__in=ids).for_entries()}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def _response_count(filterset, facet_list) -> int:
    """How many company responses the list holds, read from the kind facet (no query)."""
    selected = selected_values(filterset, "kind")
    if selected and Kind.RESPONSE not in selected:
        return 0
    for facet in facet_list:
        if facet.name == "kind":
            return sum(c.count for c in facet.choices if c.value == Kind.RESPONSE)
    return 0
