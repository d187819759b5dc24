"""The site-wide search page and the downloads of any result list.

Both read the same GET filters through `search.filters.filter_items()`; a topic or
company page's download links add `in_topic=<slug>` / `in_company=<slug>` (see
`search.results.export_links`), so a download holds what its page lists.
"""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from search.exports import export_response
from search.filters import filter_query_string
from search.results import filter_request, result_context, scoped_items


def _title(query: str) -> str:
    if query:
        return _("Search results for “%(query)s”") % {"query": query}
    return _("Search")


@require_safe
def search(request):
    """`/<lang>/search/?q=...&topic=...`: every published item matching the filters."""
    context, status = result_context(request)
    context["page_title"] = _title(context["search_query"])
    return render(request, "search/search.html", context, status=status)


def _invalid(request, filterset):
    """The search page with the form and its errors, as a 400."""
    context = {
        "filter": filterset,
        "query_string": filter_query_string(request.GET),
        "search_query": "",
        "facets": [],
        "items": [],
        "page_obj": None,
        "paginator": None,
        "export_links": [],
        "response_export_links": [],
        "page_title": _("Search"),
    }
    return render(request, "search/search.html", context, status=400)


def _export(request, fmt, dataset):
    filterset = filter_request(request, scoped_items())
    if not filterset.is_valid():
        return _invalid(request, filterset)
    return export_response(request, filterset.qs, dataset, fmt)


@require_safe
def export_items(request, fmt):
    """`/<lang>/search/export.csv?...`: the filtered items as CSV or JSON."""
    return _export(request, fmt, "items")


@require_safe
def export_responses(request, fmt):
    """`/<lang>/search/responses.csv?...`: the company-response dataset, same filters."""
    return _export(request, fmt, "responses")
