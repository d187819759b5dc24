"""A filtered, paginated result list: the shared core of topic, company and search pages.

Pages call `result_context()`; feeds and exports call `filter_items()` with the same query
string, so a page, its feed and its download hold the same items in the same order.
"""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _

from stories.filters import filter_items

PER_PAGE = 20


def filters_query_string(data: QueryDict) -> str:
    """The query string without `page`: what feeds and exports carry."""
    params = data.copy()
    params.pop("page", None)
    return params.urlencode()


def paginate(request, queryset, per_page: int = PER_PAGE):
    """The page asked for by `?page=N`; a page that is not a number or past the end is a 404."""
    paginator = Paginator(queryset, per_page)
    number = request.GET.get("page", "1")
    try:
        if len(number) > 9:
            raise PageNotAnInteger
        return paginator.page(number)
    except (PageNotAnInteger, EmptyPage, ValueError) as exc:
        raise Http404(_("There is no such page.")) from exc


def result_context(request, base_queryset, per_page: int = PER_PAGE):
    """(context, status) for a filterable list of `base_queryset` (already published())."""
    filterset = filter_items(request.GET, base_queryset)
    context = {"filter": filterset, "query_string": filters_query_string(request.GET)}
    if not filterset.is_valid():
        context.update(page_obj=None, items=[], paginator=None, is_paginated=False)
        return context, 400
    page_obj = paginate(request, filterset.qs.for_listing(), per_page)
    context.update(
        page_obj=page_obj,
        items=page_obj.object_list,
        paginator=page_obj.paginator,
        is_paginated=page_obj.has_other_pages(),
    )
    return context, 200
